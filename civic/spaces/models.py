"""Areas of the ward and participatory processes (参加プロセス) with their phases."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civic.extensions import db
from civic.timeutil import utcnow

# What a phase can switch on; each is a boolean column on Phase.
FEATURES = (
    "proposals_open",
    "supports_open",
    "comments_open",
    "ballots_open",
    "cafe_open",
    "surveys_open",
    "opinions_open",
    "results_published",
    "consultations_open",
)


class Area(db.Model):
    """地域 / 住区 / 地区: a part of the ward with its own residents and 地域担当職員."""

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)

    staff_rows: Mapped[list["StaffArea"]] = relationship(
        back_populates="area", cascade="all, delete-orphan"
    )


class StaffArea(db.Model):
    """A staff member assigned to an area as 地域担当職員."""

    __table_args__ = (UniqueConstraint("user_id", "area_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id", ondelete="CASCADE"), index=True)

    area: Mapped[Area] = relationship(back_populates="staff_rows")
    user = relationship("User")


class Process(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    # None: the whole city (全区).
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"), index=True)
    published: Mapped[bool] = mapped_column(default=False)
    # Staff may move the process to a phase before or after its dates say.
    pinned_phase_id: Mapped[int | None] = mapped_column(
        ForeignKey("phase.id", use_alter=True, ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    area: Mapped[Area | None] = relationship()
    phases: Mapped[list["Phase"]] = relationship(
        back_populates="process",
        cascade="all, delete-orphan",
        order_by="Phase.position",
        foreign_keys="Phase.process_id",
        lazy="selectin",
    )
    pinned_phase: Mapped["Phase | None"] = relationship(foreign_keys=[pinned_phase_id],
                                                        post_update=True)

    def current_phase(self, today: date) -> "Phase | None":
        if self.pinned_phase is not None:
            return self.pinned_phase
        for phase in self.phases:
            if phase.starts_on <= today <= phase.ends_on:
                return phase
        return None

    def is_open(self, feature: str, today: date) -> bool:
        if feature not in FEATURES:
            raise ValueError(f"unknown feature {feature!r}")
        phase = self.current_phase(today)
        return bool(phase and getattr(phase, feature))

    def has_ended(self, today: date) -> bool:
        return bool(self.phases) and self.pinned_phase is None and all(
            phase.ends_on < today for phase in self.phases
        )


class Phase(db.Model):
    __table_args__ = (CheckConstraint("starts_on <= ends_on", name="dates_in_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("process.id", ondelete="CASCADE"),
                                            index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    proposals_open: Mapped[bool] = mapped_column(default=False)
    supports_open: Mapped[bool] = mapped_column(default=False)
    comments_open: Mapped[bool] = mapped_column(default=False)
    ballots_open: Mapped[bool] = mapped_column(default=False)
    cafe_open: Mapped[bool] = mapped_column(default=False)
    surveys_open: Mapped[bool] = mapped_column(default=False, server_default=false())
    opinions_open: Mapped[bool] = mapped_column(default=False, server_default=false())
    results_published: Mapped[bool] = mapped_column(default=False)
    # パブリックコメント: opinions are taken (within each consultation's own period).
    consultations_open: Mapped[bool] = mapped_column(default=False)

    process: Mapped[Process] = relationship(back_populates="phases", foreign_keys=[process_id])

    def open_features(self) -> list[str]:
        return [name for name in FEATURES if getattr(self, name)]
