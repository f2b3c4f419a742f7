"""The parts of infra/spoke.yaml that scripts/spoke-template.py takes from or adds to
infra/template.yaml, as data: what is dropped (the Slack front), what is added (the spoke's
parameters, bus, rules and roles), and which statements the hub's role copies from slack-command.
"""

import cfn_yaml

# The Slack front: what only slack-command has or uses.
DROPPED = {
    "Resources": [
        "SlackCommandFunction", "SlackSigningSecret", "SlackCommandLogs", "SlackCommandErrorsAlarm",
        "SlackBotToken", "SlackButtonKey", "NoticesFromSpokes",
    ],
    "Outputs": [
        "SlackCommandUrl", "SlackAppManifest", "SlackAppCreateUrl", "SlackSigningSecretCommand",
        "SlackSigningSecretArn", "SlackCommandRoleArn", "SlackBotTokenSecretArn", "SlackBotTokenCommand",
        "HubEventBusArn",
    ],
    "Parameters": [
        "SlackCommandName", "Spokes", "SlackCommandConcurrency", "AllowedSlackTeams",
        "SlackBotTokenSecretArn", "SpokeAccounts", "SlackResponseUrlPrefixes",
    ],
}
# What reaches Slack only in the hub: the functions' variables and grants for it, and the hub's rule.
SLACK_VARIABLES = {"SLACK_BOT_TOKEN_ARN", "SLACK_RESPONSE_URL_PREFIXES", "SPOKES", "SLACK_BUTTON_KEY_ARN"}
SLACK_GRANTS = {"ReadTheBotToken", "ReadTheButtonKey"}
HUB_ONLY_EVENTS = {"TaskEventsFunction": ["SpokeNotices"]}
# The functions that tell Slack: in a spoke, through the hub.
TELLING = ["DebugLauncherFunction", "TaskEventsFunction"]
# The spoke's bus policy: it admits no one (no Allow), and no one but those functions may put a
# notice on it, whatever their identity policy (a role allowed events:PutEvents on * included), as the hub
# posts what arrives (issue 36 item 5).
BUS_POLICY = cfn_yaml.loads("""
Version: "2012-10-17"
Statement:
  - Sid: OnlyTheFunctionsPutNotices
    Effect: Deny
    Principal: "*"
    Action: events:PutEvents
    Resource: !Sub "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/ecs-debug-toolkit"
    Condition:
      ForAnyValue:StringEquals:
        events:detail-type: Debug Task Notice
      ArnNotEquals:
        aws:PrincipalArn:
          - !GetAtt DebugLauncherFunctionRole.Arn
          - !GetAtt TaskEventsFunctionRole.Arn
""")
# The services of slack-command's statements the hub needs in a spoke (list, stop, extend,
# forward, doctor, the authorisation read, and start: PutEvents on the stack's own bus, which in a
# spoke is the spoke's bus); its secrets and the AssumeRole of spoke roles stay home.
HUB_SERVICES = {"ecs", "ec2", "iam", "logs", "events"}
# Statements the hub role gets narrower than slack-command's own (issue 36 item 5): in a spoke
# the hub reads debug tasks only (a one-account slack-command also reads a stopped task, whose
# tags StopTask deleted, to say "already stopped"; a hub's answer for one it cannot read says so).
HUB_NARROWED = {
    "EcsReadTasks": {
        "Sid": "EcsReadOnlyDebugTasks",
        "Condition": {"StringEquals": {"aws:ResourceTag/debug-toolkit:managed-by": "ecs-debug-toolkit"}},
    },
}
# The functions whose Slack messages name clusters: `<alias>/<cluster>` in a spoke.
NAMING_CLUSTERS = ["DebugLauncherFunction", "TaskEventsFunction", "IdleReaperFunction"]

DESCRIPTION = """\
ecs-debug-toolkit spoke: one account and region served by a hub's Slack command (a stack of
infra/template.yaml with Spokes). The Custom::EcsEnvironment provider (ecs-environment), the
launcher of debug tasks (debug-launcher) on the bus ecs-debug-toolkit (its policy only denies: it admits
no other account), exec activity and state changes (task-events), the scheduled clean-up
(idle-reaper), and the role the hub's slack-command assumes to list, stop, extend, forward,
diagnose and start here (a start is a launch request the hub puts on this bus as that role).
"""

