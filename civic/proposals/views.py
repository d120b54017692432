import re
from functools import cache, partial

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    get_template_attribute,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from markupsafe import Markup, escape
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

import civic.proposals.permissions  # noqa: F401  (declares the rules)
from civic.accounts.permissions import can, require, staff_scope
from civic.accounts.services import personal_data_sections
from civic.caching import services as caching
from civic.comments import services as comments
from civic.comments import views as comment_views
from civic.extensions import db, limiter, person_or_address
from civic.forms import db_int, form_checks_csrf
from civic.i18n import content_language_name
from civic.i18n.content import CONTENT_LANGUAGES
from civic.moderation import services as moderation
from civic.proposals import lifecycle, markdown, services
from civic.proposals.forms import (
    KIND_LABELS,
    MessageForm,
    ProposalForm,
    SettingsForm,
    StepForm,
    UpdateForm,
    review_form,
)
from civic.proposals.models import Proposal, ProposalImage
from civic.search import text as search_text
from civic.spaces.models import Process
from civic.spaces.services import areas, visible_process_or_404
from civic.transactions import read_only

bp = Blueprint("proposals", __name__)

STATE_LABELS = {
    "draft": _l("Draft"), "submitted": _l("Submitted"),
    "consultation": _l("Prior consultation"), "published": _l("Published"),
    "evaluation": _l("Under review"), "accepted": _l("Accepted"), "rejected": _l("Not accepted"),
    "withdrawn": _l("Withdrawn"), "in_progress": _l("In progress"),
    "interim": _l("Interim report filed"), "completed": _l("Completed"),
}
STEP_LABELS = {
    "submit": _l("Submit for prior consultation"), "consult": _l("Start prior consultation"),
    "publish": _l("Publish"), "evaluate": _l("Start review"), "accept": _l("Accept"),
    "reject": _l("Do not accept"), "withdraw": _l("Withdraw"),
    "start": _l("Agreement signed: start the project"),
    "interim_report": _l("File the interim report"), "final_report": _l("File the final report"),
}
# A proposal's history, one entry per event (services.HISTORY_EVENTS).
EVENT_LABELS = {
    "submit": _l("Submitted for prior consultation"), "consult": _l("Prior consultation started"),
    "publish": _l("Made public"), "evaluate": _l("Review started"), "accept": _l("Accepted"),
    "reject": _l("Not accepted"), "withdraw": _l("Withdrawn"),
    "start": _l("Agreement signed, project started"),
    "interim_report": _l("Interim report filed"), "final_report": _l("Final report filed"),
    "revised": _l("Revised"), "reviewed": _l("Scored by a reviewer"),
}
REPORT_STEPS = ("interim_report", "final_report")
UPDATE_LABELS = {"update": _l("Progress update"), "interim": _l("Interim report"),
                 "final": _l("Final report")}
# Longer queries are cut; the search boxes say so with maxlength, so that no browser builds
# an address longer than servers accept from a pasted text.
SEARCH_QUERY_MAX = 100
bp.app_template_global("proposal_state_labels")(lambda: STATE_LABELS)
bp.add_app_template_global(SEARCH_QUERY_MAX, "search_query_max")
bp.app_template_filter("markdown")(lambda source: Markup(markdown.render(source)))  # noqa: S704 - nh3-cleaned  # nosec B704
bp.app_template_filter("plain")(markdown.plain)


@bp.app_template_global()
def highlight(text: str, query: str):
    return Markup("").join(Markup("<mark>%s</mark>") % piece if hit else escape(piece)
                           for piece, hit in search_text.highlight(text, query))


@cache
def _proposal_query(page: bool):
    # What every proposal page asks for (author, area, the process and its current phase) in
    # the same query; the author's roles only if something asks. A support needs only the
    # process and its phases. Built once, at first use (the options need every model mapped;
    # see notifications.services._UNREAD).
    options = [*services.card_options(), _with_phases()] if page else [_with_phases()]
    return select(Proposal).where(Proposal.id == bindparam("proposal_id")).options(*options)


def _with_phases():
    # The process and its phases: visibility and "is it open" ask for them.
    return joinedload(Proposal.process).joinedload(Process.phases)


