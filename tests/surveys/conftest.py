import pytest

from civic.extensions import db
from civic.surveys.models import Survey, SurveyQuestion


@pytest.fixture
def make_survey(ctx):
    """An open survey with a page break: page 1 a single choice (required) and a conditional
    short text, page 2 a scale, a matrix, and a long text."""

    def make(process=None, **extra):
        survey = Survey(title="公園についてのアンケート", purpose="回答は計画づくりに使います。",
                        state="open", process_id=process.id if process else None,
                        area_id=process.area_id if process else None, **extra)
        db.session.add(survey)
        db.session.flush()
        items = [
            SurveyQuestion(kind="single", label="公園をよく使いますか", required=True,
                           options=["毎日", "ときどき", "使わない"], has_other=True),
            SurveyQuestion(kind="short", label="使わない理由", show_if_value=2),
            SurveyQuestion(kind="page"),
            SurveyQuestion(kind="scale", label="満足度", low=1, high=5),
            SurveyQuestion(kind="matrix", label="施設の評価", rows=["遊具", "トイレ"], low=1,
                           high=5),
            SurveyQuestion(kind="long", label="ご意見"),
        ]
        for position, q in enumerate(items):
            q.survey_id, q.position = survey.id, position
            db.session.add(q)
        db.session.flush()
        items[1].show_if_id = items[0].id
        db.session.commit()
        return survey

    return make