ADDED = cfn_yaml.loads("""
Parameters:
  SpokeAlias:
    Type: String
    AllowedPattern: "^[a-z0-9-]{1,32}$"
    ConstraintDescription: at most 32 lower-case letters, digits and -
    Description: This account and region's alias in the hub's Spokes parameter (alias=account-id/region); Slack messages from here name clusters <alias>/<cluster>.
  HubRoleArn:
    Type: String
    AllowedPattern: "^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$"
    ConstraintDescription: an IAM role ARN (arn:aws:iam::<account>:role/<name>)
    Description: The hub stack's output SlackCommandRoleArn, the only principal that may assume this spoke's role ecs-debug-toolkit-hub-<region>.
  HubEventBusArn:
    Type: String
    AllowedPattern: "^arn:aws[a-z-]*:events:[a-z0-9-]+:[0-9]{12}:event-bus/[A-Za-z0-9._-]+$"
    ConstraintDescription: an EventBridge bus ARN (arn:aws:events:<region>:<account>:event-bus/<name>)
    Description: The hub stack's output HubEventBusArn. This spoke's ready, stopped and launch notices go there (the hub posts them; no Slack token is held here). Add this account to the hub's SpokeAccounts.
  OrganizationId:
    Type: String
    Default: ""
    AllowedPattern: "^$|^o-[a-z0-9]{10,32}$"
    ConstraintDescription: empty, or an AWS Organizations id (o-...)
    Description: Optional. The organization the hub's account must belong to (aws:PrincipalOrgID), in the hub role's trust policy.
Conditions:
  HasOrganization: !Not [!Equals [!Ref OrganizationId, ""]]
Resources:
  HubRole:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !Sub "ecs-debug-toolkit-hub-${AWS::Region}"
      Description: The hub's slack-command in this account and region - list, stop, extend, forward, doctor and the authorisation read on managed clusters only, and start (launch requests on this stack's bus)
      MaxSessionDuration: 3600
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Sid: OnlyTheHubsSlackCommand
            Effect: Allow
            Principal:
              AWS: !Ref HubRoleArn
            Action: sts:AssumeRole
            Condition: !If
              - HasOrganization
              - StringEquals:
                  aws:PrincipalOrgID: !Ref OrganizationId
              - !Ref AWS::NoValue
      Policies:
        - PolicyName: hub-reads-and-stops-debug-tasks
          PolicyDocument:
            Version: "2012-10-17"
            Statement: []
  # Only the hub holds the bot token: this account's notices go to the hub's bus, the documented
  # cross-account path (a rule here whose target is the bus there, with a role to put them).
  NoticesToTheHub:
    Type: AWS::Events::Rule
    Properties:
      Description: This spoke's Debug Task Notices, to the hub's bus (the hub posts them in Slack)
      EventBusName: !Ref DebugRequestsBus
      EventPattern:
        source: [ecs-debug-toolkit]
        detail-type: [Debug Task Notice]
        account: [!Ref AWS::AccountId]
      Targets:
        - Id: hub-bus
          Arn: !Ref HubEventBusArn
          RoleArn: !GetAtt NoticeForwardingRole.Arn
  NoticeForwardingRole:
    Type: AWS::IAM::Role
    Properties:
      Description: EventBridge sends this spoke's Debug Task Notices to the hub's bus as this role
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Sid: EventBridgeOfThisAccount
            Effect: Allow
            Principal:
              Service: events.amazonaws.com
            Action: sts:AssumeRole
            Condition:
              StringEquals:
                aws:SourceAccount: !Ref AWS::AccountId
              ArnLike:
                aws:SourceArn: !Sub "arn:${AWS::Partition}:events:*:${AWS::AccountId}:rule/ecs-debug-toolkit/*"
      Policies:
        - PolicyName: put-notices-on-the-hub-bus
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Sid: PutOnlyNoticesOnTheHubBus
                Effect: Allow
                Action: events:PutEvents
                Resource: !Ref HubEventBusArn
                Condition:
                  ForAllValues:StringEquals:
                    events:source: ecs-debug-toolkit
                    events:detail-type: Debug Task Notice
Outputs:
  ClusterNamesInSlack:
    Description: How Slack names this account and region's clusters through the hub, * standing for a cluster's name; the example environment's TryIt reads it.
    Value: !Sub "${SpokeAlias}/*"
    Export:
      Name: !Sub "${AWS::StackName}-ClusterNamesInSlack"
  SpokeRoleArn:
    Description: The role the hub's slack-command assumes here (ecs-debug-toolkit-hub-<region>)
    Value: !GetAtt HubRole.Arn
  SpokeBusArn:
    Description: The bus the hub puts launch requests on as SpokeRoleArn (event-bus/ecs-debug-toolkit)
    Value: !GetAtt DebugRequestsBus.Arn
""")

# The grant of each function that tells Slack: its notices on this stack's own bus, nothing else.
# The bus by its ARN, not !GetAtt: the bus's policy names these functions' roles, so a role naming
# the bus would be a circular dependency (tests/templates/check_cycles.py).
PUT_NOTICES = cfn_yaml.loads("""
Sid: PutOnlyNoticesForTheHub
Effect: Allow
Action: events:PutEvents
Resource: !Sub "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/ecs-debug-toolkit"
Condition:
  ForAllValues:StringEquals:
    events:source: ecs-debug-toolkit
    events:detail-type: Debug Task Notice
""")

# Parameter descriptions that name slack-command in template.yaml, as they read in a spoke.
DESCRIPTIONS = {
    "ReservedConcurrency": (
        "Reserved concurrency of each of debug-launcher, task-events and ecs-environment (idle-reaper "
        "then reserves 1). 0 = none, the default, which any account can deploy; Lambda keeps 100 of "
        "the account's limit unreserved, so 3 x this + 1 must leave that."
    ),
}