def _proposal_or_404(proposal_id: int, page: bool = True) -> Proposal:
    proposal = db.session.scalars(_proposal_query(page),
                                  {"proposal_id": proposal_id}).unique().first()
    # Someone else's draft is "not found", so its existence does not leak.
    if proposal is None or not can("proposal.view", proposal):
        abort(404)
    return proposal


def _proposal_url(proposal: Proposal) -> str:
    return url_for("proposals.show", proposal_id=proposal.id)


# Lists and search -------------------------------------------------------------------------------

# The tables the shared parts of lists, threads and search results are rendered from. A list
# leaves the counts to slots (fill_cards), so supports and comments re-render it only when it is
# ordered by them; search results show counts; the proposal page shows only its live row's.
LIST_TABLES = ("proposal", "user", "user_role", "area", "process", "proposal_settings")
SHOW_TABLES = ("proposal", "user", "user_role", "area", "process", "progress_update",
               "audit_event")
SEARCH_TABLES = ("proposal", caching.counts_of("proposal"), "comment", "user", "user_role", "area",
                 "search_term")
CARD_SLOT = re.compile(r"<!--(supports|comments|supported):(\d+)-->")


def fill_cards(html: str, shown: list[int]) -> Markup:
    """Put the counts of the moment, and "You support this" on this person's, into a cached
    list's cards."""
    supports_comments = services.live_counts(shown)
    supported = services.supported_ids(current_user, shown)
    badge = get_template_attribute("proposals/_macros.html", "supported_badge")()
    # Translated and escaped once per page, not per card; then only whole numbers go in.
    texts = {"supports": str(escape(_("%(n)d supports"))),
             "comments": str(escape(_("%(n)d comments")))}

    def fill(slot) -> str:
        kind, proposal_id = slot[1], int(slot[2])
        if kind == "supported":
            return badge if proposal_id in supported else ""
        supports, comment_count = supports_comments.get(proposal_id, (0, 0))
        return texts[kind] % {"n": supports if kind == "supports" else comment_count}

    return Markup(CARD_SLOT.sub(fill, html))  # noqa: S704 - our rendered HTML  # nosec B704


@bp.get("/processes/<slug>/proposals")
@read_only
def index(slug: str):
    process = visible_process_or_404(slug)
    staff = can("proposals.manage", process)
    args = request.args

    def render_list():
        page = services.list_page(
            process, state=args.get("state"), area_id=args.get("area", type=db_int),
            category=args.get("category"), sort=args.get("sort", "newest"),
            page=args.get("page", 1, type=db_int), staff=staff, language=args.get("language"))
        head = render_template("proposals/_list_head.html", process=process,
                               settings=services.settings_for(process), kind_labels=KIND_LABELS)
        html = render_template(
            "proposals/_list.html", process=process, page=page, areas=areas(), args=args,
            sort=args.get("sort", "newest"), content_languages=services.languages_in(process, staff),
            states=lifecycle.STAFF_STATES if staff else lifecycle.PUBLIC_STATES)
        return head, html, [p.id for p in page.items]

    # Every query argument is in the key: the pager links carry them all.
    depends = LIST_TABLES + ((caching.counts_of("proposal"),)
                             if args.get("sort") in services.COUNTED_SORTS else ())
    head, html, shown = caching.fragment(
        "proposals.list", (process.id, staff, sorted(args.items(True))), depends, render_list)
    mine = services.my_proposals(current_user, process) if current_user.is_authenticated else []
    return render_template(
        "proposals/index.html", process=process, head=Markup(head),  # noqa: S704  # nosec B704
        mine=mine, queue=services.staff_queue(process) if staff else [],
        listing=fill_cards(html, shown))


@bp.get("/proposals/search")
def search():
    query = (request.args.get("q") or "").strip()[:SEARCH_QUERY_MAX]
    process = None
    if request.args.get("process"):
        process = visible_process_or_404(request.args["process"])
    results = ""
    if query:
        scope = staff_scope(current_user)
        page, cpage = request.args.get("page", 1, type=db_int), request.args.get("cpage", 1, type=db_int)

        def render_results():
            return render_template(
                "proposals/_search_results.html", query=query, process=process,
                page=services.find(query, process, page, scope=scope),
                comments=services.find_comments(query, process, cpage),
                snippet=search_text.snippet)

        results = Markup(caching.fragment(  # noqa: S704 - rendered by Jinja  # nosec B704
            "proposals.search", (query, process and process.id, page, cpage, scope),
            SEARCH_TABLES, render_results))
    return render_template("proposals/search.html", query=query, process=process,
                           results=results)


