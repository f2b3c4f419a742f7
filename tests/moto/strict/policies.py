"""The identity policies each function runs with, read from `infra/template.yaml` as deployed.

The template's intrinsic functions are resolved the way CloudFormation would for this test:
`AWS::Partition`/`Region`/`AccountId` from the request, and every `!Ref X` that a function's
`Environment` passes to it from the value the test gave that variable. A reference the test did
not give (a test without Secrets Manager, say) becomes an ARN no resource has, so its statement
grants nothing; any other intrinsic that cannot be resolved is an error.
"""

import yaml

# Binary name -> the template's function resource.
FUNCTIONS = {
    "ecs-environment": "EcsEnvironmentFunction",
    "slack-command": "SlackCommandFunction",
    "debug-launcher": "DebugLauncherFunction",
    "task-events": "TaskEventsFunction",
    "idle-reaper": "IdleReaperFunction",
}


class _Tag:
    def __init__(self, name, value):
        self.name, self.value = name, value


def _loader():
    class Loader(yaml.SafeLoader):
        pass

    def construct(loader, suffix, node):
        if isinstance(node, yaml.ScalarNode):
            value = loader.construct_scalar(node)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)
        return _Tag(suffix, value)

    Loader.add_multi_constructor("!", construct)
    return Loader


def load_template(path):
    with open(path) as file:
        return yaml.load(file, Loader=_loader())


class Unresolved(Exception):
    pass


class Resolver:
    """Resolves intrinsics for one function, given the environment the test started it with."""

    def __init__(self, template, function, env, account, region):
        self.template = template
        self.resource = template["Resources"][FUNCTIONS[function]]
        self.pseudo = {"AWS::Partition": "aws", "AWS::Region": region, "AWS::AccountId": account}
        self.refs = {}
        for name, value in self.resource["Properties"].get("Environment", {}).get(
            "Variables", {}
        ).items():
            for ref in _refs_in(value):
                if name in env:
                    self.refs[ref] = env[name]
        self.region, self.account = region, account

    def value(self, node):
        if isinstance(node, list):
            return [v for v in (self.value(x) for x in node) if v is not _NO_VALUE]
        if isinstance(node, dict):
            return {k: v for k, v in ((k, self.value(x)) for k, x in node.items()) if v is not _NO_VALUE}
        if not isinstance(node, _Tag):
            return node
        return getattr(self, "_" + node.name.replace("::", "_"))(node.value)

    def _Ref(self, name):
        if name == "AWS::NoValue":
            return _NO_VALUE
        if name in self.pseudo:
            return self.pseudo[name]
        if name in self.refs:
            return self.refs[name]
        if name in self.template["Resources"] or name in self.template.get("Parameters", {}):
            return f"arn:aws:cloudformation:{self.region}:{self.account}:not-given/{name}"
        raise Unresolved(f"!Ref {name}")

    def _Sub(self, text):
        for key, value in (self.pseudo | self.refs).items():
            text = text.replace("${" + key + "}", value)
        if "${" in text:
            raise Unresolved(f"!Sub {text}")
        return text

    def _GetAtt(self, target):
        name, attribute = target.split(".", 1) if isinstance(target, str) else target
        kind = self.template["Resources"][name]["Type"]
        if (kind, attribute) == ("AWS::Events::EventBus", "Arn"):
            return f"arn:aws:events:{self.region}:{self.account}:event-bus/{self._Ref(name)}"
        raise Unresolved(f"!GetAtt {name}.{attribute}")

    def _If(self, args):
        condition, then, otherwise = args
        return self.value(then if self._condition(condition) else otherwise)

    def _condition(self, name):
        return self._holds(self.template["Conditions"][name])

    def _holds(self, expression):
        """!Equals, !Not and !Condition; a parameter is what the test gave the variable that
        passes it, else its default."""
        if expression.name == "Not":
            (inner,) = expression.value
            return not self._holds(inner)
        if expression.name == "Condition":
            return self._condition(expression.value)
        if expression.name == "Equals":
            left, right = (self._parameter(v) for v in expression.value)
            return left == right
        raise Unresolved(f"condition !{expression.name}")

    def _parameter(self, node):
        if not isinstance(node, _Tag):
            return str(node)
        if node.name == "Ref" and node.value in self.refs:
            return self.refs[node.value]
        if node.name == "Ref" and node.value in self.template.get("Parameters", {}):
            return str(self.template["Parameters"][node.value].get("Default", ""))
        raise Unresolved(f"!{node.name} {node.value} in a condition")

    def policies(self):
        """The function's policy documents (SAM `Policies` entries that are documents)."""
        out = []
        for entry in self.resource["Properties"].get("Policies", []):
            document = self.value(entry)
            if isinstance(document, dict) and "Statement" in document:
                out.append(document)
        return out


_NO_VALUE = object()


def _refs_in(node):
    if isinstance(node, _Tag):
        if node.name == "Ref":
            return [node.value]
        values = node.value if isinstance(node.value, list) else [node.value]
        return [ref for value in values for ref in _refs_in(value)]
    return []


def granted_actions(documents):
    """Every action the documents allow, for the report of grants no test exercised."""
    actions = set()
    for document in documents:
        for statement in document["Statement"]:
            if statement.get("Effect") == "Allow":
                listed = statement["Action"]
                actions.update([listed] if isinstance(listed, str) else listed)
    return actions
