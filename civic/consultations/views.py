"""パブリックコメント: the draft and the opinion form for residents; review, grouping, the
answer and its publication for staff; the published result for everyone."""

import csv
import io

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
from flask_login import current_user, login_required

import civic.consultations.permissions  # noqa: F401  (declares the rules)
import civic.consultations.tasks  # noqa: F401  (registers the jobs)
from civic.accounts.permissions import can, require
from civic.consultations import draft as drafts
from civic.consultations import services
from civic.consultations.forms import (
    AGE_LABELS,
    ASK_LABELS,
    CHANNEL_LABELS,
    DETAIL_LABELS,
    DISPOSITION_LABELS,
    WHO_LABELS,
    AnswerForm,
    AttachmentForm,
    ConsultationForm,
    DuplicateForm,
    FinalTextForm,
    GroupLabelForm,
    HideForm,
    MergeForm,
    MoveForm,
    OpinionForm,
    PlainForm,
    SplitForm,
    StaffOpinionForm,
    TranslationForm,
    shape_opinion_form,
)
from civic.consultations.models import DETAILS, Attachment, Consultation
from civic.extensions import db, limiter, person_or_address
from civic.forms import ConfirmForm, confirmation, db_int, form_checks_csrf
from civic.i18n import content_language_name, safe_next
from civic.i18n.content import CONTENT_LANGUAGES
from civic.jobs.models import Job
from civic.proposals import markdown
from civic.security import csv_cell, no_store
from civic.spaces.services import visible_process_or_404
from civic.timeutil import ward_today
from civic.uploads import body_limit

bp = Blueprint("consultations", __name__)

ERRORS = {
    "draft_locked": _l("Opinions have arrived on this draft, so its text can no longer change. "
                       "Write the final text section by section when you answer."),
    "too_many_sections": _l("The draft has more than 300 sections. Please use fewer headings."),
    "file_too_large": _l("The file is larger than 10 MB."),
    "file_type": _l("Only PDF files and images (PNG, JPEG, GIF, WebP) can be attached."),
    "section": _l("That section is not part of this draft."),
    "channel": _l("Please choose how the opinion arrived."),
    "duplicate_self": _l("An opinion cannot be a duplicate of itself."),
    "disposition": _l("Please choose one."),
    "not_answered_alone": _l("Hidden opinions and duplicates are not answered."),
    "before_deadline": _l("Opinions are still being taken: the answer can be published after "
                          "the deadline."),
    "ungrouped": _l("Some opinions are not in a group yet. Every opinion must be answered."),
    "unanswered": _l("Some groups have no summary, response or disposition yet."),
}
RECEIPTS = "consultation_receipts"

bp.app_template_global("consultation_labels")(lambda: {
    "who": WHO_LABELS, "ask": ASK_LABELS, "details": DETAIL_LABELS, "channels": CHANNEL_LABELS,
    "dispositions": DISPOSITION_LABELS, "ages": AGE_LABELS})


@bp.app_template_global()
def consultations_for(process):
    return services.for_process(process, can("consultation.create", process))


def _consultation_or_404(consultation_id: int) -> Consultation:
    consultation = db.session.get(Consultation, consultation_id)
    if consultation is None or not can("consultation.view", consultation):
        abort(404)
    return consultation


def _published_result_or_404(consultation_id: int) -> Consultation:
    """A consultation whose answer may be read (published, or staff checking it): its result
    page, printable page and CSV are otherwise not found."""
    consultation = _consultation_or_404(consultation_id)
    if not can("consultation.see_result", consultation):
        abort(404)
    return consultation


def _managed_or_404(consultation_id: int) -> Consultation:
    consultation = _consultation_or_404(consultation_id)
    require("consultation.manage", consultation)
    return consultation


def _reviewed_or_404(consultation_id: int) -> Consultation:
    consultation = _managed_or_404(consultation_id)
    require("consultation.review", consultation)
    return consultation


def _error(error: services.ConsultationError) -> str:
    return str(ERRORS.get(str(error), str(error)))


