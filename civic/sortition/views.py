"""Lottery pages: staff run a lottery (register, invitations, replies, quotas, the panel); the
public lottery page shows the audit trail; residents reply with the code on their letter."""

import click
import segno
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

import civic.sortition.permissions  # noqa: F401  (declares the rules)
import civic.sortition.tasks  # noqa: F401  (registers the jobs)
from civic.accounts.permissions import EVERY_AREA, can, require, staff_scope
from civic.accounts.services import personal_data_sections
from civic.extensions import db, limiter
from civic.forms import ConfirmForm, confirmation
from civic.security import no_store
from civic.sortition import selection, services
from civic.sortition.forms import (
    NEED_LABELS,
    CodeForm,
    CommitForm,
    DrawForm,
    InvitationsForm,
    LotteryForm,
    PaperReplyForm,
    RegisterForm,
    ReplacementForm,
    ReplyForm,
    parse_extra_features,
)
from civic.sortition.models import Invitation, Lottery, Reply
from civic.uploads import body_limit

bp = Blueprint("lotteries", __name__, cli_group="lotteries")
bp.app_template_global("lottery_panels_for")(services.cafe_panels)
if services.personal_data not in personal_data_sections:
    personal_data_sections.append(services.personal_data)

# Guessing a 12-character code is hopeless; the limit keeps it so, and a letter's holder rarely
# needs more than a few tries.
REPLY_LIMIT = "20 per hour"


def _lottery_or_404(lottery_id: int) -> Lottery:
    lottery = db.session.get(Lottery, lottery_id)
    if lottery is None:
        abort(404)
    return lottery


def _managed(lottery_id: int) -> Lottery:
    lottery = _lottery_or_404(lottery_id)
    require("lottery.manage", lottery)
    return lottery


def _area_choices():
    from civic.spaces.models import Area

    scope = staff_scope(current_user)
    areas = db.session.scalars(select(Area).order_by(Area.position)).all()
    choices = [(0, _("The whole ward"))] if scope == EVERY_AREA else []
    return choices + [(area.id, area.name) for area in areas
                      if scope == EVERY_AREA or area.id in (scope or ())]


def _cafe_choices():
    from civic.cafe.models import Cafe

    cafes = db.session.scalars(select(Cafe).where(Cafe.state != "finished")
                               .order_by(Cafe.id.desc()).limit(100)).all()
    return [(0, _("None yet"))] + [(cafe.id, cafe.title) for cafe in cafes
                                   if can("process.view", cafe.process)]


def _settings_form(lottery: Lottery | None) -> LotteryForm:
    form = LotteryForm(obj=lottery)
    form.area.choices = _area_choices()
    form.cafe.choices = _cafe_choices()
    if request.method == "GET" and lottery is not None:
        form.area.data = lottery.area_id or 0
        form.cafe.data = lottery.event_id if lottery.event_type == "cafe" else 0
        form.extra_features.data = "\n".join(
            f"{extra['name']}: {', '.join(extra['values'])}" for extra in lottery.extra_features)
    if request.method == "GET" and lottery is None:
        form.letter_text.data = _DEFAULT_LETTER
    return form


_DEFAULT_LETTER = (
    "区では、区民の皆さんの声を区政に生かすため、住民基本台帳から無作為に選ばせていただいた方に"
    "この案内をお送りしています。年齢や職業、経験は問いません。ぜひご参加ください。\n"
    "下の二次元コードを読み取るか、返信用コードを入力してお返事ください。")


def _settings_data(form: LotteryForm) -> dict:
    return {"title": form.title.data.strip(), "purpose": form.purpose.data or "",
            "event_dates": form.event_dates.data or "", "letter_text": form.letter_text.data or "",
            "panel_size": form.panel_size.data, "retention_on": form.retention_on.data,
            "area": form.area.data, "cafe": form.cafe.data,
            "extra_features": parse_extra_features(form.extra_features.data)}


# Staff ------------------------------------------------------------------------------------------

@bp.get("/staff/lotteries")
@no_store
def index():
    require("lottery.create")
    lotteries = [lottery for lottery in db.session.scalars(
        select(Lottery).order_by(Lottery.id.desc())) if can("lottery.manage", lottery)]
    return render_template("sortition/index.html", lotteries=lotteries)


@bp.route("/staff/lotteries/new", methods=["GET", "POST"])
def new():
    require("lottery.create")
    form = _settings_form(None)
    if form.validate_on_submit():
        lottery = services.create_lottery(_settings_data(form), current_user)
        flash(_("The lottery has been created. Now import the register extract."), "success")
        return redirect(url_for("lotteries.manage", lottery_id=lottery.id))
    return render_template("sortition/lottery_form.html", form=form, lottery=None), (
        422 if form.errors else 200)


