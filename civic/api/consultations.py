"""パブリックコメント as the API shows them: the published answer (意見の概要と区の考え方) of
published consultations, as the public result page shows it — counts and the table of answers.

Which consultations those are is the consultations package's rule (``published_statement``,
the visitor's side of ``consultation.see_result``); the data are its plain published snapshot
(``published_result``). Opinions themselves, who sent them, and anything before the answer is
published never appear.
"""

from datetime import datetime

from marshmallow import Schema, fields, validate
from sqlalchemy.orm import lazyload

from civic.api import paging
from civic.api.common import Moment
from civic.consultations import services as consultations
from civic.consultations.models import CHANNELS, DISPOSITIONS, Consultation
from civic.extensions import db
from civic.forms import DB_INT_MAX

# What an answer is read from: a write to any of them changes it.
TABLES = ("consultation", "process")


class ConsultationQuery(paging.SinceQuery):
    process_id = fields.Integer(load_default=None, strict=False,
                                validate=validate.Range(1, DB_INT_MAX),
                                metadata={"description": "Only the consultations of this process."})


class ConsultationSectionCountSchema(Schema):
    position = fields.Integer(required=True)
    label = fields.String(required=True)
    opinions = fields.Integer(required=True)


ConsultationChannelCountSchema = Schema.from_dict(
    {channel: fields.Integer(required=True) for channel in CHANNELS}, name="ConsultationChannelCountSchema")
ConsultationDispositionCountSchema = Schema.from_dict(
    {disposition: fields.Integer(required=True) for disposition in DISPOSITIONS},
    name="ConsultationDispositionCountSchema")


class ConsultationCountsSchema(Schema):
    opinions = fields.Integer(required=True, metadata={"description": "Opinions received."})
    submitters = fields.Integer(required=True, metadata={
        "description": "People and groups who sent them."})
    hidden = fields.Integer(required=True, metadata={
        "description": "Of which not published (personal data and the like): a count only."})
    duplicates = fields.Integer(required=True, metadata={
        "description": "Of which the same text sent by several people."})
    by_channel = fields.Nested(ConsultationChannelCountSchema, required=True)
    whole_draft = fields.Integer(required=True, metadata={
        "description": "Opinions on the whole draft rather than one section."})
    by_section = fields.List(fields.Nested(ConsultationSectionCountSchema), required=True)


class ConsultationAnswerSchema(Schema):
    number = fields.Integer(required=True)
    label = fields.String(required=True)
    summary = fields.String(required=True, metadata={"description": "意見の概要."})
    response = fields.String(required=True, metadata={"description": "区の考え方."})
    disposition = fields.String(required=True, metadata={"enum": list(DISPOSITIONS)})
    opinions = fields.Integer(required=True, metadata={
        "description": "Opinions the answer covers."})
    sections = fields.List(fields.String(), required=True, metadata={
        "description": "Labels of the sections they were about."})


class ConsultationSchema(Schema):
    id = fields.Integer(required=True)
    process_id = fields.Integer(required=True)
    title = fields.String(required=True)
    language = fields.String(required=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True, metadata={"description": "Last day opinions were taken."})
    published_at = Moment(required=True, metadata={"description": "When the answer was published."})
    counts = fields.Nested(ConsultationCountsSchema, required=True)
    answers = fields.List(fields.Nested(ConsultationAnswerSchema), required=True, metadata={
        "description": "The table of answers (意見の概要と区の考え方), in its order."})
    dispositions = fields.Nested(ConsultationDispositionCountSchema, required=True, metadata={
        "description": "How many answers have each disposition."})
    changed_sections = fields.List(fields.String(), required=True, metadata={
        "description": "Labels of the sections changed in the final text."})


class ConsultationPageSchema(Schema):
    items = fields.List(fields.Nested(ConsultationSchema), required=True)
    next_cursor = fields.String(required=True, allow_none=True)


_SCHEMA = ConsultationSchema()


def _plain(consultation: Consultation) -> dict:
    return {**consultations.published_result(consultation),
            "starts_on": consultation.starts_on, "ends_on": consultation.ends_on,
            # The snapshot's own time when the column is unset (a result stored by hand).
            "published_at": consultation.result_published_at
            or datetime.fromisoformat(consultation.result["published_at"])}


def _statement(process_id: int | None = None):
    # The answer reads the snapshot only: no sections, translations or process to load.
    return consultations.published_statement(process_id).options(
        lazyload(Consultation.sections), lazyload(Consultation.translations))


def page(query: dict) -> dict:
    statement = _statement(query.get("process_id"))
    if (moment := paging.since(query)) is not None:
        # Published again after a correction: its answer changed then.
        statement = statement.where(Consultation.result_published_at >= moment)
    found = paging.page(statement, Consultation.id, query)
    return {"items": _SCHEMA.dump([_plain(c) for c in found.items], many=True),
            "next_cursor": found.next_cursor}


def visible(consultation_id: int) -> Consultation | None:
    """The consultation if everyone may read its answer, else None (a draft, a consultation
    before its answer is published and a missing one are alike)."""
    return db.session.scalars(_statement().where(Consultation.id == consultation_id)).first()


def one(consultation: Consultation) -> dict:
    return _SCHEMA.dump(_plain(consultation))
