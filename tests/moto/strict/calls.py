"""What an AWS request asks for: its service, operation and parameters, read from the wire.

The JSON protocols (ECS, CloudWatch Logs, EventBridge, Secrets Manager) carry the operation in
`X-Amz-Target` and the parameters as the body. The query protocols (IAM, and EC2's variant) carry
`Action=...` and the parameters flattened into a form; they are read back into the shape of the
operation's input with botocore's service model, so both kinds validate the same way.
"""

import json
import re
from dataclasses import dataclass
from urllib.parse import parse_qs

import botocore.session

_SESSION = botocore.session.get_session()
_MODELS = {}
_CREDENTIAL = re.compile(r"Credential=([^/]+)/\d{8}/([^/]+)/([^/]+)/aws4_request")


@dataclass
class Call:
    access_key: str
    region: str
    service: str
    operation: str
    params: dict
    json_protocol: bool


def service_model(service):
    if service not in _MODELS:
        _MODELS[service] = _SESSION.get_service_model(service)
    return _MODELS[service]


def credential(headers, query=""):
    """(access key, region, service) of a SigV4-signed request's credential scope (from the
    `Authorization` header, or a presigned URL's `X-Amz-Credential`), or None when unsigned."""
    match = _CREDENTIAL.search(headers.get("authorization", ""))
    if match:
        return match.groups()
    scope = parse_qs(query).get("X-Amz-Credential", [""])[0]
    parts = scope.split("/")
    if len(parts) == 5 and parts[4] == "aws4_request":
        return parts[0], parts[2], parts[3]
    return None


def read_call(headers, body):
    """The call a signed request makes, or None for what is not a signed AWS API call, or one
    read neither from `X-Amz-Target` nor from `Action=` (the REST protocols: S3, Lambda...)."""
    match = _CREDENTIAL.search(headers.get("authorization", ""))
    if not match:
        return None
    access_key, region, service = match.groups()
    target = headers.get("x-amz-target")
    if target:
        params = json.loads(body or b"{}")
        return Call(access_key, region, service, target.split(".")[-1], params, True)
    form = {k: v[0] for k, v in parse_qs(body.decode(), keep_blank_values=True).items()}
    operation = form.pop("Action", None)
    form.pop("Version", None)
    if operation is None:
        return None
    model = service_model(service)
    shape = model.operation_model(operation).input_shape
    ec2 = model.protocol == "ec2"
    params = _read_structure(shape, "", form, ec2) if shape else {}
    return Call(access_key, region, service, operation, params or {}, False)


def _member_key(name, shape, ec2):
    if ec2:
        query_name = shape.serialization.get("queryName")
        if query_name:
            return query_name
        location = shape.serialization.get("name", name)
        return location[0].upper() + location[1:]
    return shape.serialization.get("name", name)


def _has_prefix(form, prefix):
    return any(key == prefix or key.startswith(prefix + ".") for key in form)


def _read(shape, prefix, form, ec2):
    if shape.type_name == "structure":
        return _read_structure(shape, prefix + ".", form, ec2)
    if shape.type_name == "list":
        return _read_list(shape, prefix, form, ec2)
    if shape.type_name == "map":
        return _read_map(shape, prefix, form, ec2)
    return _scalar(shape, form[prefix])


def _read_structure(shape, prefix, form, ec2):
    out = {}
    for name, member in shape.members.items():
        key = prefix + _member_key(name, member, ec2)
        if _has_prefix(form, key):
            out[name] = _read(member, key, form, ec2)
    return out


def _read_list(shape, prefix, form, ec2):
    if form.get(prefix) == "":
        return []
    if not (ec2 or shape.serialization.get("flattened")):
        prefix += "." + shape.member.serialization.get("name", "member")
    items, index = [], 1
    while _has_prefix(form, f"{prefix}.{index}"):
        items.append(_read(shape.member, f"{prefix}.{index}", form, ec2))
        index += 1
    return items


def _read_map(shape, prefix, form, ec2):
    out, index = {}, 1
    while _has_prefix(form, f"{prefix}.entry.{index}"):
        key = form[f"{prefix}.entry.{index}.key"]
        out[key] = _read(shape.value, f"{prefix}.entry.{index}.value", form, ec2)
        index += 1
    return out


def _scalar(shape, text):
    if shape.type_name in ("integer", "long"):
        return int(text)
    if shape.type_name in ("float", "double"):
        return float(text)
    if shape.type_name == "boolean":
        return text == "true"
    return text
