"""Surveys (区民アンケート): staff set them up and read the results; residents answer on a phone."""

from types import SimpleNamespace

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

import civic.surveys.permissions  # noqa: F401  (declares the rules)
from civic.accounts.permissions import acts_for_area, can, has_role, require, signed_in
from civic.accounts.services import personal_data_sections
from civic.audit.services import record
from civic.caching.services import fragment
from civic.extensions import db, limiter, person_or_address
from civic.forms import db_int
from civic.insights import csvio
from civic.insights.views import _csv_error
from civic.security import no_store
from civic.spaces import services as spaces_services
from civic.spaces.services import visible_process_or_404
from civic.surveys import answers as core
from civic.surveys import results, services
from civic.surveys.forms import (
    AUDIENCE_LABELS,
    KIND_LABELS,
    AnswerForm,
    ImportForm,
    QuestionForm,
    StateForm,
    SurveyForm,
)
from civic.surveys.models import Survey, SurveyQuestion
from civic.transactions import read_only
from civic.uploads import body_limit

bp = Blueprint("surveys", __name__)
bp.app_template_global("surveys_for")(services.surveys_for)
personal_data_sections.append(services.personal_data)

ANSWER_LIMIT = "120 per hour"  # per person: a long survey sends one POST per page
GUEST = "survey_guest"  # session key: the random owner of a guest's drafts
DONE = "surveys_done"  # session key: surveys a guest has answered from this browser

PROBLEMS = {
    "required": _l("Please answer this question."),
    "bad_choice": _l("Please choose one of the answers offered."),
    "other_empty": _l("You chose “other”: please say what."),
    "too_few": _l("Please choose at least %(n)s."),
    "too_many": _l("Please choose at most %(n)s."),
    "rows_missing": _l("Please answer every row."),
    "bad_rank": _l("Give each choice a rank from the list."),
    "rank_twice": _l("Each rank may be given only once."),
    "rank_gap": _l("Give ranks 1, 2, 3 … without leaving one out."),
    "not_a_number": _l("Please write a number, e.g. 12."),
    "out_of_range": _l("Please write a number from %(low)s to %(high)s."),
    "not_a_date": _l("Please give a date as year-month-day, e.g. 2026-04-01."),
    "too_long": _l("This answer is %(length)s characters long; up to %(n)s fit. Nothing was "
                   "lost: please shorten it."),
    "no_columns": _l("No column starts with Q1, Q2 …: export the raw answers to see the "
                     "layout."),
}
CLOSED = {
    "draft": _l("This survey is not published yet."),
    "closed": _l("This survey has closed. Thank you for your interest."),
    "not_yet": _l("This survey is not open yet."),
    "phase": _l("This survey takes answers only during its phase of the process."),
}
WHO = {
    "sign_in": _l("Please log in to answer this survey."),
    "verify": _l("Only verified residents can answer this survey. Verify your residency first."),
    "other_area": _l("Only verified residents of this survey's area can answer it."),
}


def problem_text(problem: core.Problem) -> str:
    return str(PROBLEMS[problem.code]) % problem.values if problem.values else str(
        PROBLEMS[problem.code])


def _survey_or_404(survey_id: int) -> Survey:
    survey = db.session.get(Survey, survey_id)
    if survey is None or not can("survey.view", survey):
        abort(404)
    return survey


def _managed_or_404(survey_id: int) -> Survey:
    survey = _survey_or_404(survey_id)
    require("survey.manage", survey)
    return survey


def _question_or_404(survey: Survey, question_id: int) -> SurveyQuestion:
    question = db.session.get(SurveyQuestion, question_id)
    if question is None or question.survey_id != survey.id:
        abort(404)
    return question


def _typed() -> dict[str, list[str]]:
    return {name: request.form.getlist(name) for name in request.form
            if name.startswith("q")}


# Staff: setting up --------------------------------------------------------------------------------

@bp.get("/staff/surveys")
@no_store
def staff_list():
    require("survey.create")
    surveys = [s for s in db.session.scalars(select(Survey).order_by(Survey.id.desc()))
               if can("survey.manage", s)]
    return render_template("surveys/staff_list.html", surveys=surveys)


def _attachment():
    """The process or café a new survey attaches to (?process=slug, ?cafe=id), checked."""
    process = cafe = None
    if request.args.get("cafe"):
        from civic.cafe.models import Cafe

        cafe = db.session.get(Cafe, db_int(request.args["cafe"]))
        if cafe is None or not can("process.view", cafe.process):
            abort(404)
        if not acts_for_area(current_user, cafe.process.area_id):
            abort(403)
    elif request.args.get("process"):
        process = visible_process_or_404(request.args["process"])
        require("process.manage", process)
    return process, cafe


