"""Opinion-map pages: voting one statement at a time, the map, and the staff pages.

The routes join the blueprint of ``civic.opinions.cli`` (``flask opinions …``), so the package
has one blueprint named ``opinions``.
"""

from flask import Response, abort, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user

import civic.opinions.permissions  # noqa: F401  (declares the rules)
import civic.opinions.tasks  # noqa: F401  (registers the jobs)
from civic.accounts.permissions import can, has_role, require, signed_in
from civic.audit.services import record
from civic.extensions import db, limiter
from civic.forms import form_checks_csrf
from civic.moderation import services as moderation
from civic.opinions import services
from civic.opinions.cli import bp
from civic.opinions.forms import (
    AGE_LABELS,
    ActionForm,
    ConversationForm,
    ImportForm,
    SeedForm,
    ShareForm,
    StatementForm,
    VoteForm,
)
from civic.opinions.models import Conversation, Statement
from civic.security import no_store
from civic.spaces.services import areas, visible_process_or_404
from civic.timeutil import ward_today
from civic.transactions import read_only
from civic.uploads import body_limit

GUESTS = "opinion_guests"  # session key (a signed cookie): conversation id → the guest's token

bp.app_template_global("opinion_conversations_for")(services.conversations_of)


def _conversation_or_404(conversation_id: int) -> Conversation:
    conversation = db.session.get(Conversation, conversation_id)
    if conversation is None or not can("opinions.view", conversation):
        abort(404)
    return conversation


def _guest_token(conversation: Conversation) -> str | None:
    return session.get(GUESTS, {}).get(str(conversation.id))


def _me(conversation: Conversation):
    return services.find_participant(conversation, current_user, _guest_token(conversation))


def _person():
    return current_user._get_current_object() if signed_in(current_user) else None


def _voter_key() -> str:
    """Limits per participant: a whole venue may share one address."""
    if signed_in(current_user):
        return f"user:{current_user.id}"
    guests = session.get(GUESTS, {})
    return f"guest:{min(guests.values())}" if guests else get_remote_address()


def _new_guest() -> bool:
    """Not signed in and without a guest cookie yet: every such request may make a participant."""
    return not signed_in(current_user) and not session.get(GUESTS)


def _join(conversation: Conversation):
    participant, token = services.join(conversation, _person(), _guest_token(conversation))
    if token:
        session[GUESTS] = {**session.get(GUESTS, {}), str(conversation.id): token}
    return participant


def _share_form(me) -> ShareForm:
    form = ShareForm(formdata=None, data={"age_band": getattr(me, "age_band", None) or "",
                                          "area": getattr(me, "area_id", None) or 0})
    form.area.choices = [(0, _("Rather not say"))] + [(a.id, a.name) for a in areas()]
    return form


def _vote_page(conversation: Conversation, statement_form: StatementForm | None = None,
               status: int = 200):
    me = _me(conversation)
    statement, left = services.next_statement(conversation, me)
    problem = services.vote_problem(current_user, conversation, ward_today())
    return render_template(
        "opinions/conversation.html", conversation=conversation, statement=statement, left=left,
        voted=len(services.voted_ids(me)), me=me, problem=problem,
        problem_message=services.problem_message(problem) if problem else "",
        vote_form=VoteForm(formdata=None),
        statement_form=statement_form or StatementForm(formdata=None),
        share_form=_share_form(me), computed_at=services.computed_at(conversation)), status


# Residents ----------------------------------------------------------------------------------------

@bp.get("/opinions/<int:conversation_id>")
@read_only
def conversation(conversation_id: int):
    return _vote_page(_conversation_or_404(conversation_id))


@bp.post("/opinions/<int:conversation_id>/statements/<int:statement_id>/vote")
@limiter.limit("60 per minute", key_func=_voter_key)
@limiter.limit("120 per hour", key_func=get_remote_address, exempt_when=lambda: not _new_guest())
@form_checks_csrf
def vote(conversation_id: int, statement_id: int):
    conversation = _conversation_or_404(conversation_id)
    require("opinions.vote", conversation)
    statement = services.visible_statement(conversation, statement_id)
    if statement is None:
        abort(404)
    form = VoteForm()
    back = url_for("opinions.conversation", conversation_id=conversation.id)
    if not form.validate_on_submit():
        flash(_("Your vote was not counted. Please choose again."), "error")
        return redirect(back)
    services.vote(conversation, _join(conversation), statement, services.VALUES[form.vote.data])
    return redirect(back)


