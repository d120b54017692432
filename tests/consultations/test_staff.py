"""Staff pages of a public comment: the draft's files and translation, paper opinions, groups,
and what stands between the answer and its publication."""

import io

from civic.audit.models import AuditEvent
from civic.consultations import services
from civic.consultations.models import Attachment, Opinion, OpinionGroup
from civic.extensions import db
from tests.conftest import login
from tests.consultations.conftest import end_period


def _staff(consultation, make_user):
    return db.session.get(type(make_user()), consultation.created_by_id)


def test_files_are_checked_by_their_bytes(client, make_consultation, make_user):
    consultation = make_consultation()
    login(client, _staff(consultation, make_user))
    url = f"/staff/consultations/{consultation.id}/attachments"
    client.post(url, data={"file": (io.BytesIO(b"%PDF-1.7\n..."), "素案.pdf")},
                content_type="multipart/form-data")
    client.post(url, data={"file": (io.BytesIO(b"MZ\x90\x00not a pdf"), "evil.pdf")},
                content_type="multipart/form-data")
    files = db.session.scalars(db.select(Attachment)).all()
    assert [(f.filename, f.content_type) for f in files] == [("素案.pdf", "application/pdf")]
    download = client.get(f"/consultations/{consultation.id}/attachments/{files[0].id}")
    assert download.data.startswith(b"%PDF") and download.headers[
        "Content-Disposition"].startswith("attachment")


def test_a_translation_is_shown_section_by_section_and_furigana_works_on_the_draft(
        client, make_consultation, make_user):
    consultation = make_consultation()
    login(client, _staff(consultation, make_user))
    saved = client.post(f"/staff/consultations/{consultation.id}/translation", data={
        "language": "en", "title": "Park plan (draft)", "summary": "",
        "draft": "Preamble.\n\n## Chapter 1\n### Article 1 (Purpose)\nThis plan sets the policy."})
    assert saved.status_code == 302
    page = client.get(f"/consultations/{consultation.id}/sections/3?lang=en")
    assert 'lang="en"' in page.text and "This plan sets the policy." in page.text
    client.post("/furigana", data={"furigana": "on"})
    ruby = client.get(f"/consultations/{consultation.id}/sections/3").text
    assert "<ruby>計画<rt>けいかく</rt></ruby>" in ruby


def test_staff_enter_a_letter_with_its_scan(client, make_consultation, make_user):
    consultation = make_consultation(name="required")
    login(client, _staff(consultation, make_user))
    response = client.post(f"/staff/consultations/{consultation.id}/opinions/new", data={
        "channel": "fax", "received_on": "2026-11-30", "section": 0, "body": "FAXで送ります。",
        "name": "", "address": "",
        "scan": (io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"0" * 20), "fax.png")},
        content_type="multipart/form-data")
    assert response.status_code == 302  # staff type what the letter says: no name is fine
    opinion = db.session.scalar(db.select(Opinion))
    assert (opinion.channel, str(opinion.received_on)) == ("fax", "2026-11-30")
    assert services.scan_of(opinion).content_type == "image/png"
    assert db.session.scalar(db.select(AuditEvent.action).where(
        AuditEvent.action == "consultation.opinion_entered"))
    end_period(consultation)
    scan = client.get(f"/staff/consultations/{consultation.id}/opinions/{opinion.id}/scan")
    assert scan.status_code == 200 and scan.headers["Cache-Control"] == "no-store"


def test_the_draft_stays_once_opinions_arrived(client, make_consultation, make_user):
    consultation = make_consultation()
    services.submit(consultation, {"body": "意見です。"})
    login(client, _staff(consultation, make_user))
    page = client.post(f"/staff/consultations/{consultation.id}/edit", data={
        "title": consultation.title, "draft": "## 第1条\n差し替え", "language": "ja",
        "starts_on": str(consultation.starts_on), "ends_on": str(consultation.ends_on),
        "who": "anyone", "ask_name": "optional", "ask_address": "optional",
        "ask_age_band": "off", "ask_organisation": "off"})
    assert page.status_code == 422 and "差し替え" in page.text
    db.session.expire_all()
    assert len(consultation.sections) == 6


def test_a_short_period_is_warned_about_not_refused(client, make_process, make_user):
    process = make_process(features=("consultations_open",))
    login(client, make_user(roles=("staff",)))
    response = client.post(f"/staff/processes/{process.slug}/consultations/new", data={
        "title": "短い募集", "draft": "", "language": "ja", "starts_on": "2026-12-01",
        "ends_on": "2026-12-14", "who": "signed_in", "ask_name": "off", "ask_address": "off",
        "ask_age_band": "required", "ask_organisation": "optional"}, follow_redirects=True)
    assert response.status_code == 200 and "14日間" in response.text


def test_publishing_waits_for_every_opinion_to_be_answered(client, make_consultation, make_user):
    consultation = make_consultation()
    first = services.submit(consultation, {"body": "ベンチがほしい。"})
    second = services.submit(consultation, {"body": "トイレをきれいに。"})
    staff = _staff(consultation, make_user)
    login(client, staff)
    assert services.publish_problems(consultation) == ["before_deadline", "ungrouped"]
    end_period(consultation)
    group = services.new_group(consultation, "公園", staff)
    client.post(f"/staff/consultations/{consultation.id}/groups/move",
                data={"target": group.id, "opinion": [first.id, second.id]})
    db.session.expire_all()
    assert services.publish_problems(consultation) == ["unanswered"]
    assert client.post(f"/staff/consultations/{consultation.id}/publish",
                       data={"confirm": "yes"}).status_code == 302
    assert consultation.result is None
    client.post(f"/staff/consultations/{consultation.id}/groups/{group.id}/rename",
                data={"label": "公園の設備"})
    empty = client.post(f"/staff/consultations/{consultation.id}/groups/{group.id}",
                        data={"label": "公園の設備", "summary": "", "response": ""})
    assert empty.status_code == 422
    client.post(f"/staff/consultations/{consultation.id}/groups/{group.id}", data={
        "label": "公園の設備", "summary": "設備の意見", "response": "検討します。",
        "disposition": "other"})
    db.session.expire_all()
    assert services.publish_problems(consultation) == []
    client.post(f"/staff/consultations/{consultation.id}/groups/{group.id}/delete",
                data={"confirm": "yes"})
    assert db.session.scalar(db.select(db.func.count()).select_from(OpinionGroup)) == 0
    assert len(services.opinions(consultation, state="ungrouped")) == 2
    alone = client.post(f"/staff/consultations/{consultation.id}/opinions/{second.id}/alone")
    db.session.expire_all()
    single = db.session.scalar(db.select(OpinionGroup))
    assert alone.headers["Location"].endswith(f"/groups/{single.id}")
    assert single.label == "トイレをきれいに。" and db.session.get(Opinion, second.id).group_id == single.id
