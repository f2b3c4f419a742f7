"""ECS Task State Change events, which AWS sends to EventBridge for every task that starts or
stops and moto never emits (the team's aws-facts, "ECS events").

When RunTask or StopTask succeeds, whoever called it, the gate builds the event from the task as
ECS answered (the detail is the task's DescribeTasks shape with RFC 3339 times, tags left out as
in real events) and hands it to each registered target whose function's EventBridge rule in
`infra/template.yaml` matches it, matched by moto's own EventBridge pattern matcher. Delivery is
asynchronous and a moment later, as EventBridge's is; the harness invokes the function with it.
"""

import datetime
import json
import threading
import urllib.request
import uuid

from moto.events.models import EventPattern

from .policies import FUNCTIONS

DELIVERY_DELAY_SECONDS = 0.2
_TIMES = ("createdAt", "startedAt", "stoppedAt", "stoppingAt", "pullStartedAt", "pullStoppedAt",
          "connectivityAt", "executionStoppedAt")


class Targets:
    def __init__(self):
        self.lock = threading.Lock()
        self.targets = []

    def register(self, template, function, url):
        """Delivers to `url` what the function's EventBridge rules in `template` match."""
        events = template["Resources"][FUNCTIONS[function]]["Properties"].get("Events", {})
        patterns = [
            EventPattern.load(json.dumps(e["Properties"]["Pattern"]))
            for e in events.values()
            if e["Type"] == "EventBridgeRule" and "EventBusName" not in e["Properties"]
        ]
        with self.lock:
            self.targets.append((patterns, url))

    def after(self, call, account, status, body):
        if status >= 300 or call.service != "ecs":
            return
        if call.operation == "RunTask":
            tasks = json.loads(body).get("tasks", [])
        elif call.operation == "StopTask":
            tasks = [json.loads(body)["task"]]
        else:
            return
        for task in tasks:
            self._publish(_event(task, account, call.region))

    def _publish(self, event):
        with self.lock:
            urls = [url for patterns, url in self.targets if any(p.matches_event(event) for p in patterns)]
        for url in urls:
            timer = threading.Timer(DELIVERY_DELAY_SECONDS, _deliver, (url, event))
            timer.daemon = True
            timer.start()


def _event(task, account, region):
    detail = {k: v for k, v in task.items() if k != "tags"}
    for key in _TIMES:
        if isinstance(detail.get(key), (int, float)):
            detail[key] = _rfc3339(detail[key])
    detail.setdefault("version", 1)
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "ECS Task State Change",
        "source": "aws.ecs",
        "account": account,
        "time": _rfc3339(datetime.datetime.now(datetime.timezone.utc).timestamp()),
        "region": region,
        "resources": [task["taskArn"]],
        "detail": detail,
    }


def _rfc3339(seconds):
    moment = datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _deliver(url, event):
    request = urllib.request.Request(
        url, data=json.dumps(event).encode(), headers={"Content-Type": "application/json"}
    )
    try:
        urllib.request.urlopen(request, timeout=30).read()
    except OSError:
        pass  # the test is over, or its target gone: EventBridge would retry, then drop it
