"""地域カルテ (an area's facts by year) and 地域ビジョン (its vision, with goals that accepted
proposals and group activities are linked to)."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civic.extensions import db
from civic.timeutil import utcnow


class AreaFact(db.Model):
    """One figure of an area in one year: 人口 12,345 人 (出典: 住民基本台帳, 2024-01-01).

    ``key`` is a known fact (civic.areas.facts.KNOWN) or ``x:`` and the heading of a column the
    import did not know, kept as it was published.
    """

    __table_args__ = (
        UniqueConstraint("area_id", "year", "key"),
        CheckConstraint("year BETWEEN 1900 AND 2200", name="year_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id", ondelete="CASCADE"))
    year: Mapped[int]
    key: Mapped[str] = mapped_column(String(200))
    label: Mapped[str] = mapped_column(String(200), default="")  # the column's heading
    value: Mapped[float | None] = mapped_column(Float)  # None: a text, not a number
    text: Mapped[str] = mapped_column(String(200), default="")  # as written in the file
    unit: Mapped[str] = mapped_column(String(20), default="")
    source: Mapped[str] = mapped_column(String(200), default="")
    as_of: Mapped[date | None]
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)


class AreaVision(db.Model):
    """地域ビジョン: what an area wants to become, written with its residents."""

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id", ondelete="CASCADE"), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")  # plain text, paragraphs
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    area = relationship("Area")
    goals: Mapped[list["VisionGoal"]] = relationship(
        back_populates="vision", cascade="all, delete-orphan",
        order_by="(VisionGoal.position, VisionGoal.id)")


class VisionGoal(db.Model):
    __table_args__ = (CheckConstraint("position >= 0", name="position_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vision_id: Mapped[int] = mapped_column(ForeignKey("area_vision.id", ondelete="CASCADE"),
                                           index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    target: Mapped[str] = mapped_column(String(200), default="")  # 目標: "2030年までに…"

    vision: Mapped[AreaVision] = relationship(back_populates="goals")
    links: Mapped[list["GoalLink"]] = relationship(back_populates="goal",
                                                   cascade="all, delete-orphan",
                                                   order_by="GoalLink.id")


class GoalLink(db.Model):
    """A goal served by an accepted proposal or by a group's activity (exactly one of them)."""

    __table_args__ = (
        CheckConstraint("(proposal_id IS NULL) <> (activity_id IS NULL)", name="one_target"),
        UniqueConstraint("goal_id", "proposal_id"),
        UniqueConstraint("goal_id", "activity_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("vision_goal.id", ondelete="CASCADE"),
                                         index=True)
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"),
                                                    index=True)
    activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("group_activity.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    goal: Mapped[VisionGoal] = relationship(back_populates="links")
    proposal = relationship("Proposal")
    activity = relationship("GroupActivity")