def _survey_form(form: SurveyForm, process, survey: Survey | None) -> None:
    form.area_id.choices = [(area_id, name) for area_id, name in
                            [(0, _("Whole city"))]
                            + [(a.id, a.name) for a in spaces_services.areas()]
                            if acts_for_area(current_user, area_id or None)]
    form.phase_id.choices = [(0, _("Any phase with surveys switched on"))] + (
        [(p.id, p.title) for p in process.phases] if process is not None else [])
    if request.method == "GET" and survey is not None:
        form.area_id.data = survey.area_id or 0
        form.phase_id.data = survey.phase_id or 0


@bp.route("/staff/surveys/new", methods=["GET", "POST"])
def new_survey():
    require("survey.create")
    process, cafe = _attachment()
    form = SurveyForm()
    _survey_form(form, process, None)
    if form.validate_on_submit():
        survey = services.save_survey(Survey(), form.data, current_user, process, cafe)
        flash(_("The survey has been created. Now add its questions."), "success")
        return redirect(url_for("surveys.manage", survey_id=survey.id))
    return render_template("surveys/survey_form.html", form=form, survey=None, process=process,
                           cafe=cafe), 422 if form.errors else 200


@bp.route("/staff/surveys/<int:survey_id>/edit", methods=["GET", "POST"])
def edit_survey(survey_id: int):
    survey = _managed_or_404(survey_id)
    form = SurveyForm(obj=survey)
    _survey_form(form, survey.process, survey)
    if form.validate_on_submit():
        data = dict(form.data)
        data.pop("area_id")  # the area follows the process; it does not move afterwards
        services.save_survey(survey, data, current_user)
        flash(_("The survey has been saved."), "success")
        return redirect(url_for("surveys.manage", survey_id=survey.id))
    return render_template("surveys/survey_form.html", form=form, survey=survey,
                           process=survey.process, cafe=survey.cafe), 422 if form.errors else 200


@bp.get("/staff/surveys/<int:survey_id>")
@no_store
def manage(survey_id: int):
    survey = _managed_or_404(survey_id)
    return render_template("surveys/manage.html", survey=survey, kinds=KIND_LABELS,
                           audiences=AUDIENCE_LABELS, state_form=StateForm(),
                           channels=services.channel_counts(survey),
                           closed=services.closed_reason(survey), closed_texts=CLOSED,
                           text_questions=services.text_questions(survey))


def _question_form(survey: Survey, question: SurveyQuestion) -> QuestionForm:
    # Not from the question on a POST: a field left out of the form must not keep its old value.
    form = QuestionForm(obj=question if request.method == "GET" else None)
    earlier = [q for q in survey.questions if core.is_question(q) and q.id != question.id
               and (question.id is None or q.position < question.position)]
    form.show_if_id.choices = [(0, _("(always shown)"))] + [
        (q.id, q.label[:60]) for q in earlier if q.kind in ("single", "multiple", "dropdown",
                                                          "scale")]
    if request.method == "GET":
        form.options.data = "\n".join(question.options or [])
        form.rows.data = "\n".join(question.rows or [])
        form.show_if_id.data = question.show_if_id or 0
        if question.show_if_value is not None and question.kind != "scale":
            form.show_if_value.data = question.show_if_value
    return form


def _condition_value(form: QuestionForm, survey: Survey, data: dict) -> dict:
    """The form numbers choices from 1 as people do; answers from 0."""
    if data["show_if_id"] and data["show_if_value"] is not None:
        target = next((q for q in survey.questions if q.id == data["show_if_id"]), None)
        if target is not None and target.kind != "scale":
            data["show_if_value"] -= 1
    return data


@bp.route("/staff/surveys/<int:survey_id>/questions/new", methods=["GET", "POST"])
@bp.route("/staff/surveys/<int:survey_id>/questions/<int:question_id>/edit",
          methods=["GET", "POST"])
def edit_question(survey_id: int, question_id: int | None = None):
    survey = _managed_or_404(survey_id)
    question = SurveyQuestion() if question_id is None else _question_or_404(survey, question_id)
    if request.method == "GET" and question.id is None:
        question.kind = request.args.get("kind", "single")
        if question.kind not in KIND_LABELS:
            question.kind = "single"
    form = _question_form(survey, question)
    if form.validate_on_submit():
        if survey.answer_count and question.id is not None and (
                form.kind.data != question.kind
                or len(form.data_for_model()["options"]) < len(question.options or [])):
            form.kind.errors.append(_("This survey has answers: its questions may be reworded "
                                      "and get more choices, but not change type or lose "
                                      "choices."))
        else:
            services.save_question(survey, question,
                                   _condition_value(form, survey, form.data_for_model()),
                                   current_user)
            flash(_("The question has been saved."), "success")
            return redirect(url_for("surveys.manage", survey_id=survey.id))
    return render_template("surveys/question_form.html", form=form, survey=survey,
                           question=question), 422 if form.errors else 200


