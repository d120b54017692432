"""Surveys (アンケート) as the API shows them: the results of surveys whose results are public, as
the public results page shows them — per question how many answered, counts and percentages.

Which surveys those are is the surveys package's rule (``public_statement``, the visitor's side
of ``survey.results``); the figures are its own (``counts``, ``public_result``). An answer
itself (free text included), a respondent and a draft or private survey never appear.
"""

from marshmallow import Schema, fields
from sqlalchemy.orm import selectinload

from civic.api import paging
from civic.extensions import db
from civic.surveys import services as surveys
from civic.surveys.models import QUESTION_KINDS, STATES, Survey

# What a survey's results are read from: a write to any of them changes them (an answer bumps
# the survey's answer_count, a café moves with its process).
TABLES = ("survey", "survey_question", "survey_response", "survey_aggregate", "process", "cafe")


class SurveyBarSchema(Schema):
    label = fields.String(required=True, allow_none=True, metadata={
        "description": "The choice (for a scale, its value); null for 「その他」."})
    count = fields.Integer(required=True)
    percent = fields.Float(required=True, metadata={
        "description": "Of those who answered the question (multiple choice may add up to more "
                       "than 100); for a ranking, of those who put it first."})
    other = fields.Boolean(required=True, metadata={"description": "「その他（具体的に）」."})
    mean_rank = fields.Float(required=True, allow_none=True, metadata={
        "description": "Ranking questions: the average rank given (1 is first); else null."})


class SurveyCellSchema(Schema):
    count = fields.Integer(required=True)
    percent = fields.Float(required=True)


class SurveyMatrixRowSchema(Schema):
    label = fields.String(required=True)
    cells = fields.List(fields.Nested(SurveyCellSchema), required=True,
                        metadata={"description": "One per value of SurveyQuestionSchema.scale."})


class SurveyQuestionSchema(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True, metadata={"enum": list(QUESTION_KINDS)})
    label = fields.String(required=True)
    answered = fields.Integer(required=True, metadata={"description": "People who answered it."})
    bars = fields.List(fields.Nested(SurveyBarSchema), required=True, metadata={
        "description": "Choices, scale values and rankings with their counts (free-text "
                       "questions: none, their texts are not published)."})
    scale = fields.List(fields.String(), required=True,
                        metadata={"description": "Matrix questions: the values of the scale."})
    matrix = fields.List(fields.Nested(SurveyMatrixRowSchema), required=True)
    mean = fields.Float(required=True, allow_none=True,
                        metadata={"description": "Scale and number questions: the average."})
    min = fields.Raw(required=True, allow_none=True, metadata={
        "type": ["number", "string"],
        "description": "Number questions: the smallest answer; date questions: the earliest."})
    max = fields.Raw(required=True, allow_none=True, metadata={
        "type": ["number", "string"],
        "description": "Number questions: the largest answer; date questions: the latest."})


class SurveySchema(Schema):
    id = fields.Integer(required=True)
    process_id = fields.Integer(required=True, allow_none=True)
    cafe_id = fields.Integer(required=True, allow_none=True)
    area_id = fields.Integer(required=True, allow_none=True)
    title = fields.String(required=True)
    state = fields.String(required=True, metadata={"enum": [s for s in STATES if s != "draft"]})
    opens_on = fields.Date(required=True, allow_none=True)
    closes_on = fields.Date(required=True, allow_none=True)
    answers = fields.Integer(required=True, metadata={"description": "Answers counted."})
    questions = fields.List(fields.Nested(SurveyQuestionSchema), required=True)


class SurveyPageSchema(Schema):
    items = fields.List(fields.Nested(SurveySchema), required=True)
    next_cursor = fields.String(required=True, allow_none=True)


_SCHEMA = SurveySchema()
_QUESTION_DEFAULTS = {"mean": None, "min": None, "max": None}
_BAR_DEFAULTS = {"other": False, "mean_rank": None}


def _plain(survey: Survey) -> dict:
    result = surveys.public_result(survey, surveys.counts(survey))
    questions = [{**_QUESTION_DEFAULTS, **question,
                  "bars": [{**_BAR_DEFAULTS, **bar} for bar in question["bars"]]}
                 for question in result["questions"]]
    return {**result, "questions": questions, "process_id": survey.process_id,
            "cafe_id": survey.cafe_id, "area_id": survey.area_id,
            "opens_on": survey.opens_on, "closes_on": survey.closes_on}


def _statement():
    return surveys.public_statement().options(selectinload(Survey.questions))


def page(query: dict) -> dict:
    found = paging.page(_statement(), Survey.id, query)
    return {"items": _SCHEMA.dump([_plain(s) for s in found.items], many=True),
            "next_cursor": found.next_cursor}


def visible(survey_id: int) -> Survey | None:
    """The survey if everyone may read its results, else None."""
    return db.session.scalars(_statement().where(Survey.id == survey_id)).first()


def one(survey: Survey) -> dict:
    return _SCHEMA.dump(_plain(survey))
