"""The dashboards of both stacks and the metrics they show (tests/templates/check.py runs these):
named per Region, SEARCH namespaces double-quoted, every metric of shared/src/metrics.rs shown,
environment operations without a cluster too; and each metric's doc comment names a file that
truly emits it.
"""
import json
import re

from check_common import REGION, ROOT, problems
from cfn_yaml import Tag  # (check_common puts scripts/ on the path)


SEARCH_SCHEMA = re.compile(r"SEARCH\('\{([^}]*)\}([^']*)'")
NAMESPACE = '"ecs-debug-toolkit"'  # double-quoted: CloudWatch's search syntax, for the hyphen


def expressions(node):
    """Every metric math expression in a dashboard body."""
    if isinstance(node, dict):
        found = [node["expression"]] if isinstance(node.get("expression"), str) else []
        return found + [e for value in node.values() for e in expressions(value)]
    if isinstance(node, list):
        return [e for value in node for e in expressions(value)]
    return []


def check_dashboard(template, name="template.yaml"):
    """The dashboard is named per Region (dashboards are account-wide) and so is its link; its
    body is JSON once substituted, shows every metric the code emits, each SEARCH double-quotes
    the namespace, and environment operations without a cluster (dimension Outcome alone) have
    their own search."""
    dashboard = template["Resources"]["Dashboard"]["Properties"]
    if dashboard.get("DashboardName") != Tag("Sub", "${AWS::StackName}-${AWS::Region}"):
        problems.append(f'{name} Dashboard: DashboardName is not !Sub "${{AWS::StackName}}-${{AWS::Region}}" '
                        f"(dashboards are account-wide: the same stack name in a second Region fails)")
    url = template["Outputs"]["DashboardUrl"]["Value"]
    if not (isinstance(url, Tag) and url.name == "Sub" and "region=${AWS::Region}#dashboards:name=${Dashboard}" in url.value):
        problems.append(f"{name} DashboardUrl: does not link the dashboard by its name in its Region")
    body = dashboard["DashboardBody"].value
    body = body.replace("${AWS::Region}", REGION).replace("${AWS::StackName}", "stack")
    try:
        parsed = json.loads(body)
    except ValueError as error:
        problems.append(f"{name} Dashboard: the body is not JSON: {error}")
        return
    shown = json.dumps(parsed)
    code = (ROOT / "shared/src/metrics.rs").read_text()
    for metric in re.findall(r'pub const [A-Z_]+: &str = "([A-Za-z]+)";', code):
        if metric[0].isupper() and metric not in ("Cluster", "Reason", "Outcome") and f'\\"{metric}\\"' not in shown:
            problems.append(f"Dashboard: metric {metric} (shared/src/metrics.rs) is not shown in {name}")
    searches = [SEARCH_SCHEMA.match(e) for e in expressions(parsed) if e.startswith("SEARCH(")]
    for search in searches:
        if search is None or search.group(1).split(",")[0] != NAMESPACE:
            problems.append(f"{name} Dashboard: a SEARCH whose schema does not start with {NAMESPACE}: "
                            f"{search.group(0) if search else 'unreadable'}")
    if not any(
        search and search.group(1) == f"{NAMESPACE},Outcome" and 'MetricName="EnvironmentOperations"' in search.group(2)
        for search in searches
    ):
        problems.append(f"{name} Dashboard: no SEARCH of EnvironmentOperations by Outcome alone "
                        f"(operations refused before a cluster was named carry no Cluster dimension)")


def check_metric_sources():
    """Each metric's doc comment in shared/src/metrics.rs names the file that emits it, truly."""
    code = (ROOT / "shared/src/metrics.rs").read_text()
    for doc, const, metric in re.findall(r'((?:///[^\n]*\n)+)pub const ([A-Z_]+): &str = "([A-Z][A-Za-z]+)";', code):
        if metric in ("Cluster", "Reason", "Outcome"):
            continue
        files = re.findall(r"functions/[\w-]+/src/[\w/]+\.rs", doc)
        if not files:
            problems.append(f"shared/src/metrics.rs {const}: its doc comment names no functions/…/*.rs that emits it")
        for file in files:
            path = ROOT / file
            if not path.exists() or f"metrics::{const}" not in path.read_text():
                problems.append(f"shared/src/metrics.rs {const}: {file} does not emit it (no metrics::{const})")
