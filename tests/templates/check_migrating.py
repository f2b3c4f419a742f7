#!/usr/bin/env python3
"""docs/migrating.md maps the whole Terraform module onto Custom::EcsEnvironment (tests/templates/run.sh).

- Every variable of the module it replaces (`aws-terraform-ecs`, fixed: SEED_VARIABLES) has a row
  `| `variable` | `Property` | … |` whose property ecs-environment accepts.
- Every property ecs-environment accepts is named in the page. The source of truth is the code:
  KNOWN_PROPERTIES in functions/ecs-environment/src/spec/mod.rs, the list the function checks each
  request against (it refuses any other property, and its unit tests walk the list), so it cannot
  drift from what is deployed; docs/interface.md's table is prose kept by hand.
- Every `var.<name>` the page's HCL uses is declared there (`variable "<name>"`), so the snippets
  run as they are.
- The move without downtime opens the new environment to the load balancer (AppIngressPorts and
  AppIngressSourceSecurityGroupIds), or its health checks fail.
Exit 1 naming what is missing.
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]

# The module's variables (docs/migrating.md, first table).
SEED_VARIABLES = [
    "cluster_name", "vpc_id", "environment", "tags", "enable_container_insights",
    "capacity_providers", "default_capacity_provider", "capacity_provider_base",
    "capacity_provider_weight", "debug_toolkit_image", "debug_toolkit_cpu", "debug_toolkit_memory",
    "log_retention_days", "debug_log_retention_days", "kms_key_arn",
]


def known_properties():
    spec = ROOT / "functions/ecs-environment/src/spec"
    source = (spec / "mod.rs").read_text()
    body = re.search(r"const KNOWN_PROPERTIES: \[&str; (\d+)\] = \[(.*?)\];", source, re.S)
    if not body:
        sys.exit("migrating: KNOWN_PROPERTIES not found in functions/ecs-environment/src/spec/mod.rs")
    names = re.findall(r'"(\w+)"', body.group(2))
    # Entries written as another module's constant (`retain::PROPERTY`): read that constant.
    for module, const in re.findall(r"\b(\w+)::([A-Z_]+)\b", body.group(2)):
        value = re.search(rf'pub const {const}: &str = "(\w+)";', (spec / f"{module}.rs").read_text())
        if not value:
            sys.exit(f"migrating: {module}::{const} not found in {spec / module}.rs")
        names.append(value.group(1))
    if len(names) != int(body.group(1)):
        sys.exit(f"migrating: read {len(names)} of KNOWN_PROPERTIES' {body.group(1)} entries")
    return names


def main():
    path = ROOT / "docs/migrating.md"
    if not path.exists():
        sys.exit("migrating: docs/migrating.md is missing (the Terraform module's variables mapped to properties)")
    page = path.read_text()
    properties = known_properties()
    rows = dict(re.findall(r"^\| `(\w+)` \| `(\w+)` \|", page, re.M))
    problems = []
    for variable in SEED_VARIABLES:
        if variable not in rows:
            problems.append(f"the module's variable `{variable}` has no row `| `{variable}` | `Property` | … |`")
        elif rows[variable] not in properties:
            problems.append(f"`{variable}` maps to `{rows[variable]}`, which ecs-environment does not accept")
    for prop in properties:
        if f"`{prop}`" not in page:
            problems.append(f"the property `{prop}` (KNOWN_PROPERTIES) is not named")
    hcl = "\n".join(re.findall(r"```hcl\n(.*?)```", page, re.S))
    declared = set(re.findall(r'^variable "(\w+)"', hcl, re.M))
    for name in sorted(set(re.findall(r"\bvar\.(\w+)", hcl)) - declared):
        problems.append(f"the HCL uses var.{name} but declares no variable \"{name}\"")
    move = page[page.index("**Without downtime"):page.index("**Keeping the cluster's name")] if "**Without downtime" in page else ""
    for prop in ("AppIngressPorts", "AppIngressSourceSecurityGroupIds"):
        if f"`{prop}`" not in move:
            problems.append(f"the move without downtime does not set `{prop}` (the load balancer's health checks "
                            f"reach the new environment's tasks only through it)")
    for problem in problems:
        print(f"migrating: docs/migrating.md: {problem}", file=sys.stderr)
    if problems:
        sys.exit(1)
    print(f"migrating: ok ({len(SEED_VARIABLES)} module variables mapped, {len(properties)} properties named)")


if __name__ == "__main__":
    main()
