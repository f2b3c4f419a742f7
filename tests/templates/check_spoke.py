"""What infra/spoke.yaml must never loosen (tests/templates/check.py runs these; that the file is what
scripts/spoke-template.py makes is checked by `spoke-template.py check`):
- the bus admits PutEvents from the hub account's root only, only for launch requests, and only
  through the one policy; the launcher's rule matches the hub's account;
- the hub role trusts the hub's slack-command role (parameter HubRoleArn) and nothing else, and
  the bus admits that role alone of the hub account;
- the hub role grants exactly slack-command's ECS, EC2, IAM and Logs statements, and never
  events, iam:Pass*, or a wildcard action.
Each function returns the problems it found.
"""

from cfn_yaml import Tag

HUB_SERVICES = {"ecs", "ec2", "iam", "logs"}
BUS, BUS_POLICY, ROLE = "DebugRequestsBus", "HubMayPutLaunchRequests", "HubRole"
LAUNCH_REQUESTS = {"events:source": "ecs-debug-toolkit", "events:detail-type": "Debug Task Requested"}
HUB_ROOT = Tag("Sub", "arn:${AWS::Partition}:iam::${HubAccountId}:root")


def listed(value):
    return value if isinstance(value, list) else [value]


def slack_command_hub_statements(toolkit):
    """slack-command's statements whose every action is in HUB_SERVICES (its !If entries are the
    hub's own spoke statements)."""
    function = toolkit["Resources"]["SlackCommandFunction"]["Properties"]
    return [
        statement
        for document in function["Policies"]
        for statement in document.get("Statement", [])
        if isinstance(statement, dict)
        and all(action.split(":")[0] in HUB_SERVICES for action in listed(statement["Action"]))
    ]


def check_bus_policy(spoke):
    problems = []
    resources = spoke["Resources"]
    if resources[BUS]["Properties"].get("Name") != "ecs-debug-toolkit":
        problems.append(f"{BUS} is not named ecs-debug-toolkit (contract section 9)")
    if "Policy" in resources[BUS]["Properties"]:
        problems.append(f"{BUS} has a Policy property of its own: the bus's one policy is {BUS_POLICY}")
    policies = [name for name, r in resources.items() if r["Type"] == "AWS::Events::EventBusPolicy"]
    if policies != [BUS_POLICY]:
        return problems + [f"the spoke's bus policies are {policies}, not [{BUS_POLICY}]"]
    props = resources[BUS_POLICY]["Properties"]
    statement = props.get("Statement")
    if set(props) != {"EventBusName", "StatementId", "Statement"} or props["EventBusName"] != Tag("Ref", BUS):
        problems.append(f"{BUS_POLICY} must be one Statement on !Ref {BUS}: {props}")
    if not isinstance(statement, dict):
        return problems + [f"{BUS_POLICY}: its Statement is not one statement: {statement!r}"]
    where = f"{BUS_POLICY}"
    if statement.get("Principal") != {"AWS": HUB_ROOT}:
        problems.append(f"{where}: the principal must be the hub account's root only: {statement.get('Principal')!r}")
    if statement.get("Effect") != "Allow" or listed(statement.get("Action")) != ["events:PutEvents"]:
        problems.append(f"{where}: must allow events:PutEvents and nothing else")
    if statement.get("Resource") != Tag("GetAtt", f"{BUS}.Arn"):
        problems.append(f"{where}: the resource must be the bus itself")
    if {"NotPrincipal", "NotAction", "NotResource"} & set(statement):
        problems.append(f"{where}: NotPrincipal, NotAction or NotResource")
    condition = statement.get("Condition") or {}
    if condition.get("ForAllValues:StringEquals") != LAUNCH_REQUESTS:
        problems.append(f"{where}: not conditioned on every entry's source and detail-type {LAUNCH_REQUESTS}")
    # Within the hub account, only the hub's slack-command role (with or without the organization).
    principal_arn = condition.get("StringEquals")
    branches = principal_arn.value[1:] if isinstance(principal_arn, Tag) else [principal_arn]
    if not branches or any(
        not isinstance(b, dict) or b.get("aws:PrincipalArn") != Tag("Ref", "HubRoleArn") for b in branches
    ):
        problems.append(f"{where}: not conditioned on aws:PrincipalArn = !Ref HubRoleArn in every case")
    launch = resources["DebugLauncherFunction"]["Properties"]["Events"]["LaunchRequested"]["Properties"]
    if launch["Pattern"].get("account") != [Tag("Ref", "HubAccountId")]:
        problems.append("the launcher's rule does not match account [!Ref HubAccountId] only")
    return problems


