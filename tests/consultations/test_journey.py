"""A public comment from the draft to the published answer, through the pages."""

import re

from civic.audit.models import AuditEvent
from civic.consultations import services
from civic.consultations.models import Opinion, OpinionGroup
from civic.extensions import db
from civic.notifications.models import Notification
from tests.conftest import login
from tests.consultations.conftest import end_period


def _send(client, consultation, body, **extra):
    data = {"body": body, "section": 0, "name": "", "address": "", **extra}
    page = client.post(f"/consultations/{consultation.id}/opinion", data={**data, "step": "review"})
    assert page.status_code == 200 and "送信" in page.text
    sent = client.post(f"/consultations/{consultation.id}/opinion", data={**data, "step": "send"})
    assert sent.status_code == 302
    return sent.headers["Location"]


def test_anyone_sends_an_opinion_checks_it_and_gets_a_receipt(client, make_consultation):
    consultation = make_consultation()
    section = consultation.sections[2]
    page = client.get(f"/consultations/{consultation.id}/sections/3")
    assert page.status_code == 200 and "この計画は、公園の整備の方針を定める。" in page.text
    form = client.get(f"/consultations/{consultation.id}/opinion?section={section.id}")
    assert f'<option selected value="{section.id}">' in form.text
    confirm = client.post(f"/consultations/{consultation.id}/opinion", data={
        "body": "ベンチを<b>増やして</b>ほしい。", "section": section.id, "name": "山田",
        "address": "本町", "step": "review"})
    assert "ベンチを&lt;b&gt;増やして&lt;/b&gt;ほしい。" in confirm.text
    assert db.session.scalar(db.select(db.func.count()).select_from(Opinion)) == 0
    back = client.post(f"/consultations/{consultation.id}/opinion", data={
        "body": "ベンチを増やしてほしい。", "section": section.id, "step": "edit"})
    assert "ベンチを増やしてほしい。</textarea>" in back.text
    location = _send(client, consultation, "ベンチを増やしてほしい。", section=section.id)
    receipt = client.get(location)
    assert receipt.headers["Cache-Control"] == "no-store"
    number = re.search(r'id="receipt-number">([^<]+)<', receipt.text).group(1)
    opinion = db.session.scalar(db.select(Opinion))
    assert number == opinion.receipt == f"PC{consultation.id}-00001"
    assert opinion.section_id == section.id and opinion.channel == "web" and opinion.user_id is None
    # Another browser cannot read someone else's receipt page.
    assert client.application.test_client().get(location).status_code == 404


def test_a_pasted_file_gets_a_message_and_keeps_the_text(client, make_consultation):
    consultation = make_consultation()
    huge = "あ" * (3 * 1024 * 1024 + 5)  # 10 MB of UTF-8
    # The form is sent as multipart: URL-encoded, Japanese text would take three times the room.
    page = client.post(f"/consultations/{consultation.id}/opinion", content_type="multipart/form-data",
                       data={"body": huge, "section": 0, "step": "review"})
    assert page.status_code == 422
    assert "3,145,733" in page.text and huge in page.text
    empty = client.post(f"/consultations/{consultation.id}/opinion",
                        data={"body": "   ", "section": 0, "step": "send"})
    assert empty.status_code == 422
    assert db.session.scalar(db.select(db.func.count()).select_from(Opinion)) == 0


def test_who_may_send_and_required_details(client, make_consultation, make_user, make_area,
                                           make_process):
    area = make_area()
    process = make_process(area=area, features=("consultations_open",), starts=-30, ends=60)
    consultation = make_consultation(process, who="verified", name="required")
    url = f"/consultations/{consultation.id}/opinion"
    assert client.get(url).status_code == 302  # to the sign-in page
    login(client, make_user())
    assert client.get(url).status_code == 403
    client.post("/logout")
    login(client, make_user(area=area))
    missing = client.post(url, data={"body": "賛成です。", "section": 0, "step": "send"})
    assert missing.status_code == 422 and 'name="name"' in missing.text
    assert db.session.scalar(db.select(db.func.count()).select_from(Opinion)) == 0
    _send(client, consultation, "賛成です。", name="佐藤")
    assert db.session.scalar(db.select(Opinion.name)) == "佐藤"


def test_opinions_stay_closed_to_everyone_before_the_deadline(client, make_consultation,
                                                              make_user):
    consultation = make_consultation()
    _send(client, consultation, "反対です。")
    staff = db.session.get(type(make_user()), consultation.created_by_id)
    login(client, staff)
    assert client.get(f"/staff/consultations/{consultation.id}").status_code == 200
    assert client.get(f"/staff/consultations/{consultation.id}/opinions").status_code == 403
    assert client.get(f"/consultations/{consultation.id}/result").status_code == 404


