"""Only the hub holds the bot token (issue 36 item 5; docs/interface.md, "Notices through the hub"):
what the templates must keep (tests/templates/check.py runs it; `selfcheck` shows each rule firing):
- infra/spoke.yaml has no secret, no grant to one and no Slack token, allow-list or key variable;
  its debug-launcher and task-events put notices on the stack's own bus (NOTICE_BUS_NAME), with one
  PutEvents grant each, for `Debug Task Notice`s only (ForAllValues);
- its rule NoticesToTheHub takes this account's notices only and sends them to !Ref HubEventBusArn
  as NoticeForwardingRole, which EventBridge of this account alone may assume and which may put
  notices on that bus and nothing else;
- infra/template.yaml's bus admits spokes' notices only from !Ref SpokeAccounts, for that
  detail-type only, its rule to task-events matches those accounts only, and a hub (HasSpokes) has a
  generated button key of at least 64 characters.
Each function returns the problems it found.
"""

import copy

from cfn_yaml import Tag

NOTICES = {"ForAllValues:StringEquals": {"events:source": "ecs-debug-toolkit", "events:detail-type": "Debug Task Notice"}}
FROM_SPOKE_RULES = {"ArnLike": {"aws:SourceArn": Tag("Sub", "arn:${AWS::Partition}:events:*:*:rule/ecs-debug-toolkit/*")}}
OWN_RULES = {"ArnLike": {"aws:SourceArn": Tag("Sub", "arn:${AWS::Partition}:events:*:${AWS::AccountId}:rule/ecs-debug-toolkit/*")}}
PATTERN = {"source": ["ecs-debug-toolkit"], "detail-type": ["Debug Task Notice"]}
TELLING = ("DebugLauncherFunction", "TaskEventsFunction")
SLACK_SECRETS = ("SLACK_BOT_TOKEN", "SLACK_BUTTON_KEY", "SLACK_RESPONSE_URL_PREFIXES", "SLACK_SIGNING_SECRET")


def _statements(properties):
    return [s for d in properties.get("Policies", []) if isinstance(d, dict) for s in d.get("Statement", [])]


def _role_statements(role):
    return [s for p in role.get("Policies", []) for s in p["PolicyDocument"]["Statement"]]


def check_spoke(spoke):
    problems = []
    resources = spoke["Resources"]
    for name, resource in resources.items():
        if resource["Type"] == "AWS::SecretsManager::Secret":
            problems.append(f"{name}: a secret in a spoke (only the hub holds Slack's)")
        properties = resource.get("Properties", {})
        for variable in properties.get("Environment", {}).get("Variables", {}):
            if variable.startswith(SLACK_SECRETS):
                problems.append(f"{name}: {variable} in a spoke")
        for statement in _statements(properties):
            if "secretsmanager:" in str(statement):
                problems.append(f"{name}: a Secrets Manager grant in a spoke ({statement.get('Sid') if isinstance(statement, dict) else statement})")
    for name in TELLING:
        properties = resources[name]["Properties"]
        if properties["Environment"]["Variables"].get("NOTICE_BUS_NAME") != Tag("Ref", "DebugRequestsBus"):
            problems.append(f"{name}: NOTICE_BUS_NAME is not !Ref DebugRequestsBus")
        putting = [s for s in _statements(properties)
                   if isinstance(s, dict) and "events:" in str(s.get("Action", "")) + str(s.get("NotAction", ""))]
        own_bus = Tag("Sub", "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/ecs-debug-toolkit")
        wanted = {"Sid": "PutOnlyNoticesForTheHub", "Effect": "Allow", "Action": "events:PutEvents",
                  "Resource": own_bus, "Condition": NOTICES}
        if putting != [wanted]:
            problems.append(f"{name}: its events grants are {putting!r}, not one PutEvents of notices on its own bus")
    rule = resources.get("NoticesToTheHub", {}).get("Properties", {})
    pattern = rule.get("EventPattern", {})
    if rule.get("EventBusName") != Tag("Ref", "DebugRequestsBus") or pattern != PATTERN | {"account": [Tag("Ref", "AWS::AccountId")]}:
        problems.append("NoticesToTheHub: not this account's notices on the stack's bus")
    targets = rule.get("Targets", [])
    wanted = {"Id": "hub-bus", "Arn": Tag("Ref", "HubEventBusArn"), "RoleArn": Tag("GetAtt", "NoticeForwardingRole.Arn")}
    if targets != [wanted]:
        problems.append(f"NoticesToTheHub: targets {targets!r}, not the hub's bus as NoticeForwardingRole")
    role = resources.get("NoticeForwardingRole", {}).get("Properties", {})
    trust = role.get("AssumeRolePolicyDocument", {}).get("Statement", [])
    trusted = {"Sid": "EventBridgeOfThisAccount", "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"},
               "Action": "sts:AssumeRole",
               "Condition": {"StringEquals": {"aws:SourceAccount": Tag("Ref", "AWS::AccountId")}} | OWN_RULES}
    if trust != [trusted]:
        problems.append("NoticeForwardingRole: not trusted by this account's EventBridge alone")
    granted = [{k: v for k, v in s.items() if k != "Sid"} for s in _role_statements(role)]
    if granted != [{"Effect": "Allow", "Action": "events:PutEvents", "Resource": Tag("Ref", "HubEventBusArn"), "Condition": NOTICES}]:
        problems.append(f"NoticeForwardingRole: grants {granted!r}, not PutEvents of notices on the hub's bus only")
    if role.get("ManagedPolicyArns") or role.get("PermissionsBoundary"):
        problems.append("NoticeForwardingRole: managed policies beside its inline one")
    return [f"spoke.yaml {p}" for p in problems]


