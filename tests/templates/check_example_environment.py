"""infra/example-environment.yaml, checked (tests/templates/check.py runs this): its DebugToolkitImage
parameter reaches the custom resource (empty: left out, the toolkit's default), and
docs/deploying.md's Upgrading moves an environment with it; its TryIt output, evaluated against each
template's ClusterNamesInSlack export, names the cluster as Slack wants it (<alias>/<cluster>
through a spoke).
"""
import re

from check_common import problems
from cfn_yaml import Tag  # (check_common puts scripts/ on the path)


# How a cluster is written in Slack, per template: the toolkit's own name, or <alias>/<name> in a spoke.
CLUSTER_IN_SLACK = {"template.yaml": "payments-dev", "spoke.yaml": "prod/payments-dev"}


def evaluate(node, parameters, exports):
    """A value as CloudFormation makes it: Ref to parameters, Sub, Join, Split, Select, ImportValue."""
    if isinstance(node, str):
        return node
    if isinstance(node, list):
        return [evaluate(x, parameters, exports) for x in node]
    if isinstance(node, dict) and len(node) == 1:
        ((key, value),) = node.items()
        node = Tag(key.removeprefix("Fn::"), value)
    if not isinstance(node, Tag):
        raise ValueError(f"cannot evaluate {node!r}")
    if node.name == "Ref":
        return parameters[node.value]
    if node.name == "Sub":
        text, variables = (node.value, {}) if isinstance(node.value, str) else node.value
        values = parameters | {k: evaluate(v, parameters, exports) for k, v in variables.items()}
        return re.sub(r"\$\{([A-Za-z0-9:.]+)\}", lambda m: values[m.group(1)], text)
    if node.name == "Join":
        separator, items = node.value
        return separator.join(evaluate(items, parameters, exports))
    if node.name == "Split":
        separator, value = node.value
        return evaluate(value, parameters, exports).split(separator)
    if node.name == "Select":
        index, items = node.value
        return evaluate(items, parameters, exports)[int(index)]
    if node.name == "ImportValue":
        name = evaluate(node.value, parameters, exports)
        if name not in exports:
            raise KeyError(f"No export named {name} found")
        return exports[name]
    raise ValueError(f"cannot evaluate !{node.name}")


def exports_of(template, stack, parameters):
    """The exports a stack of `template` named `stack` makes, with their values."""
    values = {}
    for output in template["Outputs"].values():
        if "Export" in output:
            given = parameters | {"AWS::StackName": stack}
            try:
                values[evaluate(output["Export"]["Name"], given, {})] = evaluate(output["Value"], given, {})
            except (KeyError, ValueError):
                continue  # GetAtt and the like: not what TryIt reads
    return values


def check_example(example, templates, docs):
    """The example environment: its image can be moved by a parameter (DebugToolkitImage, empty =
    the toolkit's default), and TryIt names the cluster as Slack wants it, in a toolkit's account
    and in a spoke's (<alias>/<cluster>), whichever stack ToolkitStackName names."""
    parameter = example["Parameters"].get("DebugToolkitImage")
    properties = example["Resources"]["DebugEnvironment"]["Properties"]
    if parameter is None:
        problems.append("example-environment.yaml: no parameter DebugToolkitImage (an environment could not be "
                        "moved to a new image by a command: an unchanged template makes no Update)")
    else:
        if parameter.get("Default") != "":
            problems.append("example-environment.yaml DebugToolkitImage: its Default must be empty (the toolkit's image)")
        given = properties.get("DebugToolkitImage")
        ok = (isinstance(given, Tag) and given.name == "If" and given.value[1] == Tag("Ref", "DebugToolkitImage")
              and given.value[2] == Tag("Ref", "AWS::NoValue"))
        if ok:
            condition = example["Conditions"].get(given.value[0])
            ok = condition == Tag("Not", [Tag("Equals", [Tag("Ref", "DebugToolkitImage"), ""])])
        if not ok:
            problems.append(f"example-environment.yaml DebugEnvironment: DebugToolkitImage is {given!r}, not !If "
                            f"[<DebugToolkitImage not empty>, !Ref DebugToolkitImage, !Ref AWS::NoValue]")
        pattern = parameter.get("AllowedPattern", "")
        # ecs-environment's rules::is_image: 1 to 255 of letters, digits, - _ . : / @ #, a letter or digit first.
        for image, accepted in (("", True), ("123456789012.dkr.ecr.eu-west-1.amazonaws.com/ecs-debug-toolkit/debug-toolkit:1.1.1", True),
                                ("public.ecr.aws/x/tools@sha256:" + "a" * 64, True), ("-x", False), ("a b", False),
                                ("a" * 256, False)):
            if bool(re.fullmatch(pattern, image)) != accepted:
                problems.append(f"example-environment.yaml DebugToolkitImage: its AllowedPattern "
                                f"{'refuses' if accepted else 'admits'} {image[:60]!r}, which ecs-environment "
                                f"{'accepts' if accepted else 'refuses'}")
    upgrading = docs[docs.index("## Upgrading"):docs.index("### Your own values")]
    commands = re.sub(r"\\\n\s*", " ", upgrading)
    moving = [c for c in re.findall(r"aws cloudformation deploy [^\n`]*", commands) if "DebugToolkitImage=" in c]
    if not moving or not all("--no-fail-on-empty-changeset" in c for c in moving):
        problems.append("docs/deploying.md, Upgrading: no `aws cloudformation deploy … DebugToolkitImage=… "
                        "--no-fail-on-empty-changeset` that moves an existing environment to the new image")
    try_it = example["Outputs"]["TryIt"]["Value"]
    for name, template in templates:
        stack = {"template.yaml": "ecs-debug-toolkit", "spoke.yaml": "ecs-debug-toolkit-spoke"}[name]
        exports = exports_of(template, stack, {"SpokeAlias": "prod"})
        parameters = {"ToolkitStackName": stack, "ClusterName": "payments-dev"}
        try:
            shown = evaluate(try_it, parameters, exports)
        except (KeyError, ValueError) as error:
            problems.append(f"example-environment.yaml TryIt with ToolkitStackName={stack} ({name}): {error}")
            continue
        expected = f"/debug start {CLUSTER_IN_SLACK[name]} 45m"
        if shown != expected:
            problems.append(f"example-environment.yaml TryIt with ToolkitStackName={stack} ({name}, SpokeAlias=prod) "
                            f"is {shown!r}, not {expected!r}")
