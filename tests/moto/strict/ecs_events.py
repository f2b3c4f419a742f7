"""ECS Task State Change events, which AWS sends to EventBridge for every task that starts or
stops and moto never emits (the team's aws-facts, "ECS events").

When RunTask or StopTask succeeds, whoever called it, the gate builds the events from the task as
ECS answered (the detail is the task's DescribeTasks shape with RFC 3339 times, tags left out as
in real events) and hands each to every target registered for the task's account and Region
whose function's EventBridge rule in its template (`infra/template.yaml`, or `infra/spoke.yaml`
for a spoke's) matches it, matched by moto's own EventBridge pattern matcher: ECS sends a task's
events to the default bus of its own account and Region only. Delivery is asynchronous and a
moment later, as EventBridge's is; the harness invokes the function with it.

- RunTask: one event per task, as RunTask answered it (RUNNING).
- StopTask of a task not yet stopped: first the stop as ECS reports it at once (`lastStatus` the
  status it was stopped from, `desiredStatus` STOPPED, `stopCode`, `stoppedReason`, `stoppingAt`),
  then, `STOPPED_AFTER_SECONDS` later, the task STOPPED (`stoppedAt`, containers STOPPED). A
  StopTask of a task already stopped changes nothing and sends nothing. The task's tags are
  deleted by the StopTask itself (moto_server.py), before either event is delivered.
Each target gets a task's events in order: the next is sent once the one before was answered.
"""

import datetime
import json
import threading
import time
import urllib.request
import uuid

from moto.ecs.models import ecs_backends
from moto.events.models import EventPattern

from .policies import FUNCTIONS

DELIVERY_DELAY_SECONDS = 0.2
STOPPED_AFTER_SECONDS = 0.5
_TIMES = ("createdAt", "startedAt", "stoppedAt", "stoppingAt", "pullStartedAt", "pullStoppedAt",
          "connectivityAt", "executionStoppedAt")


class Targets:
    def __init__(self):
        self.lock = threading.Lock()
        self.targets = []
        self.versions = {}

    def register(self, template, function, url, account, region=None):
        """Delivers to `url` what the function's EventBridge rules in `template` match of the
        tasks of `account` in `region` (None: in any Region)."""
        events = template["Resources"][FUNCTIONS[function]]["Properties"].get("Events", {})
        patterns = [
            EventPattern.load(json.dumps(e["Properties"]["Pattern"]))
            for e in events.values()
            if e["Type"] == "EventBridgeRule" and "EventBusName" not in e["Properties"]
        ]
        with self.lock:
            self.targets.append((patterns, url, account, region))

    def after(self, call, account, status, body):
        if status >= 300 or call.service != "ecs":
            return
        if call.operation == "RunTask":
            for task in json.loads(body).get("tasks", []):
                self._publish([(DELIVERY_DELAY_SECONDS, self._event(task, account, call.region))], account, call.region)
        elif call.operation == "StopTask":
            task = json.loads(body)["task"]
            stopped_from = _stopped_from(account, call.region, task["taskArn"])
            if stopped_from is None:
                return  # already stopped before this call: no state changed
            stopping = _stopping(task, stopped_from)
            stopped = _stopped(task)
            self._publish(
                [
                    (DELIVERY_DELAY_SECONDS, self._event(stopping, account, call.region)),
                    (DELIVERY_DELAY_SECONDS + STOPPED_AFTER_SECONDS, self._event(stopped, account, call.region)),
                ],
                account,
                call.region,
            )

    def _event(self, task, account, region):
        with self.lock:
            version = self.versions.get(task["taskArn"], 0) + 1
            self.versions[task["taskArn"]] = version
        return _event(task, account, region, version)

    def _publish(self, timed_events, account, region):
        """Delivers each (delay, event) to every target of `account` and `region` whose rules match
        it, in order."""
        with self.lock:
            targets = [(p, url) for p, url, a, r in self.targets if a == account and r in (None, region)]
        start = time.monotonic()
        for patterns, url in targets:
            mine = [(d, e) for d, e in timed_events if any(p.matches_event(e) for p in patterns)]
            if mine:
                thread = threading.Thread(target=_deliver_in_order, args=(url, mine, start), daemon=True)
                thread.start()


def _stopped_from(account, region, task_arn):
    """The status the task was in when this StopTask stopped it (set by moto_server.py's StopTask),
    or None when it had been stopped before. Read once."""
    for tasks in ecs_backends[account][region].tasks.values():
        task = tasks.get(task_arn)
        if task is not None:
            return task.__dict__.pop("strict_stopped_from", None)
    return None


def _stopping(task, stopped_from):
    """The task as ECS reports it the moment StopTask was accepted: not stopped yet."""
    detail = {k: v for k, v in task.items() if k not in ("stoppedAt", "executionStoppedAt")}
    detail["lastStatus"] = stopped_from
    detail["desiredStatus"] = "STOPPED"
    return detail


def _stopped(task):
    detail = dict(task, lastStatus="STOPPED", desiredStatus="STOPPED")
    detail["containers"] = [
        dict(c, lastStatus="STOPPED")
        | ({"managedAgents": [dict(a, lastStatus="STOPPED") for a in c["managedAgents"]]} if c.get("managedAgents") else {})
        for c in task.get("containers", [])
    ]
    return detail


def _deliver_in_order(url, timed_events, start):
    for delay, event in timed_events:
        time.sleep(max(0.0, start + delay - time.monotonic()))
        _deliver(url, event)


def _event(task, account, region, version):
    detail = {k: v for k, v in task.items() if k != "tags"}
    for key in _TIMES:
        if isinstance(detail.get(key), (int, float)):
            detail[key] = _rfc3339(detail[key])
    detail["version"] = version
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
