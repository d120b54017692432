"""The public API (/api/v1): read-only JSON of what everyone may see, and its reference page.

Every answer reads as a visitor (civic.api.common.visitor), so it is the same for everyone and
proxies may keep it for a minute; clients revalidate with If-None-Match.
"""

import functools

from flask import Blueprint, abort, current_app, jsonify, render_template, request, url_for
from marshmallow import Schema, ValidationError, fields, validate

from civic import i18n
from civic.api import (
    areas,
    budgets,
    comments,
    consultations,
    openapi,
    paging,
    problems,
    processes,
    proposals,
    surveys,
)
from civic.api.openapi import documented
from civic.caching import services as caching
from civic.extensions import csrf, limiter
from civic.forms import DB_INT_MAX
from civic.proposals import views as proposal_views
from civic.timeutil import ward_today
from civic.transactions import read_only

bp = Blueprint("api", __name__, url_prefix="/api")
# Per client address (the limiter's default key): programs, not people, call the API.
limiter.limit(lambda: current_app.config["CIVIC_API_RATE_LIMIT"])(bp)
# Nothing here changes anything, and programs calling it hold no form token.
csrf.exempt(bp)
# Answers read as a visitor, in no one's language: the caller's settings are not read ahead.
i18n.impersonal(bp)
DATA = "/api/v1/"
PUBLIC = "public, max-age=60"


@functools.cache
def _schema(kind: type[Schema]) -> Schema:
    # Built once: building a marshmallow schema costs more than loading a query with it.
    return kind()


def _query(kind: type[Schema]):
    try:
        return _schema(kind).load(request.args)
    except ValidationError as error:
        detail = "; ".join(f"{name}: {' '.join(messages)}"
                           for name, messages in sorted(error.normalized_messages().items()))
        abort(problems.response(400, "Bad Request", detail))


def _not_found(what: str):
    abort(problems.response(404, "Not Found", f"No {what} with this id is public."))


# Answers are kept by the pages' generation mechanism (civic.caching): one per query and ward
# day (phases open and close by date), until a table it was read from is written. The ETag is
# the same generations' stamp, so a client's If-None-Match is answered without the body.
PROPOSAL_TABLES = (*proposal_views.SHOW_TABLES, caching.counts_of("proposal"), "phase",
                   "proposal_settings")
COMMENT_TABLES = ("comment", caching.counts_of("comment"), "user", "user_role", "proposal",
                  "process", "phase")
MISSING = b""  # cached too: a draft asked for again and again costs no more than a public one


def _cached(name: str, key: tuple, depends: tuple[str, ...], compute, what: str = ""):
    key = (*key, ward_today().isoformat())
    tag = caching.stamp(f"api.{name}", key, depends)
    if (unchanged := caching.not_modified(tag)) is not None:  # the client has it: no body
        unchanged.headers["Cache-Control"] = PUBLIC
        return unchanged

    def body() -> bytes:
        value = compute()
        return MISSING if value is None else current_app.json.dumps(value).encode()

    data = caching.shared(f"api.{name}", key, depends, body)
    if data == MISSING:
        _not_found(what)
    answer = current_app.response_class(data + b"\n", mimetype="application/json")
    answer.set_etag(tag)
    return answer


def _key(query: dict) -> tuple:
    return tuple(sorted((name, str(value)) for name, value in query.items()))


@bp.after_app_request  # also for what no route matched (a 404, a 405)
def _public_answer(response):
    if not request.path.startswith(DATA):
        return response
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Allow-Methods"] = "GET"
    if request.method == "GET" and response.status_code == 200:
        response.headers["Cache-Control"] = PUBLIC
        response.add_etag()
        _not_modified(response)
    return response


def _not_modified(response) -> None:
    """304 when the client has this answer: as sent plain, or as Flask-Compress tagged it once
    compressed ("<tag>:gzip", which it sets after this hook has run)."""
    tag, _weak = response.get_etag()
    if (sent := caching.held(tag)) is not None:
        response.status_code = 304
        response.set_data(b"")
        response.set_etag(sent)


@bp.get("")
@read_only
def reference():
    # The curl examples name the public address (CIVIC_BASE_URL), never a Host header.
    return render_template("api/reference.html",
                           root=url_for("spaces.home", _external=True).rstrip("/"))


@bp.get("/v1/openapi.json")
@read_only
def specification():
    return jsonify(openapi.spec())


@bp.get("/v1/consultations")
@read_only
@documented("Published results of public comments (パブリックコメント): counts of opinions and "
            "submitters, and the table of answers (意見の概要と区の考え方); updated_since reads "
            "the answer's publication.", consultations.ConsultationPageSchema,
            consultations.ConsultationQuery)