@bp.post("/opinions/<int:conversation_id>/statements")
@limiter.limit("10 per hour", key_func=_voter_key)
@limiter.limit("30 per hour", key_func=get_remote_address, exempt_when=lambda: not _new_guest())
@form_checks_csrf
def write(conversation_id: int):
    conversation = _conversation_or_404(conversation_id)
    require("opinions.write", conversation)
    form = StatementForm()
    if form.validate_on_submit():
        try:
            statement = services.write_statement(conversation, _join(conversation), _person(),
                                                 form.body.data)
        except services.OpinionError as error:
            db.session.rollback()
            form.body.errors.append(str(error))
        else:
            flash(_("Thank you. A moderator will read your statement before others see it.")
                  if statement.is_hidden else _("Thank you. Your statement was added."),
                  "success")
            return redirect(url_for("opinions.conversation", conversation_id=conversation.id))
    return _vote_page(conversation, form, 422)


@bp.post("/opinions/<int:conversation_id>/about")
@limiter.limit("20 per hour", key_func=_voter_key)
@form_checks_csrf
def share(conversation_id: int):
    conversation = _conversation_or_404(conversation_id)
    require("opinions.vote", conversation)
    form = ShareForm()
    form.area.choices = [(0, "")] + [(a.id, a.name) for a in areas()]
    if form.validate_on_submit():
        services.share(_join(conversation), form.age_band.data, form.area.data)
        flash(_("Thank you. Only counts by group are shown, never who you are."), "success")
    else:
        flash(_("Please choose again."), "error")
    return redirect(url_for("opinions.conversation", conversation_id=conversation.id))


@bp.get("/opinions/<int:conversation_id>/map")
@read_only
def opinion_map(conversation_id: int):
    conversation = _conversation_or_404(conversation_id)
    require("opinions.map", conversation)
    result = services.current_result(conversation)
    me = _me(conversation)
    return render_template(
        "opinions/map.html", conversation=conversation, result=result,
        drawn=services.drawn_map(result, me) if result else None, me=me,
        texts=services.statement_texts(conversation))


# Staff ------------------------------------------------------------------------------------------

def _form_data(form: ConversationForm) -> dict:
    return {name: form[name].data for name in (*services.SETTINGS, "seeds")}


@bp.route("/processes/<slug>/opinions/new", methods=["GET", "POST"])
def new_conversation(slug: str):
    process = visible_process_or_404(slug)
    require("opinions.create", process)
    form = ConversationForm()
    if form.validate_on_submit():
        conversation = services.save_conversation(Conversation(process_id=process.id),
                                                  _form_data(form), current_user)
        flash(_("The conversation has been created."), "success")
        return redirect(url_for("opinions.edit", conversation_id=conversation.id))
    return render_template("opinions/form.html", form=form, process=process,
                           conversation=None), 422 if form.errors else 200


@bp.route("/opinions/<int:conversation_id>/edit", methods=["GET", "POST"])
def edit(conversation_id: int):
    conversation = _conversation_or_404(conversation_id)
    require("opinions.manage", conversation)
    form = ConversationForm(obj=conversation)
    if form.validate_on_submit():
        services.save_conversation(conversation, _form_data(form), current_user)
        flash(_("The conversation has been saved."), "success")
        return redirect(url_for("opinions.edit", conversation_id=conversation.id))
    return render_template("opinions/form.html", form=form, process=conversation.process,
                           conversation=conversation, seed_form=SeedForm(formdata=None),
                           action=ActionForm(formdata=None),
                           result=services.current_result(conversation)), (
        422 if form.errors else 200)


