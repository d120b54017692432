import functools
import json

import click
import segno
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
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from civic import mail
from civic.accounts import services
from civic.accounts.forms import (
    PASSWORD_MIN,
    ROLE_LABELS,
    ChangePasswordForm,
    DeleteAccountForm,
    ForgotPasswordForm,
    IssueCodesForm,
    LoginForm,
    ProfileForm,
    RegisterForm,
    ResetPasswordForm,
    ResidencyCodeForm,
    RolesForm,
)
from civic.accounts.models import ROLES, User
from civic.accounts.permissions import can, permission_required
from civic.audit.services import record
from civic.extensions import db, limiter, login_manager
from civic.forms import form_checks_csrf
from civic.i18n import forget_language, safe_next
from civic.moderation import services as moderation
from civic.spaces.models import Area, StaffArea

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
        user = services.register(form.email.data, form.password.data, form.display_name.data,
                                 form.locale.data)
        _start_session(user)
        flash(_("Welcome, %(name)s. Your account is ready.", name=user.display_name), "success")
        return redirect(next_page or url_for("accounts.verify"))
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
            user = services.authenticate(form.email.data, form.password.data)
        except services.AccountError as error:
            form.password.errors.append(str(error))
        else:
            if user is not None:
                _start_session(user)
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


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit("5 per hour", methods=["POST"])
@form_checks_csrf
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        user = services.find_user_by_email(form.email.data)
        if user is not None and not user.is_deleted:
            link = url_for("accounts.reset_password", token=services.reset_token(user),
                           _external=True)
            mail.send(user.email, _("Reset your civic password"),
                      _("Open this link within one hour to choose a new password:\n\n%(link)s\n\n"
                        "If you did not ask for this, you can ignore this message.", link=link))
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
    form = ResetPasswordForm()
    if form.validate_on_submit():
        services.change_password(user, form.password.data)
        logout_user()
        flash(_("Your password has been changed. Please log in."), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset.html", form=form)


@bp.route("/account", methods=["GET", "POST"])
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
@login_required
@limiter.limit("10 per hour")
def change_password():
    """Change the password; every other session of this person (a stolen cookie too) ends."""
    form = ChangePasswordForm(prefix="pw")
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
@login_required
def download_data():
    body = json.dumps(services.personal_data(current_user), ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": 'attachment; filename="civic-my-data.json"'})


@bp.route("/account/delete", methods=["GET", "POST"])
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
@permission_required("residency.issue_codes")
def issue_codes():
    form = IssueCodesForm()
    areas = db.session.scalars(select(Area).order_by(Area.position, Area.id)).all()
    form.area.choices = [(area.id, area.name) for area in areas]
    if form.validate_on_submit():
        area = db.session.get(Area, form.area.data)
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
                               kind=form.kind.data, batch=batch)
    return render_template("accounts/issue_codes.html", form=form,
                           batches=services.code_batches(), areas={a.id: a for a in areas})


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
        user = services.register(email, password, name, "ja")
    user.grant("admin")
    record(None, "users.admin_created", user, email=user.email)
    db.session.commit()
    click.echo(f"{user.email} is an administrator.")


@admin_bp.get("/users")
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
