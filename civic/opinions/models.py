"""Opinion maps (意見マップ): conversations where people vote on each other's short statements.

A conversation belongs to a process and takes votes while the process's phase has
``opinions_open`` switched on. Every vote is a row, one per participant and statement (unique):
a changed mind overwrites it. The groups and the map are computed from all votes in a job and
kept in :class:`OpinionResult`, which says which ``votes_version`` it counted.
"""

from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civic.extensions import db
from civic.timeutil import utcnow

# pre: participants' statements wait for a moderator; post: they show at once and can be reported.
MODERATION_MODES = ("pre", "post")
# guests: anyone, guests by a signed cookie; signed_in: an account; verified: residents of the area.
VOTER_RULES = ("guests", "signed_in", "verified")
AGREE, DISAGREE, PASS = 1, -1, 0
# ``hidden_reason`` of a statement waiting for pre-moderation (the queue's "restore" accepts it).
AWAITING_REVIEW = "awaiting review"
AGE_BANDS = ("under20", "20s", "30s", "40s", "50s", "60s", "70plus")


class Conversation(db.Model):
    __tablename__ = "opinion_conversation"
    __table_args__ = (
        CheckConstraint("statement_length BETWEEN 20 AND 1000", name="statement_length_range"),
        CheckConstraint("moderation IN ('pre', 'post')", name="moderation_mode"),
        CheckConstraint("voters IN ('guests', 'signed_in', 'verified')", name="voter_rule"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("process.id", ondelete="CASCADE"),
                                            index=True)
    question: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    statement_length: Mapped[int] = mapped_column(default=140)
    moderation: Mapped[str] = mapped_column(String(4), default="post")
    voters: Mapped[str] = mapped_column(String(10), default="signed_in")
    # Residents may write statements of their own (seed statements come from staff).
    participants_write: Mapped[bool] = mapped_column(default=True)
    # The map and its groups are shown to residents, not only to staff.
    map_public: Mapped[bool] = mapped_column(default=True)
    # Bumped by every vote and statement change; a result counted an older version is stale.
    votes_version: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    process = relationship("Process")
    statements: Mapped[list["Statement"]] = relationship(
        back_populates="conversation", cascade="all, delete-orphan", order_by="Statement.id",
        passive_deletes=True)


class OpinionParticipant(db.Model):
    """A person in one conversation: an account, or a guest known by a token in a signed cookie."""

    __table_args__ = (
        UniqueConstraint("conversation_id", "user_id"),
        CheckConstraint("user_id IS NOT NULL OR guest_token_hash IS NOT NULL",
                        name="someone"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("opinion_conversation.id", ondelete="CASCADE"), index=True)
    # A deleted account takes its votes with it (the check below forbids a row of nobody).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"),
                                                index=True)
    # SHA-256 of the guest's token; the token itself lives only in the guest's cookie.
    guest_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # What the person chose to share for the staff report's comparison of groups.
    age_band: Mapped[str | None] = mapped_column(String(10))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Statement(db.Model):
    """A short statement people vote on: a seed from staff or written by a participant.

    Moderation uses the shared columns of civic.moderation: visible while ``hidden_at`` is
    empty. Under pre-moderation a participant's statement starts hidden as AWAITING_REVIEW.
    """

    __tablename__ = "opinion_statement"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("opinion_conversation.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("opinion_participant.id", ondelete="SET NULL"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    is_seed: Mapped[bool] = mapped_column(default=False)
    body: Mapped[str] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    hidden_at: Mapped[datetime | None]
    hidden_reason: Mapped[str | None] = mapped_column(String(300))

    conversation: Mapped[Conversation] = relationship(back_populates="statements")

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def moderation_state(self) -> str:
        """"awaiting" (pre-moderation), "hidden" (moderated out) or "visible"."""
        if self.hidden_at is None:
            return "visible"
        return "awaiting" if self.hidden_reason == AWAITING_REVIEW else "hidden"


class OpinionVote(db.Model):
    __tablename__ = "opinion_vote"
    __table_args__ = (
        UniqueConstraint("participant_id", "statement_id"),
        CheckConstraint("value IN (-1, 0, 1)", name="value_agree_disagree_pass"),
        Index("ix_opinion_vote_conversation_statement", "conversation_id", "statement_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Also on the statement; kept here so a conversation's votes are read without a join.
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("opinion_conversation.id", ondelete="CASCADE"))
    statement_id: Mapped[int] = mapped_column(
        ForeignKey("opinion_statement.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("opinion_participant.id", ondelete="CASCADE"))
    value: Mapped[int] = mapped_column(SmallInteger)
    voted_at: Mapped[datetime] = mapped_column(default=utcnow)


class OpinionResult(db.Model):
    """The last computed map of a conversation (one row, replaced by every recompute)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("opinion_conversation.id", ondelete="CASCADE"), unique=True)
    votes_version: Mapped[int]
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)
    seconds: Mapped[float] = mapped_column(default=0.0)
    # groups, points, representative, consensus, divisive, uncertain: see services.recompute.
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    # Statement id → how far it spreads people on the map. Read on every voting page (the next
    # statement's priority), so it is kept apart from ``data``, which grows with participants.
    extremity: Mapped[dict] = mapped_column(JSON, default=dict)