def _render_draft(consultation: Consultation, lang: str | None):
    translation = services.translation_for(consultation, lang) if lang else None
    translated = services.translated_sections(consultation, translation)
    return translation, {position: markdown.render(part.body)
                         for position, part in translated.items()}


# Residents --------------------------------------------------------------------------------------

@bp.get("/consultations/<int:consultation_id>")
def show(consultation_id: int):
    consultation = _consultation_or_404(consultation_id)
    lang = request.args.get("lang")
    translation, translated = _render_draft(consultation, lang)
    today = ward_today()
    return render_template(
        "consultations/show.html", consultation=consultation, translation=translation,
        translated=translated, render=markdown.render, today=today,
        open=services.is_open(consultation, today),
        attachments=services.attachments(consultation),
        days=drafts.period_days(consultation.starts_on, consultation.ends_on))


@bp.get("/consultations/<int:consultation_id>/sections/<int:position>")
def section(consultation_id: int, position: int):
    consultation = _consultation_or_404(consultation_id)
    part = services.section_at(consultation, position)
    if part is None:
        abort(404)
    lang = request.args.get("lang")
    translation, translated = _render_draft(consultation, lang)
    return render_template(
        "consultations/section.html", consultation=consultation, section=part,
        translation=translation, translated=translated.get(position),
        body=markdown.render(part.body), open=services.is_open(consultation, ward_today()))


@bp.get("/consultations/<int:consultation_id>/attachments/<int:attachment_id>")
def attachment(consultation_id: int, attachment_id: int):
    consultation = _consultation_or_404(consultation_id)
    stored = db.session.get(Attachment, attachment_id)
    if stored is None or stored.consultation_id != consultation.id or stored.opinion_id:
        abort(404)
    return _file_response(stored)


def _file_response(stored: Attachment) -> Response:
    response = Response(stored.data, mimetype=stored.content_type)
    # Downloaded, never shown in our origin: a PDF's scripts or an SVG cannot run here.
    response.headers["Content-Disposition"] = "attachment; filename*=UTF-8''" + _quoted(
        stored.filename)
    return response


