#!/usr/bin/env python3
"""What a newcomer meets in infra/ and samconfig.toml, checked (tests/templates/run.sh); each module
beside this file says in full what its checks hold:
- every parameter of the three templates described, constrained and documented, samconfig.toml
  giving only what a release moves, and the defaults that must agree (check_parameters.py);
- ExecUserPolicy named ecs-debug-toolkit-exec-<region> with its Description and Path frozen, and
  letting a person do exactly what the bot hands out, judged by the IAM simulator
  (check_exec_user_policy.py);
- docs/deploying.md: the "enough to create" list, the IAM Identity Center commands, Troubleshooting's
  fixed names, and every delete and Teardown (check_deploying_docs.py);
- each function given its parameters, logging to a log group of the stack with a retention, and
  reserving concurrency only when asked (check_functions.py);
- the dashboards of both stacks, and the metrics' sources (check_dashboards.py);
- README.md's shared/ row names every module of shared/src/lib.rs (here);
- infra/spoke.yaml admits the hub's role and nothing more, no other account on its bus (check_spoke.py);
- only the hub holds the bot token: a spoke's notices go to the hub's bus on EventBridge's
  cross-account path, and the hub's bus admits them from SpokeAccounts only (check_notices.py);
  who may put a notice on either bus, judged by the IAM simulator (check_notice_buses.py);
- no circular dependency in the three templates after SAM's transform (check_cycles.py);
- the example environment: its DebugToolkitImage parameter and TryIt output
  (check_example_environment.py);
- docs/deploying.md's per-environment exec policy, with ExecUserPolicy, admits one environment's
  debug tasks only (check_exec_scope.py, the IAM simulator);
- scripts/spoke-template.py without PyYAML says how to get it (no traceback; here);
- ecs-environment's own policy, in both templates, touches only the roles and log groups it made,
  judged by the IAM simulator against foreign roles and log groups (check_provider_iam.py);
- docs/security.md's resource control policy lets only AWS services assume environment roles
  (check_environment_roles_rcp.py, the IAM simulator);
- every role's inline policies and every managed policy of both stacks within IAM's size quotas,
  with the longest names a deploy can give them (check_policy_sizes.py).
The checks append to one list of problems (check_common.py). Exit 1 naming every problem.
"""
import re
import subprocess
import sys

# All beside this file; check_common comes first: it puts scripts/ (cfn_yaml) on the path.
from check_common import ROOT, load, problems
import check_spoke
import check_notices
import check_notice_buses
import check_cycles
import check_provider_iam
import check_exec_scope
import check_environment_roles_rcp
import check_policy_sizes
from check_parameters import RELEASE_MOVED, check_agreements, check_parameters, check_samconfig
from check_exec_user_policy import (
    EXEC_POLICY_NAME, check_exec_policy_frozen, check_exec_policy_name, check_exec_user_policy, resolve)
from check_deploying_docs import check_deploy_docs, check_role_names_snippet, check_teardown_docs
from check_functions import check_functions
from check_dashboards import check_dashboard, check_metric_sources
from check_example_environment import check_example


def check_readme_modules():
    """README's `shared/` row names every module of shared/src/lib.rs."""
    modules = re.findall(r"^pub mod (\w+);", (ROOT / "shared/src/lib.rs").read_text(), re.M)
    row = next((line for line in (ROOT / "README.md").read_text().splitlines() if line.startswith("| `shared/` |")), "")
    for module in modules:
        if f"`{module}`" not in row:
            problems.append(f"README.md: the shared/ row does not name the module `{module}` (shared/src/lib.rs)")


def check_pyyaml_message():
    """Without PyYAML (python3 -S leaves out site-packages), the generator says how to get it."""
    run = subprocess.run([sys.executable, "-S", str(ROOT / "scripts/spoke-template.py"), "check"],
                         capture_output=True, text=True)
    if run.returncode == 0 or "Traceback" in run.stderr or "pip install PyYAML" not in run.stderr:
        problems.append(f"scripts/spoke-template.py without PyYAML: {run.stderr.strip()[-200:]!r} does not say "
                        f"`python3 -m pip install PyYAML` (or the SAM venv's python)")


def main():
    docs = (ROOT / "docs/deploying.md").read_text()
    toolkit, example, spoke = load("template.yaml"), load("example-environment.yaml"), load("spoke.yaml")
    check_parameters("template.yaml", toolkit, docs)
    check_parameters("example-environment.yaml", example, docs)
    check_parameters("spoke.yaml", spoke, docs)
    check_samconfig(toolkit, spoke)
    check_exec_policy_name(toolkit, "template.yaml")
    check_exec_policy_name(spoke, "spoke.yaml")
    check_exec_policy_frozen(toolkit, "template.yaml")
    check_exec_policy_frozen(spoke, "spoke.yaml")
    check_deploy_docs(docs, [("template.yaml", toolkit), ("spoke.yaml", spoke)])
    check_agreements(toolkit)
    check_functions(toolkit)
    check_functions(spoke, without=("SlackCommandFunction",))
    check_dashboard(toolkit)
    check_metric_sources()
    check_readme_modules()
    check_dashboard(spoke, "spoke.yaml")
    problems.extend(check_spoke.check(toolkit, spoke))
    problems.extend(check_notices.check(toolkit, spoke) + check_notices.selfcheck(toolkit, spoke))
    problems.extend(check_notice_buses.check()[0])
    for path in ("template.yaml", "spoke.yaml", "example-environment.yaml"):
        problems.extend(check_cycles.check(load(path), path))
    problems.extend(check_cycles.selfcheck(spoke))
    problems.extend(check_policy_sizes.check("template.yaml") + check_policy_sizes.check("spoke.yaml"))
    check_example(example, [("template.yaml", toolkit), ("spoke.yaml", spoke)], docs)
    check_teardown_docs(docs)
    check_role_names_snippet(docs)
    check_pyyaml_message()
    cases = check_exec_user_policy(toolkit)
    provider_cases = 0
    for name in ("template.yaml", "spoke.yaml"):
        found, provider_cases = check_provider_iam.check(ROOT / "infra" / name, name)
        problems.extend(found)
    exec_policy = resolve(toolkit["Resources"]["ExecUserPolicy"]["Properties"]["PolicyDocument"], {"ExecKmsKeyArns": ""})
    scoped, scoped_cases = check_exec_scope.check(exec_policy, docs)
    problems.extend(scoped)
    cases += scoped_cases
    guarded, rcp_cases = check_environment_roles_rcp.check((ROOT / "docs/security.md").read_text())
    problems.extend(guarded)
    cases += rcp_cases
    for problem in problems:
        print(f"templates: {problem}", file=sys.stderr)
    if problems:
        sys.exit(1)
    count = len(toolkit["Parameters"]) + len(example["Parameters"]) + len(spoke["Parameters"])
    print(f"templates: ok ({count} parameters described, constrained and documented; samconfig.toml "
          f"gives only {', '.join(RELEASE_MOVED)}; ExecUserPolicy named {EXEC_POLICY_NAME}; ExecUserPolicy: {cases} cases and ecs-environment's policy {provider_cases} cases in each template as the IAM simulator judges them; the spoke's bus "
          f"without a policy, its hub role's trust and grants as tight as slack-command's)")


if __name__ == "__main__":
    main()
