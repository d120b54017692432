"""Public comments' and surveys' published results in the API and as open data."""

from civic.extensions import db


def test_a_consultation_shows_its_published_counts_and_answers(client, results):
    answer = client.get(f"/api/v1/consultations/{results.consultation.id}")
    assert answer.status_code == 200 and answer.headers["ETag"]
    item = answer.json
    assert item["counts"]["opinions"] == 3 and item["counts"]["hidden"] == 1
    assert item["counts"]["by_channel"] == {"web": 2, "post": 1, "fax": 0, "email": 0,
                                            "counter": 0}
    assert item["counts"]["by_section"] == [{"position": 1, "label": "第1条 目的",
                                             "opinions": 3}]
    assert item["answers"] == [{"number": 1, "label": "公園整備計画の項目",
                                "summary": "公園整備計画の概要",
                                "response": "公園整備計画の区の考え方", "disposition": "partly",
                                "opinions": 3, "sections": ["第1条 目的"]}]
    assert item["dispositions"]["partly"] == 1 and item["published_at"].endswith("+00:00")
    again = client.get(answer.request.path, headers={"If-None-Match": answer.headers["ETag"]})
    assert again.status_code == 304


def test_withdrawing_an_answer_takes_it_out_of_the_api(client, results):
    assert client.get("/api/v1/consultations").json["items"]
    results.consultation.result = None
    results.consultation.result_published_at = None
    db.session.commit()
    assert client.get("/api/v1/consultations").json["items"] == []
    assert client.get(f"/api/v1/consultations/{results.consultation.id}").status_code == 404


def test_updated_since_reads_the_publication_of_the_answer(client, results):
    assert len(client.get("/api/v1/consultations?updated_since=2000-01-01").json["items"]) == 1
    assert client.get("/api/v1/consultations?updated_since=2999-01-01").json["items"] == []
    bad = client.get("/api/v1/consultations?updated_since=soon")
    assert bad.status_code == 400 and bad.mimetype == "application/problem+json"


def test_a_survey_shows_counts_and_percentages_only(client, results):
    item = client.get(f"/api/v1/surveys/{results.survey.id}").json
    assert item["answers"] == 3
    single, scale, matrix, ranking, number, when, text = item["questions"]
    assert [(b["label"], b["count"], b["percent"], b["other"]) for b in single["bars"]] == [
        ("毎日", 1, 33.3, False), ("ときどき", 1, 33.3, False), (None, 1, 33.3, True)]
    assert scale["mean"] == 4.0 and [b["count"] for b in scale["bars"]] == [0, 0, 1, 1, 1]
    assert matrix["scale"] == ["1", "2", "3"]
    assert [c["count"] for c in matrix["matrix"][0]["cells"]] == [3, 0, 0]
    assert ranking["bars"][0]["mean_rank"] is not None
    assert (number["min"], number["max"], number["mean"]) == (10, 30, 20.0)
    assert (when["min"], when["max"]) == ("2026-01-15", "2026-03-15")
    assert text["answered"] == 3 and text["bars"] == [] and text["kind"] == "long"


def test_the_open_data_files_hold_the_same_results(client, results):
    answers = client.get("/open-data/consultation_answers.csv").data.decode("utf-8-sig")
    assert "公園整備計画の区の考え方" in answers and "意見本文" not in answers
    rows = client.get("/open-data/survey_choices.json").json["rows"]
    assert {"survey_id": results.survey.id, "question_id": rows[0]["question_id"], "row": None,
            "choice": None, "other": True, "count": 1, "percent": 33.3,
            "mean_rank": None} in rows
    assert any(r["row"] == "遊具" and r["choice"] == "1" and r["count"] == 3 for r in rows)
    assert "自由記述の秘密" not in str(rows)
    for name in ("consultations", "surveys", "survey_questions"):
        assert client.get(f"/open-data/{name}.csv").status_code == 200
    page = client.get("/open-data").text
    assert "意見の概要" in page and "/open-data/survey_choices.csv" in page
