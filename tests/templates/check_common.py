"""What the checks tests/templates/check.py runs share: the repository's root (ROOT, with scripts/ put
on the path for cfn_yaml, the template loader the template tools share), load(name) of a template of
infra/, the list of problems every check appends to (check.py prints them and exits 1), and the
region and account the policies and dashboard bodies are evaluated in.
"""
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import cfn_yaml  # noqa: E402  (the template loader the template tools share)

REGION, ACCOUNT = "eu-west-1", "123456789012"

problems = []


def load(name):
    return cfn_yaml.load(ROOT / "infra" / name)
