"""A rule whose target is another account's event bus, delivered as EventBridge does.

moto's `Rule.send_to_targets` re-puts such an event with the receiving bus's account and Region in
`account` and `region`, and evaluates neither a role nor a bus policy. AWS keeps the sender's
`account` and `region` (EventBridge user guide, "Sending and receiving events between AWS accounts":
the receiving account's rules match on the sender's account); the `id` is AWS's to keep or not (a
delivery to a bus in another Region gets a new one), so the world gives each delivery a new id.
AWS delivers only when (EventBridge user guide, "Event bus targets"; PutTargets' `RoleArn`):
- the target names a role (`RoleArn`) that EventBridge may assume (a trust policy admitting
  `events.amazonaws.com`), and that role's identity policy allows `events:PutEvents` on the bus;
- the receiving bus's policy admits the sender's account (a bus without one admits only its own),
  with the rule's ARN in `aws:SourceArn` and its account in `aws:SourceAccount` (EventBridge user
  guide, "Send events from specific rules to an Amazon EventBridge bus in a different Region").
Each delivery is judged here with the IAM simulator (the role's policies, the bus policy as the
resource policy, the event's `events:source` and `events:detail-type`) and recorded in the run's
report like a function's call: a refused delivery is a denial that fails the run. The role is a
spoke template's role registered with the spoke (`trust.py`); the receiving bus's policy is one a
registered stack gave it (`POST /_strict/buses`). Same-account, same-Region bus targets and every
other kind of target are left to moto, whose default delivery drops the event's `account`
(`EventTemplateParser.DEFAULT_EVENT_INPUT_TEMPLATE`): put back here, as AWS delivers the whole event.
"""

import copy
import json
import threading
import uuid

from moto.events import models as events_models
from moto.events.models import events_backends
from moto.events.utils import EventTemplateParser

from .iam_common import Check
from .policies import TemplateResolver

_FORWARDER = {"gate": None}
_LOCK = threading.Lock()


def install(gate):
    """Has `gate` (its simulator, trust and report) judge every cross-account bus delivery."""
    with _LOCK:
        _FORWARDER["gate"] = gate


def _is_bus(target):
    arn = target["Arn"].split(":")
    return len(arn) >= 6 and arn[2] == "events" and arn[5].startswith("event-bus/")


def _send_to_targets(self, original_event, transform_input=True):
    if not self.event_pattern.matches_event(original_event):
        return
    gate = _FORWARDER["gate"]
    elsewhere = [
        t for t in self.targets
        if _is_bus(t) and t["Arn"].split(":")[3:5] != [self.region_name, self.account_id]
    ]
    if gate is not None and elsewhere:
        for target in elsewhere:
            deliver(gate, self, target, original_event)
        rest = copy.copy(self)
        rest.targets = [t for t in self.targets if t not in elsewhere]
        return _ORIGINAL(rest, original_event, transform_input)
    return _ORIGINAL(self, original_event, transform_input)


EventTemplateParser.DEFAULT_EVENT_INPUT_TEMPLATE = (
    '{"version": "0", "id": "<id>", "detail-type": "<detail-type>", "source": "<source>", '
    '"account": "<account>", "time": <time>, "region": "<region>", "resources": <resources>, '
    '"detail": <detail>}'
)
_ORIGINAL = events_models.Rule.send_to_targets
events_models.Rule.send_to_targets = _send_to_targets


def deliver(gate, rule, target, event):
    """Judges and (when allowed) delivers `event` from `rule` to the bus `target` names."""
    bus_arn = target["Arn"]
    account, region = rule.account_id, rule.region_name
    context = {
        "events:source": [event["source"]],
        "events:detail-type": [event["detail-type"]],
        "aws:SourceArn": rule.arn,
        "aws:SourceAccount": account,
    }
    check = Check("events:PutEvents", bus_arn, context, gate.trust.buses.get(bus_arn) or _NO_ONE,
                  bus_arn.split(":")[4])
    role_arn = target.get("RoleArn")
    role = gate.trust.role(role_arn) if role_arn else None
    if role is None:
        result = "no RoleArn" if not role_arn else "the role is not known"
    elif not _trusts_eventbridge(role.trust):
        result = "the role's trust does not admit events.amazonaws.com"
    else:
        principal = f"arn:aws:sts::{account}:assumed-role/{role.name}/eventbridge"
        result = gate.simulator.evaluate(role.policies, check, account, role.name, principal=principal)
    gate._write({
        "function": f"EventBridge rule {rule.name} ({account}/{region})",
        "account": account,
        "call": "events:PutEvents (rule target)",
        "checks": [{"action": check.action, "resource": bus_arn, "result": result}],
        "invalid": [],
        "outcome": "allowed" if result == "Allowed" else "denied",
        "refused": None if result == "Allowed" else "AccessDenied",
    })
    if result != "Allowed":
        return
    to_account, to_region, name = bus_arn.split(":")[4], bus_arn.split(":")[3], bus_arn.split("/", 1)[1]
    bus = events_backends[to_account][to_region].describe_event_bus(name)
    # The sender's account and Region stay; the id is AWS's to keep or not: a new one each time.
    delivered = copy.deepcopy(event) | {"id": str(uuid.uuid4())}
    for receiving in list(bus.rules.values()):
        receiving.send_to_targets(copy.deepcopy(delivered))


_NO_ONE = {"Version": "2012-10-17", "Statement": []}


def _trusts_eventbridge(trust):
    statements = trust.get("Statement", [])
    statements = [statements] if isinstance(statements, dict) else statements
    for statement in statements:
        services = statement.get("Principal", {}).get("Service", []) if isinstance(statement.get("Principal"), dict) else []
        services = [services] if isinstance(services, str) else services
        if statement.get("Effect") == "Allow" and "events.amazonaws.com" in services:
            return True
    return False


def deploy_rules(template, account, region, parameters):
    """The template's `AWS::Events::Rule`s (a spoke's NoticesToTheHub) made in moto as
    CloudFormation would, on buses that exist there already; the names of those made."""
    resolver = TemplateResolver(template, account, region, parameters, physical_names=True)
    backend = events_backends[account][region]
    made = []
    for logical, resource in template["Resources"].items():
        if resource["Type"] != "AWS::Events::Rule":
            continue
        properties = resolver.value(resource["Properties"])
        bus = properties.get("EventBusName", "default")
        try:
            backend.describe_event_bus(bus)
        except Exception:
            continue  # no bus yet: a spoke registered only for its trust
        backend.put_rule(logical, event_bus_arn=bus, event_pattern=json.dumps(properties["EventPattern"]))
        targets = [
            {k: v for k, v in (("Id", t["Id"]), ("Arn", t["Arn"]), ("RoleArn", t.get("RoleArn"))) if v}
            for t in properties.get("Targets", [])
        ]
        backend.put_targets(logical, bus, targets)
        made.append(logical)
    return made
