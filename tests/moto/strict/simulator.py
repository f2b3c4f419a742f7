"""The IAM policy simulator (`tests/iam-simulator`, @cloud-copilot/iam-simulate on Node), kept
running beside the emulator and asked one authorisation at a time; answers are cached, as the
same call with the same context is decided the same way."""

import json
import os
import subprocess
import threading

SCRIPT = os.path.join(os.path.dirname(__file__), "..", "..", "iam-simulator", "simulate.mjs")


class Simulator:
    def __init__(self):
        self.lock = threading.Lock()
        self.process = None
        self.cache = {}

    def evaluate(self, policies, check, account, function, resource_policy=None, principal=None):
        """`function`'s role in `account` asks, unless `principal` (a service principal, or a
        session's ARN) is given. The resource is in `check.resource_account`, else in `account`."""
        request = {
            "policies": policies,
            "action": check.action,
            "resource": check.resource,
            "context": check.context,
            "account": check.resource_account or account,
            "principal": principal or f"arn:aws:iam::{account}:role/{function}",
        }
        resource_policy = resource_policy or check.resource_policy
        if resource_policy:
            request["resourcePolicy"] = resource_policy
        key = json.dumps(request, sort_keys=True)
        with self.lock:
            if key not in self.cache:
                self.cache[key] = self._ask(request)
        answer = self.cache[key]
        if answer["result"] == "Error":
            raise ValueError(f"the IAM simulator refused {check}: {answer['detail']}")
        return answer["result"]

    def warm(self):
        """Starts the simulator and has it answer once, in the background: Node's start and the
        library's first evaluation (0.3 s here, seconds on a loaded machine) are then not paid by
        a test's first call, which has Slack's 3 s at most."""
        threading.Thread(target=self._warm, daemon=True).start()

    def _warm(self):
        request = {
            "policies": [],
            "action": "sts:GetCallerIdentity",
            "resource": "*",
            "context": {},
            "account": "000000000000",
            "principal": "arn:aws:iam::000000000000:role/warm-up",
        }
        with self.lock:
            self._ask(request)

    def _ask(self, request):
        if self.process is not None and self.process.poll() is not None:
            raise RuntimeError("the IAM simulator stopped (npm ci --prefix tests/iam-simulator?)")
        if self.process is None:
            self.process = subprocess.Popen(
                ["node", SCRIPT],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                bufsize=1,
            )
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("the IAM simulator stopped (npm ci --prefix tests/iam-simulator?)")
        return json.loads(line)
