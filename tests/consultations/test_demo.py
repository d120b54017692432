from sqlalchemy import func, select

from civic.consultations import services
from civic.consultations.models import Consultation, Opinion
from civic.extensions import db


def test_the_demo_ward_has_an_answered_public_comment_and_one_taking_opinions(app, client, ctx):
    assert app.test_cli_runner().invoke(args=["demo", "load"]).exit_code == 0
    answered, open_now = db.session.scalars(select(Consultation).order_by(Consultation.id))
    total = db.session.scalar(select(func.count()).select_from(Opinion)
                              .where(Opinion.consultation_id == answered.id))
    assert 280 <= total <= 320
    counts = answered.result["counts"]
    assert counts["opinions"] == total and counts["duplicates"] == 59 and counts["hidden"] == 1
    assert not services.opinions(answered, state="ungrouped")
    assert {row["disposition"] for row in answered.result["table"]} == {
        "adopted", "partly", "not_adopted", "other"}
    page = client.get(f"/consultations/{answered.id}/result")
    assert page.status_code == 200 and "区の考え方" in page.text and "<ins>" in page.text
    assert client.get(f"/consultations/{open_now.id}/opinion").status_code == 200
    assert [r["id"] for r in services.published_results()] == [answered.id]
    client.post("/login", data={"email": "resident@example.jp", "password": "demo-password"})
    told = client.get("/notifications").text
    assert "公園整備方針（素案）」に寄せられた意見への区の考え方が公表されました。" in told
