import functools
import json
import time

import click
import segno
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from civic.accounts import mfa, passwords, services, tasks  # noqa: F401  (tasks registers the mail job)
from civic.accounts.forms import (
    PASSWORD_MIN,
    ROLE_LABELS,
    ChangePasswordForm,
    ConfirmEmailForm,
    DeleteAccountForm,
    DisableMfaForm,
    EnrolMfaForm,
    ForgotPasswordForm,
    IssueCodesForm,
    LoginForm,
    ProfileForm,
    RegisterForm,
    RenewRecoveryCodesForm,
    ResetPasswordForm,
    ResidencyCodeForm,
    RolesForm,
    SignInCodeForm,
)
from civic.accounts.models import ROLES, User
from civic.accounts.permissions import can, permission_required
from civic.audit.services import record
from civic.extensions import db, limiter, login_manager
from civic.forms import ConfirmForm, confirmation, form_checks_csrf
from civic.i18n import forget_language, safe_next
from civic.moderation import services as moderation
from civic.security import no_store
from civic.spaces.models import Area, StaffArea
from civic.timeutil import utcnow

bp = Blueprint("accounts", __name__, cli_group="users")
admin_bp = Blueprint("admin", __name__, url_prefix="/admin")

login_manager.login_view = "accounts.login"
login_manager.login_message = _l("Please log in to continue.")
login_manager.login_message_category = "info"


@functools.cache
def _signed_in():
    # Roles and whether a moderator blocked them in the same query (one round trip): nearly
    # every page and permission check asks. Built once, at first use (the options need every
    # model mapped), as every request with a session runs it (see
    # notifications.services._UNREAD).
    return (select(User, moderation.blocked_clause(User.id))
            .where(User.id == bindparam("user_id")).options(joinedload(User.role_rows)))


@login_manager.user_loader
def load_user(session_id: str):
    user_id, _sep, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    row = db.session.execute(_signed_in(), {"user_id": int(user_id)}).unique().first()
    if row is None:
        return None
    user, blocked = row
    if user.is_deleted or user.session_version != int(version):
        return None
    moderation.remember_blocked(user, blocked)
    return user


@bp.app_template_global()
def user_name(user) -> str:
    """How a person appears next to what they wrote; deleted accounts stay anonymous."""
    if user is None or user.is_deleted:
        return _("Former member")
    return user.display_name


@bp.app_template_global()
def official_label(user) -> str | None:
    """The badge beside the name of someone who speaks for the ward; it comes from the roles an
    administrator granted, so no resident can give it to themselves."""
    if user is None or user.is_deleted:
        return None
    if user.has_role("staff"):
        return ROLE_LABELS["staff"]
    if user.has_role("moderator"):
        return ROLE_LABELS["moderator"]
    return None


bp.app_template_global("can")(can)
bp.app_template_global("role_labels")(lambda: ROLE_LABELS)


def _start_session(user: User) -> None:
    session.clear()  # a fresh session id-equivalent: nothing from before sign-in carries over
    login_user(user)
    session.permanent = True


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
@form_checks_csrf
def register():
    if current_user.is_authenticated:
        return redirect(url_for("spaces.home"))
    form = RegisterForm()
    # Where the person was going (a residency QR's /verify?code=…): a hidden field of the form.
    next_page = safe_next(request.values.get("next"), "")
    if request.method == "GET":
        from civic.i18n import ui_language

        form.locale.data = ui_language()
    if form.validate_on_submit():
        services.sign_up(form.email.data, form.password.data, form.display_name.data,
                         form.locale.data)
        # Word for word the same whether the address was new or taken (see services.sign_up).
        flash(_("Thank you. We have sent a message to %(email)s. Please open the link in it to "
                "confirm your address, then log in.", email=services.normalise_email(
                    form.email.data)), "success")
        # Signing in comes next (registering signs nobody in): it goes on to where they were.
        return redirect(url_for("accounts.login", next=next_page or None))
    return render_template("accounts/register.html", form=form, next_page=next_page), (
        200 if not form.errors else 422)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute;50 per hour", methods=["POST"])
@form_checks_csrf
def login():
    if current_user.is_authenticated:
        return redirect(url_for("spaces.home"))
    form = LoginForm()
    next_page = safe_next(request.args.get("next"), "")
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data,
                                         request.remote_addr)
        except services.AccountError as error:
            form.password.errors.append(str(error))
        else:
            if user is not None and mfa.is_enrolled(user):
                _await_code(user, request.args.get("next"))
                return redirect(url_for("accounts.login_code"))
            if user is not None:
                _start_session(user)
                if user.has_role(*services.OFFICIAL_ROLES):  # and without two-step sign-in
                    flash(_("Your role lets you change what residents see. Please protect your "
                            "account with two-step sign-in."), "info")
                return redirect(next_page or url_for("spaces.home"))
            form.password.errors.append(_("The email address or password is not correct."))
    return render_template("accounts/login.html", form=form, next_page=next_page), (
        200 if not form.errors else 422)


