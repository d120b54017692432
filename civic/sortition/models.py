"""無作為抽出 (sortition) records: a lottery, its register extract, invitations, replies, quotas,
the panel draw with its seed commitment, and replacements.

Personal data lives in RegisterEntry and Reply only; both are deleted at the lottery's retention
date (:func:`civic.sortition.services.purge_expired`). The panel record (LotteryDraw) keeps
pseudonyms, hashes and the seed: the audit trail that stays public after the deletion.
"""

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civic.extensions import db
from civic.timeutil import utcnow

# draft: register and invitations; replies: letters sent; committed: inputs and seed hash
# published; drawn: the panel is fixed.
STATES = ("draft", "replies", "committed", "drawn")
ALGORITHMS = ("maximin", "nash")
# Accessibility needs a reply can name: 手話 (sign language), 託児 (childcare), 車椅子 (wheelchair).
NEEDS = ("sign_language", "childcare", "wheelchair")
# The features every reply reports, as pool columns; staff add up to three more.
BASE_FEATURES = ("age_band", "gender", "area")
MAX_EXTRA_FEATURES = 3


class Lottery(db.Model):
    __table_args__ = (
        CheckConstraint("panel_size >= 1", name="panel_size_positive"),
        CheckConstraint("state IN ('draft', 'replies', 'committed', 'drawn')", name="state_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(Text, default="")
    # One line per date, e.g. "2027年2月6日（土）14時〜17時 区役所 大会議室".
    event_dates: Mapped[str] = mapped_column(Text, default="")
    letter_text: Mapped[str] = mapped_column(Text, default="")
    # Staff scope: the lottery's staff are those who act for this area (None: the whole ward).
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id", ondelete="SET NULL"))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # What the panel is invited to, generically: ("cafe", café id) now, ("meeting", id) later.
    event_type: Mapped[str] = mapped_column(String(20), default="")
    event_id: Mapped[int | None]
    panel_size: Mapped[int] = mapped_column(default=40)
    # [{"name": "職業", "values": ["会社員", …]}], at most MAX_EXTRA_FEATURES.
    extra_features: Mapped[list] = mapped_column(JSON, default=list)
    state: Mapped[str] = mapped_column(String(10), default="draft")
    # The secret behind each letter's reply code (codes are HMACs of it; only hashes are stored).
    letter_key: Mapped[str] = mapped_column(String(64))
    invitation_seed: Mapped[str] = mapped_column(String(100), default="")
    invitation_strata: Mapped[str] = mapped_column(String(40), default="")
    register_sha256: Mapped[str] = mapped_column(String(64), default="")
    register_count: Mapped[int] = mapped_column(default=0)
    retention_on: Mapped[date | None]
    personal_data_deleted_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    owner = relationship("User")
    area = relationship("Area")
    quotas: Mapped[list["LotteryQuota"]] = relationship(
        cascade="all, delete-orphan", order_by="LotteryQuota.id", back_populates="lottery")
    draw: Mapped["LotteryDraw | None"] = relationship(
        cascade="all, delete-orphan", back_populates="lottery", uselist=False)

    @property
    def features(self) -> list[str]:
        return [*BASE_FEATURES, *(extra["name"] for extra in self.extra_features)]

    @property
    def dates(self) -> list[str]:
        return [line.strip() for line in self.event_dates.splitlines() if line.strip()]


class RegisterEntry(db.Model):
    """One resident of the register extract: only what the draw and the quotas need."""

    __table_args__ = (UniqueConstraint("lottery_id", "resident_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lottery_id: Mapped[int] = mapped_column(ForeignKey("lottery.id", ondelete="CASCADE"),
                                            index=True)
    resident_id: Mapped[str] = mapped_column(String(40))
    birth_year: Mapped[int | None]
    age_band: Mapped[str] = mapped_column(String(20))
    gender: Mapped[str] = mapped_column(String(20))
    area: Mapped[str] = mapped_column(String(60))
    household: Mapped[str] = mapped_column(String(40))


class Invitation(db.Model):
    """A letter: its number is printed on it, its one-time reply code only as a hash here."""

    __table_args__ = (UniqueConstraint("lottery_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lottery_id: Mapped[int] = mapped_column(ForeignKey("lottery.id", ondelete="CASCADE"),
                                            index=True)
    number: Mapped[int]  # 1-based, in the draw's rank order
    register_entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("register_entry.id", ondelete="SET NULL"))
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    replied_at: Mapped[datetime | None]

    entry = relationship("RegisterEntry")


class Reply(db.Model):
    """An answer to a letter, online or entered by staff from paper."""

    __table_args__ = (UniqueConstraint("lottery_id", "pseudonym"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lottery_id: Mapped[int] = mapped_column(ForeignKey("lottery.id", ondelete="CASCADE"),
                                            index=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitation.id", ondelete="CASCADE"),
                                               unique=True)
    # The id in the published pool: says nothing about who it is.
    pseudonym: Mapped[str] = mapped_column(String(16))
    accepted: Mapped[bool]
    available_dates: Mapped[list] = mapped_column(JSON, default=list)
    name: Mapped[str] = mapped_column(String(80), default="")
    contact: Mapped[str] = mapped_column(String(200), default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"),
                                                index=True)
    age_band: Mapped[str] = mapped_column(String(20), default="")
    gender: Mapped[str] = mapped_column(String(20), default="")
    area: Mapped[str] = mapped_column(String(60), default="")
    extra: Mapped[dict] = mapped_column(JSON, default=dict)
    needs: Mapped[list] = mapped_column(JSON, default=list)
    consent: Mapped[bool] = mapped_column(default=False)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    invitation = relationship("Invitation")

    def values(self, lottery: Lottery) -> dict[str, str]:
        base = {"age_band": self.age_band, "gender": self.gender, "area": self.area}
        return {**base, **{extra["name"]: self.extra.get(extra["name"], "")
                           for extra in lottery.extra_features}}


class LotteryQuota(db.Model):
    __table_args__ = (
        UniqueConstraint("lottery_id", "feature", "value"),
        CheckConstraint("min_count >= 0 AND min_count <= max_count", name="bounds_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lottery_id: Mapped[int] = mapped_column(ForeignKey("lottery.id", ondelete="CASCADE"),
                                            index=True)
    feature: Mapped[str] = mapped_column(String(40))
    value: Mapped[str] = mapped_column(String(60))
    min_count: Mapped[int]
    max_count: Mapped[int]

    lottery: Mapped[Lottery] = relationship(back_populates="quotas")


class LotteryDraw(db.Model):
    """The panel draw: inputs and the seed's hash published first, then the seed and the panel.

    Everything here is public (pseudonyms only) and outlives the retention deletion.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    lottery_id: Mapped[int] = mapped_column(ForeignKey("lottery.id", ondelete="CASCADE"),
                                            unique=True)
    algorithm: Mapped[str] = mapped_column(String(10), default="maximin")
    size: Mapped[int]
    pool_csv: Mapped[str] = mapped_column(Text)
    features_csv: Mapped[str] = mapped_column(Text)
    pool_sha256: Mapped[str] = mapped_column(String(64))
    features_sha256: Mapped[str] = mapped_column(String(64))
    # SHA-256 of the secret part of the seed, published before the draw.
    commitment: Mapped[str] = mapped_column(String(64))
    secret: Mapped[str] = mapped_column(String(64))
    committed_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Digits drawn in public at the event and typed in (optional), appended to the secret.
    public_digits: Mapped[str] = mapped_column(String(40), default="")
    seed: Mapped[str] = mapped_column(String(120), default="")
    selected: Mapped[list] = mapped_column(JSON, default=list)  # the draw, pseudonyms
    panel: Mapped[list] = mapped_column(JSON, default=list)  # now, after replacements
    probabilities: Mapped[dict] = mapped_column(JSON, default=dict)
    min_probability: Mapped[float | None]
    drawn_at: Mapped[datetime | None]
    invited_at: Mapped[datetime | None]

    lottery: Mapped[Lottery] = relationship(back_populates="draw")
    replacements: Mapped[list["LotteryReplacement"]] = relationship(
        cascade="all, delete-orphan", order_by="LotteryReplacement.id")


class LotteryReplacement(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    draw_id: Mapped[int] = mapped_column(ForeignKey("lottery_draw.id", ondelete="CASCADE"),
                                         index=True)
    dropped: Mapped[str] = mapped_column(String(16))
    replacement: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(200))
    candidates: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
