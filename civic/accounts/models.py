"""People, their roles, and proof that they live in an area (居住確認)."""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from civic.extensions import db
from civic.timeutil import utcnow

# resident: everyone who registers; the others are granted by an admin.
ROLES = ("resident", "facilitator", "staff", "moderator", "admin")


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    display_name: Mapped[str] = mapped_column(String(80))
    locale: Mapped[str] = mapped_column(String(16), default="ja")
    # ふりがな over kanji on Japanese pages (guests keep the choice in a cookie).
    furigana: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Bumped at logout and password change: every session cookie carrying the old value dies.
    session_version: Mapped[int] = mapped_column(default=1)
    # Demo accounts have published passwords; the production config refuses them.
    is_demo: Mapped[bool] = mapped_column(default=False)
    deleted_at: Mapped[datetime | None]
    # When the person opened the link mailed at sign-up; until then the account reads but does
    # not contribute (see accounts.views.confirmed_before_contributing).
    email_confirmed_at: Mapped[datetime | None]

    role_rows: Mapped[list["UserRole"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )
    residency: Mapped["Residency | None"] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="joined",
        foreign_keys="Residency.user_id",
    )
    # 地域担当職員: the areas a staff member is assigned to (none: city-wide staff). Loaded on
    # first use, as only permission checks on staff ask.
    staff_area_rows = relationship("StaffArea", viewonly=True, lazy="select")

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def roles(self) -> set[str]:
        return {row.role for row in self.role_rows}

    def has_role(self, *roles: str) -> bool:
        mine = self.roles
        return "admin" in mine or any(role in mine for role in roles)

    def grant(self, role: str) -> None:
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}")
        if role not in self.roles:
            self.role_rows.append(UserRole(role=role))

    def revoke(self, role: str) -> None:
        self.role_rows = [row for row in self.role_rows if row.role != role]

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    @property
    def staff_area_ids(self) -> frozenset[int]:
        return frozenset(row.area_id for row in self.staff_area_rows)

    def verified_area_id(self) -> int | None:
        return self.residency.area_id if self.residency else None


class UserRole(db.Model):
    __table_args__ = (UniqueConstraint("user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))

    user: Mapped[User] = relationship(back_populates="role_rows")


class ResidencyCode(db.Model):
    """A one-time code that proves residence in an area: mailed on a letter or handed out at an event.

    Only a hash is stored; the code itself is shown once, on the sheet printed when it is issued.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"), index=True)
    batch: Mapped[str] = mapped_column(String(32), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # "letter" or "event"
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    used_at: Mapped[datetime | None]

    area = relationship("Area")


class Residency(db.Model):
    """A verified resident of one area. Moving house means entering a code for the new area."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), unique=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"), index=True)
    code_id: Mapped[int | None] = mapped_column(ForeignKey("residency_code.id", ondelete="SET NULL"))
    verified_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="residency", foreign_keys=[user_id])
    area = relationship("Area")


class SignInThrottle(db.Model):
    """Failed sign-ins in a row for one email address from one client address.

    Keyed by keyed hashes of the typed address (whether or not an account has it, so the answer
    never tells) and of the client address: guesses from one place wait longer and longer,
    while the owner signing in from anywhere else is not held up. ``account_key`` (the hash of
    the email address alone) lets a password reset clear the waits of that address everywhere.
    """

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_key: Mapped[str] = mapped_column(String(64), index=True)
    failures: Mapped[int] = mapped_column(default=0)
    last_failed_at: Mapped[datetime] = mapped_column(index=True)
class TotpFactor(db.Model):
    """A person's authenticator app for two-step sign-in (二段階認証): the RFC 6238 shared secret.

    The secret is stored as it is: the app must be able to compute the codes, so it cannot be
    hashed, and no encryption library is installed (the database and its backups hold it).
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), unique=True)
    secret: Mapped[str] = mapped_column(String(64))
    # The newest 30-second time step whose code was accepted: a code is good once, so one seen
    # over a shoulder or phished cannot be replayed in the same minute.
    last_step: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RecoveryCode(db.Model):
    """A single-use code for signing in without the authenticator app; only its hash is kept."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    used_at: Mapped[datetime | None]
