"""Who may act across accounts, decided as AWS decides it: the spokes deployed in the test world,
their roles' trust policies and their buses' policies, and the organisation each account is in.

`POST /_strict/spokes` registers a spoke stack (`infra/spoke.yaml`, or the `template` given) as
CloudFormation would deploy it in its account and Region with the parameters given (`policies`'s
`TemplateResolver`): the `HubRole`'s trust policy and inline policies, keyed by the role's ARN,
and each event bus's policy (its `Policy` property and every `AWS::Events::EventBusPolicy` naming
it), keyed by the bus's ARN. `POST /_strict/organizations` says which organisation an account is
in (`aws:PrincipalOrgID` of its principals).

Where AWS evaluates a resource's own policy, `attach` gives it to the check (IAM guide, "Policy
evaluation logic" and "Cross-account policy evaluation logic"; the simulator plays both):
- `sts:AssumeRole`: the role's trust policy, always (same account too). A role no spoke has is
  looked up in moto's IAM (a role a test or a function created there); a role that exists nowhere
  has a trust policy that admits no one, so the call is AccessDenied with AWS's message, as AWS
  answers whether or not the role exists.
- `events:PutEvents`: the bus's policy, where a spoke registered one. A bus of another account
  without one admits no one from outside (a bus without a policy admits only its own account).
The check is then evaluated for the caller's session (`arn:aws:sts::<account>:assumed-role/<role>/
<session>`) with `aws:PrincipalAccount`, `aws:PrincipalArn` and, when registered,
`aws:PrincipalOrgID`; across accounts both the caller's identity policy and the resource's policy
must allow.
"""

import re
import threading
from dataclasses import dataclass, replace

from moto.iam.models import iam_backends

from .inside_task import _document, role_documents
from .policies import TemplateResolver, load_template

HUB_ROLE = "HubRole"
NO_ONE = {"Version": "2012-10-17", "Statement": []}
_RESOURCE_POLICY_ACTIONS = ("sts:AssumeRole", "events:PutEvents")


@dataclass
class Role:
    arn: str
    name: str
    account: str
    label: str
    trust: dict
    policies: list


class Trust:
    def __init__(self):
        self.lock = threading.Lock()
        self.roles = {}
        self.buses = {}
        self.orgs = {}
        self.spokes = {}

    def register_spoke(self, spoke, default_template):
        """Reads the spoke stack deployed in `spoke["account"]`/`spoke["region"]`."""
        account, region, parameters = spoke["account"], spoke["region"], spoke["parameters"]
        template = load_template(spoke.get("template") or default_template)
        _check_parameters(template, parameters)
        resolver = TemplateResolver(template, account, region, parameters, physical_names=True)
        resources = template["Resources"]
        properties = resources[HUB_ROLE]["Properties"]
        if properties.get("ManagedPolicyArns") or properties.get("PermissionsBoundary"):
            raise ValueError(f"{HUB_ROLE}: managed policies and boundaries are not read by the gate (trust.py)")
        name = resolver.value(properties["RoleName"])
        arn = f"arn:aws:iam::{account}:role/{name}"
        trust = _clean(resolver.value(properties["AssumeRolePolicyDocument"]))
        policies = [_clean(resolver.value(p["PolicyDocument"])) for p in properties.get("Policies", [])]
        label = f"hub role ({parameters.get('SpokeAlias', account)})"
        buses = _bus_policies(resources, resolver, account, region)
        roles = {arn: Role(arn, name, account, label, trust, policies)}
        for logical, resource in resources.items():
            if resource["Type"] == "AWS::IAM::Role" and logical != HUB_ROLE:
                other = _template_role(resolver, logical, resource, account)
                roles[other.arn] = other
        with self.lock:
            self.roles.update(roles)
            self.buses.update(buses)
            self.spokes[(account, region)] = dict(parameters)
        return {"role": arn, "roles": sorted(roles), "buses": sorted(buses)}

    def register_buses(self, template, account, region, parameters):
        """The bus policies of a stack (a hub's `NoticesFromSpokes`) deployed in `account`/`region`."""
        _check_parameters(template, parameters)
        resolver = TemplateResolver(template, account, region, _typed(template, parameters), physical_names=True)
        buses = _bus_policies(template["Resources"], resolver, account, region)
        with self.lock:
            self.buses.update(buses)
        return {"buses": sorted(buses)}

    def register_organization(self, account, org_id):
        with self.lock:
            self.orgs[account] = org_id

    def spoke_parameters(self, account, region):
        """The parameters of the spoke registered in `account`/`region`, if any."""
        return self.spokes.get((account, region))

    def role(self, arn):
        """The role `arn` names, from a spoke or moto's IAM, or None."""
        with self.lock:
            role = self.roles.get(arn)
        if role is not None:
            return role
        account = arn.split(":")[4]
        try:
            found = iam_backends[account]["global"].get_role_by_arn(arn)
        except Exception:
            return None
        trust = found.assume_role_policy_document
        documents = role_documents(account, found.name)
        return Role(arn, found.name, account, found.name, _document(trust), documents)

    def attach(self, check, caller):
        """(check, principal) as AWS evaluates it for `caller`: with the resource's own policy and
        the principal's context keys where AWS evaluates a resource policy (principal None: the
        caller's role, identity policies only)."""
        if check.action not in _RESOURCE_POLICY_ACTIONS:
            return check, None
        if check.action == "sts:AssumeRole":
            role = self.role(check.resource)
            policy = role.trust if role else NO_ONE
        else:
            with self.lock:
                policy = self.buses.get(check.resource)
        if policy is None and check.resource_account in (None, caller["account"]):
            return check, None
        context = {
            "aws:PrincipalAccount": caller["account"],
            "aws:PrincipalArn": caller["role_arn"],
        }
        with self.lock:
            org = self.orgs.get(caller["account"])
        if org:
            context["aws:PrincipalOrgID"] = org
        attached = replace(check, context=check.context | context, resource_policy=policy)
        return attached, caller["session_arn"]


