"""Accounts: registration, sign-in, password reset, residency codes, personal data."""

import hashlib
import hmac
import secrets
import unicodedata
import uuid
from collections.abc import Callable
from datetime import timedelta
from functools import cache

from flask import current_app, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from civic.accounts import names
from civic.accounts.models import Residency, ResidencyCode, SignInThrottle, User, UserRole
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


def create_account(email: str, password: str, display_name: str, locale: str,
                   confirmed: bool = False) -> User:
    """A new resident account; ``confirmed`` when someone trusted vouches for the address."""
    user = User(email=normalise_email(email), display_name=display_name.strip(), locale=locale,
                email_confirmed_at=utcnow() if confirmed else None)
    user.set_password(password)
    user.grant("resident")
    db.session.add(user)
    db.session.commit()
    return user


def sign_up(email: str, password: str, display_name: str, locale: str) -> None:
    """Registration from the web: the same work and answer whether or not the address is taken.

    A new address gets an account and a confirmation link; a taken one gets a notice to its
    owner (with a link to reset the password) and nothing else, so nobody learns from the answer
    which addresses have accounts.
    """
    if find_user_by_email(email) is None:
        try:
            user = create_account(email, password, display_name, locale)
        except IntegrityError:  # someone registered the same address a moment ago
            db.session.rollback()
        else:
            mail_later(CONFIRM_EMAIL, user)
            return
    generate_password_hash(password)  # as long as the new account's hash takes
    mail_later(ALREADY_REGISTERED, find_user_by_email(email))


# Failed sign-ins allowed in a row from one client address before it waits for that email address;
# then the wait doubles with each failure. Counts older than a day start again.
LOGIN_FREE_FAILURES = 5
LOGIN_FIRST_WAIT = timedelta(seconds=30)
LOGIN_MAX_WAIT = timedelta(minutes=15)
LOGIN_FORGET = timedelta(days=1)


def login_wait(failures: int) -> timedelta | None:
    """How long to wait after ``failures`` failed sign-ins in a row (None: no wait)."""
    if failures < LOGIN_FREE_FAILURES:
        return None
    return min(LOGIN_FIRST_WAIT * 2 ** min(failures - LOGIN_FREE_FAILURES, 16), LOGIN_MAX_WAIT)


def _keyed_hash(*parts: str) -> str:
    # Keyed, so the table does not reveal which addresses were tried from where.
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, "\n".join(parts).encode(), hashlib.sha256).hexdigest()


def authenticate(email: str, password: str, client_address: str) -> User | None:
    """The user for these credentials, or None; raises AccountError while this client waits.

    Waits count per (email address, client address): the owner elsewhere signs in as usual, and
    an address without an account waits exactly like one with, so the answer tells nothing.
    """
    email = normalise_email(email)
    refuse_while_waiting(email, client_address)
    user = find_user_by_email(email)
    if user is None or user.is_deleted:
        # Same work either way, so response time does not reveal which emails exist.
        check_password_hash(_dummy_hash(), password)
        user = None
    elif not user.check_password(password) or (
            user.is_demo and current_app.config["CIVIC_ENV"] == "production"):
        user = None
    if user is None:
        count_failed_sign_in(email, client_address)
        return None
    from civic.accounts import mfa

    # With two-step sign-in the count carries on through the code step, so guessing codes
    # waits too: a right password alone does not start the count again.
    if not mfa.is_enrolled(user):
        clear_failed_sign_ins(email, client_address)
    return user