@bp.route("/staff/lotteries/<int:lottery_id>/edit", methods=["GET", "POST"])
def edit(lottery_id: int):
    lottery = _managed(lottery_id)
    form = _settings_form(lottery)
    if form.validate_on_submit():
        services.apply_settings(lottery, _settings_data(form))
        if not can("lottery.manage", lottery):  # moved to an area one does not act for
            db.session.rollback()
            form.area.errors.append(_("You do not act for that area."))
        else:
            db.session.commit()
            flash(_("The lottery has been saved."), "success")
            return redirect(url_for("lotteries.manage", lottery_id=lottery.id))
    return render_template("sortition/lottery_form.html", form=form, lottery=lottery), (
        422 if form.errors else 200)


def _render_manage(lottery: Lottery, status: int = 200, **forms):
    forms.setdefault("register_form", RegisterForm())
    forms.setdefault("invitations_form", InvitationsForm())
    forms.setdefault("commit_form", CommitForm())
    forms.setdefault("draw_form", DrawForm())
    replacement = forms.setdefault("replacement_form", ReplacementForm())
    draw = lottery.draw
    context = {"lottery": lottery, "summary": services.reply_summary(lottery),
               "counts": services.register_counts(lottery), "draw": draw,
               "cafe": services.linked_cafe(lottery), "confirm": ConfirmForm(),
               "label": services.feature_label}
    if draw is not None:
        context["quota_rows"] = services.quota_rows(draw)
        replacement.dropped.choices = [(person, person) for person in draw.panel]
        members = {reply.pseudonym: reply for reply in services.panel_replies(lottery)}
        context["members"] = [(person, members.get(person)) for person in draw.panel]
        context["probabilities"] = sorted(draw.probabilities.items(), key=lambda item: item[1])
    return render_template("sortition/manage.html", **context, **forms), status


@bp.get("/staff/lotteries/<int:lottery_id>")
@no_store
def manage(lottery_id: int):
    return _render_manage(_managed(lottery_id))


def _act(lottery: Lottery, action, success: str, **forms):
    try:
        result = action()
    except services.SortitionError as error:
        db.session.rollback()
        flash(str(error), "error")
        return _render_manage(lottery, 422, **forms)
    flash(success if isinstance(success, str) else success(result), "success")
    return redirect(url_for("lotteries.manage", lottery_id=lottery.id), 303)


@bp.post("/staff/lotteries/<int:lottery_id>/register")
@body_limit("CIVIC_REGISTER_MAX_UPLOAD")
def import_register(lottery_id: int):
    lottery = _managed(lottery_id)
    form = RegisterForm()
    if not form.validate_on_submit():
        return _render_manage(lottery, 422, register_form=form)
    data = form.file.data.read()
    return _act(lottery, lambda: services.import_register(lottery, data, current_user),
                lambda rows: _("Imported %(rows)d residents.", rows=rows), register_form=form)


@bp.post("/staff/lotteries/<int:lottery_id>/invitations")
def invite(lottery_id: int):
    lottery = _managed(lottery_id)
    form = InvitationsForm()
    if not form.validate_on_submit():
        return _render_manage(lottery, 422, invitations_form=form)
    return _act(lottery, lambda: services.draw_invitations(
        lottery, form.count.data, form.method.data == "stratified", current_user),
        lambda count: _("Drew %(count)d invitations. Print the letters.", count=count),
        invitations_form=form)


@bp.get("/staff/lotteries/<int:lottery_id>/letters")
@no_store
def letters(lottery_id: int):
    lottery = _managed(lottery_id)
    start = max(1, request.args.get("from", 1, type=int) or 1)
    rows = services.letters(lottery, start)
    for row in rows:
        row["qr"] = segno.make(row["url"], error="m").svg_inline(scale=3, omitsize=False)
    # The letters go to every resident drawn in Japanese, whatever the staff member reads.
    with force_locale("ja"):
        return render_template("sortition/letters.html", lottery=lottery, letters=rows,
                               start=start, page=200,
                               reply_url=url_for("lotteries.reply_start", _external=True))


@bp.get("/staff/lotteries/<int:lottery_id>/replies")
@no_store
def replies(lottery_id: int):
    lottery = _managed(lottery_id)
    rows = db.session.scalars(select(Reply).where(Reply.lottery_id == lottery.id)
                              .order_by(Reply.created_at)).all()
    return render_template("sortition/replies.html", lottery=lottery, replies=rows,
                           needs=NEED_LABELS, summary=services.reply_summary(lottery))