def check_hub_trust(spoke):
    role = spoke["Resources"][ROLE]["Properties"]
    problems = []
    if role.get("RoleName") != Tag("Sub", "ecs-debug-toolkit-hub-${AWS::Region}"):
        problems.append(f"{ROLE}: not named ecs-debug-toolkit-hub-<region> (contract section 9)")
    trust = role["AssumeRolePolicyDocument"]["Statement"]
    if len(trust) != 1:
        return problems + [f"{ROLE}: its trust policy has {len(trust)} statements, not one"]
    (statement,) = trust
    if statement.get("Principal") != {"AWS": Tag("Ref", "HubRoleArn")}:
        problems.append(f"{ROLE}: trusts {statement.get('Principal')!r}, not only !Ref HubRoleArn")
    if statement.get("Effect") != "Allow" or listed(statement.get("Action")) != ["sts:AssumeRole"]:
        problems.append(f"{ROLE}: the trust must allow sts:AssumeRole and nothing else")
    if {"NotPrincipal", "NotAction"} & set(statement):
        problems.append(f"{ROLE}: NotPrincipal or NotAction in the trust policy")
    # ecs-environment may rewrite and delete the roles tagged managed-by (its environments'); the
    # role another account assumes must be changed by its stack alone.
    if any(t.get("Key") == "debug-toolkit:managed-by" for t in role.get("Tags", [])):
        problems.append(f"{ROLE}: tagged debug-toolkit:managed-by, so ecs-environment could rewrite its trust")
    return problems


def check_hub_actions(toolkit, spoke):
    role = spoke["Resources"][ROLE]["Properties"]
    granted = [s for policy in role.get("Policies", []) for s in policy["PolicyDocument"]["Statement"]]
    problems = []
    if role.get("ManagedPolicyArns") or role.get("PermissionsBoundary"):
        problems.append(f"{ROLE}: managed policies or a boundary beside its inline policy")
    expected = slack_command_hub_statements(toolkit)
    actions = {a for s in granted if isinstance(s, dict) for a in listed(s.get("Action", []))}
    wanted = {a for s in expected for a in listed(s["Action"])}
    if actions != wanted:
        problems.append(f"{ROLE}: grants {sorted(actions ^ wanted)} beyond or short of slack-command's "
                        f"{'/'.join(sorted(HUB_SERVICES))} actions")
    elif granted != expected:
        problems.append(f"{ROLE}: its statements are not slack-command's (resources or conditions differ)")
    for statement in granted:
        for action in listed(statement.get("Action", [])) + listed(statement.get("NotAction", [])):
            if "*" in action or action.startswith(("events:", "iam:Pass", "sts:")):
                problems.append(f"{ROLE}: grants {action}")
        if "NotAction" in statement or "NotResource" in statement or statement.get("Effect") != "Allow":
            problems.append(f"{ROLE}: a statement that is not a plain Allow: {statement.get('Sid')}")
    return problems


def check(toolkit, spoke):
    aliases = [
        name for name in ("DebugLauncherFunction", "TaskEventsFunction", "IdleReaperFunction")
        if spoke["Resources"][name]["Properties"]["Environment"]["Variables"].get("SPOKE_ALIAS")
        != Tag("Ref", "SpokeAlias")
    ]
    problems = [f"spoke.yaml {name}: SPOKE_ALIAS is not !Ref SpokeAlias" for name in aliases]
    found = check_bus_policy(spoke) + check_hub_trust(spoke) + check_hub_actions(toolkit, spoke)
    return problems + [f"spoke.yaml {problem}" for problem in found]
