"""Answering on the web, staff tools, results, exports and imports."""

import csv
import io

from sqlalchemy import func, select

from civic.audit.models import AuditEvent
from civic.extensions import db
from civic.surveys import services
from civic.surveys.models import (
    Survey,
    SurveyAggregate,
    SurveyDraft,
    SurveyParticipation,
    SurveyResponse,
)
from tests.conftest import login


def _ids(survey):
    return [q.id for q in survey.questions]


def _answer_both_pages(client, survey, choice="2", reason="遠い", satisfaction="4"):
    q = _ids(survey)
    first = client.post(f"/surveys/{survey.id}", data={
        "page": 0, "action": "next", f"q{q[0]}": choice, f"q{q[1]}": reason})
    assert first.status_code == 302 and "page=1" in first.headers["Location"]
    return client.post(f"/surveys/{survey.id}", data={
        "page": 1, "action": "submit", f"q{q[3]}": satisfaction, f"q{q[4]}_r0": "5",
        f"q{q[5]}": "=HYPERLINK(\"x\") ベンチがほしい"})


def test_resident_answers_two_pages_and_the_draft_is_gone(client, make_user, make_survey):
    survey = make_survey()
    user = make_user()
    login(client, user)
    page = client.get(f"/surveys/{survey.id}")
    assert "回答は計画づくりに使います。".encode() in page.data and b"csrf" not in page.data[:0]
    response = _answer_both_pages(client, survey)
    assert response.status_code == 303 and response.headers["Location"].endswith("/thanks")
    stored = db.session.scalars(select(SurveyResponse)).one()
    q = _ids(survey)
    assert stored.respondent_id == user.id
    assert stored.answers == {str(q[0]): 2, str(q[1]): "遠い", str(q[3]): 4,
                              str(q[4]): [5, None], str(q[5]): "=HYPERLINK(\"x\") ベンチがほしい"}
    assert db.session.scalar(select(func.count()).select_from(SurveyDraft)) == 0
    again = client.get(f"/surveys/{survey.id}")
    assert "すでに".encode() in again.data or b"already" in again.data


def test_hidden_question_answers_are_dropped(client, make_user, make_survey):
    survey = make_survey()
    login(client, make_user())
    _answer_both_pages(client, survey, choice="0", reason="書いても消える")
    assert str(_ids(survey)[1]) not in db.session.scalars(select(SurveyResponse)).one().answers


def test_bad_input_keeps_what_was_typed(client, make_user, make_survey):
    survey = make_survey()
    login(client, make_user())
    q = _ids(survey)
    response = client.post(f"/surveys/{survey.id}", data={"page": 0, "action": "next",
                                                          f"q{q[1]}": "書いた理由"})
    assert response.status_code == 422
    assert "書いた理由".encode() in response.data
    assert "回答してください".encode() in response.data  # "Please answer this question." in ja
    long_text = "長" * 20_000
    client.post(f"/surveys/{survey.id}", data={"page": 0, "action": "next", f"q{q[0]}": "1"})
    response = client.post(f"/surveys/{survey.id}", data={"page": 1, "action": "submit",
                                                          f"q{q[5]}": long_text})
    assert response.status_code == 422 and long_text.encode() in response.data
    assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 0


def test_once_per_person_is_a_database_constraint(client, make_user, make_survey):
    survey = make_survey()
    user = make_user()
    services.submit(survey, {}, user)
    try:
        services.submit(survey, {}, user)
    except services.AlreadyAnswered:
        pass
    else:
        raise AssertionError("a second answer was stored")
    assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 1


def test_anonymous_survey_stores_no_person_yet_one_answer_each(client, make_user, make_survey):
    survey = make_survey(anonymous=True, audience="signed_in")
    user = make_user()
    login(client, user)
    assert _answer_both_pages(client, survey).status_code == 303
    stored = db.session.scalars(select(SurveyResponse)).one()
    assert stored.respondent_id is None and stored.entered_by_id is None
    assert db.session.scalar(select(func.count()).select_from(SurveyParticipation)) == 1
    assert client.post(f"/surveys/{survey.id}", data={"page": 0}).status_code == 403


def test_verified_audience_of_an_area(client, make_user, make_area, make_survey, make_process):
    area, other = make_area(), make_area()
    survey = make_survey(make_process(area=area, features=("surveys_open",)), audience="verified")
    login(client, make_user(area=other))
    assert client.post(f"/surveys/{survey.id}", data={"page": 0}).status_code == 403


def test_phase_switch_closes_a_process_survey(client, make_user, make_survey, make_process):
    survey = make_survey(make_process(features=("proposals_open",)))
    login(client, make_user())
    page = client.get(f"/surveys/{survey.id}")
    assert "期間".encode() in page.data or b"phase" in page.data
    assert client.post(f"/surveys/{survey.id}", data={"page": 0}).status_code == 403


def _staff(client, make_user):
    staff = make_user(roles=("staff",))
    login(client, staff)
    return staff


def test_results_counted_once_per_change(client, make_user, make_survey):
    survey = make_survey(results_public=True)
    for choice in (0, 0, 1):
        services.submit(survey, {str(survey.questions[0].id): choice})
    page = client.get(f"/surveys/{survey.id}/results")
    assert page.status_code == 200 and b"66.7%" in page.data
    agg = db.session.get(SurveyAggregate, survey.id)
    assert agg.version == 3
    services.submit(survey, {str(survey.questions[0].id): 2})  # counted into the stored row
    db.session.expire_all()
    assert db.session.get(SurveyAggregate, survey.id).version == 4
    assert db.session.get(SurveyAggregate, survey.id).data["questions"][
        str(survey.questions[0].id)]["counts"] == [2, 1, 1]
    assert b"50.0%" in client.get(f"/surveys/{survey.id}/results").data


