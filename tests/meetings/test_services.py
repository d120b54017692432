import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from civic.audit.models import AuditEvent
from civic.extensions import db
from civic.meetings import services
from civic.meetings.models import MeetingSignup
from civic.notifications.models import Notification


def test_a_full_meeting_puts_people_on_the_waiting_list(make_meeting, make_user):
    meeting = make_meeting(capacity=2)
    a, b, c, d = (make_user() for _ in range(4))
    assert [services.sign_up(meeting, p).state for p in (a, b, c, d)] == [
        "confirmed", "confirmed", "waiting", "waiting"]
    assert services.counts(meeting).full
    assert services.waiting_position(services.signup_of(meeting, d)) == 2
    with pytest.raises(services.MeetingError):
        services.sign_up(meeting, a)


def test_cancelling_promotes_the_first_waiting_and_tells_them(make_meeting, make_user):
    meeting = make_meeting(capacity=1)
    a, b, c = make_user(), make_user(), make_user()
    for person in (a, b, c):
        services.sign_up(meeting, person)
    promoted = services.cancel_signup(services.signup_of(meeting, a), a)
    assert [s.user_id for s in promoted] == [b.id]
    b_signup = services.signup_of(meeting, b)
    assert (b_signup.state, b_signup.seat) == ("confirmed", 1)
    assert services.signup_of(meeting, c).state == "waiting"
    assert db.session.scalar(select(Notification.kind).where(Notification.user_id == b.id)) == \
        "meeting_promoted"
    # Signing up again after cancelling joins the end of the queue.
    assert services.sign_up(meeting, a).state == "waiting"
    assert services.waiting_position(services.signup_of(meeting, a)) == 2


def test_more_seats_promote_waiting_people(make_meeting, make_user):
    meeting = make_meeting(capacity=1)
    people = [make_user() for _ in range(3)]
    for person in people:
        services.sign_up(meeting, person)
    data = {"capacity": 3}
    promoted = services.update_meeting(meeting, data, make_user(roles=("staff",)))
    assert len(promoted) == 2
    assert services.counts(meeting).confirmed == 3
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "meeting.edit"))


def test_childcare_is_dropped_when_not_offered(make_meeting, make_user):
    meeting = make_meeting(childcare_offered=False)
    signup = services.sign_up(meeting, make_user(), children=2, accessibility="手話通訳")
    assert (signup.children, signup.accessibility) == (0, "手話通訳")


def test_past_or_cancelled_meetings_take_no_sign_ups(make_meeting, make_user):
    meeting = make_meeting()
    services.cancel_meeting(meeting, make_user(roles=("staff",)))
    with pytest.raises(services.MeetingError):
        services.sign_up(meeting, make_user())


def test_check_in_tokens_are_signed_and_mark_attendance(make_meeting, make_user):
    meeting = make_meeting()
    signup = services.sign_up(meeting, make_user())
    token = services.checkin_token(signup)
    assert services.signup_for_token(token).id == signup.id
    assert services.signup_for_token(token[:-2] + "xx") is None
    assert services.check_in(signup, make_user(roles=("staff",)))
    assert signup.attended_at is not None


def test_reminders_go_once_to_people_with_a_seat(make_meeting, make_user):
    meeting = make_meeting(capacity=1, starts_in=timedelta(hours=5))
    later = make_meeting(capacity=1, starts_in=timedelta(days=5))
    seated, waiting = make_user(), make_user()
    services.sign_up(meeting, seated)
    services.sign_up(meeting, waiting)
    services.sign_up(later, waiting)
    mails = []
    compose = lambda signup: ("件名", signup.meeting.title)  # noqa: E731
    assert services.send_reminders(compose, lambda to, s, b: mails.append(to)) == 1
    assert services.send_reminders(compose, lambda to, s, b: mails.append(to)) == 0
    assert mails == [seated.email]


def test_upcoming_of_an_area_for_the_area_page(make_meeting, make_process, make_area):
    area = make_area()
    mine = make_meeting(process=make_process(area=area))
    make_meeting()  # another area
    make_meeting(process=make_process(area=area, published=False))
    assert [m.id for m in services.upcoming_in_area(area.id)] == [mine.id]


def test_materials_are_checked_by_their_bytes(make_meeting, make_user):
    meeting, staff = make_meeting(), make_user(roles=("staff",))
    assert services.add_material(meeting, "資料", b"<html>not a pdf", staff) is None
    assert services.add_material(meeting, "資料", b"%PDF-1.7 ...", staff).content_type == \
        "application/pdf"


def test_concurrent_sign_ups_never_overbook(app, make_meeting, make_user):
    """Many people press "sign up" at once for the last seats: the database keeps the count.

    On PostgreSQL, where requests really run side by side (SQLite runs one writer at a time).
    """
    if db.engine.dialect.name != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL")
    meeting = make_meeting(capacity=3)
    people = [make_user() for _ in range(12)]
    meeting_id, ids = meeting.id, [p.id for p in people]
    db.session.remove()
    barrier = threading.Barrier(len(ids))
    errors = []

    def press(user_id):
        with app.app_context():
            from civic.accounts.models import User
            from civic.meetings.models import Meeting

            user, target = db.session.get(User, user_id), db.session.get(Meeting, meeting_id)
            barrier.wait()
            try:
                services.sign_up(target, user)
            except Exception as error:  # noqa: BLE001 - collected for the assertion
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=press, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    rows = db.session.scalars(select(MeetingSignup).where(
        MeetingSignup.meeting_id == meeting_id)).all()
    seated = sorted(r.seat for r in rows if r.state == "confirmed")
    busy = [e for e in errors if str(e) == "busy"]
    assert not [e for e in errors if e not in busy], errors
    assert seated == [1, 2, 3]
    assert len([r for r in rows if r.state == "waiting"]) + len(busy) == 9
