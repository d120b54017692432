"""区民アンケート: surveys, their questions, the answers and the stored aggregates.

Anonymity (docs/surveys.md): a survey marked ``anonymous`` stores no person on its answers.
"One answer each" is kept by ``SurveyParticipation``, a table of keyed hashes of (survey,
person) with no id, no time and no column shared with ``SurveyResponse``: it says who took
part, never which answer is theirs.
"""

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    PrimaryKeyConstraint,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civic.extensions import db
from civic.timeutil import utcnow

AUDIENCES = ("anyone", "signed_in", "verified")
STATES = ("draft", "open", "closed")
CHANNELS = ("web", "paper", "import")
# Items of a survey: two layout items, then the kinds of question.
LAYOUT_KINDS = ("section", "page")
CHOICE_KINDS = ("single", "multiple", "dropdown")
QUESTION_KINDS = (*CHOICE_KINDS, "scale", "matrix", "ranking", "number", "date", "short", "long")
KINDS = (*LAYOUT_KINDS, *QUESTION_KINDS)


class Survey(db.Model):
    __table_args__ = (
        CheckConstraint("audience IN ('anyone', 'signed_in', 'verified')", name="audience"),
        CheckConstraint("state IN ('draft', 'open', 'closed')", name="state"),
        CheckConstraint("opens_on IS NULL OR closes_on IS NULL OR opens_on <= closes_on",
                        name="dates_in_order"),
        CheckConstraint("answer_count >= 0", name="answer_count_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    # The consent or purpose text shown before the first question (plain text).
    purpose: Mapped[str] = mapped_column(Text, default="")
    # Attached to a process (answerable while its current phase has surveys_open; phase_id
    # narrows it to one phase), to a café (the participants' questionnaire), or to neither.
    process_id: Mapped[int | None] = mapped_column(ForeignKey("process.id", ondelete="CASCADE"),
                                                   index=True)
    phase_id: Mapped[int | None] = mapped_column(ForeignKey("phase.id", ondelete="SET NULL"))
    cafe_id: Mapped[int | None] = mapped_column(ForeignKey("cafe.id", ondelete="CASCADE"),
                                                index=True)
    # The staff scope and, for audience "verified", whose residents answer (None: the city).
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"), index=True)
    audience: Mapped[str] = mapped_column(String(12), default="anyone")
    anonymous: Mapped[bool] = mapped_column(default=False)
    state: Mapped[str] = mapped_column(String(8), default="draft")
    opens_on: Mapped[date | None]
    closes_on: Mapped[date | None]
    results_public: Mapped[bool] = mapped_column(default=False)
    # Bumped by every answer: the version the stored aggregate must match.
    answer_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    process = relationship("Process")
    phase = relationship("Phase")
    cafe = relationship("Cafe")
    area = relationship("Area")
    questions: Mapped[list["SurveyQuestion"]] = relationship(
        back_populates="survey", cascade="all, delete-orphan",
        order_by="SurveyQuestion.position")


class SurveyQuestion(db.Model):
    """One item of a survey: a question, a section heading or a page break.

    ``low``/``high`` are the bounds of the kind: choices allowed (multiple), the ends of the
    scale (scale, matrix), the number's range (number).
    """

    __table_args__ = (
        CheckConstraint("kind IN ('section', 'page', 'single', 'multiple', 'dropdown', 'scale', "
                        "'matrix', 'ranking', 'number', 'date', 'short', 'long')", name="kind"),
        CheckConstraint("low IS NULL OR high IS NULL OR low <= high", name="bounds_in_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"),
                                           index=True)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(10))
    label: Mapped[str] = mapped_column(Text, default="")
    help: Mapped[str] = mapped_column(Text, default="")
    required: Mapped[bool] = mapped_column(default=False)
    options: Mapped[list] = mapped_column(JSON, default=list)
    rows: Mapped[list] = mapped_column(JSON, default=list)  # matrix rows
    low: Mapped[int | None]
    high: Mapped[int | None]
    has_other: Mapped[bool] = mapped_column(default=False)  # 「その他（具体的に）」
    # Shown only when the answer to ``show_if_id`` is (or, for multiple choice, includes)
    # option number ``show_if_value`` (0-based; for a scale, the value itself).
    show_if_id: Mapped[int | None] = mapped_column(
        ForeignKey("survey_question.id", ondelete="SET NULL"))
    show_if_value: Mapped[int | None]

    survey: Mapped[Survey] = relationship(back_populates="questions")


class SurveyResponse(db.Model):
    """One person's answers: ``answers`` maps a question id (as text) to its value."""

    __table_args__ = (
        # Once per person; NULL (anonymous, guests, paper) never collides.
        UniqueConstraint("survey_id", "respondent_id"),
        CheckConstraint("channel IN ('web', 'paper', 'import')", name="channel"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"),
                                           index=True)
    respondent_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    channel: Mapped[str] = mapped_column(String(8), default="web")
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # A day, not a moment: a time to the second could be matched with the participation's
    # web server log line.
    submitted_on: Mapped[date]
    answers: Mapped[dict] = mapped_column(JSON, default=dict)


class SurveyParticipation(db.Model):
    """"Has answered" marks of anonymous surveys: HMAC(secret, survey id, person id).

    No id column (its order would follow the answers' ids) and no time.
    """

    __table_args__ = (PrimaryKeyConstraint("survey_id", "person_hash"),)

    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"))
    person_hash: Mapped[str] = mapped_column(String(64))


class SurveyDraft(db.Model):
    """What someone has typed so far in a long survey, page by page, until they send it.

    ``owner`` is "user:<id>" or "guest:<random token kept in the session>"; ``typed`` holds the
    form fields as typed (name → list of values), so nothing is lost even when invalid.
    Deleted in the transaction that stores the answer.
    """

    __table_args__ = (UniqueConstraint("survey_id", "owner"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"))
    owner: Mapped[str] = mapped_column(String(80))
    typed: Mapped[dict] = mapped_column(JSON, default=dict)
    page: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class SurveyAggregate(db.Model):
    """The results of a survey, counted once per change: ``version`` is the survey's
    ``answer_count`` (or -1 after a question changed) when ``data`` was counted."""

    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"),
                                           primary_key=True)
    version: Mapped[int] = mapped_column(default=-1)
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    computed_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
