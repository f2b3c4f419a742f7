"""The strict gate: WSGI middleware in front of moto that answers a function's request as AWS
would before moto sees it.

A function is known by its access key id, which the test harness sets to the function's name and
registers here (`POST /_strict/callers`) with the environment it started the function with. A
request of a function that the gate cannot read (a REST protocol: no `X-Amz-Target`, no
`Action=`) is refused and recorded as a gate error. For each other request the gate
1. validates the parameters against the service model and AWS's tag rules (`model_check`),
2. evaluates every IAM authorisation the call needs (`iam_table`) against the function's policies
   from `infra/template.yaml` (`policies`) with the IAM simulator; any deny is AWS's AccessDenied,
3. plays AWS's eventual consistency and documented rates (`consistency`, `rates`) and what
   CloudWatch Logs asks of a KMS key (`kms_keys`),
and records what it decided in the report (`$STRICT_REPORT_DIR`). Requests of other callers (the
tests' own setup and checks) go straight to moto. Whoever starts or stops a task, the ECS Task
State Change events AWS would send are delivered to the registered targets (`ecs_events`).
"""

import io
import json
import os
import threading
import uuid
from http import HTTPStatus
from xml.sax.saxutils import escape

from . import inside_task, kms_keys, model_check
from .calls import Call, credential, read_call, service_model
from .consistency import Consistency, Refusal
from .ecs_events import Targets
from .iam_table import checks_for
from .inside_task import role_documents
from .policies import Resolver, granted_actions, load_template
from .rates import Rates
from .simulator import Simulator

ACCOUNT = "123456789012"
DEFAULT_TEMPLATE = os.path.join(os.path.dirname(__file__), "..", "..", "..", "infra", "template.yaml")


class Gate:
    def __init__(self, app):
        self.app = app
        self.callers = {}
        self.lock = threading.Lock()
        self.simulator = Simulator()
        self.consistency = Consistency()
        self.rates = Rates()
        self.targets = Targets()
        self.report = _report_file()

    def __call__(self, environ, start_response):
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        environ["wsgi.input"] = io.BytesIO(body)
        if environ.get("PATH_INFO") == "/_strict/callers":
            return self._register(json.loads(body), start_response)
        if environ.get("PATH_INFO") == "/_strict/event-targets":
            return self._register_target(json.loads(body), start_response)
        if environ.get("PATH_INFO") == "/_strict/inside-task":
            return self._inside_task(json.loads(body), start_response)
        headers = {k[5:].replace("_", "-").lower(): v for k, v in environ.items() if k.startswith("HTTP_")}
        signed = credential(headers, environ.get("QUERY_STRING", ""))
        caller = self.callers.get(signed[0]) if signed else None
        if caller is None:
            try:
                call = read_call(headers, body)
            except Exception:  # not ours to judge: the test's own request, as moto reads it
                call = None
            if call is not None and call.service == "ecs":
                return self._forward(call, environ, start_response)
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
            return _answer(call, refusal, start_response)
        try:
            refusal = self._refusal(caller, call)
        except Exception as error:  # a gap in the gate fails the test, loudly
            refusal = Refusal("StrictGateError", f"the strict gate cannot judge this call: {error!r}")
            self._record(caller, call, [], [], refusal, "gate-error")
        if refusal:
            return _answer(call, refusal, start_response)
        return self._forward(call, environ, start_response)

    def _register(self, caller, start_response):
        template = load_template(caller.get("template") or DEFAULT_TEMPLATE)
        resolver = Resolver(template, caller["function"], caller["env"], ACCOUNT, caller["region"])
        documents = resolver.policies()
        with self.lock:
            self.callers[caller["access_key"]] = {
                "function": caller["function"],
                "policies": documents,
                "report": caller.get("report", True),
            }
        if caller.get("report", True):
            self._write({"function": caller["function"], "granted": sorted(granted_actions(documents))})
        start_response("200 OK", [("Content-Type", "application/json")])
        return [b"{}"]

    def _register_target(self, target, start_response):
        template = load_template(target.get("template") or DEFAULT_TEMPLATE)
        self.targets.register(template, target["function"], target["url"])
        start_response("200 OK", [("Content-Type", "application/json")])
        return [b"{}"]

    def _inside_task(self, request, start_response):
        """Evaluates what runs inside a debug task against the roles made for it (inside_task)."""
        roles = {"task": request["task_role"], "execution": request["execution_role"]}
        documents = {kind: role_documents(ACCOUNT, name) for kind, name in roles.items()}
        results = []
        for kind, check in inside_task.checks(
            request["cluster"], request["region"], ACCOUNT, request.get("kms_key")
        ):
            key_policy = None
            if check.action.startswith("kms:"):
                found = kms_keys.key_policy(ACCOUNT, request["region"], check.resource)
                key_policy = found[1] if found else inside_task.default_key_policy(ACCOUNT)
            result = self.simulator.evaluate(documents[kind], check, ACCOUNT, roles[kind], key_policy)
            results.append({"role": kind, "action": check.action, "resource": check.resource, "result": result})
            if request.get("report", True):
                self._write(
                    {
                        "function": f"debug task ({kind} role)",
                        "call": check.action,
                        "checks": [{"action": check.action, "resource": check.resource, "result": result}],
                        "invalid": [],
                        "outcome": "allowed" if result == "Allowed" else "denied",
                        "refused": None,
                    }
                )
        start_response("200 OK", [("Content-Type", "application/json")])
        return [json.dumps({"results": results}).encode()]

    def _refusal(self, caller, call):
        invalid = model_check.problems(call)
        if invalid:
            refusal = Refusal(*_INVALID[_protocol(call)], "; ".join(invalid))
            self._record(caller, call, [], invalid, refusal, "invalid")
            return refusal
        checks = checks_for(call, ACCOUNT)
        if checks is None:
            raise LookupError(f"{call.service}:{call.operation} is not in tests/moto/strict/iam_table.py")
        decided = []
        for check in checks:
            result = self.simulator.evaluate(caller["policies"], check, ACCOUNT, caller["function"])
            decided.append((check, result))
            if result != "Allowed":
                code, status = _DENIED[_protocol(call)]
                message = (
                    f"User: arn:aws:sts::{ACCOUNT}:assumed-role/{caller['function']}/{caller['function']} "
                    f"is not authorized to perform: {check.action} on resource: {check.resource} "
                    f"({result})"
                )
                refusal = Refusal(code, message, status)
                self._record(caller, call, decided, [], refusal, "denied")
                return refusal
        refusal, kind = self.consistency.before(call, ACCOUNT), "consistency"
        if refusal is None:
            refusal, kind = kms_keys.logs_refusal(call, ACCOUNT, self.simulator), "kms-key"
        if refusal is None and not self.rates.take(call, ACCOUNT):
            refusal, kind = Refusal(*_THROTTLED[_protocol(call)]), "throttled"
        self._record(caller, call, decided, [], refusal, kind if refusal else "allowed")
        return refusal

    def _forward(self, call, environ, start_response):
        captured = {}

        def capture(status, headers, exc_info=None):
            captured["status"] = int(status.split()[0])
            return start_response(status, headers, exc_info)

        body = b"".join(self.app(environ, capture))
        status = captured.get("status", 500)
        self.consistency.after(call, ACCOUNT, status, body)
        self.targets.after(call, ACCOUNT, status, body)
        return [body]

    def _record(self, caller, call, decided, invalid, refusal, outcome):
        if not caller["report"]:
            return
        self._write(
            {
                "function": caller["function"],
                "call": f"{call.service}:{call.operation}",
                "checks": [
                    {"action": c.action, "resource": c.resource, "result": r}
                    | ({} if r == "Allowed" else {"context": c.context})
                    for c, r in decided
                ],
                "invalid": invalid,
                "outcome": outcome,
                "refused": refusal.code if refusal else None,
            }
        )

    def _write(self, record):
        if self.report:
            with self.lock:
                self.report.write(json.dumps(record) + "\n")
                self.report.flush()


