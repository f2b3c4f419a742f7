"""Two claims of docs/security.md's threat model that only the templates make true (issue 36):

- slack-command's public Function URL has reserved concurrency **by default**: the parameter
  SlackCommandConcurrency defaults to 10 (contract section 13), its condition is "not 0", and the
  function reserves exactly that value under that condition, so a flood of unverifiable requests
  cannot take the account's unreserved concurrency.
- ExecUserPolicy (ECS Exec into debug tasks) is attached to nobody by the stacks: no role, user or
  group of infra/template.yaml or infra/spoke.yaml gets it, so reaching a debug task takes an
  operator's own grant.
- Every managed policy of the stacks is attached only where intended (ATTACHED_ONLY_TO):
  ecs-environment's IAM policy to its function alone, none through a policy's own Roles, Users or
  Groups.

Each check is also run against a template changed to break it, so that it cannot pass vacuously.
Usage: python3 tests/templates/check_security_defaults.py (exit 1 naming what is wrong).
"""

import copy
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import cfn_yaml  # noqa: E402  (the template loader the template tools share)
from cfn_yaml import Tag  # noqa: E402

CONTRACT_CONCURRENCY = 10


def reserved_by_default(template):
    """What is wrong with slack-command's reserved concurrency, as a list of sentences."""
    problems = []
    parameter = template["Parameters"].get("SlackCommandConcurrency", {})
    if parameter.get("Default") != CONTRACT_CONCURRENCY:
        problems.append(f"SlackCommandConcurrency defaults to {parameter.get('Default')!r}, not {CONTRACT_CONCURRENCY}")
    condition = template["Conditions"].get("HasSlackCommandConcurrency")
    wanted = Tag("Not", [Tag("Equals", [Tag("Ref", "SlackCommandConcurrency"), 0])])
    if condition != wanted:
        problems.append(f"HasSlackCommandConcurrency is {condition!r}, not {wanted!r}")
    function = template["Resources"]["SlackCommandFunction"]["Properties"]
    reserved = function.get("ReservedConcurrentExecutions")
    wanted = Tag("If", ["HasSlackCommandConcurrency", Tag("Ref", "SlackCommandConcurrency"), Tag("Ref", "AWS::NoValue")])
    if reserved != wanted:
        problems.append(f"SlackCommandFunction reserves {reserved!r}, not {wanted!r}")
    return problems


# ExecUserPolicy's fixed name (ManagedPolicyName): a policy ARN written out names it.
POLICY_NAME = "ecs-debug-toolkit-exec-"


def mentions(value, name):
    """Whether `value` (a property, any depth) refers to the resource `name`, or to
    ExecUserPolicy by its name or an export of its ARN."""
    if isinstance(value, str):
        return POLICY_NAME in value or (name == "ExecUserPolicy" and "ExecUserPolicy" in value)
    if isinstance(value, Tag):
        if value.name in ("Ref", "GetAtt") and str(value.value).split(".")[0] == name:
            return True
        if value.name == "Sub" and f"${{{name}" in str(value.value):
            return True
        return mentions(value.value, name)
    if isinstance(value, dict):
        return any(mentions(v, name) for v in value.values())
    if isinstance(value, list):
        return any(mentions(v, name) for v in value)
    return False


def exec_policy_attached(template):
    """Every resource of `template` that attaches ExecUserPolicy to someone."""
    resources = template["Resources"]
    policy = resources.get("ExecUserPolicy")
    found = []
    if policy is not None:
        for key in ("Roles", "Users", "Groups"):
            if policy["Properties"].get(key):
                found.append(f"ExecUserPolicy.{key}")
    for name, resource in resources.items():
        if name == "ExecUserPolicy":
            continue
        managed = resource.get("Properties", {}).get("ManagedPolicyArns")
        policies = resource.get("Properties", {}).get("Policies")
        if mentions(managed, "ExecUserPolicy") or mentions(policies, "ExecUserPolicy"):
            found.append(name)
    return found


# Each managed policy of the templates and the resources that may list it in their `Policies` or
# `ManagedPolicyArns` (the boundary is given as a permissions boundary, never attached).
ATTACHED_ONLY_TO = {
    "EcsEnvironmentRolesPolicy": ["EcsEnvironmentFunction"],
    "EnvironmentRoleBoundary": [],
    "ExecUserPolicy": [],
}