# Writing ----------------------------------------------------------------------------------------

def _fill_choices(form: ProposalForm, process: Process) -> None:
    form.area.choices = [(0, _("Whole city"))] + [(a.id, a.name) for a in areas()]
    categories = services.settings_for(process).categories or []
    form.category.choices = [("", _("No category"))] + [(c, c) for c in categories]
    form.language.choices = [("", _("Recognise from the text"))] + [
        (code, content_language_name(code)) for code in CONTENT_LANGUAGES]


def _form_data(form: ProposalForm) -> dict:
    return {"title": form.title.data.strip(), "body": form.body.data,
            "area_id": form.area.data or None, "category": form.category.data or "",
            "estimated_cost": form.estimated_cost.data,
            "role_residents": form.role_residents.data or "",
            "role_ward": form.role_ward.data or "", "kpis": form.kpis.data or "",
            "language": form.language.data or None}


def _save_form(form, proposal, template_args):
    if form.validate_on_submit():
        try:
            services.save(current_user, proposal, _form_data(form), request.files.get(
                form.image.name))
        except services.ProposalError as error:
            db.session.rollback()
            form.image.errors = [str(error)]
        else:
            flash(_("Your proposal has been saved."), "success")
            return redirect(_proposal_url(proposal))
    return render_template("proposals/form.html", form=form, **template_args), (
        422 if form.errors else 200)


@bp.route("/processes/<slug>/proposals/new", methods=["GET", "POST"])
@login_required
@limiter.limit("20 per hour", methods=["POST"], key_func=person_or_address)
@form_checks_csrf
def new(slug: str):
    process = visible_process_or_404(slug)
    require("proposal.create", process)
    form = ProposalForm()
    _fill_choices(form, process)
    if request.method == "GET" and current_user.residency:
        form.area.data = current_user.residency.area_id
    proposal = Proposal(process_id=process.id, author_id=current_user.id, state="draft")
    return _save_form(form, proposal, {"process": process, "proposal": None,
                                       "settings": services.settings_for(process)})


@bp.route("/proposals/<int:proposal_id>/edit", methods=["GET", "POST"])
@login_required
@limiter.limit("60 per hour", methods=["POST"], key_func=person_or_address)
@form_checks_csrf
def edit(proposal_id: int):
    proposal = _proposal_or_404(proposal_id)
    require("proposal.edit", proposal)
    form = ProposalForm(obj=proposal)
    _fill_choices(form, proposal.process)
    if request.method == "GET":
        form.area.data = proposal.area_id or 0
    return _save_form(form, proposal, {"process": proposal.process, "proposal": proposal,
                                       "settings": services.settings_for(proposal.process)})


@bp.get("/proposals/<int:proposal_id>/image")
def image(proposal_id: int):
    proposal = _proposal_or_404(proposal_id)
    stored = db.session.get(ProposalImage, proposal.image_id) if proposal.image_id else None
    if stored is None:
        abort(404)
    response = Response(stored.data, mimetype=stored.content_type)
    response.headers["Cache-Control"] = "private, max-age=3600"
    response.headers["Content-Disposition"] = "inline"
    return response


# The proposal page ------------------------------------------------------------------------------

