"""Threaded comments on anything commentable: proposals now, budget projects and café tables later.

A comment points at its target by ``(target_type, target_id)``; see ``services.register_target``.
"""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civic.extensions import db
from civic.i18n.content import SQL_KNOWN
from civic.timeutil import utcnow

STANCES = ("for", "against", "neutral")  # 賛成 / 反対 / 中立
MAX_DEPTH = 2  # 0 = top level; replies nest to three levels in all


class Comment(db.Model):
    __table_args__ = (
        CheckConstraint(f"depth >= 0 AND depth <= {MAX_DEPTH}", name="depth_range"),
        CheckConstraint("up_count >= 0 AND down_count >= 0", name="votes_positive"),
        Index("ix_comment_target_root", "target_type", "target_id", "parent_id", "created_at"),
        CheckConstraint(SQL_KNOWN, name="language_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    target_type: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[int]
    # The top-level comment of the thread, so a page of threads loads in one query.
    root_id: Mapped[int | None] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"),
                                                index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"))
    depth: Mapped[int] = mapped_column(default=0)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"),
                                                  index=True)
    stance: Mapped[str | None] = mapped_column(String(10))
    body: Mapped[str] = mapped_column(Text)
    # The language it is written in, detected from the text (civic.i18n.content).
    language: Mapped[str] = mapped_column(String(10), default="ja", server_default="ja")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[datetime | None]
    # Deleting keeps the row (and its replies' context) but drops the text.
    deleted_at: Mapped[datetime | None]
    # Moderation hides without deleting; the reason is shown to the author.
    hidden_at: Mapped[datetime | None]
    hidden_reason: Mapped[str | None] = mapped_column(String(500))
    up_count: Mapped[int] = mapped_column(default=0)
    down_count: Mapped[int] = mapped_column(default=0)

    author = relationship("User", lazy="joined")

    @property
    def score(self) -> int:
        return self.up_count - self.down_count

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class CommentVote(db.Model):
    """One up (+1) or down (−1) vote per person per comment."""

    __table_args__ = (
        UniqueConstraint("comment_id", "user_id"),
        CheckConstraint("value IN (-1, 1)", name="value_sign"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    value: Mapped[int]
