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
@permission_required("notifications.view")
def index():
    page = services.page_for(current_user, request.args.get("page", 1, type=db_int))
    return render_template("notifications/index.html", page=page)


@bp.get("/notifications/<int:notification_id>")
@permission_required("notifications.view")
def open_(notification_id: int):
    """Follow a notification: it counts as read, and the person lands where it points."""
    notification = services.get(current_user, notification_id)
    if notification is None:
        abort(404)
    services.mark_read(current_user, notification.id)
    return redirect(url_for(notification.endpoint, **notification.url_values))


@bp.post("/notifications/<int:notification_id>/read")
@permission_required("notifications.view")
def mark_read(notification_id: int):
    if services.get(current_user, notification_id) is None:
        abort(404)
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

def _compose(base_url: str):
    def compose(user, notifications) -> tuple[str, str]:
        # A request of its own per person: their language, links on the public address.
        with current_app.test_request_context("/", base_url=base_url):
            g.ui_language = user.locale
            subject = _("%(site)s: %(n)d new notifications",
                        site=current_app.config["CIVIC_SITE_NAME"], n=len(notifications))
            body = render_template("notifications/digest.txt", user=user,
                                   notifications=notifications)
        return subject, body

    return compose


@bp.cli.command("send-digest")
@click.option("--base-url", default=None,
              help="Public address of the site for the links, e.g. https://civic.example.jp "
                   "(default: from SERVER_NAME and PREFERRED_URL_SCHEME).")
def send_digest(base_url: str | None):
    """Mail each person who asked for it their unread notifications since the last digest."""
    config = current_app.config
    if base_url is None:
        if not config.get("SERVER_NAME"):
            raise click.UsageError("Give --base-url (or set SERVER_NAME) so the links work.")
        base_url = f"{config['PREFERRED_URL_SCHEME']}://{config['SERVER_NAME']}"
    sent, failed = services.send_digests(_compose(base_url.rstrip("/")), mail.send)
    click.echo(f"{sent} digest(s) sent")
    for address in failed:
        click.echo(f"could not send to {address}", err=True)
    if failed:
        raise SystemExit(1)


if services.personal_data not in personal_data_sections:
    personal_data_sections.append(services.personal_data)