@bp.get("/proposals/<int:proposal_id>")
@read_only
def show(proposal_id: int):
    proposal = _proposal_or_404(proposal_id)
    settings = services.settings_for(proposal.process)
    reviews = (services.reviews_for(current_user, proposal)
               if can("proposal.see_reviews", proposal) else [])
    steps = [name for name in lifecycle.STEPS if can("proposal.step", (proposal, name))
             and name not in REPORT_STEPS]

    def page_url(**changes):
        args = {"sort": request.args.get("sort"), "cpage": request.args.get("cpage"), **changes}
        return url_for("proposals.show", proposal_id=proposal.id,
                       **{k: v for k, v in args.items() if v not in (None, "", 1, "1")})

    comments_html = None
    if proposal.state in lifecycle.PUBLIC_STATES:
        comments_html = comment_views.section("proposal", proposal.id, request.args.get("sort"),
                                              request.args.get("cpage"), page_url)
    def render_parts():
        macro = partial(get_template_attribute, "proposals/_show_parts.html")
        updates = (services.updates(proposal) if proposal.state in lifecycle.ACCOUNTABLE_STATES
                   else [])
        return {"head": str(macro("head")(proposal)),
                "body": str(macro("body")(proposal, updates, UPDATE_LABELS)),
                "history": str(macro("history")(proposal, [
                    (event, EVENT_LABELS[event.action.removeprefix("proposal.")],
                     services.shown_as_office(event, proposal))
                    for event in services.history(proposal)]))}

    parts = caching.fragment("proposals.show", (proposal.id,), SHOW_TABLES, render_parts)
    return render_template(
        "proposals/show.html", proposal=proposal, settings=settings, comments_html=comments_html,
        comments_closed=services.comments_closed(proposal),
        parts={name: Markup(html) for name, html in parts.items()},  # noqa: S704  # nosec B704
        steps=steps, step_labels=STEP_LABELS, step_form=StepForm(formdata=None),
        supported=bool(services.supported_ids(current_user, [proposal.id])), reviews=reviews,
        review_open=services.review_open(proposal),
        summary=services.score_summary(reviews, settings.criteria)
        if not services.review_open(proposal) else {})


@bp.post("/proposals/<int:proposal_id>/steps/<name>")
@login_required
def step(proposal_id: int, name: str):
    proposal = _proposal_or_404(proposal_id)
    # Reports take their step with the report itself (new_update), never bare.
    if name not in lifecycle.STEPS or name in REPORT_STEPS:
        abort(404)
    require("proposal.step", (proposal, name))
    form = StepForm()
    if name in ("accept", "reject") and not (form.answer.data or "").strip():
        flash(_("Please write the public answer with its reasons."), "error")
        return redirect(_proposal_url(proposal) + "#steps")
    if form.validate_on_submit():
        try:
            services.take_step(current_user, proposal, name, form.answer.data)
        except services.ProposalError as error:
            flash(str(error), "error")
        else:
            flash(_("Done: the proposal is now “%(state)s”.",
                    state=STATE_LABELS[proposal.state]), "success")
    return redirect(_proposal_url(proposal))


@bp.post("/proposals/<int:proposal_id>/support")
@login_required
@limiter.limit("30 per minute;300 per hour", key_func=person_or_address)
def support(proposal_id: int):
    proposal = _proposal_or_404(proposal_id, page=False)
    if current_user.residency is None:
        flash(_("Only verified residents can support proposals. Please verify your residency "
                "first."), "error")
        return redirect(url_for("accounts.verify"))
    require("proposal.support", proposal)
    back = _proposal_url(proposal) + "#support"  # before the commit expires the proposal
    try:
        if request.form.get("withdraw"):
            services.withdraw_support(current_user, proposal)
            flash(_("Your support has been withdrawn."), "success")
        else:
            services.support(current_user, proposal)
            flash(_("Thank you for your support."), "success")
    except services.ProposalError as error:
        flash(str(error), "error")
    return redirect(back)


@bp.route("/proposals/<int:proposal_id>/consultation", methods=["GET", "POST"])
@login_required
@limiter.limit("30 per hour", methods=["POST"], key_func=person_or_address)
@form_checks_csrf
def consultation(proposal_id: int):
    proposal = _proposal_or_404(proposal_id)
    require("proposal.consult", proposal)
    form = MessageForm()
    if form.validate_on_submit():
        services.post_consultation(current_user, proposal, form.body.data)
        flash(_("Your message has been sent."), "success")
        return redirect(url_for("proposals.consultation", proposal_id=proposal.id))
    page = render_template("proposals/consultation.html", proposal=proposal, form=form,
                           messages=services.consultation(proposal))
    if not form.errors:  # a refused message saves nothing, the read marker included
        services.mark_consultation_read(current_user, proposal)  # after: the commit expires them
    return page, 422 if form.errors else 200


