"""The resource control policy of docs/security.md ("Who may assume an environment role: an
organization's guardrail"), judged by the IAM simulator: with it, a role under /ecs-debug-toolkit/
whose trust names another account or this account cannot be assumed by them (nor their sessions
tagged), while ECS (an AWS service principal) still assumes it; roles elsewhere, the spoke's hub role
among them, are not affected. Each refused case is also run without the RCP, where the trust lets
it through, so no case passes for want of a grant. The block in the docs is what is simulated, so
the docs cannot drift from what holds.
`check(docs)` returns the problems found and how many cases were judged.
"""

import json
import re

from iam_simulator import simulate

MARKER = "<!-- environment-roles-rcp -->"
ACCOUNT, OTHER = "123456789012", "210987654321"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/"
DEBUG_ROLE = ROLE + "ecs-debug-toolkit/payments-dev-debug-toolkit-task"


def rcp(docs):
    """The JSON block right after the marker, or None."""
    at = docs.find(MARKER)
    block = re.search(r"```json\n(.*?)```", docs[at:], re.S) if at >= 0 else None
    return json.loads(block.group(1)) if block else None


def trusting(principal, action="sts:AssumeRole"):
    """A trust policy (the role's resource policy) letting `principal` assume the role."""
    return {"Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": principal, "Action": action}]}


def cases():
    """(what, action, role, caller, the caller's context, the role's trust, refused by the RCP)."""
    attacker = f"arn:aws:iam::{OTHER}:role/Attacker"
    admin = f"arn:aws:iam::{ACCOUNT}:role/Admin"
    not_a_service = {"aws:PrincipalIsAWSService": "false"}
    return [
        ("another account, trusted by the role", "sts:AssumeRole", DEBUG_ROLE, attacker, not_a_service,
         trusting({"AWS": f"arn:aws:iam::{OTHER}:root"}), True),
        ("another account, tagging its session", "sts:TagSession", DEBUG_ROLE, attacker, not_a_service,
         trusting({"AWS": f"arn:aws:iam::{OTHER}:root"}, "sts:TagSession"), True),
        ("this account's admin, trusted by the role", "sts:AssumeRole", DEBUG_ROLE, admin, not_a_service,
         trusting({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}), True),
        ("ECS tasks, as the function's trust says", "sts:AssumeRole", DEBUG_ROLE, "ecs-tasks.amazonaws.com",
         {"aws:PrincipalIsAWSService": "true"}, trusting({"Service": "ecs-tasks.amazonaws.com"}), False),
        ("a role outside the path", "sts:AssumeRole", ROLE + "Admin", attacker, not_a_service,
         trusting({"AWS": f"arn:aws:iam::{OTHER}:root"}), False),
        ("the spoke's hub role", "sts:AssumeRole", ROLE + "ecs-debug-toolkit-hub-eu-west-1",
         f"arn:aws:iam::{OTHER}:role/toolkit-SlackCommandFunctionRole-1A2B", not_a_service,
         trusting({"AWS": f"arn:aws:iam::{OTHER}:role/toolkit-SlackCommandFunctionRole-1A2B"}), False),
    ]


def request(action, role, caller, context, trust, rcps):
    """A caller that is a role may assume any role as far as its own policy goes (an admin's)."""
    allow = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:*", "Resource": "*"}]}
    return json.dumps({"policies": [allow] if ":role/" in caller else [], "action": action,
                       "resource": role, "context": context, "account": ACCOUNT, "principal": caller,
                       "resourcePolicy": trust, "resourceControlPolicies": rcps})


def check(docs):
    """Problems found (a list of strings) and how many cases were judged."""
    policy = rcp(docs)
    if policy is None:
        return [f"docs/security.md: no JSON policy after {MARKER}"], 0
    table = cases()
    with_rcp = [request(a, r, c, ctx, t, [policy]) for _, a, r, c, ctx, t, _ in table]
    without = [request(a, r, c, ctx, t, []) for _, a, r, c, ctx, t, _ in table]
    answers = simulate(with_rcp + without)
    problems = []
    for (what, action, role, *_, refused), guarded, open_ in zip(table, answers[:len(table)],
                                                                  answers[len(table):], strict=True):
        if (guarded["result"] == "Allowed") == refused:
            problems.append(f"environment roles' RCP: {action} on {role} ({what}) should be "
                            f"{'refused' if refused else 'allowed'} with it: {guarded}")
        if open_["result"] != "Allowed":
            problems.append(f"environment roles' RCP: {action} on {role} ({what}) should be allowed by its "
                            f"trust alone (else the case proves nothing): {open_}")
    return problems, 2 * len(table)


if __name__ == "__main__":
    import pathlib
    import sys

    found, count = check((pathlib.Path(__file__).resolve().parents[2] / "docs/security.md").read_text())
    print(f"{count} cases, {len(found)} wrong", *found, sep="\n")
    sys.exit(1 if found else 0)
