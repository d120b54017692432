"""協働事業提案: proposals for joint projects between residents and the ward, and what follows them.

The lifecycle itself (which step may follow which, and who takes it) lives in ``lifecycle.py``.
"""

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civic.extensions import db
from civic.i18n.content import SQL_KNOWN
from civic.timeutil import utcnow

KINDS = ("citizen", "theme")  # 市民提案型 / 行政提案型（テーマ指定型）


class ProposalSettings(db.Model):
    """A process's proposals component: its kind, theme, support rules and review criteria."""

    __table_args__ = (
        CheckConstraint("support_limit IS NULL OR support_limit > 0", name="limit_positive"),
        CheckConstraint("support_threshold IS NULL OR support_threshold > 0",
                        name="threshold_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("process.id", ondelete="CASCADE"),
                                            unique=True)
    kind: Mapped[str] = mapped_column(String(10), default="citizen")
    theme: Mapped[str] = mapped_column(Text, default="")
    categories: Mapped[list] = mapped_column(JSON, default=list)
    # How many proposals one person may support in this process (None: no limit).
    support_limit: Mapped[int | None]
    # Supports that move a published proposal to 審査 by themselves (None: staff decide).
    support_threshold: Mapped[int | None]
    criteria: Mapped[list] = mapped_column(JSON, default=list)
    # Whether not-accepted and withdrawn proposals still take comments (by default they do not:
    # the discussion is over once the proposal is).
    comments_on_closed: Mapped[bool] = mapped_column(default=False, server_default=false())

    process = relationship("Process")


class ProposalImage(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    content_type: Mapped[str] = mapped_column(String(40))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Proposal(db.Model):
    __table_args__ = (
        CheckConstraint("support_count >= 0", name="support_count_positive"),
        CheckConstraint("comment_count >= 0", name="comment_count_positive"),
        CheckConstraint("progress >= 0 AND progress <= 100", name="progress_percent"),
        CheckConstraint("estimated_cost IS NULL OR estimated_cost >= 0", name="cost_positive"),
        Index("ix_proposal_process_state", "process_id", "state", "created_at"),
        # The list's sort orders walk these instead of sorting the whole process; the count of
        # visible proposals reads only the last one.
        Index("ix_proposal_list_newest", "process_id", "published_at", "id"),
        Index("ix_proposal_list_supported", "process_id", "support_count", "id"),
        Index("ix_proposal_list_commented", "process_id", "comment_count", "id"),
        Index("ix_proposal_visible", "process_id", "state", "hidden_at"),
        CheckConstraint(SQL_KNOWN, name="language_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("process.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"),
                                                  index=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)  # Markdown subset, see markdown.py
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"))
    category: Mapped[str] = mapped_column(String(80), default="")
    estimated_cost: Mapped[int | None] = mapped_column(BigInteger)  # yen
    role_residents: Mapped[str] = mapped_column(Text, default="")  # 役割分担: what residents do
    role_ward: Mapped[str] = mapped_column(Text, default="")  # … and what the ward does
    kpis: Mapped[str] = mapped_column(Text, default="")  # the indicators the final report answers
    # The language it is written in (civic.i18n.content): chosen by the author or detected.
    language: Mapped[str] = mapped_column(String(10), default="ja", server_default="ja")
    image_id: Mapped[int | None] = mapped_column(ForeignKey("proposal_image.id",
                                                            ondelete="SET NULL"))
    state: Mapped[str] = mapped_column(String(20), default="draft")
    # Kept in the same transaction as the rows they count, so lists never count rows.
    support_count: Mapped[int] = mapped_column(default=0)
    comment_count: Mapped[int] = mapped_column(default=0)
    progress: Mapped[int] = mapped_column(default=0)
    answer: Mapped[str] = mapped_column(Text, default="")  # public answer with reasons
    answered_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]
    hidden_at: Mapped[datetime | None]
    hidden_reason: Mapped[str | None] = mapped_column(String(500))

    process = relationship("Process")
    author = relationship("User")
    area = relationship("Area")

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class Support(db.Model):
    """賛同: one per verified resident per proposal."""

    __table_args__ = (UniqueConstraint("proposal_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("process.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SupportAllowance(db.Model):
    """How many supports a person has used in a process, for the optional per-person limit."""

    __table_args__ = (UniqueConstraint("user_id", "process_id"),
                      CheckConstraint("used >= 0", name="used_positive"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    process_id: Mapped[int] = mapped_column(ForeignKey("process.id", ondelete="CASCADE"))
    used: Mapped[int] = mapped_column(default=0)


class ConsultationMessage(db.Model):
    """事前相談: the private thread between the proposer and staff."""

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"),
                                             index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author = relationship("User", lazy="joined")


class ConsultationRead(db.Model):
    """How far one reader has read a 事前相談 thread: each staff member keeps their own marker."""

    __table_args__ = (UniqueConstraint("user_id", "proposal_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"),
                                             index=True)
    # The newest message this reader has seen (ids grow with time).
    last_message_id: Mapped[int] = mapped_column(default=0)


class Review(db.Model):
    """審査: one reviewer's scores (1–5 per criterion) and comment on one proposal."""

    __table_args__ = (UniqueConstraint("proposal_id", "reviewer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"))
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    scores: Mapped[dict] = mapped_column(JSON, default=dict)
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime | None]

    reviewer = relationship("User", lazy="joined")


UPDATE_KINDS = ("update", "interim", "final")  # 進捗 / 中間報告 / 結果報告


class ProgressUpdate(db.Model):
    """Accountability: a dated public update on an accepted proposal."""

    __table_args__ = (CheckConstraint("progress >= 0 AND progress <= 100", name="percent"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"),
                                             index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(10), default="update")
    progress: Mapped[int] = mapped_column(default=0)
    body: Mapped[str] = mapped_column(Text)
    kpi_values: Mapped[str] = mapped_column(Text, default="")
    self_evaluation: Mapped[str] = mapped_column(Text, default="")
    # A survey whose results are evidence for the KPIs of a 結果報告.
    survey_id: Mapped[int | None] = mapped_column(ForeignKey("survey.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author = relationship("User", lazy="joined")
    survey = relationship("Survey")

