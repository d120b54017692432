"""Meetings (説明会・ワークショップ・対話の場) of a process or a local group, and who signs up.

A confirmed sign-up holds a numbered seat; ``(meeting_id, seat)`` is unique, so concurrent
sign-ups can never put two people on one seat and a meeting never holds more people than it
has seats (see :mod:`civic.meetings.seats`). Whoever finds it full waits without a seat.
"""

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civic.extensions import db
from civic.timeutil import utcnow

# 説明会 / ワークショップ / 対話の場
KINDS = ("briefing", "workshop", "dialogue")
CONFIRMED, WAITING, CANCELLED = "confirmed", "waiting", "cancelled"
SIGNUP_STATES = (CONFIRMED, WAITING, CANCELLED)


class Meeting(db.Model):
    __table_args__ = (
        CheckConstraint("process_id IS NOT NULL OR group_id IS NOT NULL", name="has_owner"),
        CheckConstraint("ends_at > starts_at", name="times_in_order"),
        CheckConstraint("capacity IS NULL OR capacity >= 1", name="capacity_positive"),
        CheckConstraint("kind IN ('briefing', 'workshop', 'dialogue')", name="kind_known"),
        Index("ix_meeting_area_starts", "area_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int | None] = mapped_column(
        ForeignKey("process.id", ondelete="CASCADE"), index=True)
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("local_group.id", ondelete="CASCADE"), index=True)
    # The area of its process or group when it was made: the area's feed and page read this.
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(10), default="briefing")
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime]  # naive UTC
    ends_at: Mapped[datetime]
    place_id: Mapped[int | None] = mapped_column(ForeignKey("place.id", ondelete="SET NULL"),
                                                 index=True)
    location: Mapped[str] = mapped_column(String(200), default="")  # room, floor …
    online_url: Mapped[str] = mapped_column(String(500), default="")
    capacity: Mapped[int | None]  # None: no limit
    childcare_offered: Mapped[bool] = mapped_column(default=False)  # 保育あり
    published: Mapped[bool] = mapped_column(default=True)
    cancelled_at: Mapped[datetime | None]
    # Published afterwards: 議事録 (Markdown, shown through nh3) and materials.
    minutes: Mapped[str] = mapped_column(Text, default="")
    minutes_published_at: Mapped[datetime | None]
    cafe_id: Mapped[int | None] = mapped_column(ForeignKey("cafe.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    process = relationship("Process")
    group = relationship("Group")
    area = relationship("Area")
    place = relationship("Place")
    cafe = relationship("Cafe")
    created_by = relationship("User")
    materials: Mapped[list["MeetingMaterial"]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="MeetingMaterial.id")
    proposal_rows: Mapped[list["MeetingProposal"]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan")

    @property
    def owner_area_id(self) -> int | None:
        if self.process is not None:
            return self.process.area_id
        return self.group.area_id if self.group is not None else None


class MeetingSignup(db.Model):
    __table_args__ = (
        UniqueConstraint("meeting_id", "user_id"),
        UniqueConstraint("meeting_id", "seat"),
        CheckConstraint("seat IS NULL OR seat >= 1", name="seat_positive"),
        CheckConstraint("(state = 'confirmed' AND seat IS NOT NULL) OR "
                        "(state <> 'confirmed' AND seat IS NULL)", name="seat_iff_confirmed"),
        CheckConstraint("state IN ('confirmed', 'waiting', 'cancelled')", name="state_known"),
        CheckConstraint("children >= 0 AND children <= 10", name="children_range"),
        Index("ix_meeting_signup_waiting", "meeting_id", "state", "queued_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(String(10))
    seat: Mapped[int | None]
    children: Mapped[int] = mapped_column(default=0)  # 保育の希望: how many children
    children_ages: Mapped[str] = mapped_column(String(100), default="")
    accessibility: Mapped[str] = mapped_column(String(500), default="")  # 配慮の希望
    # When the person (last) asked for a seat: the waiting list's order.
    queued_at: Mapped[datetime] = mapped_column(default=utcnow)
    promoted_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    attended_at: Mapped[datetime | None]

    meeting: Mapped[Meeting] = relationship()
    user = relationship("User")


class MeetingMaterial(db.Model):
    """A file handed out at or after the meeting (PDF or image, checked by its bytes)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"),
                                            index=True)
    title: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(40))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    meeting: Mapped[Meeting] = relationship(back_populates="materials")


class MeetingProposal(db.Model):
    """A proposal that came out of the meeting."""

    __table_args__ = (UniqueConstraint("meeting_id", "proposal_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"),
                                             index=True)

    meeting: Mapped[Meeting] = relationship(back_populates="proposal_rows")
    proposal = relationship("Proposal")