@bp.post("/staff/surveys/<int:survey_id>/questions/<int:question_id>/delete")
def delete_question(survey_id: int, question_id: int):
    survey = _managed_or_404(survey_id)
    question = _question_or_404(survey, question_id)
    if survey.answer_count and core.is_question(question):
        flash(_("This survey has answers: its questions can no longer be deleted."), "error")
    else:
        services.delete_question(survey, question, current_user)
        flash(_("The question has been deleted."), "success")
    return redirect(url_for("surveys.manage", survey_id=survey.id))


@bp.post("/staff/surveys/<int:survey_id>/questions/<int:question_id>/move")
def move_question(survey_id: int, question_id: int):
    survey = _managed_or_404(survey_id)
    question = _question_or_404(survey, question_id)
    services.move_question(survey, question, -1 if request.form.get("to") == "up" else 1,
                           current_user)
    return redirect(url_for("surveys.manage", survey_id=survey.id, _anchor=f"q{question.id}"))


@bp.post("/staff/surveys/<int:survey_id>/state")
def set_state(survey_id: int):
    survey = _managed_or_404(survey_id)
    form = StateForm()
    if form.validate_on_submit():
        if form.state.data == "open" and not any(core.is_question(q) for q in survey.questions):
            flash(_("Add a question before opening the survey."), "error")
        else:
            services.set_state(survey, form.state.data, current_user)
            flash(_("The survey's state has been changed."), "success")
    return redirect(url_for("surveys.manage", survey_id=survey.id))


# Residents: answering -----------------------------------------------------------------------------

def _owner() -> str:
    if signed_in(current_user):
        return f"user:{current_user.id}"
    if GUEST not in session:
        session[GUEST] = services.new_guest_token()
    return f"guest:{session[GUEST]}"


def _conditions(survey: Survey) -> dict[int, str]:
    """For questions shown on the same page as the one they depend on: when to answer them."""
    by_id = {q.id: q for q in survey.questions}
    out = {}
    for q in survey.questions:
        target = by_id.get(q.show_if_id)
        if target is None or q.show_if_value is None:
            continue
        if target.kind == "scale":
            value = str(q.show_if_value)
        elif 0 <= q.show_if_value < len(target.options):
            value = target.options[q.show_if_value]
        else:
            continue
        out[q.id] = _("Answer this only if your answer to “%(question)s” was “%(answer)s”.",
                      question=target.label, answer=value)
    return out


def _render_page(survey, pages, index, typed, problems, status=200, paper=False):
    before = core.check([q for page in pages[:index] for q in page], typed)[0]
    numbers = {}
    n = 0
    for q in survey.questions:
        if core.is_question(q):
            n += 1
            numbers[q.id] = n
    shown = [q for q in pages[index] if core.visible(q, before)
             or any(q.show_if_id == other.id for other in pages[index])]
    return render_template(
        "surveys/answer.html", survey=survey, items=shown, page=index, page_count=len(pages),
        typed=typed, problems={qid: problem_text(p) for qid, p in problems.items()},
        numbers=numbers, conditions=_conditions(survey), form=AnswerForm(), paper=paper,
        scale_range=core.scale_range, other=core.OTHER), status


def _refusal(survey: Survey):
    """Why the current person cannot answer now: (message, status) or None."""
    reason = services.closed_reason(survey)
    if reason:
        return CLOSED[reason], 403
    reason = services.who_reason(survey, current_user)
    if reason:
        return WHO[reason], 403
    if services.has_answered(survey, current_user, session.get(DONE, [])):
        return _l("You have already answered this survey. Thank you!"), 403
    return None


