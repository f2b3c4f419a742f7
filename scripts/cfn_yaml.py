"""CloudFormation templates as Python reads them here: YAML whose short forms (`!Sub`, `!Ref`,
`!If`...) load as `Tag(name, value)`, the one loader the template tools and checks share
(scripts/slack-manifest.py, scripts/spoke-template.py, tests/templates/), and `dump`, which writes
such a template back with its short forms (what `load` reads again). Needs PyYAML."""

import sys

try:
    import yaml
except ModuleNotFoundError:
    sys.exit(
        f"{sys.argv[0]}: needs PyYAML, which {sys.executable} lacks: `python3 -m pip install PyYAML` (or your "
        "system's python3-yaml), or run it with the python of the SAM venv deploy.sh made, which has it: "
        "~/.cache/ecs-debug-toolkit/sam-venv/bin/python"
    )


class Tag:
    """A short-form intrinsic: `!Sub "x"` is `Tag("Sub", "x")`."""

    def __init__(self, name, value):
        self.name, self.value = name, value

    def __repr__(self):
        return f"!{self.name} {self.value!r}"

    def __eq__(self, other):
        return isinstance(other, Tag) and (self.name, self.value) == (other.name, other.value)


class _Loader(yaml.SafeLoader):
    pass


def _construct(loader, suffix, node):
    if isinstance(node, yaml.ScalarNode):
        return Tag(suffix, loader.construct_scalar(node))
    if isinstance(node, yaml.SequenceNode):
        return Tag(suffix, loader.construct_sequence(node, deep=True))
    return Tag(suffix, loader.construct_mapping(node, deep=True))


_Loader.add_multi_constructor("!", _construct)


def load(path):
    """The template at `path` (a str or a pathlib.Path)."""
    with open(path) as file:
        return yaml.load(file, Loader=_Loader)


def loads(text):
    """A template, or part of one, from YAML text."""
    return yaml.load(text, Loader=_Loader)


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow=False, indentless=False):
        # A list under a key is indented, as the hand-written templates do.
        return super().increase_indent(flow, False)

    def choose_scalar_style(self):
        style = super().choose_scalar_style()
        if style != "'":
            return style
        # `!Ref Name` plain (a short form's scalar is a string whatever it looks like), other
        # quoted strings in double quotes, as the hand-written templates have them.
        if self.event.tag == "!Sub":
            return '"'
        tagged = self.event.tag.startswith("!") and self.event.style is None
        plain = self.analysis.allow_flow_plain if self.flow_level else self.analysis.allow_block_plain
        return "" if tagged and plain and not self.analysis.empty else '"'


def _width(value):
    """How wide `value` prints in a flow list, or None when it is not for one."""
    if isinstance(value, (str, int, float, bool)) and "\n" not in str(value):
        return len(str(value)) + 2
    if isinstance(value, list) or isinstance(value, Tag) and isinstance(value.value, list):
        items, name = (value, "") if isinstance(value, list) else (value.value, value.name)
        widths = [_width(item) for item in items]
        return None if None in widths or len(widths) > 3 else sum(widths) + len(name) + 4
    if isinstance(value, Tag):
        return _width(value.value) and _width(value.value) + len(value.name) + 2
    return None


def _sequence(dumper, tag, items):
    widths = [_width(item) for item in items]
    flow = len(items) <= 3 and None not in widths and sum(widths) < 90
    return dumper.represent_sequence(tag, items, flow_style=flow)


def _represent_tag(dumper, tag):
    if isinstance(tag.value, list):
        return _sequence(dumper, "!" + tag.name, tag.value)
    if isinstance(tag.value, dict):
        return dumper.represent_mapping("!" + tag.name, tag.value)
    return _represent_str(dumper, tag.value, "!" + tag.name)


def _represent_str(dumper, text, tag="tag:yaml.org,2002:str"):
    return dumper.represent_scalar(tag, text, style="|" if "\n" in text else None)


_Dumper.add_representer(Tag, _represent_tag)
_Dumper.add_representer(str, lambda dumper, text: _represent_str(dumper, text))
_Dumper.add_representer(list, lambda dumper, items: _sequence(dumper, "tag:yaml.org,2002:seq", items))


def dump(template):
    """The template as YAML text, short forms as short forms, keys in their order, a blank line
    before each section and each of its parameters, resources and outputs."""
    text = yaml.dump(template, Dumper=_Dumper, sort_keys=False, width=1 << 16, allow_unicode=True)
    lines, section = [], None
    for line in text.splitlines():
        if line[:1].strip():
            section = line.split(":", 1)[0]
            if lines and line.endswith(":"):
                lines.append("")
        elif section in _SPACED and line[:2] == "  " and line[2:3].strip() not in ("", "-"):
            if not lines[-1].endswith(":"):
                lines.append("")
        lines.append(line)
    return "\n".join(lines) + "\n"


_SPACED = ("Parameters", "Resources", "Outputs")