def managed_policies_attached(template):
    """What is wrong with where the template attaches its managed policies, as sentences."""
    problems = []
    resources = template["Resources"]
    for name, policy in resources.items():
        if policy["Type"] != "AWS::IAM::ManagedPolicy":
            continue
        if name not in ATTACHED_ONLY_TO:
            problems.append(f"managed policy {name} is not in ATTACHED_ONLY_TO")
        for key in ("Roles", "Users", "Groups"):
            if policy["Properties"].get(key):
                problems.append(f"{name}.{key} attaches it")
        listing = [other for other, resource in resources.items()
                   if any(isinstance(entry, Tag) and entry.name == "Ref" and entry.value == name
                          for key in ("Policies", "ManagedPolicyArns")
                          for entry in resource.get("Properties", {}).get(key) or [])]
        if listing != ATTACHED_ONLY_TO.get(name, []):
            problems.append(f"{name} is attached by {listing}, not {ATTACHED_ONLY_TO.get(name, [])}")
    return problems


def main():
    problems = []
    toolkit = cfn_yaml.load(ROOT / "infra" / "template.yaml")
    problems += [f"template.yaml: {p}" for p in reserved_by_default(toolkit)]
    templates = {"template.yaml": toolkit, "spoke.yaml": cfn_yaml.load(ROOT / "infra" / "spoke.yaml")}
    for file, template in templates.items():
        if "ExecUserPolicy" not in template["Resources"]:
            problems.append(f"{file}: has no ExecUserPolicy (the check would say nothing)")
        problems += [f"{file}: {name} attaches ExecUserPolicy" for name in exec_policy_attached(template)]
        problems += [f"{file}: {p}" for p in managed_policies_attached(template)]

    # The checks fail on templates that break them.
    broken = copy.deepcopy(toolkit)
    broken["Parameters"]["SlackCommandConcurrency"]["Default"] = 0
    if not reserved_by_default(broken):
        problems.append("the reserved-concurrency check passes a default of 0")
    del broken["Resources"]["SlackCommandFunction"]["Properties"]["ReservedConcurrentExecutions"]
    if len(reserved_by_default(broken)) != 2:
        problems.append("the reserved-concurrency check passes a function without it")
    broken = copy.deepcopy(toolkit)
    function = next(n for n, r in broken["Resources"].items() if r["Type"] == "AWS::Serverless::Function")
    attachments = [
        ("a function's Policies, by Ref", function, "Policies", Tag("Ref", "ExecUserPolicy")),
        ("a function's Policies, by its ARN", function, "Policies",
         Tag("Sub", "arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/ecs-debug-toolkit-exec-${AWS::Region}")),
        ("a function's Policies, by an import", function, "Policies",
         Tag("ImportValue", Tag("Sub", "${AWS::StackName}-ExecUserPolicyArn"))),
    ]
    for what, resource, key, value in attachments:
        broken = copy.deepcopy(toolkit)
        broken["Resources"][resource]["Properties"][key].append(value)
        if exec_policy_attached(broken) != [resource]:
            problems.append(f"the ExecUserPolicy check misses {what}")
    broken = copy.deepcopy(toolkit)
    broken["Resources"]["ExecUserPolicy"]["Properties"]["Roles"] = [Tag("Ref", "SomeRole")]
    if exec_policy_attached(broken) != ["ExecUserPolicy.Roles"]:
        problems.append("the ExecUserPolicy check misses the policy's own Roles")
    for what, resource, key in (("its own Roles", "EcsEnvironmentRolesPolicy", "Roles"),
                                ("another function's Policies", "DebugLauncherFunction", "Policies")):
        broken = copy.deepcopy(toolkit)
        properties = broken["Resources"][resource]["Properties"]
        properties.setdefault(key, []).append(Tag("Ref", "SomeRole" if key == "Roles" else "EcsEnvironmentRolesPolicy"))
        if len(managed_policies_attached(broken)) != 1:
            problems.append(f"the managed-policy check misses EcsEnvironmentRolesPolicy attached by {what}")
    broken = copy.deepcopy(toolkit)
    broken["Conditions"]["HasSlackCommandConcurrency"] = Tag("Equals", [Tag("Ref", "SlackCommandConcurrency"), 0])
    if not reserved_by_default(broken):
        problems.append("the reserved-concurrency check passes an inverted condition")

    for problem in problems:
        print(f"check_security_defaults: {problem}", file=sys.stderr)
    if problems:
        sys.exit(1)
    print("check_security_defaults: slack-command reserves 10 by default; ExecUserPolicy is attached to nobody; each managed policy only where intended")


if __name__ == "__main__":
    main()
