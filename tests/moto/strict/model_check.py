"""A request checked as AWS checks it before acting: against its operation's input shape in the
service model botocore ships (required members, lengths, patterns, enums, ranges, unknown
members) and against AWS's tag rules, which the models state only in part.

Tag rules (ECS RunTask/TagResource docs, IAM and CloudWatch Logs tagging docs, EC2 tag
restrictions; see the team's aws-facts "Tags"): keys 1-128 and values 0-256 characters of
`\\p{L}\\p{Z}\\p{N}_.:/=+\\-@`, at most 50 per request, and `aws:` in any case reserved at the start
of a key or a value.
"""

import regex

from .calls import service_model

_PATTERNS = {}
_TAG_CHARACTERS = regex.compile(r"[\p{L}\p{Z}\p{N}_.:/=+\-@]*")
MAX_TAGS = 50


def problems(call):
    """Everything AWS would refuse in `call`, as readable sentences (empty: valid)."""
    shape = service_model(call.service).operation_model(call.operation).input_shape
    found = []
    if shape is not None:
        _check(shape, call.params, call.operation, found)
    for key, value in tags_of(call):
        found.extend(_tag_problems(key, value))
    if len(tags_of(call)) > MAX_TAGS:
        found.append(f"{len(tags_of(call))} tags: at most {MAX_TAGS} per resource")
    return found


def tags_of(call):
    """The (key, value) tags a request sets, whatever the service spells them."""
    p = call.params
    if call.service == "ecs":
        return [(t.get("key", ""), t.get("value", "")) for t in p.get("tags", [])]
    if call.service == "iam":
        return [(t["Key"], t["Value"]) for t in p.get("Tags", [])]
    if call.service == "logs":
        return list(p.get("tags", p.get("Tags", {})).items())
    if call.service == "ec2":
        tags = list(p.get("Tags", []))
        for spec in p.get("TagSpecifications", []):
            tags.extend(spec.get("Tags", []))
        return [(t.get("Key", ""), t.get("Value", "")) for t in tags]
    return []


def _tag_problems(key, value):
    found = []
    if not 1 <= len(key) <= 128:
        found.append(f"tag key {key!r}: 1 to 128 characters")
    if len(value) > 256:
        found.append(f"tag {key!r}: value over 256 characters")
    for what, text in (("key", key), ("value", value)):
        if not _TAG_CHARACTERS.fullmatch(text):
            found.append(f"tag {what} {text!r}: characters outside {_TAG_CHARACTERS.pattern}")
        if text.lower().startswith("aws:"):
            found.append(f"tag {what} {text!r}: the aws: prefix is reserved")
    return found


def _pattern(text):
    if text not in _PATTERNS:
        _PATTERNS[text] = regex.compile(text)
    return _PATTERNS[text]


def _check(shape, value, path, found):
    kind = shape.type_name
    if kind == "structure":
        _check_structure(shape, value, path, found)
    elif kind == "list":
        _check_length(shape, len(value), path, found)
        for index, item in enumerate(value):
            _check(shape.member, item, f"{path}[{index}]", found)
    elif kind == "map":
        _check_length(shape, len(value), path, found)
        for key, item in value.items():
            _check(shape.key, key, f"{path} key", found)
            _check(shape.value, item, f"{path}[{key}]", found)
    elif kind == "string":
        _check_string(shape, value, path, found)
    elif kind in ("integer", "long"):
        _check_range(shape, value, path, found)


def _check_structure(shape, value, path, found):
    if not isinstance(value, dict):
        found.append(f"{path}: expected a structure")
        return
    for name in shape.required_members:
        if name not in value:
            found.append(f"{path}.{name}: required")
    for name, item in value.items():
        if name not in shape.members:
            found.append(f"{path}.{name}: not a member of {shape.name}")
        elif item is not None:
            _check(shape.members[name], item, f"{path}.{name}", found)


def _check_string(shape, value, path, found):
    if not isinstance(value, str):
        found.append(f"{path}: expected a string")
        return
    _check_length(shape, len(value), path, found)
    if shape.enum and value not in shape.enum:
        found.append(f"{path}: {value!r} is not one of {shape.enum}")
    pattern = shape.metadata.get("pattern")
    if pattern and not _pattern(pattern).fullmatch(value):
        found.append(f"{path}: {value!r} does not match {pattern}")


def _check_length(shape, length, path, found):
    _check_bounds(shape, length, f"{path}: length {length}", found)


def _check_range(shape, value, path, found):
    _check_bounds(shape, value, f"{path}: {value}", found)


def _check_bounds(shape, measure, said, found):
    """The model's `min`/`max` (a length for strings and lists, a value for numbers)."""
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    if low is not None and measure < low:
        found.append(f"{said} under the minimum {low}")
    if high is not None and measure > high:
        found.append(f"{said} over the maximum {high}")