def consultation_list():
    query = _query(consultations.ConsultationQuery)
    return _cached("consultations", _key(query), consultations.TABLES,
                   lambda: consultations.page(query))


@bp.get("/v1/consultations/<int:consultation_id>")
@read_only
@documented("The published result of one public comment.", consultations.ConsultationSchema,
            path="consultation_id")
def consultation(consultation_id: int):
    def compute():
        found = consultations.visible(consultation_id)
        return None if found is None else consultations.one(found)

    return _cached("consultation", (consultation_id,), consultations.TABLES, compute,
                   "consultation result")


# read_only holds: a survey whose stored counts are stale is counted from its answers without
# storing them (surveys.counts); the results page stores them when it is next read.
@bp.get("/v1/surveys")
@read_only
@documented("Results of the surveys (アンケート) whose results are public: per question how "
            "many answered, with counts and percentages; never an answer itself.",
            surveys.SurveyPageSchema, paging.PageQuery)
def survey_list():
    query = _query(paging.PageQuery)
    return _cached("surveys", _key(query), surveys.TABLES, lambda: surveys.page(query))


@bp.get("/v1/surveys/<int:survey_id>")
@read_only
@documented("The public results of one survey.", surveys.SurveySchema, path="survey_id")
def survey(survey_id: int):
    def compute():
        found = surveys.visible(survey_id)
        return None if found is None else surveys.one(found)

    return _cached("survey", (survey_id,), surveys.TABLES, compute, "survey results")


@bp.get("/v1/areas")
@read_only
@documented("The ward's areas (地域).", areas.AreaPageSchema, paging.PageQuery)
def area_list():
    query = _query(paging.PageQuery)
    return _cached("areas", _key(query), ("area",), lambda: areas.page(query))


@bp.get("/v1/processes")
@read_only
@documented("Published participatory processes with their phases.", processes.ProcessPageSchema,
            paging.SinceQuery)
def process_list():
    query = _query(paging.SinceQuery)
    return _cached("processes", _key(query), ("process", "phase"),
                   lambda: processes.page(query))


@bp.get("/v1/proposals")
@read_only
@documented("Public proposals with their answer, counts and progress updates; updated_since "
            "reads their publication and answer.", proposals.ProposalPageSchema,
            proposals.ProposalQuery)
def proposal_list():
    query = _query(proposals.ProposalQuery)
    return _cached("proposals", _key(query), PROPOSAL_TABLES, lambda: proposals.page(query))


@bp.get("/v1/proposals/<int:proposal_id>")
@read_only
@documented("One public proposal.", proposals.ProposalSchema, path="proposal_id")
def proposal(proposal_id: int):
    def compute():
        found = proposals.visible(proposal_id)
        return None if found is None else proposals.one(found)

    return _cached("proposal", (proposal_id,), PROPOSAL_TABLES, compute, "proposal")


@bp.get("/v1/proposals/<int:proposal_id>/comments")
@read_only
@documented("The comments everyone may read on a public proposal, oldest first.",
            comments.CommentPageSchema, paging.SinceQuery, path="proposal_id")
def proposal_comments(proposal_id: int):
    query = _query(paging.SinceQuery)

    def compute():
        if comments.visible_target("proposal", proposal_id) is None:
            return None
        return comments.page("proposal", proposal_id, query)

    return _cached("proposal_comments", (proposal_id, *_key(query)), COMMENT_TABLES, compute,
                   "proposal")


class BudgetQuery(paging.PageQuery):
    process_id = fields.Integer(load_default=None, strict=False,
                                validate=validate.Range(1, DB_INT_MAX),
                                metadata={"description": "Only the budgets of this process."})


@bp.get("/v1/budgets")
@read_only
@documented("Participatory budgets (参加型予算) of published processes with their projects and, "
            "once published, their results: the rule and each project's score.",
            budgets.BudgetPageSchema, BudgetQuery)
def budget_list():
    query = _query(BudgetQuery)
    return _cached("budgets", _key(query), budgets.TABLES, lambda: budgets.page(query))


@bp.get("/v1/budgets/<int:budget_id>")
@read_only
@documented("One participatory budget.", budgets.BudgetSchema, path="budget_id")
def budget(budget_id: int):
    def compute():
        found = budgets.visible(budget_id)
        return None if found is None else budgets.one(found)

    return _cached("budget", (budget_id,), budgets.TABLES, compute, "budget")


# Routes of further resources live in modules of their own on the same blueprint.
from civic.api import opinion_views  # noqa: E402, F401
