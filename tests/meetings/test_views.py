import re

from sqlalchemy import select

from civic.extensions import db
from civic.meetings import services
from civic.meetings.models import Meeting
from tests.conftest import login


def test_staff_create_a_meeting_from_the_form(client, make_user, make_process, make_area):
    process = make_process(area=make_area())
    login(client, make_user(roles=("staff",)))
    form = {"kind": "workshop", "title": "川の未来ワークショップ", "date": "2030-05-09",
            "start_time": "10:00", "end_time": "12:00", "place_id": "0",
            "online_url": "https://meet.example.jp/r", "capacity": "20", "published": "y"}
    bad = client.post(f"/processes/{process.slug}/meetings/new", data={**form, "end_time": "09:00"})
    assert bad.status_code == 422 and "川の未来ワークショップ" in bad.get_data(as_text=True)
    assert db.session.scalar(select(Meeting.id)) is None
    response = client.post(f"/processes/{process.slug}/meetings/new", data=form)
    assert response.status_code == 302
    meeting = db.session.scalar(select(Meeting))
    assert (meeting.starts_at.hour, meeting.capacity) == (1, 20)  # 10:00 in Tokyo is 01:00 UTC


def test_sign_up_waiting_list_and_cancel_through_the_pages(client, make_meeting, make_user):
    meeting = make_meeting(capacity=1)
    services.sign_up(meeting, make_user())
    person = make_user()
    login(client, person)
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "waiting list" in page.lower() or "キャンセル待ち" in page
    client.post(f"/meetings/{meeting.id}/signup", data={"accessibility": "車いす"})
    assert services.signup_of(meeting, person).state == "waiting"
    client.post(f"/meetings/{meeting.id}/signup/cancel")
    assert services.signup_of(meeting, person).state == "cancelled"


def test_ics_and_area_feed(client, make_meeting):
    meeting = make_meeting()
    body = client.get(f"/meetings/{meeting.id}.ics")
    assert body.mimetype == "text/calendar"
    assert b"BEGIN:VEVENT\r\n" in body.data and b"DTSTAMP:" in body.data
    feed = client.get(f"/meetings/areas/{meeting.area.slug}.ics")
    assert feed.data.count(b"BEGIN:VEVENT") == 1


def test_check_in_by_the_code_on_the_ticket(app, client, make_meeting, make_user):
    meeting = make_meeting()
    person = make_user()
    signup = services.sign_up(meeting, person)
    login(client, person)
    assert client.get(f"/meetings/{meeting.id}/ticket.svg").mimetype == "image/svg+xml"
    token = services.checkin_token(signup)
    assert client.post(f"/meetings/checkin/{token}").status_code == 403
    staff = app.test_client()
    login(staff, meeting.created_by)
    assert staff.post(f"/meetings/checkin/{token}").status_code == 200
    db.session.expire_all()
    assert services.signup_of(meeting, person).attended_at is not None


def test_minutes_are_shown_once_published_and_sanitised(client, make_meeting):
    meeting = make_meeting()
    login(client, meeting.created_by)
    client.post(f"/meetings/{meeting.id}/minutes",
                data={"minutes": "**決まったこと**<script>x</script>", "publish": "y"})
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "<strong>決まったこと</strong>" in page
    assert not re.search(r"<script>x", page)


def test_minutes_link_the_cafe_and_the_proposal_that_came_out_of_it(
        client, make_meeting, make_process, make_area, make_user, make_proposal):
    from civic.cafe import services as cafes

    process = make_process(area=make_area(), features=("cafe_open", "proposals_open"))
    meeting = make_meeting(process=process)
    cafe = cafes.create_cafe(process, {
        "title": "川沿いカフェ", "purpose": "", "mode": "classic", "questions": "問い",
        "round_count": 1, "round_minutes": 20, "table_size": 3, "table_lines": "",
        "verification_required": False}, meeting.created_by)
    proposal = make_proposal(process, make_user(), title="川沿いのベンチ")
    login(client, meeting.created_by)
    unknown = client.post(f"/meetings/{meeting.id}/minutes",
                          data={"minutes": "記録", "cafe_id": "0", "proposal_id": "999999"})
    assert unknown.status_code == 422 and "記録" in unknown.get_data(as_text=True)
    client.post(f"/meetings/{meeting.id}/minutes", data={
        "minutes": "記録", "publish": "y", "cafe_id": str(cafe.id),
        "proposal_id": str(proposal.id)})
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "川沿いカフェ" in page and "川沿いのベンチ" in page


def test_the_online_link_is_for_people_with_a_seat(client, make_meeting, make_user):
    meeting = make_meeting(capacity=1)
    services.sign_up(meeting, make_user())
    login(client, make_user())
    assert "meet.example.jp" not in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    seated = make_user()
    meeting.capacity = 5
    db.session.commit()
    services.sign_up(meeting, seated)
    other = client.application.test_client()
    login(other, seated)
    assert "meet.example.jp" in other.get(f"/meetings/{meeting.id}").get_data(as_text=True)


def test_the_reminder_command_mails_people_with_a_seat(app, make_meeting, make_user,
                                                       monkeypatch):
    from datetime import timedelta

    from civic import mail

    meeting = make_meeting(starts_in=timedelta(hours=3))
    person = make_user(locale="ja")
    services.sign_up(meeting, person)
    sent = []
    monkeypatch.setattr(mail, "send", lambda to, subject, body: sent.append((to, subject, body)))
    monkeypatch.setitem(app.config, "CIVIC_BASE_URL", "https://civic.example.jp")
    result = app.test_cli_runner().invoke(args=["meetings", "send-reminders"])
    assert result.exit_code == 0, result.output
    assert "1 reminder(s) sent" in result.output
    (to, subject, body), = sent
    assert to == person.email and meeting.title in subject
    assert f"/meetings/{meeting.id}" in body


def test_a_material_that_is_not_a_pdf_or_image_is_refused(client, make_meeting):
    import io

    meeting = make_meeting()
    login(client, meeting.created_by)
    refused = client.post(f"/meetings/{meeting.id}/materials", data={
        "material-title": "資料", "material-file": (io.BytesIO(b"MZ\x90\x00exe"), "a.pdf")},
        content_type="multipart/form-data")
    assert refused.status_code == 422
    assert not meeting.materials
    done = client.post(f"/meetings/{meeting.id}/materials", data={
        "material-title": "資料", "material-file": (io.BytesIO(b"%PDF-1.7\n"), "a.pdf")},
        content_type="multipart/form-data")
    assert done.status_code == 302


def test_cancelling_a_meeting_asks_first_and_tells_everyone(client, make_meeting, make_user):
    from civic.notifications.models import Notification

    meeting = make_meeting()
    person = make_user()
    services.sign_up(meeting, person)
    login(client, meeting.created_by)
    assert client.post(f"/meetings/{meeting.id}/cancel").status_code == 200
    db.session.expire_all()
    assert meeting.cancelled_at is None
    client.post(f"/meetings/{meeting.id}/cancel", data={"confirm": "yes"})
    db.session.expire_all()
    assert meeting.cancelled_at is not None
    assert db.session.scalar(select(Notification.kind).where(
        Notification.user_id == person.id)) == "meeting_cancelled"
