"""IAM's size quotas on the policies the two stacks make, with the longest names a deploy can give
them (IAM user guide, "IAM and AWS STS quotas"; white space is not counted): a role's inline
policies together at most 10,240 characters (each function's SAM `Policies` documents, the spoke's
hub role), a managed policy at most 6,144 (ecs-environment's roles policy, the environment role
boundary, ExecUserPolicy). A stack over either fails on its first deploy with `LimitExceeded`.
Each must also keep a tenth of its quota free, for parameter values longer than the test's.
`check(file)` returns the problems found in infra/<file>.
"""

import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "moto"))
from strict.policies import TemplateResolver, load_template  # noqa: E402

INLINE_QUOTA, MANAGED_QUOTA = 10_240, 6_144
HEADROOM = 0.9
# A stack name as long as the functions' names allow (`<stack>-ecs-environment` within Lambda's
# 64 characters), the longest Region code and partition.
STACK = "s" * (64 - len("-ecs-environment"))
ACCOUNT, REGION, PARTITION = "123456789012", "ap-southeast-5", "aws-us-gov"
BOUNDARY = f"arn:{PARTITION}:iam::{ACCOUNT}:policy/ecs-debug-toolkit/{STACK}-EnvironmentRoleBoundary-ABCDEFGHIJKL"


def size(document):
    return len(json.dumps(document, separators=(",", ":")))


def resolver(template):
    """Every other resource a policy names stands for a name CloudFormation would generate."""
    generated = {name: f"{STACK}-{name}-ABCDEFGHIJKL" for name in template["Resources"]}
    resolve = TemplateResolver(template, ACCOUNT, REGION,
                               generated | {"EnvironmentRoleBoundary": BOUNDARY, "AWS::StackName": STACK})
    resolve.pseudo["AWS::Partition"] = PARTITION
    return resolve


def measured(template):
    """(what, characters, quota) of every role's inline policies and every managed policy."""
    resolve, out = resolver(template), []
    for name, resource in template["Resources"].items():
        kind, properties = resource["Type"], resource.get("Properties", {})
        if kind == "AWS::Serverless::Function":
            inline = [resolve.value(p) for p in properties.get("Policies", [])
                      if not (hasattr(p, "name") and p.name == "Ref")]
            out.append((f"{name}'s inline policies", sum(size(d) for d in inline if isinstance(d, dict)),
                        INLINE_QUOTA))
        elif kind == "AWS::IAM::Role":
            documents = [resolve.value(p["PolicyDocument"]) for p in properties.get("Policies", [])]
            out.append((f"{name}'s inline policies", sum(size(d) for d in documents), INLINE_QUOTA))
        elif kind == "AWS::IAM::ManagedPolicy":
            out.append((f"managed policy {name}", size(resolve.value(properties["PolicyDocument"])),
                        MANAGED_QUOTA))
    return out


def check(file):
    return [f"{file}: {what}: {characters} characters, over {HEADROOM:.0%} of IAM's {quota}"
            for what, characters, quota in measured(load_template(ROOT / "infra" / file))
            if characters > HEADROOM * quota]


if __name__ == "__main__":
    for file in ("template.yaml", "spoke.yaml"):
        for what, characters, quota in measured(load_template(ROOT / "infra" / file)):
            print(f"{file}: {what}: {characters} of {quota}")
