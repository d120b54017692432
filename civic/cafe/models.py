"""World café (ワールドカフェ): tables, rounds, seats, and the notes each table keeps.

A café belongs to a process. Its rounds are planned up front by :mod:`civic.cafe.rotation` when
the facilitator starts it; every seat is a row, so "who sits where in which round" is a query and a
person can never hold two seats in one round (unique constraint).
"""

from datetime import datetime, timedelta

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civic.extensions import db
from civic.timeutil import utcnow

MODES = ("classic", "topic")
# open: people join, nobody is seated yet; running/paused: a round is on; break: between rounds;
# finished: the last round is over (the harvest stays readable).
STATES = ("open", "running", "paused", "break", "finished")


class Cafe(db.Model):
    __table_args__ = (
        CheckConstraint("table_size >= 2", name="table_size_positive"),
        CheckConstraint("round_count >= 1", name="round_count_positive"),
        CheckConstraint("round_minutes >= 1", name="round_minutes_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("process.id", ondelete="CASCADE"),
                                            index=True)
    title: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(Text, default="")
    mode: Mapped[str] = mapped_column(String(10), default="classic")
    round_minutes: Mapped[int] = mapped_column(default=20)
    table_size: Mapped[int] = mapped_column(default=5)
    round_count: Mapped[int] = mapped_column(default=3)
    verification_required: Mapped[bool] = mapped_column(default=False)
    # One line per table, "topic | meeting link"; tables are made from it when the café starts.
    table_lines: Mapped[str] = mapped_column(Text, default="")
    # The secret part of the join link and QR code.
    join_code: Mapped[str] = mapped_column(String(32), unique=True)
    state: Mapped[str] = mapped_column(String(10), default="open")
    current_round: Mapped[int] = mapped_column(default=0)  # 0: not started
    # Bumped by every seat change; also taken as a row lock so seat changes run one at a time.
    seat_version: Mapped[int] = mapped_column(default=0)
    broadcast: Mapped[str] = mapped_column(String(300), default="")
    broadcast_at: Mapped[datetime | None]
    # When a facilitator made the harvest public (None: only they and staff read it); see
    # services.publish_harvest for what becomes public.
    harvest_published_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    process = relationship("Process")
    created_by = relationship("User")
    rounds: Mapped[list["CafeRound"]] = relationship(
        back_populates="cafe", cascade="all, delete-orphan", order_by="CafeRound.number")
    tables: Mapped[list["CafeTable"]] = relationship(
        back_populates="cafe", cascade="all, delete-orphan", order_by="CafeTable.number",
        foreign_keys="CafeTable.cafe_id")
    facilitator_rows: Mapped[list["CafeFacilitator"]] = relationship(
        back_populates="cafe", cascade="all, delete-orphan")

    def round(self, number: int) -> "CafeRound | None":
        return next((r for r in self.rounds if r.number == number), None)

    @property
    def live_broadcast(self) -> str:
        """The message the tables see: none once the café has ended, however it ended."""
        return "" if self.state == "finished" else self.broadcast

    @property
    def live_round(self) -> "CafeRound | None":
        return self.round(self.current_round) if self.current_round else None


class CafeFacilitator(db.Model):
    """Someone besides the creator who may run this café's console."""

    __table_args__ = (UniqueConstraint("cafe_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cafe_id: Mapped[int] = mapped_column(ForeignKey("cafe.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)

    cafe: Mapped[Cafe] = relationship(back_populates="facilitator_rows")


class CafeRound(db.Model):
    """One round and its clock. The server's ends_at is the truth every phone counts down to."""

    __table_args__ = (UniqueConstraint("cafe_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cafe_id: Mapped[int] = mapped_column(ForeignKey("cafe.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]  # 1-based
    question: Mapped[str] = mapped_column(Text, default="")
    started_at: Mapped[datetime | None]
    paused_at: Mapped[datetime | None]
    ends_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]

    cafe: Mapped[Cafe] = relationship(back_populates="rounds")

    def remaining(self, now: datetime) -> timedelta | None:
        """Time left on the clock (frozen while paused); None before the round starts."""
        if self.ends_at is None:
            return None
        if self.ended_at is not None:
            return timedelta(0)
        until = self.paused_at or now
        return max(timedelta(0), self.ends_at - until)


class CafeTable(db.Model):
    __table_args__ = (UniqueConstraint("cafe_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cafe_id: Mapped[int] = mapped_column(ForeignKey("cafe.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]  # 1-based, as people say it: "table 3"
    topic: Mapped[str] = mapped_column(String(300), default="")
    meeting_url: Mapped[str] = mapped_column(String(500), default="")
    host_id: Mapped[int | None] = mapped_column(
        ForeignKey("cafe_participant.id", use_alter=True, ondelete="SET NULL"))

    cafe: Mapped[Cafe] = relationship(back_populates="tables", foreign_keys=[cafe_id])
    host: Mapped["CafeParticipant | None"] = relationship(foreign_keys=[host_id], post_update=True)


class CafeParticipant(db.Model):
    """A person at the café: a signed-in user or a guest known by a token in their session."""

    __table_args__ = (UniqueConstraint("cafe_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cafe_id: Mapped[int] = mapped_column(ForeignKey("cafe.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"),
                                                index=True)
    # SHA-256 of the guest's token; the token itself lives only in the guest's session cookie.
    guest_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)
    left_at: Mapped[datetime | None]
    # Kept at this table in every later round (e.g. someone who cannot move), set by hand.
    pinned_table_id: Mapped[int | None] = mapped_column(
        ForeignKey("cafe_table.id", ondelete="SET NULL"))

    user = relationship("User")

    @property
    def name(self) -> str:
        if self.user is not None and self.user.is_deleted:
            from flask_babel import gettext as _

            return _("Former member")
        return self.display_name


class CafeSeat(db.Model):
    __table_args__ = (UniqueConstraint("round_id", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("cafe_round.id", ondelete="CASCADE"),
                                          index=True)
    table_id: Mapped[int] = mapped_column(ForeignKey("cafe_table.id", ondelete="CASCADE"),
                                          index=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("cafe_participant.id", ondelete="CASCADE"), index=True)

    round: Mapped[CafeRound] = relationship()
    table: Mapped[CafeTable] = relationship()
    participant: Mapped[CafeParticipant] = relationship()


class CafeNote(db.Model):
    """A short card on a table. It stays with the table, so later rounds read it too."""

    id: Mapped[int] = mapped_column(primary_key=True)
    cafe_id: Mapped[int] = mapped_column(ForeignKey("cafe.id", ondelete="CASCADE"), index=True)
    table_id: Mapped[int] = mapped_column(ForeignKey("cafe_table.id", ondelete="CASCADE"),
                                          index=True)
    round_number: Mapped[int]
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("cafe_participant.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(String(280))
    is_key: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    table: Mapped[CafeTable] = relationship()
    participant: Mapped[CafeParticipant | None] = relationship()
