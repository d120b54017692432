"""Accounts: registration, sign-in, password reset, residency codes, personal data."""

import hashlib
import secrets
import unicodedata
import uuid
from collections.abc import Callable
from datetime import timedelta
from functools import cache

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from civic.accounts import names
from civic.accounts.models import Residency, ResidencyCode, User, UserRole
from civic.audit.services import record
from civic.extensions import db
from civic.timeutil import utcnow

# Unambiguous on paper and phone keyboards: no 0/O, 1/I/L.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12


class AccountError(Exception):
    """A problem the person can fix; ``str(error)`` is a translated message."""


def normalise_email(email: str) -> str:
    return unicodedata.normalize("NFKC", email).strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def register(email: str, password: str, display_name: str, locale: str) -> User:
    user = User(email=normalise_email(email), display_name=display_name.strip(), locale=locale)
    user.set_password(password)
    user.grant("resident")
    db.session.add(user)
    db.session.commit()
    return user


# Failed sign-ins allowed in a row before the account waits; then the wait doubles each time.
LOGIN_FREE_FAILURES = 5
LOGIN_FIRST_WAIT = timedelta(seconds=30)
LOGIN_MAX_WAIT = timedelta(hours=1)


def login_wait(failures: int) -> timedelta | None:
    """How long an account waits after ``failures`` failed sign-ins in a row (None: no wait)."""
    if failures < LOGIN_FREE_FAILURES:
        return None
    return min(LOGIN_FIRST_WAIT * 2 ** min(failures - LOGIN_FREE_FAILURES, 16), LOGIN_MAX_WAIT)


def authenticate(email: str, password: str) -> User | None:
    """The user for these credentials, or None; raises AccountError while the account waits.

    Failures are counted on the account with a conditional UPDATE, so guesses spread over many
    addresses or sent in parallel still back off.
    """
    user = find_user_by_email(email)
    if user is None or user.is_deleted:
        # Same work either way, so response time does not reveal which emails exist.
        check_password_hash(_dummy_hash(), password)
        return None
    refuse_while_locked(user)
    if not user.check_password(password):
        count_failed_sign_in(user)
        return None
    if user.is_demo and current_app.config["CIVIC_ENV"] == "production":
        return None
    from civic.accounts import mfa

    # With two-step sign-in the count carries on through the code step, so guessing codes
    # backs off too: a right password alone does not start the count again.
    if not mfa.is_enrolled(user):
        clear_failed_sign_ins(user)
    return user


