"""No circular dependency in either template, as CloudFormation resolves them after SAM's transform
(a cycle fails the stack's create and update with "Circular dependency between resources"; cfn-lint
1.58 on the SAM template reported none for a bus policy naming a function's role whose policy named
the bus, and the tests' worlds deploy no stack). SAM makes each function's role
`<Function>Role` from its `Policies`, so a function's policies and the rest of its properties are
two nodes: a bus policy naming the role (`!GetAtt <Function>Role.Arn`) while the role's policy names
the bus is a cycle. Every `!Ref`, `!GetAtt`, `${...}` of `!Sub` and `DependsOn` is an edge, both
branches of an `!If` included (so a cycle it reports may be one a condition never builds).
`check(template)` returns the problems; `selfcheck()` shows it finds a cycle made on purpose.
"""

import copy
import re

from cfn_yaml import Tag

_SUB = re.compile(r"\$\{([A-Za-z0-9]+)(?:\.[A-Za-z0-9.]+)?\}")


def _refs(node, found):
    if isinstance(node, Tag):
        value = node.value
        if node.name == "Ref" and isinstance(value, str):
            found.add(value)
        elif node.name == "GetAtt":
            found.add(value.split(".")[0] if isinstance(value, str) else value[0])
        elif node.name == "Sub":
            text = value if isinstance(value, str) else value[0]
            found.update(_SUB.findall(text))
            if isinstance(value, list):
                _refs(value[1], found)
        else:
            _refs(value, found)
    elif isinstance(node, dict):
        for child in node.values():
            _refs(child, found)
    elif isinstance(node, list):
        for child in node:
            _refs(child, found)
    return found


def graph(template):
    """Resource (or SAM's generated role) -> the resources it needs first."""
    nodes = {}
    for name, resource in template["Resources"].items():
        properties = resource.get("Properties", {})
        depends = resource.get("DependsOn", [])
        needs = set([depends] if isinstance(depends, str) else depends)
        if resource["Type"] == "AWS::Serverless::Function" and "Role" not in properties:
            nodes[name + "Role"] = _refs(properties.get("Policies", []), set())
            rest = {k: v for k, v in properties.items() if k != "Policies"}
            nodes[name] = _refs(rest, needs) | {name + "Role"}
        else:
            nodes[name] = _refs(properties, needs)
    return {name: {n for n in needs if n in nodes and n != name} for name, needs in nodes.items()}


def cycle(edges):
    """One cycle of `edges` as a list of names, or None."""
    state = {}

    def visit(name, path):
        state[name] = "open"
        for need in sorted(edges[name]):
            if state.get(need) == "open":
                return path[path.index(need):] + [need] if need in path else [name, need]
            if need not in state:
                found = visit(need, path + [need])
                if found:
                    return found
        state[name] = "done"
        return None

    for name in sorted(edges):
        if name not in state:
            found = visit(name, [name])
            if found:
                return found
    return None


def check(template, label):
    found = cycle(graph(template))
    return [f"{label}: circular dependency {' -> '.join(found)}"] if found else []


def selfcheck(spoke):
    """A bus policy naming debug-launcher's role, whose policy names the bus: found."""
    broken = copy.deepcopy(spoke)
    bus = broken["Resources"]["DebugRequestsBus"]["Properties"]
    bus["Policy"] = {"Statement": [{"Condition": {"ArnNotEquals": {
        "aws:PrincipalArn": Tag("GetAtt", "DebugLauncherFunctionRole.Arn")}}}]}
    policies = broken["Resources"]["DebugLauncherFunction"]["Properties"]["Policies"]
    policies.append({"Statement": [{"Resource": Tag("GetAtt", "DebugRequestsBus.Arn")}]})
    return [] if check(broken, "x") else ["check_cycles: a cycle made on purpose was not found"]
