"""The OpenAPI 3.1 description of /api/v1, generated from the views and their marshmallow schemas
by apispec, so the description cannot drift from what the views answer."""

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec_webframeworks.flask import FlaskPlugin
from flask import current_app
from marshmallow import Schema, fields

VERSION = "1.0.0"


class ProblemSchema(Schema):
    """RFC 9457 problem details."""

    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)


def documented(summary: str, answer: type[Schema], query: type[Schema] | None = None,
               path: str | None = None):
    """Attach the view's OpenAPI operation: what it answers and which parameters it reads."""
    parameters = []
    if path:
        parameters.append({"in": "path", "name": path, "required": True,
                           "schema": {"type": "integer", "minimum": 1}})
    if query:
        parameters.append({"in": "query", "schema": query})
    problem = {"application/problem+json": {"schema": ProblemSchema}}
    responses = {
        "200": {"description": "OK", "content": {"application/json": {"schema": answer}}},
        "304": {"description": "Not modified since the ETag sent in If-None-Match."},
        "404": {"description": "Not found", "content": problem},
        "429": {"description": "Too many requests from this client", "content": problem},
    }
    if query or path:
        responses["400"] = {"description": "A parameter has a value it cannot take",
                            "content": problem}

    def attach(view):
        view.openapi_operation = {"summary": summary, "parameters": parameters,
                                  "responses": responses}
        return view

    return attach


def _build() -> dict:
    spec = APISpec(title=f"{current_app.config['CIVIC_SITE_NAME']} public API", version=VERSION,
                   openapi_version="3.1.0", plugins=[FlaskPlugin(), MarshmallowPlugin()],
                   info={"description": "Read-only open data: what everyone may see on the site."})
    spec.components.schema("Problem", schema=ProblemSchema)
    for endpoint, view in sorted(current_app.view_functions.items()):
        operation = getattr(view, "openapi_operation", None)
        if endpoint.startswith("api.") and operation:
            spec.path(view=view, app=current_app,
                      operations={"get": {"operationId": endpoint.removeprefix("api."),
                                          **operation}})
    return spec.to_dict()


def spec() -> dict:
    """Built once per app: it depends only on the code."""
    if "civic_openapi" not in current_app.extensions:
        current_app.extensions["civic_openapi"] = _build()
    return current_app.extensions["civic_openapi"]
