"""The public API (/api/v1): read-only JSON of what everyone may see, and its reference page.

Every answer reads as a visitor (civic.api.common.visitor), so it is the same for everyone and
proxies may keep it for a minute; clients revalidate with If-None-Match.
"""

from flask import Blueprint, abort, jsonify, render_template, request, url_for
from marshmallow import ValidationError

from civic.api import areas, comments, openapi, paging, problems, processes, proposals
from civic.api.openapi import documented
from civic.extensions import csrf, limiter

bp = Blueprint("api", __name__, url_prefix="/api")
# Per client address (the limiter's default key): programs, not people, call the API.
limiter.limit("120 per minute;2000 per hour")(bp)
# Nothing here changes anything, and programs calling it hold no form token.
csrf.exempt(bp)
DATA = "/api/v1/"


def _query(schema):
    try:
        return schema.load(request.args)
    except ValidationError as error:
        detail = "; ".join(f"{name}: {' '.join(messages)}"
                           for name, messages in sorted(error.normalized_messages().items()))
        abort(problems.response(400, "Bad Request", detail))


def _not_found(what: str):
    abort(problems.response(404, "Not Found", f"No {what} with this id is public."))


@bp.after_app_request  # also for what no route matched (a 404, a 405)
def _public_answer(response):
    if not request.path.startswith(DATA):
        return response
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Allow-Methods"] = "GET"
    if request.method == "GET" and response.status_code == 200:
        response.headers["Cache-Control"] = "public, max-age=60"
        response.add_etag()
        _not_modified(response)
    return response


def _not_modified(response) -> None:
    """304 when the client has this answer: as sent plain, or as Flask-Compress tagged it once
    compressed ("<tag>:gzip", which it sets after this hook has run)."""
    tag, _weak = response.get_etag()
    for sent in request.if_none_match.as_set():
        if sent.split(":", 1)[0] == tag:
            response.status_code = 304
            response.set_data(b"")
            response.set_etag(sent)
            return


@bp.get("")
def reference():
    # The curl examples name the public address (CIVIC_BASE_URL), never a Host header.
    return render_template("api/reference.html",
                           root=url_for("spaces.home", _external=True).rstrip("/"))


@bp.get("/v1/openapi.json")
def specification():
    return jsonify(openapi.spec())


@bp.get("/v1/areas")
@documented("The ward's areas (地域).", areas.AreaPageSchema, paging.PageQuery)
def area_list():
    return jsonify(areas.page(_query(paging.PageQuery())))


@bp.get("/v1/processes")
@documented("Published participatory processes with their phases.", processes.ProcessPageSchema,
            paging.SinceQuery)
def process_list():
    return jsonify(processes.page(_query(paging.SinceQuery())))


@bp.get("/v1/proposals")
@documented("Public proposals with their answer, counts and progress updates; updated_since "
            "reads their publication and answer.", proposals.ProposalPageSchema,
            proposals.ProposalQuery)
def proposal_list():
    return jsonify(proposals.page(_query(proposals.ProposalQuery())))


@bp.get("/v1/proposals/<int:proposal_id>")
@documented("One public proposal.", proposals.ProposalSchema, path="proposal_id")
def proposal(proposal_id: int):
    found = proposals.visible(proposal_id)
    if found is None:
        _not_found("proposal")
    return jsonify(proposals.one(found))


@bp.get("/v1/proposals/<int:proposal_id>/comments")
@documented("The comments everyone may read on a public proposal, oldest first.",
            comments.CommentPageSchema, paging.SinceQuery, path="proposal_id")
def proposal_comments(proposal_id: int):
    query = _query(paging.SinceQuery())
    if comments.visible_target("proposal", proposal_id) is None:
        _not_found("proposal")
    return jsonify(comments.page("proposal", proposal_id, query))
