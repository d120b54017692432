from sqlalchemy import select

from civic.extensions import db
from civic.surveys.models import Survey


def test_demo_survey_has_500_answers_and_public_results(app, client, ctx):
    assert app.test_cli_runner().invoke(args=["demo", "load"]).exit_code == 0
    survey = db.session.scalars(select(Survey)).one()
    assert survey.answer_count == 500
    page = client.get(f"/surveys/{survey.id}/results")
    assert page.status_code == 200 and "住みやすさ" in page.get_data(as_text=True)
    assert client.get(f"/surveys/{survey.id}").status_code == 200
