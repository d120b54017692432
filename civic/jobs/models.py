"""Background jobs (analysis runs, large imports): their state lives in the database, so a status
page survives reloads, restarts and a worker that died mid-job."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from civic.extensions import db
from civic.timeutil import utcnow

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"


class Job(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(16), default=QUEUED, index=True)
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    # 0.0–1.0, with a short message for the progress bar.
    progress: Mapped[float] = mapped_column(default=0.0)
    message: Mapped[str] = mapped_column(String(300), default="")
    result: Mapped[dict | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    # A running job's worker touches this while it works; a stale one means the worker died.
    heartbeat_at: Mapped[datetime | None]

    @property
    def finished(self) -> bool:
        return self.status in (DONE, FAILED)

    def as_status(self) -> dict:
        return {"id": self.id, "kind": self.kind, "status": self.status,
                "progress": round(self.progress, 4), "message": self.message,
                "error": self.error if self.status == FAILED else None}
