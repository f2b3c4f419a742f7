"""AWS's answers to a request the strict gate refuses, in the protocol of the request's service:
its error code, status and body as the SDKs parse them."""

import json
import uuid
from http import HTTPStatus
from xml.sax.saxutils import escape

from .calls import service_model


def protocol(call):
    """The protocol a refusal of `call` is answered in."""
    if call.json_protocol:
        return "json"
    try:
        kind = service_model(call.service).protocol
    except Exception:
        return "rest-json"
    if kind == "json":  # a JSON service's request that came without X-Amz-Target
        return "rest-json"
    return kind if kind in ("ec2", "query", "rest-xml", "rest-json") else "query"


DENIED = {"json": ("AccessDeniedException", 400), "query": ("AccessDenied", 403), "ec2": ("UnauthorizedOperation", 403)}
INVALID = {"json": ("ValidationException",), "query": ("ValidationError",), "ec2": ("InvalidParameterValue",)}
THROTTLED = {
    "json": ("ThrottlingException", "Rate exceeded"),
    "query": ("Throttling", "Rate exceeded"),
    "ec2": ("RequestLimitExceeded", "Request limit exceeded.", 503),
}


def answer(call, refusal, start_response):
    """Answers `call` with `refusal` as its service would."""
    request_id = str(uuid.uuid4())
    kind = protocol(call)
    extra = []
    if kind in ("json", "rest-json"):
        body = json.dumps({"__type": refusal.code, "message": refusal.message})
        content_type = "application/x-amz-json-1.1" if kind == "json" else "application/json"
        extra = [("x-amzn-ErrorType", refusal.code)] if kind == "rest-json" else []
    elif kind == "rest-xml":
        body = (
            f"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{refusal.code}</Code><Message>"
            f"{escape(refusal.message)}</Message><RequestId>{request_id}</RequestId></Error>"
        )
        content_type = "application/xml"
    elif kind == "ec2":
        body = (
            f"<Response><Errors><Error><Code>{refusal.code}</Code><Message>{escape(refusal.message)}"
            f"</Message></Error></Errors><RequestID>{request_id}</RequestID></Response>"
        )
        content_type = "text/xml"
    else:
        body = (
            f"<ErrorResponse><Error><Type>Sender</Type><Code>{refusal.code}</Code><Message>"
            f"{escape(refusal.message)}</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>"
        )
        content_type = "text/xml"
    status = f"{refusal.status} {HTTPStatus(refusal.status).phrase}"
    start_response(status, [("Content-Type", content_type), ("x-amzn-RequestId", request_id), *extra])
    return [body.encode()]