def _reply_form(form_class, lottery: Lottery):
    form = form_class()
    form.setup(lottery, services.reply_choices(lottery))
    return form


@bp.route("/staff/lotteries/<int:lottery_id>/replies/new", methods=["GET", "POST"])
@no_store
def paper_reply(lottery_id: int):
    lottery = _managed(lottery_id)
    form = _reply_form(PaperReplyForm, lottery)
    if form.validate_on_submit():
        invitation = db.session.scalar(select(Invitation).where(
            Invitation.lottery_id == lottery.id, Invitation.number == form.letter.data))
        if invitation is None:
            form.letter.errors.append(_("No letter of this lottery has this number."))
        else:
            try:
                services.save_reply(lottery, invitation, form.reply_data(lottery),
                                    entered_by=current_user)
            except services.SortitionError as error:
                db.session.rollback()
                form.letter.errors.append(str(error))
            else:
                flash(_("The reply to letter %(number)d has been saved.",
                        number=invitation.number), "success")
                return redirect(url_for("lotteries.paper_reply", lottery_id=lottery.id), 303)
    return render_template("sortition/paper_reply.html", lottery=lottery, form=form), (
        422 if form.errors else 200)


@bp.route("/staff/lotteries/<int:lottery_id>/quotas", methods=["GET", "POST"])
@no_store
def quotas(lottery_id: int):
    lottery = _managed(lottery_id)
    form = ConfirmForm()
    suggested = {(q.feature, q.value): q for q in services.suggested_quotas(lottery)}
    current = {(q.feature, q.value): q for q in services.core_quotas(lottery)}
    rows = [current.get(key) or quota for key, quota in suggested.items()]
    rows += [quota for key, quota in current.items() if key not in suggested]
    errors: dict[int, str] = {}
    typed: dict[int, tuple[str, str]] = {}
    if request.method == "POST" and request.form.get("suggest"):
        rows = list(suggested.values())
    elif form.validate_on_submit():
        chosen = []
        for index, quota in enumerate(rows):
            low, high = (request.form.get(f"min-{index}", ""), request.form.get(f"max-{index}", ""))
            typed[index] = (low, high)
            if not (low.isdigit() and high.isdigit()) or int(high) > 10_000:
                errors[index] = _("Give whole numbers from 0.")
            elif int(low) > int(high):
                errors[index] = _("The minimum must not be above the maximum.")
            else:
                chosen.append(selection.Quota(quota.feature, quota.value, int(low), int(high)))
        if not errors:
            try:
                services.save_quotas(lottery, chosen, current_user)
            except services.SortitionError as error:
                db.session.rollback()
                flash(str(error), "error")
            else:
                flash(_("The quotas have been saved."), "success")
                return redirect(url_for("lotteries.manage", lottery_id=lottery.id), 303)
    pool = [reply.values(lottery) for reply in services.pool_replies(lottery)]
    in_pool = {(q.feature, q.value): sum(1 for person in pool if person[q.feature] == q.value)
               for q in rows}
    return render_template("sortition/quotas.html", lottery=lottery, form=form, rows=rows,
                           errors=errors, typed=typed, in_pool=in_pool, suggested=suggested,
                           label=services.feature_label), 422 if errors else 200


@bp.post("/staff/lotteries/<int:lottery_id>/commit")
def commit(lottery_id: int):
    lottery = _managed(lottery_id)
    form = CommitForm()
    if not form.validate_on_submit():
        return _render_manage(lottery, 422, commit_form=form)
    try:
        services.commit(lottery, form.algorithm.data, current_user)
    except selection.InfeasibleQuotas as error:
        db.session.rollback()
        return _render_manage(lottery, 422, commit_form=form,
                              conflicts=[services.explain(c) for c in error.conflicts])
    except services.SortitionError as error:
        db.session.rollback()
        flash(str(error), "error")
        return _render_manage(lottery, 422, commit_form=form)
    flash(_("The inputs and the commitment are published on the lottery page. Draw the panel "
            "when the public can watch."), "success")
    return redirect(url_for("lotteries.manage", lottery_id=lottery.id), 303)


@bp.post("/staff/lotteries/<int:lottery_id>/draw")
def draw(lottery_id: int):
    lottery = _managed(lottery_id)
    form = DrawForm()
    if not form.validate_on_submit():
        return _render_manage(lottery, 422, draw_form=form)
    return _act(lottery, lambda: services.run_draw(lottery, form.digits.data or "", current_user),
                _("The panel has been drawn. The seed is now on the lottery page."),
                draw_form=form)


