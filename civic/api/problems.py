"""RFC 9457 problem details: how every refusal under /api reads, for programs rather than people."""

from flask import jsonify, request

MEDIA_TYPE = "application/problem+json"
PREFIX = "/api/"


def wanted() -> bool:
    """Whether the request is the API's: its errors answer in JSON, never an HTML page."""
    return request.path.startswith(PREFIX)


def response(status: int, title: str, detail: str, headers: dict | None = None):
    body = jsonify(type="about:blank", title=title, status=status, detail=detail)
    body.status_code = status
    body.mimetype = MEDIA_TYPE
    body.headers.update(headers or {})
    return body
