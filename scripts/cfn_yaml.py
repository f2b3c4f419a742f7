"""CloudFormation templates as Python reads them here: YAML whose short forms (`!Sub`, `!Ref`,
`!If`...) load as `Tag(name, value)`, the one loader the template tools and checks share
(scripts/slack-manifest.py, tests/templates/). Needs PyYAML."""

import yaml


class Tag:
    """A short-form intrinsic: `!Sub "x"` is `Tag("Sub", "x")`."""

    def __init__(self, name, value):
        self.name, self.value = name, value

    def __repr__(self):
        return f"!{self.name} {self.value!r}"


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
