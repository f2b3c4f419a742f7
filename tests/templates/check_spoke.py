"""What infra/spoke.yaml must never loosen (tests/templates/check.py runs these; that the file is what
scripts/spoke-template.py makes is checked by `spoke-template.py check`):
- no bus policy that allows: no other account may put on the spoke's bus (the hub puts launch
  requests as the spoke's own hub role, a same-account PutEvents; the policy only denies notices
  to all but the spoke's functions, check_notice_buses.py); the launcher's rule matches this
  account only;
- the hub role trusts the hub's slack-command role (parameter HubRoleArn) and nothing else;
- the hub role grants exactly slack-command's ECS, EC2, IAM and Logs statements and one PutEvents
  on its own bus for launch requests only (ForAllValues on source and detail-type), and never
  another events action, iam:Pass*, or a wildcard action;
- and the hub's own identity policy (template.yaml) puts launch requests on its own bus only,
  with ForAllValues on source and detail-type (contract section 12).
Each function returns the problems it found.
"""

from cfn_yaml import Tag

HUB_SERVICES = {"ecs", "ec2", "iam", "logs"}
BUS, ROLE = "DebugRequestsBus", "HubRole"
LAUNCH_REQUESTS = {"events:source": "ecs-debug-toolkit", "events:detail-type": "Debug Task Requested"}


def listed(value):
    return value if isinstance(value, list) else [value]


def statements_of(function):
    """A function's policy statements (its !If entries as they are, unresolved)."""
    return [s for document in function["Policies"] for s in document.get("Statement", [])]


def slack_command_hub_statements(toolkit):
    """slack-command's Allow statements whose every action is in HUB_SERVICES (its !If entries are
    the hub's own AssumeRole of spoke roles; its Denies hold SAM's basic role, not a hub role's)."""
    return [
        statement
        for statement in statements_of(toolkit["Resources"]["SlackCommandFunction"]["Properties"])
        if isinstance(statement, dict) and statement.get("Effect") == "Allow"
        and all(action.split(":")[0] in HUB_SERVICES for action in listed(statement["Action"]))
    ]


# Issue 36 item 5: in a spoke the hub reads debug tasks only, and no task definition at all.
DEBUG_TASKS_ONLY = {"StringEquals": {"aws:ResourceTag/debug-toolkit:managed-by": "ecs-debug-toolkit"}}


def narrowed_for_the_hub(statement):
    """slack-command's statement as the hub role must have it: DescribeTasks tag-scoped."""
    if statement.get("Sid") == "EcsReadTasks":
        return statement | {"Sid": "EcsReadOnlyDebugTasks", "Condition": DEBUG_TASKS_ONLY}
    return statement


def put_events_problems(statement, where):
    """A PutEvents grant that is not: Allow events:PutEvents on this stack's bus, for launch
    requests only (every entry: ForAllValues)."""
    problems = []
    if statement.get("Effect") != "Allow" or listed(statement.get("Action")) != ["events:PutEvents"]:
        problems.append(f"{where}: must allow events:PutEvents and nothing else")
    if statement.get("Resource") != Tag("GetAtt", f"{BUS}.Arn"):
        problems.append(f"{where}: PutEvents on {statement.get('Resource')!r}, not on the stack's own bus")
    if {"NotAction", "NotResource"} & set(statement):
        problems.append(f"{where}: NotAction or NotResource")
    if statement.get("Condition") != {"ForAllValues:StringEquals": LAUNCH_REQUESTS}:
        problems.append(f"{where}: not conditioned on every entry's source and detail-type, ForAllValues "
                        f"{LAUNCH_REQUESTS}: {statement.get('Condition')!r}")
    return problems


def check_hub_put_events(toolkit):
    """slack-command (the hub) puts on its own bus only: no grant on other accounts' buses."""
    statements = statements_of(toolkit["Resources"]["SlackCommandFunction"]["Properties"])
    putting = [s for s in statements if "events:PutEvents" in str(s)]
    if len(putting) != 1 or not isinstance(putting[0], dict):
        return [f"template.yaml slack-command: {len(putting)} PutEvents grants (an !If included), not one "
                "on its own bus: a hub puts in a spoke as the spoke's role"]
    return put_events_problems(putting[0], "template.yaml slack-command")


def check_bus(spoke):
    problems = []
    resources = spoke["Resources"]
    if resources[BUS]["Properties"].get("Name") != "ecs-debug-toolkit":
        problems.append(f"{BUS} is not named ecs-debug-toolkit (contract section 9)")
    statements = resources[BUS]["Properties"].get("Policy", {}).get("Statement", [])
    if any(s.get("Effect") != "Deny" for s in statements):
        problems.append(f"{BUS}'s Policy allows: no bus policy may admit another account")
    policies = [name for name, r in resources.items() if r["Type"] == "AWS::Events::EventBusPolicy"]
    if policies:
        problems.append(f"bus policies {policies}: no bus policy may admit another account")
    launch = resources["DebugLauncherFunction"]["Properties"]["Events"]["LaunchRequested"]["Properties"]
    if launch["Pattern"].get("account") != [Tag("Ref", "AWS::AccountId")]:
        problems.append("the launcher's rule does not match account [!Ref AWS::AccountId] only")
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
    putting = [s for s in granted if "events:" in str(s.get("Action", "")) + str(s.get("NotAction", ""))]
    if len(putting) != 1:
        problems.append(f"{ROLE}: {len(putting)} statements with events actions, not one PutEvents")
    for statement in putting:
        problems.extend(put_events_problems(statement, f"{ROLE} {statement.get('Sid')}"))
    granted = [s for s in granted if s not in putting]
    expected = [narrowed_for_the_hub(s) for s in slack_command_hub_statements(toolkit)]
    actions = {a for s in granted if isinstance(s, dict) for a in listed(s.get("Action", []))}
    wanted = {a for s in expected for a in listed(s["Action"])}
    if actions != wanted:
        problems.append(f"{ROLE}: grants {sorted(actions ^ wanted)} beyond or short of slack-command's "
                        f"{'/'.join(sorted(HUB_SERVICES))} actions")
    elif granted != expected:
        problems.append(f"{ROLE}: its statements are not slack-command's (resources or conditions differ)")
    if "ecs:DescribeTaskDefinition" in actions:
        problems.append(f"{ROLE}: grants ecs:DescribeTaskDefinition (task definitions carry secrets)")
    for statement in granted:
        for action in listed(statement.get("Action", [])) + listed(statement.get("NotAction", [])):
            if "*" in action or action.startswith(("iam:Pass", "sts:")):
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
    found = check_bus(spoke) + check_hub_trust(spoke) + check_hub_actions(toolkit, spoke)
    return problems + [f"spoke.yaml {problem}" for problem in found] + check_hub_put_events(toolkit)