@bp.post("/logout")
@login_required
def logout():
    services.end_all_sessions(current_user)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have logged out."), "info")
    return redirect(url_for("spaces.home"))


@bp.route("/account/confirm/<token>", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def confirm_email(token: str):
    """The link mailed at sign-up: a button confirms (mail scanners that open links do not)."""
    user = services.user_for_confirmation_token(token)
    if user is None:
        flash(_("This confirmation link is invalid or has expired. Log in to ask for a new one."),
              "error")
        return redirect(url_for("spaces.home"))
    form = ConfirmEmailForm()
    if form.validate_on_submit():
        services.confirm_email(user)
        flash(_("Your email address is confirmed. You can now take part."), "success")
        if current_user.is_authenticated and current_user.id == user.id:
            return redirect(url_for("accounts.verify"))
        return redirect(url_for("accounts.login", next=url_for("accounts.verify")))
    return render_template("accounts/confirm.html", form=form, user=user)


@bp.post("/account/confirm/resend")
@login_required
@limiter.limit("5 per hour")
def resend_confirmation():
    if current_user.is_confirmed:
        flash(_("Your email address is already confirmed."), "info")
    else:
        services.mail_later(services.CONFIRM_EMAIL, current_user)
        flash(_("We have sent a new confirmation link to %(email)s.", email=current_user.email),
              "success")
    return redirect(safe_next(request.form.get("next"), url_for("spaces.home")))


# What an account may still send before its address is confirmed: looking after itself, and
# forms that only read (checking a ballot receipt), never anything others would see.
UNCONFIRMED_MAY_POST = frozenset({
    "accounts.login", "accounts.register", "accounts.logout", "accounts.forgot_password",
    "accounts.reset_password", "accounts.profile", "accounts.change_password",
    "accounts.delete_account", "accounts.verify", "accounts.confirm_email",
    "accounts.resend_confirmation",
    "accounts.login_code", "accounts.two_step", "accounts.two_step_off",
    "accounts.new_recovery_codes",
    "i18n.switch", "i18n.toggle_furigana",
    "notifications.open_", "notifications.mark_read", "notifications.mark_all_read",
    "notifications.preferences",
    "budgets.check_receipt",
})


@bp.before_app_request
def confirmed_before_contributing():
    """An unconfirmed account reads but contributes nothing (proposals, comments, supports,
    ballots, reports, café notes...): every other change it asks for is refused here, in one
    place, so a new kind of contribution is covered without anyone remembering to."""
    if request.method in ("GET", "HEAD", "OPTIONS") or request.endpoint in UNCONFIRMED_MAY_POST:
        return None
    if not current_user.is_authenticated or current_user.is_confirmed:
        return None
    reason = _("Before you can post, support or vote, please confirm your email address with the "
               "link we sent you. Reading stays open to you.")
    if request.accept_mimetypes.best == "application/json":  # the ballot's script shows ``error``
        return jsonify(ok=False, error=reason), 403
    return render_template("accounts/unconfirmed.html", reason=reason), 403


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit("5 per hour", methods=["POST"])
@form_checks_csrf
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        user = services.find_user_by_email(form.email.data)
        services.mail_later(services.PASSWORD_RESET,
                            user if user is not None and not user.is_deleted else None)
        # The same answer whether or not the address exists, so accounts cannot be probed.
        flash(_("If an account exists for that address, we have sent a link to reset the password."),
              "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
@form_checks_csrf
def reset_password(token: str):
    user = services.user_for_reset_token(token)
    if user is None:
        flash(_("This reset link is invalid or has expired. Please ask for a new one."), "error")
        return redirect(url_for("accounts.forgot_password"))
    form = ResetPasswordForm(user=user)
    if form.validate_on_submit():
        services.reset_password(user, form.password.data)
        logout_user()
        flash(_("Your password has been changed. Please log in."), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset.html", form=form)


@bp.route("/account", methods=["GET", "POST"])
@no_store
@login_required
@form_checks_csrf
def profile():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        current_user.display_name = form.display_name.data.strip()
        current_user.locale = form.locale.data
        db.session.commit()
        forget_language()
        flash(_("Your profile has been saved."), "success")
        return redirect(url_for("accounts.profile"))
    return render_template("accounts/profile.html", form=form,
                           password_form=ChangePasswordForm(formdata=None, prefix="pw"),
                           activity=services.personal_data(current_user))


@bp.post("/account/password")
@no_store
@login_required
@limiter.limit("10 per hour")
def change_password():
    """Change the password; every other session of this person (a stolen cookie too) ends."""
    form = ChangePasswordForm(prefix="pw", user=current_user._get_current_object())
    if form.validate_on_submit():
        if current_user.check_password(form.current.data):
            user = current_user._get_current_object()
            services.change_password(user, form.password.data)
            _start_session(user)  # this browser carries on with the new session version
            flash(_("Your password has been changed. You have been logged out everywhere else."),
                  "success")
            return redirect(url_for("accounts.profile"))
        form.current.errors.append(_("The password is not correct."))
    return render_template("accounts/profile.html", form=ProfileForm(obj=current_user),
                           password_form=form,
                           activity=services.personal_data(current_user)), 422


@bp.get("/account/data.json")
@no_store
@login_required
def download_data():
    body = json.dumps(services.personal_data(current_user), ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": 'attachment; filename="civic-my-data.json"'})


@bp.route("/account/delete", methods=["GET", "POST"])
@no_store
@login_required
def delete_account():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        if current_user.check_password(form.password.data):
            user = current_user._get_current_object()
            logout_user()
            services.delete_account(user)
            session.clear()
            flash(_("Your account has been deleted. What you wrote in public stays, without your "
                    "name."), "info")
            return redirect(url_for("spaces.home"))
        form.password.errors.append(_("The password is not correct."))
    return render_template("accounts/delete.html", form=form)


@bp.route("/verify", methods=["GET", "POST"])
@login_required
@limiter.limit("10 per hour", methods=["POST"])
@form_checks_csrf
def verify():
    form = ResidencyCodeForm()
    if request.method == "GET" and request.args.get("code"):
        form.code.data = request.args["code"]  # from a QR code at an event
    if form.validate_on_submit():
        try:
            residency = services.redeem_code(current_user, form.code.data)
        except services.AccountError as error:
            form.code.errors.append(str(error))
        else:
            flash(_("You are now a verified resident of %(area)s.", area=residency.area.name),
                  "success")
            return redirect(url_for("spaces.home"))
    return render_template("accounts/verify.html", form=form), 200 if not form.errors else 422


@bp.route("/staff/codes", methods=["GET", "POST"])
@no_store
@permission_required("residency.issue_codes")
def issue_codes():
    form = IssueCodesForm()
    # 地域担当職員 issue codes for their own areas only: the choices are what the form accepts.
    areas = [area for area in db.session.scalars(select(Area).order_by(Area.position, Area.id))
             if can("residency.issue_codes", area)]
    form.area.choices = [(area.id, area.name) for area in areas]
    if form.validate_on_submit():
        area = next(area for area in areas if area.id == form.area.data)
        batch, codes = services.issue_codes(area, form.count.data, form.kind.data,
                                            form.days.data, current_user)
        sheet = [
            {
                "code": services.format_code(code),
                "qr": segno.make(url_for("accounts.verify", code=code, _external=True),
                                 error="m").svg_inline(scale=3, omitsize=False),
            }
            for code in codes
        ]
        return render_template("accounts/code_sheet.html", area=area, sheet=sheet,
                               kind=form.kind.data, batch=batch,
                               expires_at=services.batch_expiry(batch),
                               site_url=url_for("spaces.home", _external=True),
                               verify_url=url_for("accounts.verify", _external=True))
    return render_template("accounts/issue_codes.html", form=form,
                           batches=services.code_batches([a.id for a in areas]),
                           areas={a.id: a for a in areas}), 422 if form.errors else 200


@bp.route("/staff/codes/<batch>/delete", methods=["GET", "POST"])
@permission_required("residency.issue_codes")
def delete_code_batch(batch: str):
    summary = services.batch_summary(batch)
    area = db.session.get(Area, summary[0]) if summary is not None else None
    if area is None or not can("residency.issue_codes", area):
        abort(404)  # another area's batch is none of this staff member's business
    _area_id, total, used = summary
    form = ConfirmForm()
    if not form.validate_on_submit():
        return confirmation(
            form, back=url_for("accounts.issue_codes"),
            heading=_("Delete the unused codes of this batch for %(area)s?", area=area.name),
            consequence=_("%(unused)d of its %(total)d codes have not been used: they will stop "
                          "working, so letters already sent with them become useless. The "
                          "%(used)d used codes stay, as the record of who was verified with them.",
                          unused=total - used, total=total, used=used),
            button=_("Delete the unused codes"))
    deleted = services.delete_batch(batch, area, current_user)
    flash(_("%(n)d unused codes have been deleted.", n=deleted), "success")
    return redirect(url_for("accounts.issue_codes"))


@bp.cli.command("create-admin")
@click.argument("email")
@click.option("--name", default="Administrator", show_default=True, help="Display name.")
@click.password_option(help="Asked for when not given.")
def create_admin_command(email: str, name: str, password: str):
    """Create the first administrator, or make an existing account an administrator."""
    user = services.find_user_by_email(email)
    if user is None:
        if len(password) < PASSWORD_MIN:
            raise click.ClickException(f"the password needs at least {PASSWORD_MIN} characters")
        if passwords.strength(password, passwords.personal_words(email, name)) < passwords.MIN_SCORE:
            raise click.ClickException("the password is too easy to guess: add a few more words")
        user = services.create_account(email, password, name, "ja", confirmed=True)
    user.grant("admin")
    user.email_confirmed_at = user.email_confirmed_at or utcnow()  # the operator vouches
    record(None, "users.admin_created", user, email=user.email)
    db.session.commit()
    click.echo(f"{user.email} is an administrator.")


@admin_bp.get("/users")
@no_store
@permission_required("users.administer")
def users():
    query = request.args.get("q", "").strip()
    statement = select(User).where(User.deleted_at.is_(None)).order_by(User.id)
    if query:
        pattern = f"%{query.lower()}%"
        statement = statement.where(User.email.ilike(pattern) | User.display_name.ilike(pattern))
    page = db.paginate(statement, per_page=50, error_out=False)
    return render_template("admin/users.html", page=page, query=query)


@admin_bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@no_store
@permission_required("users.administer")
def user_roles(user_id: int):
    user = db.session.get(User, user_id)
    if user is None or user.is_deleted:
        abort(404)
    areas = db.session.scalars(select(Area).order_by(Area.position, Area.id)).all()
    form = RolesForm()
    form.areas.choices = [(area.id, area.name) for area in areas]
    if request.method == "GET":
        form.roles.data = sorted(user.roles)
        form.areas.data = [row.area_id for row in
                           db.session.scalars(select(StaffArea).where(StaffArea.user_id == user.id))]
    if form.validate_on_submit():
        wanted = set(form.roles.data or ()) | {"resident"}
        if user.id == current_user.id and "admin" not in wanted:
            form.roles.errors.append(_("You cannot remove your own administrator role."))
        else:
            before = sorted(user.roles)
            for role in ROLES:
                if role in wanted:
                    user.grant(role)
                else:
                    user.revoke(role)
            db.session.execute(StaffArea.__table__.delete().where(StaffArea.user_id == user.id))
            for area_id in form.areas.data or ():
                db.session.add(StaffArea(user_id=user.id, area_id=area_id))
            record(current_user, "users.roles_changed", user, before=before,
                   after=sorted(wanted), areas=form.areas.data)
            db.session.commit()
            flash(_("Roles saved for %(name)s.", name=user.display_name), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_roles.html", user=user, form=form)


# Two-step sign-in (二段階認証) -------------------------------------------------------------------

# Where an administrator who must turn two-step sign-in on may still go meanwhile.
_OPEN_WHILE_ENROLLING = {"accounts.two_step", "accounts.logout", "i18n.switch",
                         "i18n.toggle_furigana", "static", "healthz"}


@bp.before_app_request
def _admins_turn_two_step_on_first():
    if (not current_app.config["CIVIC_MFA_REQUIRED_FOR_ADMINS"] or request.endpoint is None
            or request.endpoint in _OPEN_WHILE_ENROLLING):
        return None
    if current_user.is_authenticated and mfa.is_required(current_user):
        flash(_("Administrators must turn on two-step sign-in before anything else."), "info")
        return redirect(url_for("accounts.two_step"))
    return None


bp.app_template_global("two_step_on")(mfa.is_enrolled)


def _await_code(user: User, next_url: str | None) -> None:
    """Remember, in the signed session, whose password was right; no one is signed in yet."""
    session.clear()
    minutes = current_app.config["CIVIC_MFA_PENDING_MINUTES"]
    session["mfa_pending"] = {"user": user.id, "version": user.session_version,
                              "until": int(time.time()) + 60 * minutes, "next": next_url}


def _pending_user() -> User | None:
    pending = session.get("mfa_pending")
    if not isinstance(pending, dict) or pending.get("until", 0) < time.time():
        session.pop("mfa_pending", None)
        return None
    user = db.session.get(User, pending.get("user"))
    # A logout or password change since then ends the half-finished sign-in too.
    if user is None or user.is_deleted or user.session_version != pending.get("version"):
        return None
    return user


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit("10 per minute;50 per hour", methods=["POST"])
def login_code():
    """The second step of signing in: the authenticator code (or a recovery code)."""
    if current_user.is_authenticated:
        return redirect(url_for("spaces.home"))
    user = _pending_user()
    if user is None:
        flash(_("Please log in with your password first. The code is asked for within %(n)d "
                "minutes after it.", n=current_app.config["CIVIC_MFA_PENDING_MINUTES"]), "info")
        return redirect(url_for("accounts.login"))
    form = SignInCodeForm()
    if form.validate_on_submit():
        try:
            services.refuse_while_waiting(user.email, request.remote_addr)
        except services.AccountError as error:
            form.code.errors.append(str(error))
        else:
            if mfa.check_code(user, form.code.data):
                next_url = session["mfa_pending"].get("next")
                services.clear_failed_sign_ins(user.email, request.remote_addr)
                _start_session(user)
                return redirect(safe_next(next_url, url_for("spaces.home")))
            services.count_failed_sign_in(user.email, request.remote_addr)
            form.code.errors.append(_("This code is not right, or it has been used already."))
    return render_template("accounts/login_code.html", form=form), 200 if not form.errors else 422


def _no_store(response):
    # The secret and the recovery codes must not stay in a shared computer's browser cache.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/account/mfa", methods=["GET", "POST"])
@login_required
@limiter.limit("20 per hour", methods=["POST"])
def two_step():
    """Turn two-step sign-in on: scan the QR code, confirm with a code, keep the recovery codes."""
    user = current_user._get_current_object()
    if mfa.is_enrolled(user):
        return _no_store(Response(_two_step_page(user)))
    # The secret waits in the signed session until a code proves the app has it.
    secret = session.get("mfa_setup") or mfa.new_secret()
    session["mfa_setup"] = secret
    form = EnrolMfaForm()
    if form.validate_on_submit():
        try:
            codes = mfa.enrol(user, secret, form.code.data)
        except services.AccountError as error:
            form.code.errors.append(str(error))
        else:
            session.pop("mfa_setup", None)
            return _no_store(Response(render_template("accounts/mfa_codes.html", codes=codes)))
    page = render_template("accounts/mfa_setup.html", form=form, qr=mfa.setup_qr_svg(secret, user),
                           secret=mfa.format_secret(secret), required=mfa.is_required(user))
    return _no_store(Response(page, status=422 if form.errors else 200))


@bp.post("/account/mfa/disable")
@login_required
@limiter.limit("10 per hour")
def two_step_off():
    """Turning two-step sign-in off needs the password and a code: a stolen session is not enough."""
    user = current_user._get_current_object()
    if not mfa.is_enrolled(user):
        return redirect(url_for("accounts.two_step"))
    form = DisableMfaForm(prefix="off")
    if _password_and_code_right(user, form):
        mfa.disable(user)
        flash(_("Two-step sign-in is off. You now log in with your password only."), "info")
        return redirect(url_for("accounts.profile"))
    return _no_store(Response(_two_step_page(user, off_form=form), status=422))


@bp.post("/account/mfa/recovery-codes")
@login_required
@limiter.limit("10 per hour")
def new_recovery_codes():
    """New recovery codes, for someone who used or lost theirs; the password and a code first,
    or a stolen session could take codes for itself."""
    user = current_user._get_current_object()
    if not mfa.is_enrolled(user):
        return redirect(url_for("accounts.two_step"))
    form = RenewRecoveryCodesForm(prefix="renew")
    if _password_and_code_right(user, form):
        codes = mfa.renew_recovery_codes(user)
        return _no_store(Response(render_template("accounts/mfa_codes.html", codes=codes,
                                                  renewed=True)))
    return _no_store(Response(_two_step_page(user, renew_form=form), status=422))


def _password_and_code_right(user: User, form) -> bool:
    if not form.validate_on_submit():
        return False
    if not user.check_password(form.password.data):
        form.password.errors.append(_("The password is not correct."))
        return False
    if not mfa.check_code(user, form.code.data):
        form.code.errors.append(_("This code is not right, or it has been used already."))
        return False
    return True


def _two_step_page(user: User, off_form=None, renew_form=None) -> str:
    return render_template(
        "accounts/mfa.html", codes_left=mfa.recovery_codes_left(user),
        off_form=off_form or DisableMfaForm(formdata=None, prefix="off"),
        renew_form=renew_form or RenewRecoveryCodesForm(formdata=None, prefix="renew"))