def test_results_are_staff_only_unless_public(client, make_user, make_survey):
    survey = make_survey()
    login(client, make_user())
    assert client.get(f"/surveys/{survey.id}/results").status_code == 403


def test_paper_answer_and_exports(client, make_user, make_survey):
    survey = make_survey()
    _staff(client, make_user)
    q = _ids(survey)
    response = client.post(f"/staff/surveys/{survey.id}/paper", data={
        f"q{q[0]}": "-1", f"q{q[0]}_other": "+週末だけ", f"q{q[3]}": "3"})
    assert response.status_code == 303
    stored = db.session.scalars(select(SurveyResponse)).one()
    assert stored.channel == "paper" and stored.respondent_id is None
    export = client.get(f"/staff/surveys/{survey.id}/answers.csv")
    assert export.is_streamed and export.headers["Cache-Control"] == "no-store"
    text = export.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0][3].startswith("Q1.") and "'+週末だけ" in rows[1]
    counts = client.get(f"/staff/surveys/{survey.id}/results.csv").get_data(as_text=True)
    assert "満足度" in counts
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"surveys.paper_answer", "surveys.export"} <= actions


def test_csv_import_round_trip_cp932_and_all_or_nothing(client, make_user, make_survey):
    survey = make_survey()
    _staff(client, make_user)
    q = _ids(survey)
    services.submit(survey, {str(q[0]): 1, str(q[3]): 5, str(q[4]): [2, 3]})
    exported = client.get(f"/staff/surveys/{survey.id}/answers.csv").get_data(as_text=True)
    data = exported.lstrip("\ufeff").encode("cp932")
    response = client.post(f"/staff/surveys/{survey.id}/import",
                           data={"file": (io.BytesIO(data), "answers.csv")})
    assert response.status_code == 302
    answers = [r.answers for r in db.session.scalars(select(SurveyResponse)
                                                     .order_by(SurveyResponse.id))]
    assert answers[1] == answers[0]
    broken = exported.lstrip("\ufeff").replace("ときどき", "たまに").encode()
    response = client.post(f"/staff/surveys/{survey.id}/import",
                           data={"file": (io.BytesIO(broken), "answers.csv")})
    assert response.status_code == 422 and b"Q1" in response.data
    bad_quote = b'Q1. x\n"open\n'
    response = client.post(f"/staff/surveys/{survey.id}/import",
                           data={"file": (io.BytesIO(bad_quote), "answers.csv")})
    assert response.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 2


def test_staff_build_a_survey_and_crosstab(client, make_user):
    _staff(client, make_user)
    response = client.post("/staff/surveys/new", data={
        "title": "区民意識調査", "purpose": "", "area_id": 0, "phase_id": 0,
        "audience": "anyone"})
    assert response.status_code == 302
    survey = db.session.scalars(select(Survey)).one()
    for label, options in (("年代", "10代\n20代"), ("通勤手段", "車\nバス")):
        assert client.post(f"/staff/surveys/{survey.id}/questions/new", data={
            "kind": "single", "label": label, "options": options,
            "show_if_id": 0}).status_code == 302
    refused = client.post(f"/staff/surveys/{survey.id}/questions/new", data={
        "kind": "multiple", "label": "x", "options": "同じ\n同じ", "show_if_id": 0})
    assert refused.status_code == 422
    db.session.expire_all()
    a, b = survey.questions
    for pair in ((0, 0), (0, 1), (1, 1)):
        services.submit(survey, {str(a.id): pair[0], str(b.id): pair[1]})
    page = client.get(f"/staff/surveys/{survey.id}/crosstab?a={a.id}&b={b.id}")
    assert page.status_code == 200 and b"shade-5" in page.data and b"50.0%" in page.data


def test_free_text_to_themes_in_one_click(client, make_user, make_survey, held_jobs):
    survey = make_survey()
    _staff(client, make_user)
    long_q = survey.questions[5]
    services.submit(survey, {str(long_q.id): "ベンチがほしい"})
    services.submit(survey, {str(long_q.id): "木陰がほしい"})
    response = client.post(f"/staff/surveys/{survey.id}/themes", data={"question": long_q.id})
    assert response.status_code == 302 and "/staff/themes/" in response.headers["Location"]
    from civic.insights.models import AnalysisComment

    assert set(db.session.scalars(select(AnalysisComment.text))) == {"木陰がほしい",
                                                                   "ベンチがほしい"}


def test_furigana_on_questions(client, make_user, make_survey):
    survey = make_survey()
    user = make_user()
    login(client, user)
    client.post("/furigana", data={"furigana": "on"})
    assert b"<ruby>" in client.get(f"/surveys/{survey.id}").data


def test_public_results_for_the_api(ctx, make_survey):
    survey = make_survey(results_public=True)
    make_survey()
    services.submit(survey, {str(survey.questions[0].id): 0})
    data = services.public_results()
    assert [s["id"] for s in data] == [survey.id]
    assert data[0]["questions"][0]["bars"][0]["count"] == 1


def test_a_report_links_a_survey_as_evidence(client, make_user, make_survey, make_process,
                                             make_proposal):
    from civic.proposals import services as proposals

    process = make_process()
    survey = make_survey(process, results_public=True)
    author = make_user()
    proposal = make_proposal(process, author, state="accepted")
    assert proposals.evidence_surveys(proposal) == [survey]
    proposals.add_update(author, proposal, "update", 50, "半分できました", "満足度 4.2",
                         survey_id=survey.id)
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert f"/surveys/{survey.id}/results" in page