@bp.route("/surveys/<int:survey_id>", methods=["GET", "POST"])
@limiter.limit(ANSWER_LIMIT, methods=["POST"], key_func=person_or_address)
@no_store
def answer(survey_id: int):
    survey = _survey_or_404(survey_id)
    refusal = _refusal(survey)
    if refusal is not None:
        if request.method == "POST" and not signed_in(current_user) and survey.audience != "anyone":
            return redirect(url_for("accounts.login", next=url_for("surveys.answer",
                                                                    survey_id=survey.id)))
        message, status = refusal
        return render_template("surveys/closed.html", survey=survey, message=message), (
            status if request.method == "POST" else 200)
    pages = core.pages(survey.questions)
    owner = _owner()
    draft = services.draft_of(survey, owner)
    if request.method == "GET":
        index = min(max(request.args.get("page", type=int) or 0, 0), len(pages) - 1)
        return _render_page(survey, pages, index, draft.typed if draft else {}, {})
    form = AnswerForm()
    index = min(max(request.form.get("page", type=int) or 0, 0), len(pages) - 1)
    if not form.validate_on_submit():  # an expired form: what was typed is shown again
        typed = dict(draft.typed if draft else {}) | _typed()
        return _render_page(survey, pages, index, typed, {}, 422)
    action = request.form.get("action", "next")
    draft = services.save_draft(survey, owner, pages[index], _typed(), index)
    typed = draft.typed
    if action == "back":
        return redirect(url_for("surveys.answer", survey_id=survey.id, page=max(index - 1, 0)))
    if action == "save":
        flash(_("Your answers so far are saved. Come back to this page to finish."), "success")
        return redirect(url_for("surveys.answer", survey_id=survey.id, page=index))
    before = core.check([q for page in pages[:index] for q in page], typed)[0]
    _answers, problems = core.check(pages[index], typed, before)
    if problems:
        return _render_page(survey, pages, index, typed, problems, 422)
    if index < len(pages) - 1:
        return redirect(url_for("surveys.answer", survey_id=survey.id, page=index + 1))
    answers, problems = core.check(survey.questions, typed)
    if problems:
        first = next(i for i, page in enumerate(pages)
                     if any(q.id in problems for q in page))
        flash(_("Some answers need another look."), "error")
        return redirect(url_for("surveys.answer", survey_id=survey.id, page=first))
    try:
        services.submit(survey, answers, current_user, draft_owner=owner)
    except services.AlreadyAnswered:
        return render_template("surveys/closed.html", survey=survey,
                               message=_("You have already answered this survey. Thank you!")
                               ), 403
    if not signed_in(current_user):
        session[DONE] = [*session.get(DONE, []), survey.id][-50:]
    return redirect(url_for("surveys.thanks", survey_id=survey.id), 303)


@bp.get("/surveys/<int:survey_id>/thanks")
def thanks(survey_id: int):
    survey = _survey_or_404(survey_id)
    return render_template("surveys/thanks.html", survey=survey)


# Staff: paper answers and imports -----------------------------------------------------------------

@bp.route("/staff/surveys/<int:survey_id>/paper", methods=["GET", "POST"])
@no_store
def paper(survey_id: int):
    """紙のアンケート: staff type in a paper form, every question on one page."""
    survey = _managed_or_404(survey_id)
    items = [q for q in survey.questions if q.kind != "page"]
    form = AnswerForm()
    if request.method == "POST":
        typed = _typed()
        if not form.validate_on_submit():
            return _render_page(survey, [items], 0, typed, {}, 422, paper=True)
        answers, problems = core.check(items, typed)
        if problems:
            return _render_page(survey, [items], 0, typed, problems, 422, paper=True)
        services.submit(survey, answers, channel="paper", entered_by=current_user)
        flash(_("The paper answer has been saved. Here is an empty form for the next one."),
              "success")
        return redirect(url_for("surveys.paper", survey_id=survey.id), 303)
    return _render_page(survey, [items], 0, {}, {}, paper=True)


@bp.route("/staff/surveys/<int:survey_id>/import", methods=["GET", "POST"])
@body_limit("CIVIC_THEMES_MAX_UPLOAD")
def import_answers(survey_id: int):
    survey = _managed_or_404(survey_id)
    form = ImportForm()
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            added = services.import_csv(survey, form.file.data.read(), current_user)
        except csvio.CsvImportError as error:
            form.file.errors.append(_csv_error(error))
        except services.ImportProblem as error:
            problems = [_("Line %(line)s, Q%(question)s: %(problem)s", line=line,
                          question=number or "–", problem=problem_text(problem))
                        for line, number, problem in error.problems[:20]]
            form.file.errors.append(_("Nothing was imported: %(n)s answers do not fit the "
                                      "questions.", n=len(error.problems)))
        else:
            flash(_("Imported %(n)s answers.", n=added), "success")
            return redirect(url_for("surveys.manage", survey_id=survey.id))
    return render_template("surveys/import_form.html", form=form, survey=survey,
                           problems=problems), 422 if form.errors else 200


# Results ------------------------------------------------------------------------------------------

def _results_html(survey: Survey) -> str:
    return render_template("surveys/_results.html", survey=survey,
                           shown=results.shown(survey.questions, services.aggregate(survey)))