def refuse_while_waiting(email: str, client_address: str) -> None:
    """Raise AccountError while this client waits after failed sign-ins for this address."""
    from flask_babel import gettext as _

    throttle = db.session.get(SignInThrottle, _keyed_hash(normalise_email(email),
                                                          client_address or ""))
    now = utcnow()
    wait = login_wait(throttle.failures) if throttle is not None else None
    if wait is not None and throttle.last_failed_at + wait > now:
        left = (throttle.last_failed_at + wait - now).total_seconds()
        raise AccountError(_("Too many failed attempts. Please try again in %(minutes)d "
                             "minutes, or reset your password.",
                             minutes=max(1, -(-int(left) // 60))))


def count_failed_sign_in(email: str, client_address: str) -> None:
    """One more failure in a row from this client (a wrong password or code)."""
    email = normalise_email(email)
    _count_failure(_keyed_hash(email, client_address or ""), _keyed_hash(email), utcnow())


def clear_failed_sign_ins(email: str, client_address: str) -> None:
    key = _keyed_hash(normalise_email(email), client_address or "")
    if db.session.execute(delete(SignInThrottle).where(SignInThrottle.key == key)).rowcount:
        db.session.commit()


def _count_failure(key: str, account_key: str, now) -> None:
    """One more failure in a row, in one statement, so parallel guesses are all counted.

    Streaks older than LOGIN_FORGET go first, this one's included: the table holds at most a day
    of failures however many addresses are tried.
    """
    db.session.execute(delete(SignInThrottle)
                       .where(SignInThrottle.last_failed_at < now - LOGIN_FORGET))
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(SignInThrottle).values(key=key, account_key=account_key, failures=1,
                                              last_failed_at=now)
    db.session.execute(statement.on_conflict_do_update(
        index_elements=[SignInThrottle.key],
        set_={"failures": SignInThrottle.failures + 1, "last_failed_at": now},
    ))
    db.session.commit()


@cache
def _dummy_hash() -> str:
    return generate_password_hash(secrets.token_hex(8))


def end_all_sessions(user: User) -> None:
    """Invalidate every session cookie of this user (logout, password change)."""
    user.session_version = (user.session_version or 0) + 1


def change_password(user: User, password: str) -> None:
    user.set_password(password)
    db.session.execute(delete(SignInThrottle)
                       .where(SignInThrottle.account_key == _keyed_hash(user.email)))
    end_all_sessions(user)
    db.session.commit()


def reset_password(user: User, password: str) -> None:
    """A new password by a mailed link, which also proves the address is the person's."""
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
    change_password(user, password)


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


# Confirming the email address --------------------------------------------------------------

def _confirm_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="email-confirm")


def confirmation_token(user: User) -> str:
    # The address is in the token: a link mailed to an earlier address confirms nothing.
    return _confirm_serializer().dumps({"id": user.id, "e": user.email})


def user_for_confirmation_token(token: str) -> User | None:
    try:
        data = _confirm_serializer().loads(
            token, max_age=current_app.config["CIVIC_EMAIL_CONFIRM_MAX_AGE"]
        )
    except (SignatureExpired, BadSignature):
        return None
    user = db.session.get(User, data.get("id"))
    if user is None or user.is_deleted or user.email != data.get("e"):
        return None
    return user


def confirm_email(user: User) -> None:
    """Mark the address confirmed; opening the link again changes nothing."""
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
        db.session.commit()


# Account mail goes out through the jobs queue: the request only enqueues, so neither SMTP's
# delays nor its failures show in the answer (whose timing would tell which addresses exist).
CONFIRM_EMAIL, ALREADY_REGISTERED, PASSWORD_RESET = "confirm_email", "already_registered", \
    "password_reset"


def mail_later(message: str, user: User | None) -> None:
    """Queue ``message`` for ``user``; with no user the job sends nothing but costs the same.

    The job's links are built on the site's root as ``url_for`` makes it here: CIVIC_BASE_URL
    when set (production requires it), never a Host header an attacker chose.
    The job holds the user's id, not the link: tokens are made when the mail is written, so no
    working link sits in the jobs table.
    """
    from civic.jobs.services import enqueue

    enqueue("accounts.mail", {"message": message, "user_id": user.id if user else None,
                              "base_url": url_for("spaces.home", _external=True)})


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


def batch_summary(batch: str):
    """(area id, codes, used) of an issued batch, or None if there is no such batch."""
    row = db.session.execute(
        select(ResidencyCode.area_id, func.count(), func.count(ResidencyCode.used_at))
        .where(ResidencyCode.batch == batch).group_by(ResidencyCode.area_id)).first()
    return tuple(row) if row else None


def delete_batch(batch: str, area, actor: User) -> int:
    """Delete the codes of a batch that nobody used (a lost or misprinted sheet). Used codes
    stay: they are the record of how each resident was verified. Returns how many went."""
    deleted = db.session.execute(delete(ResidencyCode).where(
        ResidencyCode.batch == batch, ResidencyCode.used_at.is_(None))).rowcount
    record(actor, "residency.codes_deleted", area, batch=batch, count=deleted)
    db.session.commit()
    return deleted


def batch_expiry(batch: str):
    """When the codes of a batch stop working (all codes of a batch share it)."""
    return db.session.scalar(select(func.min(ResidencyCode.expires_at))
                             .where(ResidencyCode.batch == batch))


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
