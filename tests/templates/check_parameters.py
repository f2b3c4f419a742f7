"""The templates' parameters and samconfig.toml, checked (tests/templates/check.py runs these):
- every parameter of the three templates is described, constrained and has a line in docs/deploying.md;
- samconfig.toml gives no parameter but those a release moves (RELEASE_MOVED), each at the
  template's default, in a form SAM parses: SAM gives CloudFormation UsePreviousValue for every
  parameter it is not given, so a value set once with --parameter-overrides stays, while the
  release's image tag still reaches an upgraded stack (docs/decisions.md); its capabilities allow
  ExecUserPolicy's fixed name (CAPABILITY_NAMED_IAM);
- the defaults that must agree do (the image tag and the image's VERSION, the secrets'
  placeholders and the functions' list of them).
"""
import json
import re
import tomllib

from check_common import ROOT, problems


def check_parameters(name, template, docs):
    for parameter, spec in template["Parameters"].items():
        where = f"{name} {parameter}"
        if not spec.get("Description"):
            problems.append(f"{where}: no Description")
        if f"`{parameter}`" not in docs:
            problems.append(f"{where}: not in docs/deploying.md (as `{parameter}`)")
        kind = spec["Type"]
        constrained = {
            "String": ("AllowedPattern", "AllowedValues"),
            "Number": ("MinValue", "AllowedValues"),
        }.get(kind)
        if constrained and not any(k in spec for k in constrained):
            problems.append(f"{where}: a {kind} with none of {constrained}")
        if kind == "Number" and "MinValue" in spec and "MaxValue" not in spec:
            problems.append(f"{where}: MinValue without MaxValue")
        used = json.dumps({k: v for k, v in template.items() if k != "Parameters"}, default=vars)
        if f'"{parameter}"' not in used and "${" + parameter + "}" not in used:
            problems.append(f"{where}: offered but used nowhere in the template")
        pattern, default = spec.get("AllowedPattern"), spec.get("Default")
        if pattern and default is not None and not re.fullmatch(pattern, str(default)):
            problems.append(f"{where}: its Default {default!r} does not match its AllowedPattern")


def unquote(value):
    return value[1:-1] if len(value) >= 2 and value[0] == value[-1] == '"' else value


# The parameters whose default a release moves, and so samconfig.toml gives at every deploy.
RELEASE_MOVED = {"DebugToolkitImageTag": "the image's VERSION, which each release publishes"}


def check_samconfig(template, spoke):
    config = tomllib.loads((ROOT / "samconfig.toml").read_text())
    if config["default"]["build"]["parameters"]["template_file"] != "infra/template.yaml":
        problems.append("samconfig.toml does not build infra/template.yaml")
    # The toolkit's env, and the spoke's (./scripts/deploy.sh --spoke: --config-env spoke).
    for env, template in (("default", template), ("spoke", spoke)):
        where = f"samconfig.toml [{env}.deploy.parameters]"
        deploy = config.get(env, {}).get("deploy", {}).get("parameters")
        if deploy is None:
            problems.append(f"{where} is missing")
            continue
        given = {}
        for item in deploy.get("parameter_overrides", []):
            key, _, value = item.partition("=")
            # SAM's parser reads an unquoted value up to a space and refuses an empty one.
            if value == "" or (" " in value and not value.startswith('"')):
                problems.append(f"{where}: {item!r} must quote its value for SAM")
            given[key] = unquote(value)
        defaults = {k: str(v.get("Default", "")) for k, v in template["Parameters"].items()}
        for key, value in given.items():
            if key not in RELEASE_MOVED:
                problems.append(f"{where} gives {key}={value!r} at every deploy, resetting a value set with "
                                f"--parameter-overrides: list only what a release moves ({', '.join(RELEASE_MOVED)})")
            elif value != defaults.get(key):
                problems.append(f"{where} gives {key}={value!r}, not the template's default {defaults.get(key)!r}")
        for key, why in RELEASE_MOVED.items():
            if key not in given:
                problems.append(f"{where} does not give {key} ({why}): an upgraded stack would keep its old value")
        if "CAPABILITY_NAMED_IAM" not in str(deploy.get("capabilities", "")).split():
            problems.append(f"{where}: capabilities lack CAPABILITY_NAMED_IAM (ExecUserPolicy's fixed name)")


def check_agreements(template):
    version = (ROOT / "infra/debug-toolkit-image/VERSION").read_text().strip()
    if template["Parameters"]["DebugToolkitImageTag"]["Default"] != version:
        problems.append(f"DebugToolkitImageTag's default is not the image's VERSION {version}")
    code = (ROOT / "shared/src/secrets/value.rs").read_text()
    for secret in ("SlackSigningSecret", "SlackBotToken"):
        placeholder = template["Resources"][secret]["Properties"]["SecretString"]
        if f'"{placeholder}"' not in code:
            problems.append(f"{secret}'s placeholder {placeholder!r} is not in shared/src/secrets/value.rs PLACEHOLDERS")