def _public_results(survey_id: int) -> dict:
    """What everyone who does not run the survey sees: rendered once per change of the survey
    (every answer updates its row), its questions or its process."""
    survey = db.session.get(Survey, survey_id)
    process = services.owning_process(survey) if survey is not None else None
    if (survey is None or not survey.results_public or survey.state == "draft"
            or (process is not None and not process.published)):
        return {"ok": False}
    return {"ok": True, "id": survey.id, "title": survey.title, "body": _results_html(survey)}


# read_only: counts found stale are stored in a transaction of their own (services.recount),
# so the views in between, nearly all of them, cost one query and no BEGIN or ROLLBACK.
@bp.get("/surveys/<int:survey_id>/results")
@read_only
def results_page(survey_id: int):
    if not has_role(current_user, "staff"):
        # Not staff, so not running it: the page needs no query of its own once rendered.
        public = fragment("survey-results-public", (survey_id,),
                          ("survey", "survey_question", "process", "cafe"),
                          lambda: _public_results(survey_id))
        if public["ok"]:
            return render_template("surveys/results.html", survey=SimpleNamespace(
                id=public["id"], title=public["title"], results_public=True),
                body=public["body"], staff=False)
    survey = _survey_or_404(survey_id)
    require("survey.results", survey)
    # Rendered once per change: the key carries the answer count, the generations the edits.
    body = fragment("survey-results", (survey.id, survey.answer_count), ("survey_question",),
                    lambda: _results_html(survey))
    staff = can("survey.manage", survey)
    return render_template("surveys/results.html", survey=survey, body=body, staff=staff,
                           form=AnswerForm() if staff else None,
                           choice_questions=services.choice_questions(survey) if staff else [],
                           text_questions=services.text_questions(survey) if staff else [])


@bp.get("/staff/surveys/<int:survey_id>/crosstab")
@no_store
def crosstab(survey_id: int):
    survey = _managed_or_404(survey_id)
    choices = {q.id: q for q in services.choice_questions(survey)}
    a = choices.get(request.args.get("a", type=int) or 0)
    b = choices.get(request.args.get("b", type=int) or 0)
    table = results.crosstab(a, b, services.all_answers(survey)) if a and b and a != b else None
    return render_template("surveys/crosstab.html", survey=survey, questions=list(choices.values()),
                           a=a, b=b, table=table, other=core.OTHER, percent=results.percent)


CHANNEL_LABELS = {"web": _l("Web"), "paper": _l("Paper"), "import": _l("Import")}


def _attachment_headers(name: str) -> dict:
    return {"Content-Disposition": f'attachment; filename="{name}"'}


@bp.get("/staff/surveys/<int:survey_id>/answers.csv")
@no_store
def export_answers(survey_id: int):
    """Streamed: 10,000 answers × 20 questions never sit in memory as one file."""
    survey = _managed_or_404(survey_id)
    record(current_user, "surveys.export", survey)
    db.session.commit()
    lines = services.export_rows(survey, [_("No."), _("Channel"), _("Date")],
                                 {k: str(v) for k, v in CHANNEL_LABELS.items()}, _("other"))
    return Response(lines, mimetype="text/csv; charset=utf-8",
                    headers=_attachment_headers(f"survey-{survey_id}-answers.csv"))


@bp.get("/staff/surveys/<int:survey_id>/results.csv")
@no_store
def export_results(survey_id: int):
    survey = _managed_or_404(survey_id)
    body = services.aggregate_csv(survey, [_("Question"), _("Answer"), _("Count"), _("Percent")],
                                  _("other"))
    return Response(body.encode("utf-8"), mimetype="text/csv; charset=utf-8",
                    headers=_attachment_headers(f"survey-{survey_id}-results.csv"))


@bp.post("/staff/surveys/<int:survey_id>/themes")
def to_themes(survey_id: int):
    """One click: a free-text question's answers go through the themes pipeline."""
    survey = _managed_or_404(survey_id)
    require("themes.manage", services.owning_process(survey))
    form = AnswerForm()
    question = next((q for q in services.text_questions(survey)
                     if q.id == request.form.get("question", type=int)), None)
    if not form.validate_on_submit() or question is None:
        flash(_("Choose a free-text question."), "error")
        return redirect(url_for("surveys.results_page", survey_id=survey.id))
    analysis = services.to_themes(survey, question, _("Survey “%(title)s”: %(question)s",
                                                      title=survey.title,
                                                      question=question.label[:80]),
                                  current_user)
    flash(_("The answers were handed to the themes analysis."), "success")
    return redirect(url_for("themes.show", analysis_id=analysis.id))