@bp.post("/staff/lotteries/<int:lottery_id>/replace")
def replace(lottery_id: int):
    lottery = _managed(lottery_id)
    form = ReplacementForm()
    form.dropped.choices = [(p, p) for p in (lottery.draw.panel if lottery.draw else [])]
    if not form.validate_on_submit():
        return _render_manage(lottery, 422, replacement_form=form)
    return _act(lottery, lambda: services.replace(lottery, form.dropped.data,
                                                  form.reason.data.strip(), current_user),
                lambda row: _("%(new)s replaces %(old)s.", new=row.replacement, old=row.dropped),
                replacement_form=form)


@bp.post("/staff/lotteries/<int:lottery_id>/invite-panel")
def invite_panel(lottery_id: int):
    lottery = _managed(lottery_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    return _act(lottery, lambda: services.invite_panel(lottery, current_user),
                lambda told: _("Notified %(notified)d, mailed %(mailed)d; %(by_hand)d to "
                               "contact by phone or post.", notified=told.get("notified", 0),
                               mailed=told.get("mailed", 0), by_hand=told.get("by_hand", 0)))


@bp.route("/staff/lotteries/<int:lottery_id>/delete-personal-data", methods=["GET", "POST"])
def delete_data(lottery_id: int):
    lottery = _managed(lottery_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        return confirmation(
            form, back=url_for("lotteries.manage", lottery_id=lottery.id),
            heading=_("Delete the register and the replies of “%(title)s”?", title=lottery.title),
            consequence=_("The register extract, the invitations and every reply are deleted. "
                          "The public audit trail (hashes, seed, pseudonymous panel) stays. "
                          "This cannot be undone."),
            button=_("Delete the personal data"))
    services.delete_personal_data(lottery, current_user)
    flash(_("The register and the replies have been deleted."), "success")
    return redirect(url_for("lotteries.manage", lottery_id=lottery.id), 303)


# Public -----------------------------------------------------------------------------------------

@bp.get("/lotteries/<int:lottery_id>")
def public(lottery_id: int):
    lottery = _lottery_or_404(lottery_id)
    draw = lottery.draw
    rows = services.quota_rows(draw) if draw is not None and draw.drawn_at else []
    return render_template("sortition/public.html", lottery=lottery, draw=draw, quota_rows=rows,
                           label=services.feature_label)


@bp.get("/lotteries/<int:lottery_id>/<any(pool, features):name>.csv")
def published_csv(lottery_id: int, name: str):
    lottery = _lottery_or_404(lottery_id)
    if lottery.draw is None:
        abort(404)
    text = lottery.draw.pool_csv if name == "pool" else lottery.draw.features_csv
    return Response(text, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="lottery-{lottery.id}-{name}.csv"'})


@bp.route("/reply", methods=["GET", "POST"])
@limiter.limit(REPLY_LIMIT, methods=["POST"])
def reply_start():
    form = CodeForm()
    if form.validate_on_submit():
        if services.invitation_by_code(form.code.data) is None:
            form.code.errors.append(_("This code is not known. Check it against your letter."))
        else:
            return redirect(url_for("lotteries.reply",
                                    code=services.normalise_code(form.code.data)), 303)
    return render_template("sortition/reply_start.html", form=form), 422 if form.errors else 200


@bp.route("/reply/<code>", methods=["GET", "POST"])
@limiter.limit(REPLY_LIMIT)
@no_store
def reply(code: str):
    invitation = services.invitation_by_code(code)
    if invitation is None:
        abort(404)
    lottery = db.session.get(Lottery, invitation.lottery_id)
    if invitation.replied_at is not None:
        return render_template("sortition/reply_done.html", lottery=lottery, already=True)
    if lottery.state != "replies":
        return render_template("sortition/reply_done.html", lottery=lottery, closed=True)
    form = _reply_form(ReplyForm, lottery)
    if form.validate_on_submit():
        try:
            services.save_reply(lottery, invitation, form.reply_data(lottery), user=current_user)
        except services.SortitionError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            return render_template("sortition/reply_done.html", lottery=lottery,
                                   accepted=form.accepted.data == "yes")
    return render_template("sortition/reply.html", lottery=lottery, form=form, code=code), (
        422 if form.errors else 200)


# Command line -----------------------------------------------------------------------------------

@bp.cli.command("purge")
def purge_command():
    """Delete the register and the replies of every lottery past its retention date."""
    deleted = services.purge_expired()
    db.session.commit()
    click.echo(f"personal data deleted for {len(deleted)} lotteries: {deleted}")
