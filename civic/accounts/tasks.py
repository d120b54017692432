"""Account mail, written and sent by a job: confirmation links, reset links, "already registered".

Each message is written in the recipient's language, inside a request of its own on the site's
public root (CIVIC_BASE_URL; see services.mail_later), never on a Host header.
"""

from flask import current_app, g, url_for
from flask_babel import gettext as _

from civic import mail
from civic.accounts import services
from civic.accounts.models import User
from civic.extensions import db
from civic.jobs.services import task


def _confirm_email(user: User) -> tuple[str, str]:
    link = url_for("accounts.confirm_email", token=services.confirmation_token(user),
                   _external=True)
    site = current_app.config["CIVIC_SITE_NAME"]
    days = current_app.config["CIVIC_EMAIL_CONFIRM_MAX_AGE"] // (24 * 3600)
    return (_("Confirm your email address for %(site)s", site=site),
            _("Welcome to %(site)s. Please open this link within %(days)d days to confirm your "
              "email address. Until then you can read, but not post:\n\n%(link)s\n\n"
              "If you did not create an account, you can ignore this message.",
              site=site, days=days, link=link))


def _already_registered(user: User) -> tuple[str, str]:
    link = url_for("accounts.reset_password", token=services.reset_token(user), _external=True)
    site = current_app.config["CIVIC_SITE_NAME"]
    return (_("Someone tried to register with your address at %(site)s", site=site),
            _("Someone, perhaps you, tried to create a new %(site)s account with this email "
              "address. It already has an account, so no new one was made.\n\n"
              "If you have forgotten your password, open this link within one hour to choose a "
              "new one:\n\n%(link)s\n\nIf it was not you, you can ignore this message.",
              site=site, link=link))


def _password_reset(user: User) -> tuple[str, str]:
    link = url_for("accounts.reset_password", token=services.reset_token(user), _external=True)
    return (_("Reset your civic password"),
            _("Open this link within one hour to choose a new password:\n\n%(link)s\n\n"
              "If you did not ask for this, you can ignore this message.", link=link))


MESSAGES = {
    services.CONFIRM_EMAIL: _confirm_email,
    services.ALREADY_REGISTERED: _already_registered,
    services.PASSWORD_RESET: _password_reset,
}


@task("accounts.mail")
def send_account_mail(progress, message: str, user_id: int | None, base_url: str) -> dict:
    write = MESSAGES[message]
    user = db.session.get(User, user_id) if user_id is not None else None
    if user is None or user.is_deleted:
        return {"sent": False}
    with current_app.test_request_context("/", base_url=base_url):
        g.ui_language = user.locale
        subject, body = write(user)
    mail.send(user.email, subject, body)
    return {"sent": True}
