"""Who may put a `Debug Task Notice` where (issue 36 item 5), judged by the IAM simulator on the
bus policies of both templates as CloudFormation resolves them:
- a spoke's bus (infra/spoke.yaml): its debug-launcher and task-events may put notices; any other
  principal of the account allowed `events:PutEvents` on `*` may not (the bus policy's explicit
  Deny), while a hub role's launch request stays allowed (whoever may change the bus's policy or
  the functions is not held by it: docs/limitations.md);
- a hub's bus (infra/template.yaml with SpokeAccounts): a spoke account's notice is admitted only as
  a rule on a bus named ecs-debug-toolkit delivers it (aws:SourceArn), not put directly, not from a
  rule on another bus, not from an account SpokeAccounts does not list, and no launch request.
`check()` returns the problems it found; each case also fails on the policy without its condition
(`selfcheck`), so none passes for want of a question.
"""

import copy
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "moto"))
from strict.policies import TemplateResolver, load_template  # noqa: E402
from iam_simulator import simulate  # noqa: E402  (beside this file)

SPOKE, HUB, REGION, OTHER = "111111111111", "999999999999", "eu-west-1", "333333333333"
SPOKE_BUS = f"arn:aws:events:{REGION}:{SPOKE}:event-bus/ecs-debug-toolkit"
HUB_BUS = f"arn:aws:events:{REGION}:{HUB}:event-bus/ecs-debug-toolkit-debug-requests"
WIDE = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "events:PutEvents", "Resource": "*"}]}
NOTICE = {"events:source": ["ecs-debug-toolkit"], "events:detail-type": ["Debug Task Notice"]}
LAUNCH = {"events:source": ["ecs-debug-toolkit"], "events:detail-type": ["Debug Task Requested"]}


def _rule(account, bus="ecs-debug-toolkit"):
    return {"aws:SourceArn": f"arn:aws:events:us-east-1:{account}:rule/{bus}/stack-NoticesToTheHub-1A2B",
            "aws:SourceAccount": account}


def spoke_bus_policy():
    template = load_template(ROOT / "infra" / "spoke.yaml")
    resolver = TemplateResolver(template, SPOKE, REGION, {}, physical_names=True)
    return resolver.value(template["Resources"]["DebugRequestsBus"]["Properties"]["Policy"])


def hub_bus_policy():
    template = load_template(ROOT / "infra" / "template.yaml")
    resolver = TemplateResolver(template, HUB, REGION, {"SpokeAccounts": [SPOKE]}, physical_names=True)
    statement = resolver.value(template["Resources"]["NoticesFromSpokes"]["Properties"]["Statement"])
    return {"Version": "2012-10-17", "Statement": [statement | {"Sid": "notices-from-spokes"}]}


def cases():
    """(what, principal, its identity policy, bus, its policy, context, allowed)."""
    role = lambda account, name: f"arn:aws:iam::{account}:role/{name}"  # noqa: E731
    session = lambda account, name: f"arn:aws:sts::{account}:assumed-role/{name}/s"  # noqa: E731
    spoke, hub = spoke_bus_policy(), hub_bus_policy()
    return [
        ("debug-launcher's notice", role(SPOKE, "debug-launcher"), WIDE, SPOKE_BUS, spoke, NOTICE, True),
        ("task-events' notice", role(SPOKE, "task-events"), WIDE, SPOKE_BUS, spoke, NOTICE, True),
        ("an application role's notice", session(SPOKE, "app-role"), WIDE, SPOKE_BUS, spoke, NOTICE, False),
        ("idle-reaper's notice", role(SPOKE, "idle-reaper"), WIDE, SPOKE_BUS, spoke, NOTICE, False),
        ("the hub role's launch request", session(SPOKE, "ecs-debug-toolkit-hub-eu-west-1"), WIDE,
         SPOKE_BUS, spoke, LAUNCH, True),
        ("a spoke rule's delivery", session(SPOKE, "NoticeForwardingRole"), WIDE, HUB_BUS, hub,
         NOTICE | _rule(SPOKE), True),
        ("a spoke principal's direct put", session(SPOKE, "app-role"), WIDE, HUB_BUS, hub, NOTICE, False),
        ("a rule on the spoke's default bus", session(SPOKE, "NoticeForwardingRole"), WIDE, HUB_BUS, hub,
         NOTICE | _rule(SPOKE, "default-bus"), False),
        ("an unlisted account's rule", session(OTHER, "NoticeForwardingRole"), WIDE, HUB_BUS, hub,
         NOTICE | _rule(OTHER), False),
        ("a spoke rule's launch request", session(SPOKE, "NoticeForwardingRole"), WIDE, HUB_BUS, hub,
         LAUNCH | _rule(SPOKE), False),
    ]


def role_of(principal):
    """`aws:PrincipalArn` of a principal: a session's role."""
    if ":assumed-role/" not in principal:
        return principal
    account, path = principal.split(":")[4], principal.split(":assumed-role/")[1]
    return f"arn:aws:iam::{account}:role/{path.split('/')[0]}"


def judge(table):
    requests = [
        json.dumps({"policies": [identity], "action": "events:PutEvents", "resource": bus,
                    "context": context | {"aws:PrincipalArn": role_of(principal),
                                          "aws:PrincipalAccount": principal.split(":")[4]},
                    "account": bus.split(":")[4], "principal": principal, "resourcePolicy": policy})
        for _, principal, identity, bus, policy, context, _ in table
    ]
    problems = []
    for (what, _, _, bus, _, _, allowed), answer in zip(table, simulate(requests), strict=True):
        # On the spoke's bus, a refusal is the policy's own Deny, not a want of an Allow.
        wanted = "Allowed" if allowed else ("ExplicitlyDenied" if bus == SPOKE_BUS else None)
        wrong = answer["result"] == "Error" or (answer["result"] == "Allowed") != allowed
        if wrong or (wanted and answer["result"] != wanted):
            problems.append(f"check_notice_buses: {what} should be {wanted or 'denied'}: {answer}")
    return problems


def without_conditions(table):
    """The table with each denied case's bus policy stripped of its conditions (then all must
    flip to allowed, or the case proves nothing)."""
    out = []
    for what, principal, identity, bus, policy, context, allowed in table:
        if allowed:
            continue
        loose = copy.deepcopy(policy)
        for statement in loose["Statement"]:
            statement.pop("Condition", None)
            if statement["Effect"] == "Deny":
                statement["Effect"] = "Allow"
            if statement.get("Principal") != "*":
                statement["Principal"] = "*"
        out.append((what + " (policy loosened)", principal, identity, bus, loose, context, True))
    return out


def check():
    table = cases()
    return judge(table) + [f"{p}: the case does not depend on the policy" for p in judge(without_conditions(table))], len(table)
