#!/usr/bin/env python3
"""The Slack app manifest of infra/template.yaml (output SlackAppManifest, the one place it is
written) and its new-app link (output SlackAppCreateUrl, derived from it here).

  slack-manifest.py render <function-url> [<command>]   the manifest as the stack outputs it
  slack-manifest.py link <function-url> [<command>]     the new-app link as the stack outputs it
  slack-manifest.py write                               rewrite SlackAppCreateUrl from the manifest
  slack-manifest.py check [--schema]                    what CI asserts (exit 1 naming what is wrong):
      the link is exactly the manifest URL-encoded; the rendered manifest is valid JSON whose
      slash command and Interactivity Request URL are the Function URL; its bot scopes are exactly
      those the functions' Slack Web API calls need (found in the Rust sources) plus `commands`;
      its usage_hint names every verb `help` lists (functions/slack-command/src/commands/mod.rs);
      with --schema (tests/templates/run.sh), it also satisfies Slack's published manifest schema
      (tests/templates/slack-manifest.schema.json, from slackapi/manifest-schema, MIT).

Needs PyYAML (it comes with SAM and with moto), and jsonschema for --schema (it comes with moto).
"""
import json
import pathlib
import re
import sys
import urllib.parse

from cfn_yaml import load

ROOT = pathlib.Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "infra" / "template.yaml"
LINK_PREFIX = "https://api.slack.com/apps?new_app=1&manifest_json="
URL_VARIABLE = "${SlackCommandFunctionUrl.FunctionUrl}"
COMMAND_VARIABLE = "${SlackCommandName}"
DEFAULT_COMMAND = "/debug"

# The bot scope each Slack Web API method needs (api.slack.com/methods/<method>). A method the
# code calls that is not here fails `check`: add it with its scope.
METHOD_SCOPES = {
    "chat.postMessage": "chat:write",
    "usergroups.users.list": "usergroups:read",
}
# A slash command needs `commands`; response_url replies need no scope.
ALWAYS = ["commands"]


def outputs():
    return load(TEMPLATE)["Outputs"]


def manifest_source():
    return outputs()["SlackAppManifest"]["Value"].value


def encode(source):
    """URL-encodes everything but the ${...} variables, which expand to URL-safe text."""
    parts = re.split(r"(\$\{[^}]+\})", source)
    return "".join(p if p.startswith("${") else urllib.parse.quote(p, safe="") for p in parts)


def expand(source, url, command):
    return source.replace(URL_VARIABLE, url).replace(COMMAND_VARIABLE, command)


def code_scopes():
    """The bot scopes the functions' Slack Web API calls need, from the Rust sources."""
    methods = set()
    for path in list((ROOT / "shared").rglob("*.rs")) + list((ROOT / "functions").rglob("*.rs")):
        # A Web API call is a URL "<api base>/<method>".
        methods.update(re.findall(r'"\{\}/([a-z]+(?:\.[a-zA-Z]+)+)"', path.read_text()))
    unknown = sorted(m for m in methods if m not in METHOD_SCOPES)
    if unknown:
        sys.exit(f"slack-manifest: the code calls {unknown}: add their scopes to METHOD_SCOPES")
    if not methods:
        sys.exit("slack-manifest: no Slack Web API call found in the sources (has the URL form changed?)")
    return sorted(set(ALWAYS) | {METHOD_SCOPES[m] for m in methods}), sorted(methods)


def help_verbs():
    """The verbs `help` lists: its lines "• `<verb> …`" in the slash command's usage."""
    source = (ROOT / "functions" / "slack-command" / "src" / "commands" / "mod.rs").read_text()
    verbs = sorted(set(re.findall(r'"• `([a-z]+)[ `]', source)))
    if not verbs:
        sys.exit("slack-manifest: no verb found in help's usage (has its form changed?)")
    return verbs


def check(schema=False):
    problems = []
    source = manifest_source()
    link = outputs()["SlackAppCreateUrl"]["Value"].value
    if link != LINK_PREFIX + encode(source):
        problems.append("SlackAppCreateUrl is not the manifest URL-encoded: run scripts/slack-manifest.py write")
    url = "https://abcdefghijklmnopqrstuvwxyz012345.lambda-url.eu-west-1.on.aws/"
    manifest = json.loads(expand(source, url, DEFAULT_COMMAND))
    commands = manifest["features"]["slash_commands"]
    if [(c["command"], c["url"]) for c in commands] != [(DEFAULT_COMMAND, url)]:
        problems.append(f"the slash command is not {DEFAULT_COMMAND} at the Function URL: {commands}")
    interactivity = manifest["settings"]["interactivity"]
    if interactivity != {"is_enabled": True, "request_url": url}:
        problems.append(f"interactivity is not on at the Function URL: {interactivity}")
    scopes, methods = code_scopes()
    if sorted(manifest["oauth_config"]["scopes"]["bot"]) != scopes:
        problems.append(
            f"bot scopes {manifest['oauth_config']['scopes']['bot']} are not what the code needs: "
            f"{scopes} (methods {methods})"
        )
    hint = " ".join(c.get("usage_hint", "") for c in commands)
    hinted = set(re.findall(r"(?:^|\| )([a-z]+)", hint))
    missing = [v for v in help_verbs() if v not in hinted]
    if missing:
        problems.append(f"the usage_hint names not every verb help lists: {missing} missing")
    name = manifest["display_information"]["name"]
    if not 1 <= len(name) <= 35:
        problems.append(f"the app name must be 1 to 35 characters: {name!r}")
    if schema:
        import jsonschema

        path = ROOT / "tests" / "templates" / "slack-manifest.schema.json"
        validator = jsonschema.Draft7Validator(json.loads(path.read_text()))
        problems.extend(f"Slack's schema: {e.json_path}: {e.message}" for e in validator.iter_errors(manifest))
    decoded = urllib.parse.parse_qs(urllib.parse.urlsplit(expand(link, url, DEFAULT_COMMAND)).query)
    if json.loads(decoded["manifest_json"][0]) != manifest:
        problems.append("the link's manifest_json does not decode to the manifest")
    for problem in problems:
        print(f"slack-manifest: {problem}", file=sys.stderr)
    if problems:
        sys.exit(1)
    print(f"slack-manifest: ok (scopes {', '.join(scopes)} for {', '.join(methods)}; link {len(link)} characters)")


def write():
    text = TEMPLATE.read_text()
    line = re.compile(r"^(    Value: !Sub ')" + re.escape(LINK_PREFIX) + r"[^']*(')$", re.M)
    new, count = line.subn(lambda m: m.group(1) + LINK_PREFIX + encode(manifest_source()) + m.group(2), text)
    if count != 1:
        sys.exit(f"slack-manifest: expected one SlackAppCreateUrl value line, found {count}")
    TEMPLATE.write_text(new)


def main(args):
    if args[:1] == ["check"] and args[1:] in ([], ["--schema"]):
        check(schema=args[1:] == ["--schema"])
    elif args[:1] == ["write"]:
        write()
    elif args[:1] in (["render"], ["link"]) and len(args) in (2, 3):
        command = args[2] if len(args) == 3 else DEFAULT_COMMAND
        if args[0] == "render":
            print(json.dumps(json.loads(expand(manifest_source(), args[1], command)), indent=2))
        else:
            print(expand(outputs()["SlackAppCreateUrl"]["Value"].value, args[1], command))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