@bp.post("/opinions/<int:conversation_id>/seeds")
def seed(conversation_id: int):
    conversation = _conversation_or_404(conversation_id)
    require("opinions.manage", conversation)
    form = SeedForm()
    if form.validate_on_submit():
        count = services.add_seeds(conversation, form.seeds.data, current_user)
        flash(_("%(count)d statements were added.", count=count), "success")
    else:
        flash(_("Write at least one statement, one per line."), "error")
    return redirect(url_for("opinions.edit", conversation_id=conversation.id))


@bp.post("/opinions/<int:conversation_id>/recompute")
def recompute(conversation_id: int):
    conversation = _conversation_or_404(conversation_id)
    require("opinions.manage", conversation)
    if ActionForm().validate_on_submit():
        record(current_user, "opinions.recompute", conversation)
        db.session.commit()
        services.request_recompute(conversation, current_user)
        flash(_("The map will be computed again in a moment."), "success")
    return redirect(url_for("opinions.edit", conversation_id=conversation.id))


@bp.get("/opinions/<int:conversation_id>/report")
@no_store
@read_only
def report(conversation_id: int):
    conversation = _conversation_or_404(conversation_id)
    require("opinions.manage", conversation)
    result = services.current_result(conversation)
    return render_template(
        "opinions/report.html", conversation=conversation, result=result,
        drawn=services.drawn_map(result, None) if result else None,
        texts=services.statement_texts(conversation),
        features=services.feature_comparison(conversation, result) if result else None,
        age_labels=AGE_LABELS)


@bp.post("/opinions/<int:conversation_id>/themes")
def to_themes(conversation_id: int):
    conversation = _conversation_or_404(conversation_id)
    require("opinions.manage", conversation)
    require("themes.manage", conversation.process)
    if not ActionForm().validate_on_submit():
        return redirect(url_for("opinions.edit", conversation_id=conversation.id))
    analysis = services.to_themes(
        conversation, _("Statements of “%(question)s”", question=conversation.question),
        current_user)
    flash(_("The statements were handed to the themes analysis."), "success")
    return redirect(url_for("themes.show", analysis_id=analysis.id))


@bp.get("/opinions/<int:conversation_id>/export.zip")
@no_store
def export(conversation_id: int):
    conversation = _conversation_or_404(conversation_id)
    require("opinions.manage", conversation)
    data = services.export_zip(conversation)
    record(current_user, "opinions.exported", conversation)
    db.session.commit()
    return Response(data, mimetype="application/zip", headers={
        "Content-Disposition": f"attachment; filename=opinions-{conversation.id}-polis.zip"})


@bp.route("/processes/<slug>/opinions/import", methods=["GET", "POST"])
@body_limit("CIVIC_OPINIONS_IMPORT_MAX_BYTES")
def import_conversation(slug: str):
    process = visible_process_or_404(slug)
    require("opinions.create", process)
    form = ImportForm()
    if form.validate_on_submit():
        files = {name: field.data.read() if field.data else b""
                 for name, field in (("comments.csv", form.comments), ("votes.csv", form.votes),
                                     ("participants-votes.csv", form.participants_votes))}
        try:
            conversation = services.import_polis(process, form.question.data, files,
                                                 current_user)
        except services.OpinionError as error:
            db.session.rollback()
            form.comments.errors.append(str(error))
        else:
            flash(_("The conversation was imported. Its map is being computed."), "success")
            return redirect(url_for("opinions.edit", conversation_id=conversation.id))
    return render_template("opinions/import_form.html", form=form, process=process), (
        422 if form.errors else 200)


def _statement_url(statement: Statement) -> str:
    return url_for("opinions.conversation", conversation_id=statement.conversation_id)


def _can_view_statement(user, statement: Statement) -> bool:
    conversation = statement.conversation
    if not can("opinions.view", conversation, user=user):
        return False
    return (not statement.is_hidden or has_role(user, "moderator")
            or can("opinions.manage", conversation, user=user))


moderation.register("opinion_statement", Statement, url=_statement_url,
                    label=lambda s: s.body[:80], can_view=_can_view_statement)


@bp.app_template_filter("group_letter")
def group_letter(group: int | None) -> str:
    """Groups are named A, B, C … as Polis names them."""
    return "" if group is None else chr(ord("A") + int(group))
