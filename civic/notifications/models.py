"""In-app notifications (お知らせ) and each person's choice of an email digest."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civic.extensions import db
from civic.timeutil import utcnow

# comment: on my proposal; reply: to my comment; milestone: supports reached a round number;
# answer: accepted / not accepted; state: any other lifecycle step.
# For staff: submitted: a proposal was submitted in a process I handle; consultation: a new
# 事前相談 message (also for the proposer, when staff write); job: a job I started finished or failed.
# Meetings: meeting_promoted (off the waiting list), meeting_reminder, meeting_cancelled.
# Matching: match_invited, match_accepted (to the group's admins), match_confirmed, match_declined.
KINDS = ("comment", "reply", "milestone", "answer", "state", "submitted", "consultation", "job",
         "meeting_promoted", "meeting_reminder", "meeting_cancelled", "match_invited",
         "match_accepted", "match_confirmed", "match_declined")


class Notification(db.Model):
    __table_args__ = (
        # The bell's unread count and the list, newest first, read straight off this index.
        Index("ix_notification_user_unread", "user_id", "read_at", "id"),
        # Once-only events (a milestone reached again after a support was withdrawn) carry a key.
        UniqueConstraint("user_id", "once_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # What it is about as it was called then (e.g. the proposal's title), and where it leads.
    subject: Mapped[str] = mapped_column(String(200), default="")
    endpoint: Mapped[str] = mapped_column(String(80))
    url_values: Mapped[dict] = mapped_column(JSON, default=dict)
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    once_key: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]

    actor = relationship("User", foreign_keys=[actor_id], lazy="joined")

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationSettings(db.Model):
    """Whether a person wants their unread notifications mailed, and when that last happened."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), unique=True)
    email_digest: Mapped[bool] = mapped_column(default=False)
    last_digest_at: Mapped[datetime | None]

    user = relationship("User")
