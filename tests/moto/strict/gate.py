"""The strict gate: WSGI middleware in front of moto that answers a function's request as AWS
would before moto sees it.

A function is known by its access key id (the harness sets it to the function's name and registers
it, `POST /_strict/callers`, with the function's environment, account and Region). A request the
gate cannot read (a REST protocol: no `X-Amz-Target`, no `Action=`) is refused and recorded as a
gate error. For each other request the gate
1. validates the parameters against the service model and AWS's tag rules (`model_check`),
2. evaluates every IAM authorisation the call needs (`iam_table`) against the function's policies
   from `infra/template.yaml` or `infra/spoke.yaml` (`policies`) with the IAM simulator, and,
   where AWS evaluates one, the resource's own policy (`trust`: a role's trust policy, a bus
   policy, across accounts); any deny is AWS's AccessDenied,
3. plays AWS's eventual consistency and documented rates (`consistency`, `rates`) and what
   CloudWatch Logs asks of a KMS key (`kms_keys`),
and records what it decided in the report (`records`: `$STRICT_REPORT_DIR`), then forwards it to moto in the
account it acts in (`accounts`). The credentials of a role a function assumed become a caller of
their own, in the role's account. Requests of other callers (the tests' own setup and checks) go
straight to moto. The ECS Task State Change events AWS would send for any task started or stopped
go to the targets registered for its account and Region (`ecs_events`); DescribeStackResource is
answered from the stack resources the tests' CloudFormation registered (`stacks`).
"""

import io
import json
import os
import re
import threading

from . import accounts, bus_targets, inside_task, kms_keys, model_check, stacks, stopping
from .accounts import DEFAULT_ACCOUNT, GateError
from .answers import DENIED, INVALID, THROTTLED, answer, protocol
from .calls import Call, credential, read_call
from .consistency import Consistency, Refusal
from .ecs_events import Targets
from .iam_table import checks_for
from .inside_task import role_documents
from .policies import Resolver, granted_actions, load_template
from .rates import Rates
from .records import Records
from .simulator import Simulator
from .trust import Trust

INFRA = os.path.join(os.path.dirname(__file__), "..", "..", "..", "infra")
STACKS = {"toolkit": os.path.join(INFRA, "template.yaml"), "spoke": os.path.join(INFRA, "spoke.yaml")}
DEFAULT_TEMPLATE = STACKS["toolkit"]
_ACCESS_KEY = re.compile(rb"<AccessKeyId>([^<]+)</AccessKeyId>")


