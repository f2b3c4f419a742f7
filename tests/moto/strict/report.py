"""The strict gate's report over a whole test run: per function (and account, when not the default
one), the calls evaluated and how they ended, and every action its policy grants that no test
exercised (with the reason, when one is written below). Exits 1 when any call was denied, invalid
or one the gate could not judge (beyond its table, or unreadable: a REST protocol). A denial on a
task that StopTask had just stripped of its tags, or TagResource refused on a task already STOPPED
(a race with a stop, which AWS has alike: stopping.py), is listed apart and does not fail the run.

Usage: python3 tests/moto/strict/report.py DIR [OUT.md]   (DIR: the run's $STRICT_REPORT_DIR)
"""

import collections
import glob
import json
import os
import sys

# Granted, and why no test reaches it (kept in step with infra/template.yaml).
WHY_UNUSED = {
    "secretsmanager:GetSecretValue": "granted only with a bot token secret; the suites give the token directly",
}

FAILING = ("denied", "invalid", "gate-error")
# Races with a stop, as stopping.py records them (this script runs without the gate's modules).
RACES = ("denied-stopping-task", "refused-stopped-task")
DEFAULT_ACCOUNT = "123456789012"


def load(directory):
    records = []
    for path in sorted(glob.glob(os.path.join(directory, "*.jsonl"))):
        with open(path) as file:
            records.extend(json.loads(line) for line in file if line.strip())
    return records


def summarise(records):
    granted = collections.defaultdict(set)
    calls = collections.defaultdict(collections.Counter)
    outcomes = collections.defaultdict(collections.Counter)
    exercised = collections.defaultdict(set)
    failures, raced = [], []
    for record in records:
        function = _who(record)
        if "granted" in record:
            granted[function].update(record["granted"])
            continue
        calls[function][record["call"]] += 1
        outcomes[function][record["outcome"]] += 1
        for check in record["checks"]:
            if check["result"] == "Allowed":
                exercised[function].add(check["action"])
        if record["outcome"] in FAILING:
            failures.append(record)
        if record["outcome"] in RACES:
            raced.append(record)
    return granted, calls, outcomes, exercised, failures, raced


def _who(record):
    """The function (or role) as the report names it: with its account when not the default."""
    account = record.get("account", DEFAULT_ACCOUNT)
    return record["function"] if account == DEFAULT_ACCOUNT else f"{record['function']} in {account}"


def render(records):
    granted, calls, outcomes, exercised, failures, raced = summarise(records)
    lines = ["# Strict gate report", ""]
    validated = sum(sum(c.values()) for c in calls.values())
    lines.append(f"Requests validated against the service models: {validated}.")
    lines.append("")
    lines.append(
        "| function | calls | allowed | denied | invalid | gate error | consistency | throttled | KMS key refused |"
    )
    lines.append("|---|---|---|---|---|---|---|---|---|")
    for function in sorted(set(calls) | set(granted)):
        o = outcomes[function]
        lines.append(
            f"| {function} | {sum(calls[function].values())} | {o['allowed']} | {o['denied']} "
            f"| {o['invalid']} | {o['gate-error']} | {o['consistency']} | {o['throttled']} | {o['kms-key']} |"
        )
    for function in sorted(set(calls) | set(granted)):
        lines += ["", f"## {function}", ""]
        lines += [f"- {call}: {count}" for call, count in sorted(calls[function].items())]
        unused = sorted(granted[function] - exercised[function])
        if unused:
            lines += ["", "Granted, exercised by no test:"]
            lines += [f"- {a}: {WHY_UNUSED.get(a, 'NO REASON RECORDED')}" for a in unused]
    if raced:
        lines += ["", "## Refused on a task being stopped or stopped (its tags already deleted, as on AWS)", ""]
        lines += [f"- {json.dumps(r)}" for r in raced]
    if failures:
        lines += ["", "## Refused by the gate", ""]
        lines += [f"- {json.dumps(f)}" for f in failures]
    return "\n".join(lines) + "\n", failures


def main(argv):
    text, failures = render(load(argv[1]))
    if len(argv) > 2:
        with open(argv[2], "w") as file:
            file.write(text)
    print(text)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
