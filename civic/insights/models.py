"""Themes for staff: analyses, the answers they read, the themes found and staff's own edits.

An analysis (分析) belongs to a process or stands alone. Every answer it was given is kept as an
``AnalysisComment`` row — also those the pipeline sets aside — in input order (``position``).
Themes are replaced on every run; staff edits (rename, merge, split) are stored as operations and
applied again after each run, so the names staff chose survive re-runs.
"""

from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from civic.extensions import db
from civic.timeutil import utcnow

SOURCES = ("proposal", "comment", "cafe", "csv", "survey", "opinion")
IMPORT_PENDING, IMPORT_RUNNING, IMPORT_DONE, IMPORT_FAILED = "pending", "running", "done", "failed"


class Analysis(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    process_id: Mapped[int | None] = mapped_column(ForeignKey("process.id", ondelete="CASCADE"),
                                                   index=True)
    # Words staff never want as themes, one per line (passed to the pipeline as stopwords).
    stopwords: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The last finished run: when, how long, and the pipeline's counts.
    run_at: Mapped[datetime | None]
    seconds: Mapped[float | None]
    stats: Mapped[dict] = mapped_column(JSON, default=dict)

    process = relationship("Process")

    @property
    def stopword_list(self) -> list[str]:
        return [w.strip() for w in (self.stopwords or "").splitlines() if w.strip()]


class AnalysisImport(db.Model):
    """One uploaded CSV file: kept from upload to import, so staff can preview and pick a column.
    Its rows count for the analysis only once the import is ``done``."""

    id: Mapped[int] = mapped_column(primary_key=True)
    analysis_id: Mapped[int] = mapped_column(ForeignKey("analysis.id", ondelete="CASCADE"),
                                             index=True)
    filename: Mapped[str] = mapped_column(String(255))
    encoding: Mapped[str] = mapped_column(String(20))
    text_column: Mapped[str | None] = mapped_column(String(200))
    row_count: Mapped[int] = mapped_column(default=0)
    # The file's other columns (地区, 年代, 性別 …), kept with each answer as its attributes.
    attribute_columns: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(10), default=IMPORT_PENDING)
    job_id: Mapped[int | None] = mapped_column(ForeignKey("job.id", ondelete="SET NULL"))
    data: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AnalysisTheme(db.Model):
    """A broad theme (``parent_id`` is None) or a sub-theme of one."""

    id: Mapped[int] = mapped_column(primary_key=True)
    analysis_id: Mapped[int] = mapped_column(ForeignKey("analysis.id", ondelete="CASCADE"),
                                             index=True)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("analysis_theme.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    label: Mapped[str] = mapped_column(String(200))
    keywords: Mapped[list] = mapped_column(JSON, default=list)
    size: Mapped[int] = mapped_column(default=0)  # answers, duplicates included
    representatives: Mapped[list] = mapped_column(JSON, default=list)  # AnalysisComment ids

    subthemes: Mapped[list["AnalysisTheme"]] = relationship(
        order_by="AnalysisTheme.position", viewonly=True)


class AnalysisComment(db.Model):
    """One answer given to the analysis, with what the last run made of it."""

    __table_args__ = (
        UniqueConstraint("analysis_id", "source_ref"),
        Index("ix_analysis_comment_order", "analysis_id", "position"),
        CheckConstraint("duplicates >= 1", name="duplicates_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    analysis_id: Mapped[int] = mapped_column(ForeignKey("analysis.id", ondelete="CASCADE"))
    import_id: Mapped[int | None] = mapped_column(
        ForeignKey("analysis_import.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(20))  # one of SOURCES
    # Where it came from: "proposal:12", "comment:40", "cafe:3:7", "csv:5:120" (import, row).
    source_ref: Mapped[str] = mapped_column(String(120))
    theme_id: Mapped[int | None] = mapped_column(
        ForeignKey("analysis_theme.id", ondelete="SET NULL"), index=True)
    subtheme_id: Mapped[int | None] = mapped_column(
        ForeignKey("analysis_theme.id", ondelete="SET NULL"), index=True)
    # "empty" | "no_content" | "language:xx" when the last run set it aside.
    set_aside: Mapped[str | None] = mapped_column(String(40))
    duplicates: Mapped[int] = mapped_column(default=1)
    # An imported row's other columns ({"地区": "本町", "年代": "30代"}); None for texts written
    # in the app. Blank cells are left out.
    attributes: Mapped[dict | None] = mapped_column(JSON)
    x: Mapped[float | None]
    y: Mapped[float | None]


class ThemeEdit(db.Model):
    """A staff edit, kept as an operation on answer ids so it can be applied to a new run.

    rename: {"members": [ids], "sub": bool, "label": str}
    merge:  {"groups": [[ids], [ids], ...], "label": str}
    split:  {"subs": [[ids], ...], "label": str}   (sub-themes moved into a new broad theme)
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    analysis_id: Mapped[int] = mapped_column(ForeignKey("analysis.id", ondelete="CASCADE"),
                                             index=True)
    kind: Mapped[str] = mapped_column(String(10))
    payload: Mapped[dict] = mapped_column(JSON)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AnalysisTokens(db.Model):
    """The analysis's token cache (zlib-compressed JSON), so re-runs do not call janome again."""

    analysis_id: Mapped[int] = mapped_column(ForeignKey("analysis.id", ondelete="CASCADE"),
                                             primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    entries: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
