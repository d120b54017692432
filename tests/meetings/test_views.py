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