def _template_role(resolver, logical, resource, account):
    """A role of the template (inline policies only), as CloudFormation names it."""
    properties = resource["Properties"]
    name = resolver._Ref(logical)
    trust = _clean(resolver.value(properties["AssumeRolePolicyDocument"]))
    policies = [_clean(resolver.value(p["PolicyDocument"])) for p in properties.get("Policies", [])]
    return Role(f"arn:aws:iam::{account}:role/{name}", name, account, logical, trust, policies)


def _typed(template, parameters):
    """The parameters as `!Ref` gives them: a CommaDelimitedList's value is a list."""
    declared = template.get("Parameters", {})
    return {
        name: value.split(",") if declared.get(name, {}).get("Type") == "CommaDelimitedList" else value
        for name, value in parameters.items()
    }


def _check_parameters(template, parameters):
    """Refuses what CloudFormation would: an unknown parameter, a missing one without a default, a
    value outside its AllowedPattern (each item of a CommaDelimitedList)."""
    declared = template.get("Parameters", {})
    problems = [f"{name}: not a parameter of the stack" for name in parameters if name not in declared]
    for name, spec in declared.items():
        value = parameters.get(name, spec.get("Default"))
        items = str(value).split(",") if spec.get("Type") == "CommaDelimitedList" else [value]
        if value is None:
            problems.append(f"{name}: required")
        elif "AllowedPattern" in spec and not all(re.fullmatch(spec["AllowedPattern"], str(v)) for v in items):
            problems.append(f"{name}: {value!r} does not match {spec['AllowedPattern']}")
    if problems:
        raise ValueError("; ".join(problems))


def _bus_policies(resources, resolver, account, region):
    """Bus ARN -> the policy of every bus in the template that has one."""
    statements = {}
    for logical, resource in resources.items():
        if resource["Type"] == "AWS::Events::EventBus":
            arn = _bus_arn(resolver.value(resource["Properties"]["Name"]), account, region)
            policy = resolver.value(resource["Properties"].get("Policy", {}))
            statements.setdefault(arn, []).extend(_document(policy).get("Statement", []) if policy else [])
    for logical, resource in resources.items():
        if resource["Type"] == "AWS::Events::EventBusPolicy":
            properties = resolver.value(resource["Properties"])
            arn = _bus_arn(properties.get("EventBusName", "default"), account, region)
            statements.setdefault(arn, []).append(_bus_statement(properties, arn))
    return {
        arn: _clean({"Version": "2012-10-17", "Statement": listed})
        for arn, listed in statements.items()
        if listed
    }


def _bus_arn(name, account, region):
    return name if name.startswith("arn:") else f"arn:aws:events:{region}:{account}:event-bus/{name}"


def _bus_statement(properties, arn):
    """An EventBusPolicy's statement: `Statement`, or the older Action/Principal/Condition."""
    if "Statement" in properties:
        statement = dict(properties["Statement"])
    else:
        principal = properties["Principal"]
        statement = {
            "Effect": "Allow",
            "Principal": "*" if principal == "*" else {"AWS": f"arn:aws:iam::{principal}:root"},
            "Action": properties["Action"],
        }
        condition = properties.get("Condition")
        if condition:
            statement["Condition"] = {condition["Type"]: {condition["Key"]: condition["Value"]}}
    if properties.get("StatementId"):
        statement.setdefault("Sid", properties["StatementId"])
    statement.setdefault("Resource", arn)
    return statement


def _clean(document):
    """The policy without the empty `Condition`s an `!If` with `AWS::NoValue` leaves."""
    statements = document["Statement"]
    statements = [statements] if isinstance(statements, dict) else statements
    cleaned = []
    for statement in statements:
        statement = dict(statement)
        condition = {op: keys for op, keys in statement.get("Condition", {}).items() if keys}
        if condition:
            statement["Condition"] = condition
        else:
            statement.pop("Condition", None)
        cleaned.append(statement)
    return {**document, "Statement": cleaned}
