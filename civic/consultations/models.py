"""パブリックコメント (意見公募手続): a draft in a process, the opinions sent on it, and the answer.

A consultation is published in a process with its draft split into numbered sections (章・節・条).
Opinions arrive on the web or are entered by staff (post, fax, e-mail, counter). After the
deadline staff review them (duplicates of a campaign, hidden ones), group them, write for each
group 意見の概要 and 区の考え方 with a disposition, and publish: the result page is a snapshot
(``Consultation.result``) taken at that moment, so it never changes under its readers.
"""

from datetime import date, datetime

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
from civic.i18n.content import SQL_KNOWN
from civic.timeutil import utcnow

WHO = ("anyone", "signed_in", "verified")
ASK = ("off", "optional", "required")
DETAILS = ("name", "address", "age_band", "organisation")
CHANNELS = ("web", "post", "fax", "email", "counter")
# 反映する / 一部反映 / 反映しない / その他・参考
DISPOSITIONS = ("adopted", "partly", "not_adopted", "other")
AGE_BANDS = ("under_20", "20s", "30s", "40s", "50s", "60s", "70s", "80_plus")


def _in(column: str, values: tuple[str, ...]) -> str:
    return "{} IN ({})".format(column, ", ".join(f"'{v}'" for v in values))


class Consultation(db.Model):
    __table_args__ = (
        CheckConstraint("starts_on <= ends_on", name="dates_in_order"),
        CheckConstraint(_in("who", WHO), name="who_known"),
        *[CheckConstraint(_in(f"ask_{d}", ASK), name=f"ask_{d}_known") for d in DETAILS],
        CheckConstraint(SQL_KNOWN, name="language_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("process.id", ondelete="CASCADE"),
                                            index=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    # The draft as staff entered it (Markdown); ``sections`` are cut from it on every save.
    draft: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(10), default="ja")
    starts_on: Mapped[date]
    ends_on: Mapped[date]  # opinions are taken until the end of this day (ward time)
    who: Mapped[str] = mapped_column(String(10), default="anyone")
    ask_name: Mapped[str] = mapped_column(String(10), default="optional")
    ask_address: Mapped[str] = mapped_column(String(10), default="optional")
    ask_age_band: Mapped[str] = mapped_column(String(10), default="off")
    ask_organisation: Mapped[str] = mapped_column(String(10), default="off")
    published: Mapped[bool] = mapped_column(default=False)
    # Set when the answer (意見の概要と区の考え方) is published; ``result`` is its snapshot.
    result_published_at: Mapped[datetime | None]
    result: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    group_job_id: Mapped[int | None] = mapped_column(ForeignKey("job.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    process = relationship("Process")
    sections: Mapped[list["Section"]] = relationship(
        back_populates="consultation", cascade="all, delete-orphan",
        order_by="Section.position")
    translations: Mapped[list["Translation"]] = relationship(
        cascade="all, delete-orphan", order_by="Translation.language")

    def ask(self, detail: str) -> str:
        return getattr(self, f"ask_{detail}")


class Section(db.Model):
    """One numbered part of the draft (第1章, 第2条 …); ``final_body`` is the text as adopted."""

    __tablename__ = "consultation_section"
    __table_args__ = (UniqueConstraint("consultation_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]  # 1, 2, 3 … : the section's address (/sections/<position>)
    number: Mapped[str] = mapped_column(String(40), default="")  # 第1条
    heading: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    # None: adopted as drafted.
    final_body: Mapped[str | None] = mapped_column(Text)

    consultation: Mapped[Consultation] = relationship(back_populates="sections")

    @property
    def label(self) -> str:
        return " ".join(part for part in (self.number, self.heading) if part)


class Translation(db.Model):
    """The draft in another language: the same Markdown, cut into the same sections."""

    __tablename__ = "consultation_translation"
    __table_args__ = (UniqueConstraint("consultation_id", "language"),
                      CheckConstraint(SQL_KNOWN, name="language_known"))

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    draft: Mapped[str] = mapped_column(Text, default="")


class Attachment(db.Model):
    """A file of the draft (PDF, image), or the scan of an opinion that came on paper."""

    __tablename__ = "consultation_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), index=True)
    # Set for the scan of one opinion: never shown to the public.
    opinion_id: Mapped[int | None] = mapped_column(
        ForeignKey("consultation_opinion.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int]
    data: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OpinionGroup(db.Model):
    """Opinions answered together: 意見の概要 (summary), 区の考え方 (response), disposition.

    Not named ``Group``: civic.groups (local groups) has that class in the same registry.
    """

    __tablename__ = "consultation_group"
    __table_args__ = (
        CheckConstraint("disposition IS NULL OR " + _in("disposition", DISPOSITIONS),
                        name="disposition_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    label: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    response: Mapped[str] = mapped_column(Text, default="")
    disposition: Mapped[str | None] = mapped_column(String(12))
    # Proposed by the themes pipeline (until staff touch it) or made by hand.
    proposed: Mapped[bool] = mapped_column(default=False)


class Opinion(db.Model):
    """One opinion (意見) from one person, on the whole draft or on one section."""

    __tablename__ = "consultation_opinion"
    __table_args__ = (
        UniqueConstraint("consultation_id", "number"),
        UniqueConstraint("receipt"),
        CheckConstraint(_in("channel", CHANNELS), name="channel_known"),
        CheckConstraint("age_band IS NULL OR " + _in("age_band", AGE_BANDS),
                        name="age_band_known"),
        # A duplicate points at the opinion answered in its place, never at itself.
        CheckConstraint("duplicate_of_id IS NULL OR duplicate_of_id <> id", name="not_own_duplicate"),
        Index("ix_consultation_opinion_order", "consultation_id", "number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"))
    number: Mapped[int]  # 1, 2, 3 … within the consultation
    receipt: Mapped[str] = mapped_column(String(24))  # 受付番号, e.g. PC3-00042
    section_id: Mapped[int | None] = mapped_column(
        ForeignKey("consultation_section.id", ondelete="SET NULL"), index=True)
    body: Mapped[str] = mapped_column(Text)
    channel: Mapped[str] = mapped_column(String(10), default="web")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"),
                                                index=True)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(100), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    age_band: Mapped[str | None] = mapped_column(String(10))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    received_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Review after the deadline.
    hidden_reason: Mapped[str | None] = mapped_column(String(300))
    duplicate_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("consultation_opinion.id", ondelete="SET NULL"), index=True)
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("consultation_group.id", ondelete="SET NULL"), index=True)

    section: Mapped[Section | None] = relationship()
