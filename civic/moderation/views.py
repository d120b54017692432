from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

import civic.moderation.permissions  # noqa: F401  (declares the rules)
from civic.accounts.models import User
from civic.accounts.permissions import permission_required, require
from civic.accounts.services import personal_data_sections
from civic.extensions import db, limiter, person_or_address
from civic.forms import db_int, form_checks_csrf
from civic.moderation import services
from civic.moderation.forms import REASON_LABELS, BlockForm, DecisionForm, ReportForm
from civic.moderation.models import STATES, ModerationItem

bp = Blueprint("moderation", __name__)


@bp.app_template_global()
def moderation_notice(obj) -> str:
    """What the author (and moderators) read on hidden content: why it is hidden."""
    if obj.hidden_reason in (None, "", services.AUTO_HIDDEN):
        return _("Hidden after several reports until a moderator reviews it. "
                 "Only you and the moderators can see it.")
    return _("Hidden by a moderator: %(reason)s. Only you and the moderators can see it.",
             reason=obj.hidden_reason)


bp.app_template_global("report_reasons")(lambda: REASON_LABELS)


@bp.route("/report/<target_type>/<int:target_id>", methods=["GET", "POST"])
@login_required
@limiter.limit("20 per hour", methods=["POST"], key_func=person_or_address)
@form_checks_csrf
def report(target_type: str, target_id: int):
    entry, obj = services.load(target_type, target_id)
    # What the person cannot see is "not found", as on its own page.
    if obj is None or not entry.can_view(current_user, obj):
        abort(404)
    require("content.report", obj)
    form = ReportForm()
    if form.validate_on_submit():
        try:
            services.report(current_user, target_type, target_id, form.reason.data,
                            form.details.data or "")
        except services.ModerationError as error:
            flash(str(error), "error")
        else:
            flash(_("Thank you. The moderators will look at your report."), "success")
        return redirect(entry.url(obj))
    return render_template("moderation/report.html", form=form, label=entry.label(obj),
                           back=entry.url(obj)), 422 if form.errors else 200


@bp.get("/moderation")
@permission_required("moderation.manage")
def queue():
    state = request.args.get("state", "pending")
    if state not in STATES:
        state = "pending"
    page = max(1, request.args.get("page", 1, type=db_int))
    return render_template("moderation/queue.html", rows=services.queue(state, page), state=state,
                           page=page, decision=DecisionForm(formdata=None),
                           blocked=services.blocked_users(), block_form=BlockForm(formdata=None))


def _item_or_404(item_id: int) -> ModerationItem:
    item = db.session.get(ModerationItem, item_id)
    if item is None or services.target(item.target_type) is None:
        abort(404)
    return item


@bp.post("/moderation/<int:item_id>/hide")
@permission_required("moderation.manage")
def hide(item_id: int):
    form = DecisionForm()
    if form.validate_on_submit():
        services.hide(current_user, _item_or_404(item_id), form.reason.data or "")
        flash(_("The content is hidden."), "success")
    return redirect(url_for("moderation.queue"))


@bp.post("/moderation/<int:item_id>/restore")
@permission_required("moderation.manage")
def restore(item_id: int):
    services.restore(current_user, _item_or_404(item_id))
    flash(_("The content is visible again."), "success")
    return redirect(url_for("moderation.queue"))


@bp.post("/moderation/users/<int:user_id>/block")
@permission_required("moderation.manage")
def block(user_id: int):
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    form = BlockForm()
    if user.id == current_user.id or user.has_role("moderator"):
        flash(_("Moderators cannot be blocked here."), "error")
    elif form.validate_on_submit():
        services.block(current_user, user, form.reason.data)
        flash(_("%(name)s can no longer post.", name=user.display_name), "success")
    else:
        flash(_("Please give a reason for blocking."), "error")
    return redirect(url_for("moderation.queue"))


@bp.post("/moderation/users/<int:user_id>/unblock")
@permission_required("moderation.manage")
def unblock(user_id: int):
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    services.unblock(current_user, user)
    flash(_("%(name)s can post again.", name=user.display_name), "success")
    return redirect(url_for("moderation.queue"))


def _personal_data(user):
    return "reports", services.reports_by(user)


if _personal_data not in personal_data_sections:
    personal_data_sections.append(_personal_data)