def check_hub(toolkit):
    problems = []
    resources = toolkit["Resources"]
    policy = resources.get("NoticesFromSpokes", {})
    statement = policy.get("Properties", {}).get("Statement", {})
    wanted = {"Effect": "Allow", "Principal": {"AWS": Tag("Ref", "SpokeAccounts")}, "Action": "events:PutEvents",
              "Resource": Tag("GetAtt", "DebugRequestsBus.Arn"), "Condition": NOTICES | FROM_SPOKE_RULES}
    if policy.get("Condition") != "HasSpokeAccounts" or statement != wanted:
        problems.append(f"NoticesFromSpokes: {statement!r}, not notices from SpokeAccounts only")
    events = resources["TaskEventsFunction"]["Properties"]["Events"].get("SpokeNotices", {}).get("Properties", {})
    if events.get("Pattern") != PATTERN | {"account": Tag("Ref", "SpokeAccounts")}:
        problems.append("TaskEventsFunction SpokeNotices: not notices of SpokeAccounts only")
    key = resources.get("SlackButtonKey", {})
    length = key.get("Properties", {}).get("GenerateSecretString", {}).get("PasswordLength", 0)
    if key.get("Condition") != "HasSpokes" or length < 64:
        problems.append("SlackButtonKey: not a generated key of 64 characters or more in every hub")
    return [f"template.yaml {p}" for p in problems]


def check(toolkit, spoke):
    return check_hub(toolkit) + check_spoke(spoke)


def selfcheck(toolkit, spoke):
    """Each rule fires on a template broken for it (a check that cannot fail proves nothing)."""
    def broken(template, change):
        copied = copy.deepcopy(template)
        change(copied["Resources"])
        return copied
    spoke_cases = [
        lambda r: r["TaskEventsFunction"]["Properties"]["Environment"]["Variables"].update(SLACK_BOT_TOKEN_ARN="x"),
        lambda r: r["NoticesToTheHub"]["Properties"]["Targets"][0].pop("RoleArn"),
        lambda r: r["NoticesToTheHub"]["Properties"]["EventPattern"].pop("account"),
        lambda r: r["NoticeForwardingRole"]["Properties"]["AssumeRolePolicyDocument"]["Statement"][0].pop("Condition"),
        lambda r: r["DebugLauncherFunction"]["Properties"]["Policies"][0]["Statement"][-1]["Condition"].clear(),
    ]
    hub_cases = [
        lambda r: r["NoticesFromSpokes"]["Properties"]["Statement"].update(Principal="*"),
        lambda r: r["NoticesFromSpokes"]["Properties"]["Statement"]["Condition"].pop("ArnLike"),
        lambda r: r["TaskEventsFunction"]["Properties"]["Events"]["SpokeNotices"]["Properties"]["Pattern"].pop("account"),
        lambda r: r["SlackButtonKey"]["Properties"]["GenerateSecretString"].update(PasswordLength=16),
    ]
    silent = [i for i, c in enumerate(spoke_cases) if not check_spoke(broken(spoke, c))]
    silent += [f"hub {i}" for i, c in enumerate(hub_cases) if not check_hub(broken(toolkit, c))]
    return [f"check_notices: rule {i} does not fire on a template broken for it" for i in silent]