def test_staff_review_group_answer_and_publish(client, make_consultation, make_user, held_jobs):
    consultation = make_consultation()
    resident = make_user()
    login(client, resident)
    _send(client, consultation, "公園にベンチを増やしてください。")
    client.post("/logout")
    campaign = "夜間の照明を明るくしてください。防犯のためです。"
    for _ in range(5):
        _send(client, consultation, campaign)
    _send(client, consultation, "電話 090-1234-5678 の山田は許せない。")
    staff = db.session.get(type(resident), consultation.created_by_id)
    login(client, staff)
    entered = client.post(f"/staff/consultations/{consultation.id}/opinions/new", data={
        "channel": "post", "received_on": "2026-01-05", "section": consultation.sections[5].id,
        "body": "日陰をつくる場所を増やしてほしい。", "name": "郵送 花子", "address": ""})
    assert entered.status_code == 302
    end_period(consultation)

    rows = services.opinions(consultation)
    assert [r.channel for r in rows].count("post") == 1
    client.post(f"/staff/consultations/{consultation.id}/duplicates")
    assert len(services.opinions(consultation, state="duplicates")) == 4
    slander = next(r for r in rows if "許せない" in r.body)
    assert client.post(f"/staff/consultations/{consultation.id}/opinions/{slander.id}/hide",
                       data={"reason": "個人情報と誹謗中傷"}).status_code == 302

    assert client.post(f"/staff/consultations/{consultation.id}/grouping").status_code == 302
    held_jobs.run()
    groups = services.groups(consultation)
    assert groups and not services.opinions(consultation, state="ungrouped")
    # Staff make one group of everything, then split the lighting opinion off on its own.
    target = groups[0]
    client.post(f"/staff/consultations/{consultation.id}/groups/merge",
                data={"target": target.id, "group": [g.id for g in groups], "label": "公園全般"})
    db.session.expire_all()
    assert [g.label for g in services.groups(consultation)] == ["公園全般"]
    light = next(r for r in services.opinions(consultation) if r.body == campaign
                 and r.duplicate_of_id is None)
    client.post(f"/staff/consultations/{consultation.id}/groups/{target.id}/split",
                data={"opinion": [light.id], "label": "照明"})
    db.session.expire_all()
    assert sorted(g.label for g in services.groups(consultation)) == ["公園全般", "照明"]
    for group in services.groups(consultation):
        answered = client.post(f"/staff/consultations/{consultation.id}/groups/{group.id}", data={
            "label": group.label, "summary": f"{group.label}についての意見",
            "response": "ご意見を踏まえ、計画に反映します。",
            "disposition": "partly" if group.label == "照明" else "adopted"})
        assert answered.status_code == 302
    client.post(f"/staff/consultations/{consultation.id}/sections/6/final",
                data={"body": "木陰をつくる。\n照明を明るくする。"})
    confirm = client.get(f"/staff/consultations/{consultation.id}/publish")
    assert confirm.status_code == 200
    assert client.post(f"/staff/consultations/{consultation.id}/publish",
                       data={"confirm": "yes"}).status_code == 302
    held_jobs.run()

    db.session.expire_all()
    result = client.get(f"/consultations/{consultation.id}/result")
    assert result.status_code == 200
    page = result.text
    assert "照明についての意見" in page and "一部反映" in page
    assert "<del>日</del><ins>木</ins>" in page and "<ins>照明を明るくする。\n</ins>" in page
    assert "090-1234-5678" not in page
    counts = db.session.get(type(consultation), consultation.id).result["counts"]
    assert counts["opinions"] == 8 and counts["hidden"] == 1 and counts["duplicates"] == 4
    assert counts["by_channel"]["post"] == 1 and counts["by_channel"]["web"] == 7
    assert counts["submitters"] == 8  # anonymous web opinions count one each
    table = {row["label"]: row for row in db.session.get(type(consultation),
                                                          consultation.id).result["table"]}
    assert table["照明"]["opinions"] == 5
    told = db.session.scalars(db.select(Notification.user_id)
                              .where(Notification.kind == "pubcomment")).all()
    assert told == [resident.id]
    actions = set(db.session.scalars(db.select(AuditEvent.action)))
    assert {"consultation.published", "consultation.opinion_hidden", "consultation.answered",
            "consultation.groups_merged", "consultation.group_split"} <= actions
    assert db.session.scalar(db.select(db.func.count()).select_from(OpinionGroup)) == 2

    csv = client.get(f"/consultations/{consultation.id}/result.csv")
    assert csv.data.startswith("\ufeff".encode()) and "照明" in csv.data.decode("utf-8-sig")
    printable = client.get(f"/consultations/{consultation.id}/result/print")
    assert printable.status_code == 200 and "CSVをダウンロード" not in printable.text
    assert "CSVをダウンロード" in page
    published = services.published_results()
    assert published[0]["counts"]["opinions"] == 8 and "body" not in str(published[0].keys())


def test_the_result_csv_is_safe_against_formulas(client, make_consultation, ctx):
    consultation = make_consultation()
    end_period(consultation)
    opinion = services.submit(consultation, {"body": "=HYPERLINK(\"http://x\")"})
    group = OpinionGroup(consultation_id=consultation.id, label="=1+1", summary="@SUM(A1)",
                  response="-2", disposition="other")
    db.session.add(group)
    db.session.flush()
    opinion.group_id = group.id
    db.session.commit()
    consultation.result = services.snapshot(consultation)
    db.session.commit()
    body = client.get(f"/consultations/{consultation.id}/result.csv").data.decode("utf-8-sig")
    assert "'=1+1" in body and "'@SUM(A1)" in body and "'-2" in body