@bp.route("/proposals/<int:proposal_id>/review", methods=["GET", "POST"])
@login_required
def review(proposal_id: int):
    proposal = _proposal_or_404(proposal_id)
    require("proposal.review", proposal)
    criteria = services.settings_for(proposal.process).criteria
    mine = services.reviews_for(current_user, proposal)
    mine = next((r for r in mine if r.reviewer_id == current_user.id), None)
    form = review_form(criteria)
    if request.method == "GET" and mine:
        form.comment.data = mine.comment
        for index, criterion in enumerate(criteria):
            form[f"score_{index}"].data = str(mine.scores.get(criterion, ""))
    if form.validate_on_submit():
        scores = {criterion: int(form[f"score_{i}"].data) for i, criterion in enumerate(criteria)}
        try:
            services.save_review(current_user, proposal, scores, form.comment.data or "")
        except services.ProposalError as error:
            flash(str(error), "error")
        else:
            flash(_("Your review has been saved. Other reviewers' scores stay hidden until the "
                    "review closes."), "success")
        return redirect(_proposal_url(proposal) + "#reviews")
    return render_template("proposals/review.html", proposal=proposal, form=form,
                           criteria=criteria), 422 if form.errors else 200


@bp.route("/proposals/<int:proposal_id>/updates/new", methods=["GET", "POST"])
@login_required
@limiter.limit("30 per hour", methods=["POST"], key_func=person_or_address)
@form_checks_csrf
def new_update(proposal_id: int):
    proposal = _proposal_or_404(proposal_id)
    require("proposal.report_progress", proposal)
    form = UpdateForm()
    form.survey_id.choices = [(0, _("(none)"))] + [
        (survey.id, survey.title) for survey in services.evidence_surveys(proposal)]
    if request.method == "GET":
        form.progress.data = proposal.progress
    if form.validate_on_submit():
        try:
            services.add_update(current_user, proposal, form.kind.data, form.progress.data,
                                form.body.data, form.kpi_values.data or "",
                                form.self_evaluation.data or "", form.survey_id.data or None)
        except services.ProposalError as error:
            form.kind.errors = [str(error)]
        else:
            flash(_("The update has been published."), "success")
            return redirect(_proposal_url(proposal) + "#progress")
    return render_template("proposals/update_form.html", proposal=proposal, form=form), (
        422 if form.errors else 200)


@bp.route("/staff/processes/<slug>/proposals", methods=["GET", "POST"])
@login_required
def settings(slug: str):
    process = visible_process_or_404(slug)
    require("proposals.manage", process)
    current = services.settings_for(process)
    form = SettingsForm(data={
        "kind": current.kind, "theme": current.theme,
        "categories": "\n".join(current.categories or []),
        "support_limit": current.support_limit, "support_threshold": current.support_threshold,
        "criteria": "\n".join(current.criteria or []),
        "comments_on_closed": current.comments_on_closed})
    if form.validate_on_submit():
        lines = lambda text: [x.strip() for x in (text or "").splitlines() if x.strip()]  # noqa: E731
        services.save_settings(current_user, process, {
            "kind": form.kind.data, "theme": form.theme.data or "",
            "categories": lines(form.categories.data), "criteria": lines(form.criteria.data),
            "support_limit": form.support_limit.data,
            "support_threshold": form.support_threshold.data,
            "comments_on_closed": bool(form.comments_on_closed.data)})
        flash(_("The proposal settings have been saved."), "success")
        return redirect(url_for("proposals.index", slug=process.slug))
    return render_template("proposals/settings.html", process=process, form=form), (
        422 if form.errors else 200)


# Registration with comments, moderation and personal data ----------------------------------------

comments.register_target(
    "proposal", Proposal, url=_proposal_url,
    can_view=lambda user, p: can("proposal.view", p, user=user),
    can_comment=lambda user, p: can("proposal.comment", p, user=user),
    counter=Proposal.comment_count,
    options=lambda: [_with_phases()])
moderation.register("proposal", Proposal, url=_proposal_url, label=lambda p: p.title,
                    can_view=lambda user, p: can("proposal.view", p, user=user))
if services.personal_data not in personal_data_sections:
    personal_data_sections.append(services.personal_data)