class Gate:
    def __init__(self, app):
        self.app = app
        self.callers = {}
        self.lock = threading.Lock()
        self.simulator = Simulator()
        self.simulator.warm()
        self.consistency = Consistency()
        self.rates = Rates()
        self.targets = Targets()
        self.trust = Trust()
        self.stacks = stacks.StackResources()
        self.records = Records()
        self._record, self._write = self.records.record, self.records.write
        bus_targets.install(self)
        self.endpoints = {
            "/_strict/callers": self._register,
            "/_strict/event-targets": self._register_target,
            "/_strict/inside-task": self._inside_task,
            "/_strict/spokes": self._register_spoke,
            "/_strict/buses": self._register_buses,
            "/_strict/organizations": self._register_organization,
            "/_strict/stack-resources": self.stacks.register,
        }

    def __call__(self, environ, start_response):
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        environ["wsgi.input"] = io.BytesIO(body)
        endpoint = self.endpoints.get(environ.get("PATH_INFO"))
        if endpoint is not None:
            try:
                answered, status = endpoint(json.loads(body)) or {}, "200 OK"
            except Exception as error:  # a registration the gate cannot use: say why
                answered, status = {"error": repr(error)}, "400 Bad Request"
            start_response(status, [("Content-Type", "application/json")])
            return [json.dumps(answered).encode()]
        headers = {k[5:].replace("_", "-").lower(): v for k, v in environ.items() if k.startswith("HTTP_")}
        signed = credential(headers, environ.get("QUERY_STRING", ""))
        with self.lock:
            caller = self.callers.get(signed[0]) if signed else None
        if caller is None:
            account = accounts.test_account(signed[0]) if signed else None
            if account is not None:
                accounts.act_in(environ, account)
            try:
                call = read_call(headers, body)
            except Exception:  # not ours to judge: the test's own request, as moto reads it
                call = None
            if call is not None and call.service == "ecs":
                account = account or accounts.moto_account(call.access_key)
                return self._forward(call, environ, start_response, account)
            return self.app(environ, start_response)
        try:
            call = read_call(headers, body)
        except Exception as error:
            call, unread = None, error
        else:
            unread = None
        if call is None:  # a function's request the gate cannot read is a failure, never a pass
            access_key, region, service = signed
            what = f"{environ.get('REQUEST_METHOD', '?')} {environ.get('PATH_INFO', '')}"
            call = Call(access_key, region, service, what, {}, False)
            reason = f": {unread!r}" if unread else ": no X-Amz-Target and no Action= (a REST protocol)"
            refusal = Refusal(
                "StrictGateError", f"the strict gate cannot judge this {service} request ({what}){reason}"
            )
            self._record(caller, call, [], [], refusal, "gate-error")
            return answer(call, refusal, start_response)
        try:
            refusal = self._refusal(caller, call)
        except GateError as error:  # a request the world cannot play as AWS would
            refusal = Refusal("StrictGateError", f"the strict gate cannot play this call: {error}")
            self._record(caller, call, [], [], refusal, "gate-error")
        except Exception as error:  # a gap in the gate fails the test, loudly
            refusal = Refusal("StrictGateError", f"the strict gate cannot judge this call: {error!r}")
            self._record(caller, call, [], [], refusal, "gate-error")
        if refusal:
            return answer(call, refusal, start_response)
        acting = accounts.acting_account(call, caller["account"])
        if (call.service, call.operation) == ("cloudformation", "DescribeStackResource"):
            detail, refusal = self.stacks.describe(call.params, acting, call.region)
            return answer(call, refusal, start_response) if refusal else stacks.answer(detail, start_response)
        accounts.act_in(environ, acting)
        return self._forward(call, environ, start_response, acting, caller)

    def _register(self, caller):
        account = caller.get("account") or DEFAULT_ACCOUNT
        stack = caller.get("stack") or "toolkit"
        template = load_template(caller.get("template") or STACKS[stack])
        parameters = self.trust.spoke_parameters(account, caller["region"]) if stack == "spoke" else None
        resolver = Resolver(template, caller["function"], caller["env"], account, caller["region"], parameters)
        self._add_caller(
            caller["access_key"], caller["function"], caller["function"], account, resolver.policies(),
            caller.get("report", True),
        )

    def _add_caller(self, access_key, role, label, account, documents, report, session=None):
        """A caller: `role`'s session `session` (the role's name, as a Lambda function's) in
        `account`, reported as `label`."""
        with self.lock:
            self.callers[access_key] = {
                "function": role,
                "label": label,
                "account": account,
                "policies": documents,
                "report": report,
                "role_arn": f"arn:aws:iam::{account}:role/{role}",
                "session_arn": f"arn:aws:sts::{account}:assumed-role/{role}/{session or role}",
            }
        if report:
            self._write({"function": label, "account": account, "granted": sorted(granted_actions(documents))})

    def _register_target(self, target):
        template = load_template(target.get("template") or STACKS[target.get("stack") or "toolkit"])
        account = target.get("account") or DEFAULT_ACCOUNT
        self.targets.register(template, target["function"], target["url"], account, target.get("region"))

    def _register_spoke(self, spoke):
        registered = self.trust.register_spoke(spoke, STACKS["spoke"])
        template = load_template(spoke.get("template") or STACKS["spoke"])
        registered["rules"] = bus_targets.deploy_rules(template, spoke["account"], spoke["region"], spoke["parameters"])
        return registered

    def _register_buses(self, stack):
        """A stack's bus policies (`template`, default infra/template.yaml) in its account/Region."""
        template = load_template(stack.get("template") or STACKS["toolkit"])
        return self.trust.register_buses(template, stack["account"], stack["region"], stack["parameters"])

    def _register_organization(self, organization):
        self.trust.register_organization(organization["account"], organization["org_id"])

    def _register_session(self, caller, call, body):
        """The credentials AssumeRole returned act as the role, in its account, from now on."""
        found = _ACCESS_KEY.search(body)
        role = self.trust.role(call.params["RoleArn"])
        if found is None or role is None:
            return
        self._add_caller(
            found.group(1).decode(), role.name, role.label, role.account, role.policies, caller["report"],
            session=call.params["RoleSessionName"],
        )

    def _inside_task(self, request):
        """Evaluates what runs inside a debug task against the roles made for it (inside_task)."""
        account = request.get("account") or DEFAULT_ACCOUNT
        roles = {"task": request["task_role"], "execution": request["execution_role"]}
        documents = {kind: role_documents(account, name) for kind, name in roles.items()}
        boundaries = {
            kind: inside_task.boundary_documents(account, request["region"], name, DEFAULT_TEMPLATE)
            for kind, name in roles.items()
        }
        results = []
        for kind, check in inside_task.checks(
            request["cluster"], request["region"], account, request.get("kms_key")
        ):
            key_policy = None
            if check.action.startswith("kms:"):
                found = kms_keys.key_policy(account, request["region"], check.resource)
                key_policy = found[1] if found else inside_task.default_key_policy(account)
            result = self.simulator.evaluate(documents[kind], check, account, roles[kind], key_policy)
            if result == "Allowed" and boundaries[kind] is not None:
                result = self.simulator.evaluate(boundaries[kind], check, account, roles[kind], key_policy)
            results.append({"role": kind, "action": check.action, "resource": check.resource, "result": result})
            if request.get("report", True):
                self._write(
                    {
                        "function": f"debug task ({kind} role)",
                        "account": account,
                        "call": check.action,
                        "checks": [{"action": check.action, "resource": check.resource, "result": result}],
                        "invalid": [],
                        "outcome": "allowed" if result == "Allowed" else "denied",
                        "refused": None,
                    }
                )
        return {"results": results}

    def _refusal(self, caller, call):
        invalid = model_check.problems(call)
        if invalid:
            refusal = Refusal(*INVALID[protocol(call)], "; ".join(invalid))
            self._record(caller, call, [], invalid, refusal, "invalid")
            return refusal
        account = caller["account"]
        acting = accounts.acting_account(call, account)  # a request the world cannot play is a gate error
        checks = checks_for(call, account)
        if checks is None:
            raise LookupError(f"{call.service}:{call.operation} is not in tests/moto/strict/iam_table.py")
        decided = []
        for check in checks:
            check, principal = self.trust.attach(check, caller)
            result = self.simulator.evaluate(caller["policies"], check, account, caller["function"], principal=principal)
            decided.append((check, result))
            if result != "Allowed":
                code, status = DENIED[protocol(call)]
                message = (
                    f"User: {caller['session_arn']} is not authorized to perform: {check.action} on "
                    f"resource: {check.resource} ({result})"
                )
                refusal, outcome = Refusal(code, message, status), "denied"
                # Not for want of a grant: the task was stopped (its tags deleted) between the
                # caller's read and this call, a race AWS has too (stopping.py).
                raced = stopping.refusal(call, account, check.resource, refusal)
                if raced is not None:
                    refusal, outcome = raced
                self._record(caller, call, decided, [], refusal, outcome)
                return refusal
        accounts.cross_account_put(call, account, acting)  # admitted by a bus policy: not playable
        refusal, kind = self.consistency.before(call, account), "consistency"
        if refusal is None:
            refusal, kind = kms_keys.logs_refusal(call, account, self.simulator), "kms-key"
        if refusal is None and not self.rates.take(call, account):
            refusal, kind = Refusal(*THROTTLED[protocol(call)]), "throttled"
        self._record(caller, call, decided, [], refusal, kind if refusal else "allowed")
        return refusal

    def _forward(self, call, environ, start_response, account, caller=None):
        """Passes the request to moto (told the account it acts in when it is not the access
        key's own) and plays what follows its answer in `account`."""
        captured = {}

        def capture(status, headers, exc_info=None):
            captured["status"] = int(status.split()[0])
            return start_response(status, headers, exc_info)

        body = b"".join(self.app(environ, capture))
        status = captured.get("status", 500)
        self.consistency.after(call, account, status, body)
        self.targets.after(call, account, status, body)
        if caller and (call.service, call.operation) == ("sts", "AssumeRole") and status < 300:
            self._register_session(caller, call, body)
        return [body]
