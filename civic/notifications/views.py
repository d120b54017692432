import click
from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

import civic.notifications.permissions  # noqa: F401  (declares the rules)
from civic import mail
from civic.accounts.permissions import permission_required
from civic.accounts.services import personal_data_sections
from civic.forms import db_int
from civic.notifications import services
from civic.notifications.forms import PreferencesForm
from civic.security import no_store
from civic.transactions import read_only

bp = Blueprint("notifications", __name__, cli_group="notifications")


@bp.app_template_global()
def unread_notifications() -> int:
    """The bell's count, once per request."""
    if "unread_notifications" not in g:
        g.unread_notifications = services.unread_count(current_user)
    return g.unread_notifications


@bp.app_template_global()
def notification_preferences_form() -> PreferencesForm:
    form = PreferencesForm(formdata=None)
    form.email_digest.data = services.settings_for(current_user).email_digest
    return form


@bp.get("/notifications")
@no_store
@permission_required("notifications.view")
def index():
    page = services.page_for(current_user, request.args.get("page", 1, type=db_int))
    return render_template("notifications/index.html", page=page)


def _mine_or_404(notification_id: int):
    notification = services.get(current_user, notification_id)
    if notification is None:
        abort(404)
    return notification


@bp.get("/notifications/<int:notification_id>")
@read_only
@no_store
@permission_required("notifications.view")
def show(notification_id: int):
    """One notification. Looking changes nothing (a link preview or prefetch opens it too);
    the buttons on the page mark it read."""
    return render_template("notifications/show.html", n=_mine_or_404(notification_id))


@bp.post("/notifications/<int:notification_id>/open")
@permission_required("notifications.view")
def open_(notification_id: int):
    """Follow a notification: it counts as read, and the person lands where it points."""
    notification = _mine_or_404(notification_id)
    services.mark_read(current_user, notification.id)
    return redirect(url_for(notification.endpoint, **notification.url_values))


@bp.post("/notifications/<int:notification_id>/read")
@permission_required("notifications.view")
def mark_read(notification_id: int):
    _mine_or_404(notification_id)
    services.mark_read(current_user, notification_id)
    return redirect(url_for("notifications.index", page=request.args.get("page", type=db_int)))


@bp.post("/notifications/read")
@permission_required("notifications.view")
def mark_all_read():
    services.mark_all_read(current_user)
    flash(_("All notifications are marked as read."), "success")
    return redirect(url_for("notifications.index"))


@bp.post("/notifications/preferences")
@permission_required("notifications.view")
def preferences():
    form = PreferencesForm()
    if form.validate_on_submit():
        services.save_settings(current_user, bool(form.email_digest.data))
        flash(_("Your notification settings have been saved."), "success")
    return redirect(url_for("accounts.profile") + "#notifications-h")


# Email digest ------------------------------------------------------------------------------------

def _compose(user, notifications) -> tuple[str, str]:
    # A request of its own per person: their language; links on CIVIC_BASE_URL (SERVER_NAME).
    with current_app.test_request_context("/"):
        g.ui_language = user.locale
        subject = _("%(site)s: %(n)d new notifications",
                    site=current_app.config["CIVIC_SITE_NAME"], n=len(notifications))
        body = render_template("notifications/digest.txt", user=user, notifications=notifications)
    return subject, body


@bp.cli.command("send-digest")
def send_digest():
    """Mail each person who asked for it their unread notifications since the last digest."""
    if not current_app.config.get("CIVIC_BASE_URL"):
        raise click.UsageError("Set CIVIC_BASE_URL (the site's public address, e.g. "
                               "https://civic.example.jp) so the links in the mails work.")
    sent, failed = services.send_digests(_compose, mail.send)
    click.echo(f"{sent} digest(s) sent")
    for address in failed:
        click.echo(f"could not send to {address}", err=True)
    if failed:
        raise SystemExit(1)


if services.personal_data not in personal_data_sections:
    personal_data_sections.append(services.personal_data)