def refuse_while_locked(user: User) -> None:
    """Raise AccountError while the account waits after failed sign-ins."""
    from flask_babel import gettext as _

    now = utcnow()
    if user.locked_until is not None and user.locked_until > now:
        minutes = max(1, -(-int((user.locked_until - now).total_seconds()) // 60))
        raise AccountError(_("Too many failed attempts for this account. Please try again in "
                             "%(minutes)d minutes, or reset your password.", minutes=minutes))


def count_failed_sign_in(user: User) -> None:
    """One more failure in a row (a wrong password or code); past a few, the account waits."""
    db.session.execute(update(User).where(User.id == user.id)
                       .values(failed_logins=User.failed_logins + 1))
    db.session.refresh(user, ["failed_logins"])
    wait = login_wait(user.failed_logins)
    if wait is not None:
        user.locked_until = utcnow() + wait
    db.session.commit()


def clear_failed_sign_ins(user: User) -> None:
    if user.failed_logins or user.locked_until:
        user.failed_logins, user.locked_until = 0, None
        db.session.commit()


@cache
def _dummy_hash() -> str:
    return generate_password_hash(secrets.token_hex(8))


def end_all_sessions(user: User) -> None:
    """Invalidate every session cookie of this user (logout, password change)."""
    user.session_version = (user.session_version or 0) + 1


def change_password(user: User, password: str) -> None:
    user.set_password(password)
    user.failed_logins, user.locked_until = 0, None
    end_all_sessions(user)
    db.session.commit()


# Password reset --------------------------------------------------------------------------

def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def reset_token(user: User) -> str:
    # The hash fragment makes a token single-use: it stops matching once the password changes.
    return _reset_serializer().dumps({"id": user.id, "h": user.password_hash[-16:]})


def user_for_reset_token(token: str) -> User | None:
    try:
        data = _reset_serializer().loads(
            token, max_age=current_app.config["CIVIC_PASSWORD_RESET_MAX_AGE"]
        )
    except (SignatureExpired, BadSignature):
        return None
    user = db.session.get(User, data.get("id"))
    if user is None or user.is_deleted or user.password_hash[-16:] != data.get("h"):
        return None
    return user


# Residency codes (居住確認コード) ---------------------------------------------------------------

def normalise_code(raw: str) -> str:
    """Accept what people type: full-width characters, lower case, spaces and hyphens."""
    text = unicodedata.normalize("NFKC", raw).upper()
    return "".join(ch for ch in text if ch.isalnum())


def format_code(code: str) -> str:
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def _hash_code(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def issue_codes(area, count: int, kind: str, days: int, issued_by: User) -> tuple[str, list[str]]:
    """Create ``count`` one-time codes; returns the batch id and the codes (shown only now)."""
    batch = uuid.uuid4().hex
    expires = utcnow() + timedelta(days=days)
    codes = []
    for _ in range(count):
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        codes.append(code)
        db.session.add(ResidencyCode(area_id=area.id, batch=batch, kind=kind,
                                     code_hash=_hash_code(code), issued_by_id=issued_by.id,
                                     expires_at=expires))
    record(issued_by, "residency.codes_issued", area, batch=batch, count=count, kind=kind)
    db.session.commit()
    return batch, codes


def redeem_code(user: User, raw_code: str) -> Residency:
    """Make ``user`` a verified resident of the code's area. Each code works exactly once."""
    from flask_babel import gettext as _

    code = normalise_code(raw_code)
    row = db.session.scalar(select(ResidencyCode).where(ResidencyCode.code_hash == _hash_code(code)))
    if row is None:
        raise AccountError(_("This code is not valid. Please check it and try again."))
    if row.used_at is not None:
        raise AccountError(_("This code has already been used."))
    if row.expires_at < utcnow():
        raise AccountError(_("This code has expired. Please ask the ward office for a new one."))
    # Claim the code in one conditional UPDATE so two people racing for it cannot both win.
    claimed = db.session.execute(
        update(ResidencyCode)
        .where(ResidencyCode.id == row.id, ResidencyCode.used_at.is_(None))
        .values(used_at=utcnow(), used_by_id=user.id)
    ).rowcount
    if claimed != 1:
        db.session.rollback()
        raise AccountError(_("This code has already been used."))
    residency = user.residency or Residency(user_id=user.id, area_id=row.area_id)
    residency.area_id = row.area_id
    residency.code_id = row.id
    residency.verified_at = utcnow()
    db.session.add(residency)
    db.session.commit()
    return residency


def code_batches(area_ids=None):
    """Issued batches with how many codes were used, newest first."""
    query = (
        select(ResidencyCode.batch, ResidencyCode.area_id, ResidencyCode.kind,
               func.min(ResidencyCode.issued_at), func.count(), func.count(ResidencyCode.used_at))
        .group_by(ResidencyCode.batch, ResidencyCode.area_id, ResidencyCode.kind)
        .order_by(func.min(ResidencyCode.issued_at).desc())
    )
    if area_ids is not None:
        query = query.where(ResidencyCode.area_id.in_(area_ids))
    return db.session.execute(query).all()


# Personal data --------------------------------------------------------------------------------

# Packages add what they store about a person: fn(user) -> (section name, JSON-able data).
personal_data_sections: list[Callable[[User], tuple[str, object]]] = []


def personal_data(user: User) -> dict:
    data = {
        "account": {
            "email": user.email,
            "display_name": user.display_name,
            "locale": user.locale,
            "created_at": user.created_at.isoformat() + "Z",
            "roles": sorted(user.roles),
        },
        "residency": (
            {"area": user.residency.area.name,
             "verified_at": user.residency.verified_at.isoformat() + "Z"}
            if user.residency else None
        ),
    }
    for section in personal_data_sections:
        name, value = section(user)
        data[name] = value
    return data


def delete_account(user: User) -> None:
    """Remove personal data; what the person wrote in public stays, under an anonymous name."""
    user.email = f"deleted-{user.id}-{secrets.token_hex(4)}@invalid"
    user.display_name = ""
    user.set_password(secrets.token_urlsafe(32))
    user.role_rows = []
    user.residency = None
    from civic.accounts import mfa

    mfa.remove(user)
    user.deleted_at = utcnow()
    end_all_sessions(user)
    db.session.commit()


# Display names (なりすまし対策) ------------------------------------------------------------------

# Roles whose holders speak for the ward: nobody else may take their names.
OFFICIAL_ROLES = ("staff", "moderator", "admin")


def official_names(except_user_id: int | None = None) -> list[str]:
    statement = (select(User.display_name).join(UserRole, UserRole.user_id == User.id)
                 .where(UserRole.role.in_(OFFICIAL_ROLES), User.deleted_at.is_(None)).distinct())
    if except_user_id is not None:
        statement = statement.where(User.id != except_user_id)
    return list(db.session.scalars(statement))


def display_name_problem(name: str, user: User | None = None) -> str | None:
    """Why ``name`` cannot be the display name of ``user`` (None: someone new), translated; or None.

    One rule for registration, the profile and café guests: no invisible characters, nothing
    that folds to a staff member's name, and an office's name only for staff themselves.
    """
    from flask_babel import gettext as _

    if names.has_invisible(name):
        return _("Names cannot contain invisible characters or characters that change the "
                 "direction of the text.")
    if names.collides(name, official_names(user.id if user else None)):
        return _("This name is too close to the name of a ward staff member. Please choose "
                 "another one.")
    if user is None or not user.has_role(*OFFICIAL_ROLES):
        office = names.office_in(name, current_app.config["CIVIC_OFFICE_NAMES"])
        if office:
            return _("Only ward staff may use the name of a ward office (%(office)s) in their "
                     "name.", office=office)
    return None
