"""The test-only IAM simulator (tests/iam-simulator/simulate.mjs, installed by
scripts/install-iam-simulator.sh), asked once for a batch: one JSON request per line in, one JSON
answer per line out (`{"result": "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied" | "Error", …}`).
"""

import json
import pathlib
import subprocess

SIMULATOR = pathlib.Path(__file__).resolve().parents[2] / "tests/iam-simulator/simulate.mjs"


def simulate(requests):
    """The simulator's answers to `requests` (JSON strings), in their order."""
    answers = subprocess.run(["node", str(SIMULATOR)], input="\n".join(requests) + "\n",
                             capture_output=True, text=True, check=True).stdout.splitlines()
    return [json.loads(line) for line in answers]
