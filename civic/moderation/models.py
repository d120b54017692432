"""Reports about content, the moderator's decisions, and blocked accounts.

Content is named by ``(target_type, target_id)`` like comments; the content's own table carries
``hidden_at`` / ``hidden_reason`` so every list can filter hidden rows without a join.
"""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civic.extensions import db
from civic.timeutil import utcnow

REASONS = ("spam", "offensive", "personal_info", "off_topic", "other")
# pending: waiting for a moderator; hidden / restored: a moderator (or the report threshold) decided.
STATES = ("pending", "hidden", "restored")


class ModerationItem(db.Model):
    """One per reported piece of content: its report count and current decision."""

    __table_args__ = (
        UniqueConstraint("target_type", "target_id"),
        CheckConstraint("report_count >= 0", name="count_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    target_type: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[int]
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    report_count: Mapped[int] = mapped_column(default=0)
    state: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    auto_hidden: Mapped[bool] = mapped_column(default=False)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author = relationship("User", foreign_keys=[author_id])
    reports: Mapped[list["Report"]] = relationship(back_populates="item",
                                                   order_by="Report.created_at")


class Report(db.Model):
    __table_args__ = (UniqueConstraint("item_id", "reporter_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("moderation_item.id", ondelete="CASCADE"))
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"),
                                                    index=True)
    reason: Mapped[str] = mapped_column(String(20))
    details: Mapped[str] = mapped_column(String(1000), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    item: Mapped[ModerationItem] = relationship(back_populates="reports")
    reporter = relationship("User")


class UserBlock(db.Model):
    """A person a moderator stopped from posting. Their past content stays unless hidden."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), unique=True)
    blocked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user = relationship("User", foreign_keys=[user_id])
