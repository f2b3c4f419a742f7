"""The identity policies each function runs with, read from `infra/template.yaml` (or, for a
spoke, `infra/spoke.yaml`) as deployed.

The template's intrinsic functions are resolved the way CloudFormation would for this test:
`AWS::Partition`/`Region`/`AccountId` from the caller's account and Region, `!Ref` of a parameter
from the values a spoke was registered with (`/_strict/spokes`), and every `!Ref X` that a
function's `Environment` passes to it from the value the test gave that variable. A reference the
test did not give (a test without Secrets Manager, say) becomes an ARN no resource has, so its
statement grants nothing; any other intrinsic that cannot be resolved is an error.
`TemplateResolver` does the same for any resource of a template (the spoke's role and bus,
`trust.py`), a resource with a fixed name (`Name`, `RoleName`) standing for that name.
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


class TemplateResolver:
    """Resolves intrinsics in a template deployed in `account` and `region`, given `refs` (parameter
    or resource name -> value). With `physical_names`, a `!Ref`/`!GetAtt .Arn` of a resource with
    a fixed name (an event bus's `Name`, a role's `RoleName`) is that name and its ARN."""

    def __init__(self, template, account, region, refs, physical_names=False):
        self.template = template
        self.pseudo = {"AWS::Partition": "aws", "AWS::Region": region, "AWS::AccountId": account,
                       "AWS::StackName": "ecs-debug-toolkit"}
        self.refs = dict(refs)
        self.region, self.account = region, account
        self.physical_names = physical_names

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
        physical = self._physical_name(name)
        if physical is not None:
            return physical
        if name in self.template["Resources"] or name in self.template.get("Parameters", {}):
            return f"arn:aws:cloudformation:{self.region}:{self.account}:not-given/{name}"
        raise Unresolved(f"!Ref {name}")

    def documents(self, resource):
        """`resource`'s SAM `Policies` as documents: inline ones, and a `!Ref` of the template's
        own `AWS::IAM::ManagedPolicy` (SAM attaches it by ARN) as that policy's document; and
        what SAM attaches to every function role it makes, AWSLambdaBasicExecutionRole."""
        out = [LAMBDA_BASIC_EXECUTION] if resource["Type"] == "AWS::Serverless::Function" else []
        for entry in resource["Properties"].get("Policies", []):
            if isinstance(entry, _Tag) and entry.name == "Ref":
                managed = self.template["Resources"].get(entry.value, {})
                if managed.get("Type") == "AWS::IAM::ManagedPolicy":
                    entry = managed["Properties"]["PolicyDocument"]
            document = self.value(entry)
            if not (isinstance(document, dict) and "Statement" in document):
                # A managed policy by name or ARN, a SAM policy template: what it grants is not
                # in the template, so nothing here could judge it.
                raise Unresolved(f"a Policies entry that is not a document: {document!r:.120}")
            out.append(document)
        return out

    def _physical_name(self, name):
        resource = self.template["Resources"].get(name) if self.physical_names else None
        key = _NAME_PROPERTIES.get(resource["Type"]) if resource else None
        if key and key in resource.get("Properties", {}):
            return self.value(resource["Properties"][key])
        if key == "RoleName":
            # CloudFormation names it <stack>-<logical id>-<random suffix>; the world drops the suffix.
            return f"{self.pseudo['AWS::StackName']}-{name}"
        return None

    def _Sub(self, text):
        variables = {}
        if isinstance(text, list):
            text, given = text
            variables = {k: str(self.value(v)) for k, v in given.items()}
        text = text.replace("${!", "\0")  # `${!x}` is the literal `${x}`
        for key, value in (self.pseudo | self.refs | variables).items():
            text = text.replace("${" + key + "}", str(value))
        if "${" in text:
            raise Unresolved(f"!Sub {text}")
        return text.replace("\0", "${")

    def _GetAtt(self, target):
        name, attribute = target.split(".", 1) if isinstance(target, str) else target
        function = self.template["Resources"].get(name.removesuffix("Role"), {})
        if name.endswith("Role") and function.get("Type") == "AWS::Serverless::Function" and attribute == "Arn":
            # The role SAM makes for a function (`<Function>Role`), as the gate names it: its binary.
            return f"arn:aws:iam::{self.account}:role/{function['Metadata']['BuildProperties']['Binary']}"
        kind = self.template["Resources"][name]["Type"]
        if (kind, attribute) == ("AWS::Events::EventBus", "Arn"):
            return f"arn:aws:events:{self.region}:{self.account}:event-bus/{self._Ref(name)}"
        if (kind, attribute) == ("AWS::IAM::Role", "Arn") and self._physical_name(name):
            return f"arn:aws:iam::{self.account}:role/{self._physical_name(name)}"
        raise Unresolved(f"!GetAtt {name}.{attribute}")

    def _If(self, args):
        condition, then, otherwise = args
        return self.value(then if self.condition(condition) else otherwise)

    def condition(self, name):
        return self._holds(self.template["Conditions"][name])

    def _holds(self, expression):
        """!Equals, !Not, !And, !Or and !Condition; a parameter is the value it was given, else
        its default."""
        if expression.name == "Not":
            (inner,) = expression.value
            return not self._holds(inner)
        if expression.name == "And":
            return all(self._holds(inner) for inner in expression.value)
        if expression.name == "Or":
            return any(self._holds(inner) for inner in expression.value)
        if expression.name == "Condition":
            return self.condition(expression.value)
        if expression.name == "Equals":
            left, right = (self._parameter(v) for v in expression.value)
            return left == right
        raise Unresolved(f"condition !{expression.name}")

    def _parameter(self, node):
        if not isinstance(node, _Tag):
            return str(node)
        if node.name == "Ref" and node.value in self.refs:
            return str(self.refs[node.value])
        if node.name == "Ref" and node.value in self.pseudo:
            return self.pseudo[node.value]
        if node.name == "Ref" and node.value in self.template.get("Parameters", {}):
            return str(self.template["Parameters"][node.value].get("Default", ""))
        raise Unresolved(f"!{node.name} {node.value} in a condition")


class Resolver(TemplateResolver):
    """Resolves intrinsics for one function, given the environment the test started it with (and
    the stack's parameters, when known: a spoke's)."""

    def __init__(self, template, function, env, account, region, parameters=None):
        self.resource = template["Resources"][FUNCTIONS[function]]
        refs = dict(parameters or {})
        for name, value in self.resource["Properties"].get("Environment", {}).get(
            "Variables", {}
        ).items():
            for ref in _refs_in(value):
                if name in env:
                    refs[ref] = env[name]
        super().__init__(template, account, region, refs)

    def policies(self):
        """The function's policy documents (SAM `Policies` entries that are documents, and the
        managed policies of the template they `!Ref`)."""
        return self.documents(self.resource)



# The AWS managed policy SAM attaches to each function role it makes (its document as AWS
# publishes it).
LAMBDA_BASIC_EXECUTION = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ["logs:CreateLogGroup", "logs:CreateLogStream",
                                                 "logs:PutLogEvents"], "Resource": "*"}],
}
_NAME_PROPERTIES = {"AWS::Events::EventBus": "Name", "AWS::IAM::Role": "RoleName"}
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
