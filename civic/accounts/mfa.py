"""Two-step sign-in (二段階認証): a code from an authenticator app (TOTP, RFC 6238) after the password.

pyotp computes the codes and segno draws the QR code on our own page, so the secret never
leaves the server for a QR web service. Each TOTP code and each recovery code works once.
"""

import hashlib
import hmac
import secrets
import time
import unicodedata

import pyotp
import segno
from flask import current_app
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from civic.accounts.models import RecoveryCode, TotpFactor, User
from civic.accounts.services import CODE_ALPHABET, AccountError
from civic.audit.services import record
from civic.extensions import db
from civic.timeutil import utcnow

TOTP_DIGITS = 6  # what every authenticator app shows by default
RECOVERY_CODE_COUNT = 10
RECOVERY_CODE_LENGTH = 10  # about 50 bits each from the unambiguous alphabet: unguessable
# Codes of the step before and after the current one are accepted too: phone clocks drift,
# and typing a code takes a few seconds.
CLOCK_DRIFT_STEPS = 1


def factor(user: User) -> TotpFactor | None:
    return db.session.scalar(select(TotpFactor).where(TotpFactor.user_id == user.id))


def is_enrolled(user: User) -> bool:
    return factor(user) is not None


def is_required(user: User) -> bool:
    """Whether this person may do nothing before turning two-step sign-in on."""
    return bool(current_app.config["CIVIC_MFA_REQUIRED_FOR_ADMINS"] and "admin" in user.roles
                and not is_enrolled(user))


def new_secret() -> str:
    return pyotp.random_base32()


def setup_qr_svg(secret: str, user: User) -> str:
    """The QR code authenticator apps scan: an otpauth:// link with the secret, as inline SVG."""
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.email,
                                              issuer_name=current_app.config["CIVIC_SITE_NAME"])
    return segno.make(uri, error="m").svg_inline(scale=4, omitsize=False)


def format_secret(secret: str) -> str:
    """The secret in groups of four, for typing it into an app by hand."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def _normalise(code: str) -> str:
    text = unicodedata.normalize("NFKC", code or "").upper()
    return "".join(ch for ch in text if ch.isalnum())


def _matching_step(secret: str, code: str, after: int) -> int | None:
    """The time step near now whose code is ``code`` and that is newer than ``after``."""
    totp = pyotp.TOTP(secret)
    now = totp.timecode(time.time())
    for step in range(now - CLOCK_DRIFT_STEPS, now + CLOCK_DRIFT_STEPS + 1):
        if step > after and hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _hash_recovery_code(user_id: int, code: str) -> str:
    return hashlib.sha256(f"{user_id}:{code}".encode()).hexdigest()


def format_recovery_code(code: str) -> str:
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def _new_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = ["".join(secrets.choice(CODE_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
             for _ in range(RECOVERY_CODE_COUNT)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash_recovery_code(user.id, code))
                       for code in codes)
    return [format_recovery_code(code) for code in codes]


def enrol(user: User, secret: str, code: str) -> list[str]:
    """Turn two-step sign-in on once the app shows the right code; returns the recovery codes
    (shown once). Raises AccountError for a wrong code."""
    from flask_babel import gettext as _

    step = _matching_step(secret, _normalise(code), after=0)
    if step is None:
        raise AccountError(_("This code is not right. Check that the app shows the account you "
                             "just added, and enter the code it shows now."))
    db.session.add(TotpFactor(user_id=user.id, secret=secret, last_step=step))
    codes = _new_recovery_codes(user)
    record(user, "accounts.mfa_enabled", user)
    try:
        db.session.commit()
    except IntegrityError:  # the same form sent twice: the first one turned it on
        db.session.rollback()
        raise AccountError(_("Two-step sign-in is already on for your account.")) from None
    return codes


def check_code(user: User, code: str) -> bool:
    """Whether ``code`` is a current TOTP code not used before, or an unused recovery code.

    Either is claimed with a conditional UPDATE, so two requests racing with the same code
    cannot both pass.
    """
    code = _normalise(code)
    current = factor(user)
    if current is None or not code:
        return False
    if len(code) == TOTP_DIGITS and code.isdigit():
        step = _matching_step(current.secret, code, after=current.last_step)
        claimed = step is not None and db.session.execute(
            update(TotpFactor).where(TotpFactor.id == current.id, TotpFactor.last_step < step)
            .values(last_step=step)).rowcount == 1
    else:
        claimed = db.session.execute(
            update(RecoveryCode)
            .where(RecoveryCode.user_id == user.id,
                   RecoveryCode.code_hash == _hash_recovery_code(user.id, code),
                   RecoveryCode.used_at.is_(None))
            .values(used_at=utcnow())).rowcount == 1
        if claimed:
            record(user, "accounts.recovery_code_used", user)
    db.session.commit()
    return claimed


def renew_recovery_codes(user: User) -> list[str]:
    """A fresh set of recovery codes (shown once); the old ones stop working."""
    codes = _new_recovery_codes(user)
    record(user, "accounts.recovery_codes_renewed", user)
    db.session.commit()
    return codes


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(select(func.count()).select_from(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)))


def remove(user: User) -> None:
    """Forget the factor and the recovery codes (the caller commits)."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.execute(delete(TotpFactor).where(TotpFactor.user_id == user.id))


def disable(user: User) -> None:
    remove(user)
    record(user, "accounts.mfa_disabled", user)
    db.session.commit()
