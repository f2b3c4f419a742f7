"""What the gate decided: one JSON line per judged call (and per caller's grants) in
`$STRICT_REPORT_DIR`, a file per moto process; `report.py` sums the files up after the run."""

import json
import os
import threading


class Records:
    def __init__(self):
        self.lock = threading.Lock()
        self.file = _report_file()

    def record(self, caller, call, decided, invalid, refusal, outcome):
        """A call of `caller` (unless its registration asked for no report): the checks `decided`
        (each with its result), invalid parameters, the refusal played and the outcome."""
        if not caller["report"]:
            return
        self.write(
            {
                "function": caller["label"],
                "account": caller["account"],
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

    def write(self, record):
        if self.file:
            with self.lock:
                self.file.write(json.dumps(record) + "\n")
                self.file.flush()


def _report_file():
    directory = os.environ.get("STRICT_REPORT_DIR")
    if not directory:
        return None
    os.makedirs(directory, exist_ok=True)
    return open(os.path.join(directory, f"{os.getpid()}.jsonl"), "a")