def _quoted(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")


def _opinion_data(form: OpinionForm) -> dict:
    data = {"body": form.body.data or "", "section_id": form.section.data or None}
    for detail in DETAILS:
        data[detail] = form[detail].data if detail in form else ""
    return data


@bp.route("/consultations/<int:consultation_id>/opinion", methods=["GET", "POST"])
@limiter.limit("10 per hour;3 per minute", methods=["POST"], key_func=person_or_address,
               exempt_when=lambda: request.form.get("step") != "send")
@body_limit("CIVIC_OPINION_MAX_BODY", text_fields=True)
@form_checks_csrf
def submit(consultation_id: int):
    """Write → check (a confirmation page) → send (a receipt number). No JavaScript needed:
    each step is a page, and going back to change the text keeps it."""
    consultation = _consultation_or_404(consultation_id)
    if not can("consultation.submit", consultation):
        if not current_user.is_authenticated and consultation.who != "anyone" and \
                services.is_open(consultation, ward_today()):
            require("consultation.submit", consultation)  # to the sign-in page
        return render_template("consultations/closed.html", consultation=consultation), 403
    form = shape_opinion_form(OpinionForm(), consultation)
    if request.method == "GET":
        form.section.data = request.args.get("section", 0, type=db_int)
    step = request.form.get("step")
    if request.method == "POST" and step != "edit" and form.validate_on_submit():
        if step == "send":
            opinion = services.submit(consultation, _opinion_data(form),
                                      user=current_user if current_user.is_authenticated else None)
            receipts = session.get(RECEIPTS, [])[-9:]
            session[RECEIPTS] = [*receipts, opinion.receipt]
            return redirect(url_for("consultations.receipt", consultation_id=consultation.id,
                                    number=opinion.receipt))
        section_row = next((s for s in consultation.sections if s.id == form.section.data), None)
        return render_template("consultations/confirm.html", consultation=consultation,
                               form=form, section=section_row)
    return render_template("consultations/opinion_form.html", consultation=consultation,
                           form=form), 422 if form.errors else 200


@bp.get("/consultations/<int:consultation_id>/receipts/<number>")
@no_store
def receipt(consultation_id: int, number: str):
    """The receipt number, shown to the browser that sent the opinion only."""
    consultation = _consultation_or_404(consultation_id)
    if number not in session.get(RECEIPTS, []):
        abort(404)
    return render_template("consultations/receipt.html", consultation=consultation,
                           number=number)


@bp.get("/consultations/<int:consultation_id>/result")
def result(consultation_id: int):
    consultation = _published_result_or_404(consultation_id)
    return render_template("consultations/result.html", consultation=consultation,
                           result=consultation.result, printable=False)


@bp.get("/consultations/<int:consultation_id>/result/print")
def result_print(consultation_id: int):
    consultation = _published_result_or_404(consultation_id)
    return render_template("consultations/result.html", consultation=consultation,
                           result=consultation.result, printable=True)


@bp.get("/consultations/<int:consultation_id>/result.csv")
def result_csv(consultation_id: int):
    consultation = _published_result_or_404(consultation_id)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_("No."), _("Group"), _("Sections"), _("Opinions"),
                     _("Summary of the opinions (意見の概要)"),
                     _("The ward's response (区の考え方)"), _("Disposition")])
    for row in consultation.result["table"]:
        writer.writerow([csv_cell(value) for value in (
            row["number"], row["label"], " / ".join(row["sections"]), row["opinions"],
            row["summary"], row["response"],
            DISPOSITION_LABELS.get(row["disposition"], row["disposition"]))])
    response = Response("\ufeff" + buffer.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="consultation-{consultation.id}-result.csv"')
    return response


# Staff: the draft -------------------------------------------------------------------------------

def _language_choices():
    return [(code, content_language_name(code)) for code in CONTENT_LANGUAGES]


def _uploaded_draft(form: ConsultationForm) -> str | None:
    """The text of an uploaded draft (UTF-8 or Shift_JIS/CP932), or None with the field's error."""
    storage = request.files.get(form.draft_file.name)
    if not storage or not storage.filename:
        return form.draft.data or ""
    data = storage.read(drafts.MAX_SECTIONS * 10_000)
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    form.draft_file.errors = [_("The file is not text in UTF-8 or Shift_JIS.")]
    return None


def _save_form(form: ConsultationForm, consultation: Consultation, process):
    if form.validate_on_submit():
        text = _uploaded_draft(form)
        if text is not None:
            data = {name: form[name].data for name in (
                "title", "summary", "starts_on", "ends_on", "who", "published", "language",
                *[f"ask_{d}" for d in DETAILS])}
            data["title"], data["summary"], data["draft"] = (
                data["title"].strip(), (data["summary"] or "").strip(), text)
            try:
                services.save(consultation, data, current_user)
            except services.ConsultationError as error:
                db.session.rollback()
                form.draft.errors = [_error(error)]
            else:
                flash(_("The public comment has been saved."), "success")
                if drafts.short_period(consultation.starts_on, consultation.ends_on):
                    flash(_("The period is %(n)d days: shorter than the usual 30 days. Please "
                            "say why in the summary.",
                            n=drafts.period_days(consultation.starts_on, consultation.ends_on)),
                          "warning")
                return redirect(url_for("consultations.manage", consultation_id=consultation.id))
    short = (form.starts_on.data and form.ends_on.data and form.ends_on.data >= form.starts_on.data
             and drafts.short_period(form.starts_on.data, form.ends_on.data))
    return render_template("consultations/form.html", form=form, consultation=consultation,
                           process=process, short=short), 422 if form.errors else 200


@bp.route("/staff/processes/<slug>/consultations/new", methods=["GET", "POST"])
@login_required
@form_checks_csrf
def new(slug: str):
    process = visible_process_or_404(slug)
    require("consultation.create", process)
    form = ConsultationForm()
    form.language.choices = _language_choices()
    if request.method == "GET":
        from datetime import timedelta

        form.starts_on.data = ward_today()
        form.ends_on.data = ward_today() + timedelta(days=drafts.STANDARD_DAYS - 1)
    return _save_form(form, Consultation(process_id=process.id, process=process), process)


@bp.route("/staff/consultations/<int:consultation_id>/edit", methods=["GET", "POST"])
@login_required
@form_checks_csrf
def edit(consultation_id: int):
    consultation = _managed_or_404(consultation_id)
    form = ConsultationForm(obj=consultation)
    form.language.choices = _language_choices()
    return _save_form(form, consultation, consultation.process)


@bp.route("/staff/consultations/<int:consultation_id>/translation", methods=["GET", "POST"])
@login_required
@form_checks_csrf
def translation(consultation_id: int):
    consultation = _managed_or_404(consultation_id)
    lang = request.values.get("language") or "en"
    if lang not in CONTENT_LANGUAGES or lang in (consultation.language, "other"):
        lang = next(c for c in CONTENT_LANGUAGES if c not in (consultation.language, "other"))
    existing = services.translation_for(consultation, lang)
    form = TranslationForm(obj=existing, data={"language": lang})
    form.language.choices = [(c, n) for c, n in _language_choices()
                             if c not in (consultation.language, "other")]
    if form.validate_on_submit():
        services.save_translation(consultation, form.language.data, {
            "title": form.title.data.strip(), "summary": form.summary.data,
            "draft": form.draft.data}, current_user)
        flash(_("The translation has been saved."), "success")
        return redirect(url_for("consultations.manage", consultation_id=consultation.id))
    return render_template("consultations/translation.html", consultation=consultation,
                           form=form, sections=len(consultation.sections)), (
        422 if form.errors else 200)


@bp.post("/staff/consultations/<int:consultation_id>/attachments")
@login_required
@body_limit("CIVIC_OPINION_MAX_BODY")
def add_attachment(consultation_id: int):
    consultation = _managed_or_404(consultation_id)
    form = AttachmentForm()
    if form.validate_on_submit():
        try:
            services.add_attachment(consultation, request.files[form.file.name], current_user)
        except services.ConsultationError as error:
            db.session.rollback()
            flash(_error(error), "error")
        else:
            flash(_("The file has been attached."), "success")
    else:
        flash(_("Please choose a file."), "error")
    return redirect(url_for("consultations.manage", consultation_id=consultation.id))


@bp.route("/staff/consultations/<int:consultation_id>/attachments/<int:attachment_id>/delete",
          methods=["GET", "POST"])
@login_required
def delete_attachment(consultation_id: int, attachment_id: int):
    consultation = _managed_or_404(consultation_id)
    stored = db.session.get(Attachment, attachment_id)
    if stored is None or stored.consultation_id != consultation.id or stored.opinion_id:
        abort(404)
    back = url_for("consultations.manage", consultation_id=consultation.id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        return confirmation(form, heading=_("Remove “%(name)s”?", name=stored.filename),
                            consequence=_("Residents will no longer be able to download it."),
                            button=_("Remove the file"), back=back)
    services.delete_attachment(consultation, stored, current_user)
    flash(_("The file has been removed."), "success")
    return redirect(back)


@bp.get("/staff/consultations/<int:consultation_id>")
@no_store
@login_required
def manage(consultation_id: int):
    consultation = _managed_or_404(consultation_id)
    today = ward_today()
    return render_template(
        "consultations/manage.html", consultation=consultation, today=today,
        open=services.is_open(consultation, today),
        review=can("consultation.review", consultation),
        count=services.opinion_count(consultation),
        attachments=services.attachments(consultation), attachment_form=AttachmentForm(),
        short=drafts.short_period(consultation.starts_on, consultation.ends_on),
        days=drafts.period_days(consultation.starts_on, consultation.ends_on),
        plain=PlainForm(), problems=services.publish_problems(consultation), errors=ERRORS)


# Staff: opinions --------------------------------------------------------------------------------

@bp.route("/staff/consultations/<int:consultation_id>/opinions/new", methods=["GET", "POST"])
@login_required
@body_limit("CIVIC_OPINION_MAX_BODY", text_fields=True)
@form_checks_csrf
def enter_opinion(consultation_id: int):
    """An opinion that came on paper, by fax, e-mail or at the counter, so the count is whole."""
    consultation = _managed_or_404(consultation_id)
    form = shape_opinion_form(StaffOpinionForm(), consultation, staff=True)
    if request.method == "GET":
        form.received_on.data = ward_today()
    if form.validate_on_submit():
        scan = request.files.get(form.scan.name)
        try:
            opinion = services.submit(consultation, _opinion_data(form), channel=form.channel.data,
                                      entered_by=current_user, received_on=form.received_on.data,
                                      scan=scan if scan and scan.filename else None)
        except services.ConsultationError as error:
            db.session.rollback()
            form.scan.errors = [_error(error)]
        else:
            flash(_("Opinion %(number)s has been entered.", number=opinion.receipt), "success")
            return redirect(url_for("consultations.enter_opinion",
                                    consultation_id=consultation.id))
    return render_template("consultations/enter.html", consultation=consultation, form=form), (
        422 if form.errors else 200)


@bp.get("/staff/consultations/<int:consultation_id>/opinions")
@no_store
@login_required
def opinions(consultation_id: int):
    consultation = _reviewed_or_404(consultation_id)
    state = request.args.get("state", "all")
    rows = services.opinions(consultation, state=state)
    return render_template("consultations/opinions.html", consultation=consultation, rows=rows,
                           state=state, copies=services.duplicate_counts(consultation),
                           plain=PlainForm())


def _opinion_or_404(consultation, opinion_id):
    row = services.opinion(consultation, opinion_id)
    if row is None:
        abort(404)
    return row


@bp.get("/staff/consultations/<int:consultation_id>/opinions/<int:opinion_id>")
@no_store
@login_required
def opinion(consultation_id: int, opinion_id: int):
    consultation = _reviewed_or_404(consultation_id)
    row = _opinion_or_404(consultation, opinion_id)
    return render_template("consultations/opinion.html", consultation=consultation, row=row,
                           scan=services.scan_of(row), hide_form=HideForm(),
                           duplicate_form=DuplicateForm(), plain=PlainForm(),
                           original=services.opinion(consultation, row.duplicate_of_id)
                           if row.duplicate_of_id else None)


@bp.get("/staff/consultations/<int:consultation_id>/opinions/<int:opinion_id>/scan")
@no_store
@login_required
def scan(consultation_id: int, opinion_id: int):
    consultation = _managed_or_404(consultation_id)
    row = _opinion_or_404(consultation, opinion_id)
    stored = services.scan_of(row)
    if stored is None:
        abort(404)
    return _file_response(stored)


def _back_to(consultation, row):
    return redirect(url_for("consultations.opinion", consultation_id=consultation.id,
                            opinion_id=row.id))


@bp.post("/staff/consultations/<int:consultation_id>/opinions/<int:opinion_id>/hide")
@login_required
def hide(consultation_id: int, opinion_id: int):
    consultation = _reviewed_or_404(consultation_id)
    row = _opinion_or_404(consultation, opinion_id)
    form = HideForm()
    if form.validate_on_submit():
        services.hide(row, form.reason.data, current_user)
        flash(_("The opinion will not be published. It still counts."), "success")
        return _back_to(consultation, row)
    return render_template("consultations/opinion.html", consultation=consultation, row=row,
                           scan=services.scan_of(row), hide_form=form,
                           duplicate_form=DuplicateForm(), plain=PlainForm(), original=None), 422


@bp.post("/staff/consultations/<int:consultation_id>/opinions/<int:opinion_id>/show")
@login_required
def unhide(consultation_id: int, opinion_id: int):
    consultation = _reviewed_or_404(consultation_id)
    row = _opinion_or_404(consultation, opinion_id)
    if PlainForm().validate_on_submit():
        services.unhide(row, current_user)
        flash(_("The opinion is no longer hidden."), "success")
    return _back_to(consultation, row)


def _find(consultation, text: str):
    text = text.strip().upper()
    for prefix in (f"PC{consultation.id}-",):
        if text.startswith(prefix):
            text = text[len(prefix):]
    try:
        number = db_int(text)
    except ValueError:
        return None
    return next((r for r in services.opinions(consultation) if r.number == number), None)


@bp.post("/staff/consultations/<int:consultation_id>/opinions/<int:opinion_id>/duplicate")
@login_required
def duplicate(consultation_id: int, opinion_id: int):
    consultation = _reviewed_or_404(consultation_id)
    row = _opinion_or_404(consultation, opinion_id)
    form = DuplicateForm()
    if form.validate_on_submit():
        of = _find(consultation, form.of.data)
        if of is None:
            form.of.errors = [_("There is no opinion with that number.")]
        else:
            try:
                services.mark_duplicate(row, of, current_user)
            except services.ConsultationError as error:
                db.session.rollback()
                form.of.errors = [_error(error)]
            else:
                flash(_("Marked as a duplicate: it counts, and is answered with the other."),
                      "success")
                return _back_to(consultation, row)
    return render_template("consultations/opinion.html", consultation=consultation, row=row,
                           scan=services.scan_of(row), hide_form=HideForm(),
                           duplicate_form=form, plain=PlainForm(), original=None), 422


@bp.post("/staff/consultations/<int:consultation_id>/opinions/<int:opinion_id>/unduplicate")
@login_required
def unduplicate(consultation_id: int, opinion_id: int):
    consultation = _reviewed_or_404(consultation_id)
    row = _opinion_or_404(consultation, opinion_id)
    if PlainForm().validate_on_submit():
        services.unmark_duplicate(row, current_user)
        flash(_("The opinion is answered on its own again."), "success")
    return _back_to(consultation, row)


@bp.post("/staff/consultations/<int:consultation_id>/opinions/<int:opinion_id>/alone")
@login_required
def answer_alone(consultation_id: int, opinion_id: int):
    consultation = _reviewed_or_404(consultation_id)
    row = _opinion_or_404(consultation, opinion_id)
    if not PlainForm().validate_on_submit():
        return _back_to(consultation, row)
    try:
        group_row = services.answer_alone(row, current_user)
    except services.ConsultationError as error:
        db.session.rollback()
        flash(_error(error), "error")
        return _back_to(consultation, row)
    return redirect(url_for("consultations.group", consultation_id=consultation.id,
                            group_id=group_row.id))


@bp.post("/staff/consultations/<int:consultation_id>/duplicates")
@login_required
def find_duplicates(consultation_id: int):
    consultation = _reviewed_or_404(consultation_id)
    if PlainForm().validate_on_submit():
        marked = services.mark_identical(consultation, current_user)
        flash(_("%(n)d opinions with the same text were marked as duplicates.", n=marked),
              "success")
    return redirect(url_for("consultations.opinions", consultation_id=consultation.id))


# Staff: groups and the answer -------------------------------------------------------------------

@bp.post("/staff/consultations/<int:consultation_id>/grouping")
@login_required
def run_grouping(consultation_id: int):
    consultation = _reviewed_or_404(consultation_id)
    if PlainForm().validate_on_submit():
        job = services.start_grouping(consultation, current_user)
        return redirect(url_for("jobs.status", job_id=job.id))
    return redirect(url_for("consultations.groups", consultation_id=consultation.id))


def _groups_page(consultation, status=200, **forms):
    rows = services.groups(consultation)
    choices = [(g.id, g.label) for g in rows]
    move = forms.get("move") or MoveForm(formdata=None)
    move.target.choices = [(0, _("No group"))] + choices
    merge = forms.get("merge") or MergeForm(formdata=None)
    merge.target.choices = choices
    copies = services.duplicate_counts(consultation)
    sizes = {group_id: sum(1 + copies.get(r.id, 0) for r in opinions)
             for group_id, opinions in services.members(consultation).items()}
    return render_template(
        "consultations/groups.html", consultation=consultation, groups=rows, sizes=sizes,
        ungrouped=services.opinions(consultation, state="ungrouped"), move_form=move,
        merge_form=merge, new_form=forms.get("new") or GroupLabelForm(formdata=None),
        plain=PlainForm(), job=db.session.get(Job, consultation.group_job_id)
        if consultation.group_job_id else None), status


@bp.get("/staff/consultations/<int:consultation_id>/groups")
@no_store
@login_required
def groups(consultation_id: int):
    return _groups_page(_reviewed_or_404(consultation_id))


def _ticked(name: str) -> list[int]:
    ids = []
    for raw in request.form.getlist(name):
        try:
            ids.append(db_int(raw))
        except ValueError:
            continue
    return ids


@bp.post("/staff/consultations/<int:consultation_id>/groups/new")
@login_required
def new_group(consultation_id: int):
    consultation = _reviewed_or_404(consultation_id)
    form = GroupLabelForm()
    if not form.validate_on_submit():
        return _groups_page(consultation, 422, new=form)
    services.new_group(consultation, form.label.data, current_user)
    flash(_("The group has been added."), "success")
    return redirect(url_for("consultations.groups", consultation_id=consultation.id))


@bp.post("/staff/consultations/<int:consultation_id>/groups/move")
@login_required
def move(consultation_id: int):
    consultation = _reviewed_or_404(consultation_id)
    form = MoveForm()
    form.target.choices = [(0, "")] + [(g.id, g.label) for g in services.groups(consultation)]
    ids = _ticked("opinion")
    if not form.validate_on_submit() or not ids:
        flash(_("Please tick the opinions to move and choose a group."), "error")
    else:
        target = services.group(consultation, form.target.data) if form.target.data else None
        moved = services.move(consultation, ids, target, current_user)
        flash(_("%(n)d opinions moved.", n=moved), "success")
    return redirect(safe_next(request.form.get("back"), url_for(
        "consultations.groups", consultation_id=consultation.id)))


@bp.post("/staff/consultations/<int:consultation_id>/groups/merge")
@login_required
def merge(consultation_id: int):
    consultation = _reviewed_or_404(consultation_id)
    form = MergeForm()
    form.target.choices = [(g.id, g.label) for g in services.groups(consultation)]
    others = [g for g in (services.group(consultation, i) for i in _ticked("group")) if g]
    if not form.validate_on_submit() or not others:
        flash(_("Please tick the groups to merge and choose the group they go into."), "error")
    else:
        target = services.group(consultation, form.target.data)
        services.merge(target, others, current_user)
        if form.label.data:
            services.rename(target, form.label.data, current_user)
        flash(_("The groups have been merged."), "success")
    return redirect(url_for("consultations.groups", consultation_id=consultation.id))


def _group_or_404(consultation, group_id):
    row = services.group(consultation, group_id)
    if row is None:
        abort(404)
    return row


def _group_page(consultation, row, status=200, answer_form=None, split_form=None):
    answer_form = answer_form or AnswerForm(obj=row)
    members = services.members(consultation).get(row.id, [])
    move_form = MoveForm(formdata=None)
    move_form.target.choices = [(0, _("No group"))] + [
        (g.id, g.label) for g in services.groups(consultation) if g.id != row.id]
    return render_template("consultations/group.html", consultation=consultation, group=row,
                           members=members, copies=services.duplicate_counts(consultation),
                           answer_form=answer_form, split_form=split_form or SplitForm(
                               formdata=None), rename_form=GroupLabelForm(obj=row),
                           move_form=move_form, plain=PlainForm()), status


@bp.route("/staff/consultations/<int:consultation_id>/groups/<int:group_id>",
          methods=["GET", "POST"])
@no_store
@login_required
@form_checks_csrf
def group(consultation_id: int, group_id: int):
    """One group: its opinions, and the answer (意見の概要, 区の考え方, disposition)."""
    consultation = _reviewed_or_404(consultation_id)
    row = _group_or_404(consultation, group_id)
    form = AnswerForm(obj=row)
    if form.validate_on_submit():
        services.answer(row, {"label": form.label.data, "summary": form.summary.data,
                              "response": form.response.data,
                              "disposition": form.disposition.data}, current_user)
        flash(_("The answer has been saved."), "success")
        return redirect(url_for("consultations.groups", consultation_id=consultation.id))
    return _group_page(consultation, row, 422 if form.errors else 200, answer_form=form)


@bp.post("/staff/consultations/<int:consultation_id>/groups/<int:group_id>/rename")
@login_required
def rename(consultation_id: int, group_id: int):
    consultation = _reviewed_or_404(consultation_id)
    row = _group_or_404(consultation, group_id)
    form = GroupLabelForm()
    if form.validate_on_submit():
        services.rename(row, form.label.data, current_user)
        flash(_("The group has been renamed."), "success")
    else:
        flash(_("Please give the group a name."), "error")
    return redirect(url_for("consultations.group", consultation_id=consultation.id,
                            group_id=row.id))


@bp.post("/staff/consultations/<int:consultation_id>/groups/<int:group_id>/split")
@login_required
def split(consultation_id: int, group_id: int):
    consultation = _reviewed_or_404(consultation_id)
    row = _group_or_404(consultation, group_id)
    form = SplitForm()
    ids = _ticked("opinion")
    if not form.validate_on_submit() or not ids:
        if not ids:
            form.label.errors = [*form.label.errors, _("Please tick the opinions to split off.")]
        return _group_page(consultation, row, 422, split_form=form)
    new = services.split(row, ids, form.label.data, current_user)
    flash(_("A new group has been made."), "success")
    return redirect(url_for("consultations.group", consultation_id=consultation.id,
                            group_id=new.id))


@bp.route("/staff/consultations/<int:consultation_id>/groups/<int:group_id>/delete",
          methods=["GET", "POST"])
@login_required
def delete_group(consultation_id: int, group_id: int):
    consultation = _reviewed_or_404(consultation_id)
    row = _group_or_404(consultation, group_id)
    back = url_for("consultations.groups", consultation_id=consultation.id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        return confirmation(form, heading=_("Delete the group “%(label)s”?", label=row.label),
                            consequence=_("Its opinions become ungrouped; its answer is lost."),
                            button=_("Delete the group"), back=back)
    services.delete_group(row, current_user)
    flash(_("The group has been deleted."), "success")
    return redirect(back)


@bp.route("/staff/consultations/<int:consultation_id>/sections/<int:position>/final",
          methods=["GET", "POST"])
@login_required
@form_checks_csrf
def final_text(consultation_id: int, position: int):
    consultation = _reviewed_or_404(consultation_id)
    part = services.section_at(consultation, position)
    if part is None:
        abort(404)
    form = FinalTextForm(data={"body": part.final_body if part.final_body is not None
                               else part.body})
    if form.validate_on_submit():
        services.set_final_text(part, form.body.data or "", current_user)
        flash(_("The final text has been saved."), "success")
        return redirect(url_for("consultations.manage", consultation_id=consultation.id))
    return render_template("consultations/final_text.html", consultation=consultation,
                           section=part, form=form,
                           diff=drafts.diff(part.body, part.final_body)
                           if part.final_body is not None else []), 422 if form.errors else 200


@bp.route("/staff/consultations/<int:consultation_id>/publish", methods=["GET", "POST"])
@login_required
def publish(consultation_id: int):
    consultation = _reviewed_or_404(consultation_id)
    back = url_for("consultations.manage", consultation_id=consultation.id)
    problems = services.publish_problems(consultation)
    if problems:
        for problem in problems:
            flash(str(ERRORS[problem]), "error")
        return redirect(back)
    form = ConfirmForm()
    if not form.validate_on_submit():
        return confirmation(
            form, heading=_("Publish the answer to “%(title)s”?", title=consultation.title),
            consequence=_("The summaries, the ward's responses and the final text become "
                          "public, and everyone who sent an opinion with an account is told."),
            button=_("Publish the answer"), back=back)
    services.publish(consultation, current_user)
    flash(_("The answer has been published."), "success")
    return redirect(url_for("consultations.result", consultation_id=consultation.id))


@bp.post("/staff/consultations/<int:consultation_id>/withdraw")
@login_required
def withdraw(consultation_id: int):
    consultation = _reviewed_or_404(consultation_id)
    if PlainForm().validate_on_submit() and consultation.result is not None:
        services.withdraw(consultation, current_user)
        flash(_("The answer has been taken back. Correct it and publish it again."), "success")
    return redirect(url_for("consultations.manage", consultation_id=consultation.id))
