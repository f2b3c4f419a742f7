"""The functions of a stack, checked (tests/templates/check.py runs this): each is given the stack's
parameters it needs (PASSED), logs to a log group of the stack with a retention, and reserves
concurrency only when ReservedConcurrency asks (slack-command: SlackCommandConcurrency, 10 by default).
"""
from check_common import problems
from cfn_yaml import Tag  # (check_common puts scripts/ on the path)


# The stack's parameters each function must be given (the defaults must really apply).
PASSED = {
    "EcsEnvironmentFunction": {
        "DEFAULT_IDLE_TIMEOUT_MINUTES": "DefaultIdleTimeoutMinutes",
        "DEFAULT_MAX_LIFETIME_MINUTES": "DefaultMaxLifetimeMinutes",
    },
    "IdleReaperFunction": {
        "IDLE_TIMEOUT_MINUTES": "DefaultIdleTimeoutMinutes",
        "MAX_LIFETIME_MINUTES": "DefaultMaxLifetimeMinutes",
        "DRY_RUN": "ReaperDryRun",
    },
    "DebugLauncherFunction": {
        "MAX_LIFETIME_MINUTES": "DefaultMaxLifetimeMinutes",
        "MAX_DEBUG_TASKS_PER_USER": "MaxDebugTasksPerUser",
    },
    "SlackCommandFunction": {"MAX_LIFETIME_MINUTES": "DefaultMaxLifetimeMinutes"},
}


def check_functions(template, without=()):
    resources = template["Resources"]
    for name, variables in PASSED.items():
        if name in without:
            continue
        given = resources[name]["Properties"]["Environment"]["Variables"]
        for variable, parameter in variables.items():
            value = given.get(variable)
            if not (isinstance(value, Tag) and (value.name, value.value) == ("Ref", parameter)):
                problems.append(f"{name}: {variable} is not !Ref {parameter}")
    for name, resource in resources.items():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        props = resource["Properties"]
        group = props.get("LoggingConfig", {}).get("LogGroup")
        if not (isinstance(group, Tag) and group.name == "Ref"):
            problems.append(f"{name}: LoggingConfig.LogGroup is not a log group of the stack")
        elif "RetentionInDays" not in resources[group.value]["Properties"]:
            problems.append(f"{name}: its log group {group.value} has no retention")
        reserved = props.get("ReservedConcurrentExecutions")
        # slack-command's public Function URL has its own, on by default (issue 36).
        condition = "HasSlackCommandConcurrency" if name == "SlackCommandFunction" else "HasReservedConcurrency"
        if not (isinstance(reserved, Tag) and reserved.name == "If" and reserved.value[0] == condition):
            problems.append(f"{name}: ReservedConcurrentExecutions {reserved!r} is not conditioned on {condition}")
