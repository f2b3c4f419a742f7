"""The per-environment exec policy of docs/deploying.md ("One environment's debug tasks only"),
judged by the IAM simulator beside the stack's ExecUserPolicy (issue 36): with both attached, a
person opens a shell or a port forward only into debug tasks of the environment the example names,
never into another's or into a task without the tag, and the port-forwarding document stays
usable. The example in the docs is what is simulated, so the docs cannot drift from what works.
"""

import json
import pathlib
import re

from iam_simulator import simulate

ROOT = pathlib.Path(__file__).resolve().parents[2]
MARKER = "<!-- exec-policy-per-environment -->"
REGION, ACCOUNT = "eu-west-1", "123456789012"


def example(docs):
    """The JSON block right after the marker."""
    at = docs.find(MARKER)
    if at < 0:
        return None
    block = re.search(r"```json\n(.*?)```", docs[at:], re.S)
    return json.loads(block.group(1)) if block else None


def check(exec_user_policy, docs):
    """Problems found (a list of strings) and how many cases were judged."""
    deny = example(docs)
    if deny is None:
        return [f"docs/deploying.md: no JSON policy after {MARKER}"], 0
    user = f"arn:aws:sts::{ACCOUNT}:assumed-role/PaymentsDevelopers/alice"
    ours = {"aws:ResourceTag/debug-toolkit:managed-by": "ecs-debug-toolkit"}
    dev, prod = {"aws:ResourceTag/Environment": "payments-dev"}, {"aws:ResourceTag/Environment": "payments-prod"}
    container = {"ecs:container-name": "debug-toolkit"}
    task = f"arn:aws:ecs:{REGION}:{ACCOUNT}:task/payments-dev/0123456789abcdef0123456789abcdef"
    prod_task = f"arn:aws:ecs:{REGION}:{ACCOUNT}:task/payments-prod/0123456789abcdef0123456789abcdef"
    cluster = f"arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/payments-dev"
    prod_cluster = f"arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/payments-prod"
    document = f"arn:aws:ssm:{REGION}:{ACCOUNT}:document/AWS-StartPortForwardingSessionToRemoteHost"
    cases = [
        # (action, resource, context, allowed)
        ("ecs:ExecuteCommand", task, ours | dev | container, True),
        ("ecs:ExecuteCommand", cluster, ours | dev | container, True),
        ("ecs:ExecuteCommand", prod_task, ours | prod | container, False),
        ("ecs:ExecuteCommand", prod_cluster, ours | prod | container, False),
        ("ecs:ExecuteCommand", task, ours | container, False),
        ("ssm:StartSession", task, ours | dev, True),
        ("ssm:StartSession", prod_task, ours | prod, False),
        ("ssm:StartSession", task, ours, False),
        ("ssm:StartSession", document, {}, True),
    ]
    requests = [json.dumps({
        "policies": [exec_user_policy, deny], "action": action, "resource": resource,
        "context": context | {"aws:userid": "AROAEXAMPLEID:alice"}, "account": ACCOUNT, "principal": user,
    }) for action, resource, context, _ in cases]
    answers = simulate(requests)
    problems = []
    for (action, resource, context, allowed), answer in zip(cases, answers, strict=True):
        if answer["result"] == "Error" or (answer["result"] == "Allowed") != allowed:
            problems.append(
                f"docs/deploying.md's per-environment exec policy with ExecUserPolicy: {action} on "
                f"{resource} with {context} should be {'allowed' if allowed else 'denied'}: {answer}"
            )
    return problems, len(cases)