def _report_file():
    directory = os.environ.get("STRICT_REPORT_DIR")
    if not directory:
        return None
    os.makedirs(directory, exist_ok=True)
    return open(os.path.join(directory, f"{os.getpid()}.jsonl"), "a")


def _protocol(call):
    if call.json_protocol:
        return "json"
    try:
        protocol = service_model(call.service).protocol
    except Exception:
        return "rest-json"
    if protocol == "json":  # a JSON service's request that came without X-Amz-Target
        return "rest-json"
    return protocol if protocol in ("ec2", "query", "rest-xml", "rest-json") else "query"


_DENIED = {"json": ("AccessDeniedException", 400), "query": ("AccessDenied", 403), "ec2": ("UnauthorizedOperation", 403)}
_INVALID = {"json": ("ValidationException",), "query": ("ValidationError",), "ec2": ("InvalidParameterValue",)}
_THROTTLED = {
    "json": ("ThrottlingException", "Rate exceeded"),
    "query": ("Throttling", "Rate exceeded"),
    "ec2": ("RequestLimitExceeded", "Request limit exceeded.", 503),
}


def _answer(call, refusal, start_response):
    request_id = str(uuid.uuid4())
    protocol = _protocol(call)
    extra = []
    if protocol in ("json", "rest-json"):
        body = json.dumps({"__type": refusal.code, "message": refusal.message})
        content_type = "application/x-amz-json-1.1" if protocol == "json" else "application/json"
        extra = [("x-amzn-ErrorType", refusal.code)] if protocol == "rest-json" else []
    elif protocol == "rest-xml":
        body = (
            f"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{refusal.code}</Code><Message>"
            f"{escape(refusal.message)}</Message><RequestId>{request_id}</RequestId></Error>"
        )
        content_type = "application/xml"
    elif protocol == "ec2":
        body = (
            f"<Response><Errors><Error><Code>{refusal.code}</Code><Message>{escape(refusal.message)}"
            f"</Message></Error></Errors><RequestID>{request_id}</RequestID></Response>"
        )
        content_type = "text/xml"
    else:
        body = (
            f"<ErrorResponse><Error><Type>Sender</Type><Code>{refusal.code}</Code><Message>"
            f"{escape(refusal.message)}</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>"
        )
        content_type = "text/xml"
    status = f"{refusal.status} {HTTPStatus(refusal.status).phrase}"
    start_response(status, [("Content-Type", content_type), ("x-amzn-RequestId", request_id), *extra])
    return [body.encode()]
