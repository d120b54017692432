"""多活動マッチング (おたがいさま): what residents can do, what groups need, and who said yes.

Privacy by the shape of the data: a group reads ``MatchResponse`` rows only, and such a row
exists only once the person has accepted a need. Suggestions are computed, never stored, and a
group learns how many people fit a need, never who they are.
"""

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civic.extensions import db
from civic.timeutil import utcnow

NEED_STATES = ("open", "closed")
# accepted: the person said yes; confirmed: the group confirmed; declined: the group said no;
# withdrawn: the person took it back.
RESPONSE_STATES = ("accepted", "confirmed", "declined", "withdrawn")


class Offer(db.Model):
    """One person's offer: skills, languages, time slots (codes of matching.ranking) and area."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), unique=True)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id", ondelete="SET NULL"),
                                                index=True)
    skills: Mapped[str] = mapped_column(String(500), default="")
    languages: Mapped[str] = mapped_column(String(300), default="")
    slots: Mapped[str] = mapped_column(String(300), default="")  # "sat-am,sun-pm"
    note: Mapped[str] = mapped_column(String(500), default="")
    active: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    user = relationship("User")
    area = relationship("Area")


class Need(db.Model):
    """A group's call for help: a task, when, where and how many people."""

    __table_args__ = (
        CheckConstraint("people_needed >= 1", name="people_needed_positive"),
        CheckConstraint("state IN ('open', 'closed')", name="state_known"),
        Index("ix_need_area_state", "area_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("local_group.id", ondelete="CASCADE"),
                                          index=True)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    skills: Mapped[str] = mapped_column(String(500), default="")
    languages: Mapped[str] = mapped_column(String(300), default="")
    slots: Mapped[str] = mapped_column(String(300), default="")
    when: Mapped[str] = mapped_column(String(200), default="")  # 「5月の毎週土曜」
    place_id: Mapped[int | None] = mapped_column(ForeignKey("place.id", ondelete="SET NULL"))
    location: Mapped[str] = mapped_column(String(200), default="")
    people_needed: Mapped[int] = mapped_column(default=1)
    state: Mapped[str] = mapped_column(String(10), default="open")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    group = relationship("Group")
    area = relationship("Area")
    place = relationship("Place")


class MatchResponse(db.Model):
    """A person's yes to a need, and the group's answer to it."""

    __table_args__ = (
        UniqueConstraint("need_id", "user_id"),
        CheckConstraint("state IN ('accepted', 'confirmed', 'declined', 'withdrawn')",
                        name="state_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("need.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(String(10), default="accepted")
    # The reasons as the person saw them when accepting ([kind, value] pairs).
    reasons: Mapped[list] = mapped_column(JSON, default=list)
    message: Mapped[str] = mapped_column(String(500), default="")  # to the group, optional
    accepted_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    need: Mapped[Need] = relationship()
    user = relationship("User", foreign_keys=[user_id])
