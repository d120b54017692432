"""Meetings: create and edit, sign up (a seat or the waiting list), cancel and promote,
check-in tokens, reminders, minutes and materials, iCalendar, and what an area page shows."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from civic.audit import services as audit
from civic.extensions import db
from civic.meetings import ical, seats
from civic.meetings.models import (
    CANCELLED,
    CONFIRMED,
    WAITING,
    Meeting,
    MeetingMaterial,
    MeetingProposal,
    MeetingSignup,
)
from civic.notifications.services import notify
from civic.timeutil import utcnow

# Sign-ups compete for seats without a lock: a lost race is a unique-constraint violation on
# (meeting, seat), after which the free seats are read again. A handful of rounds is plenty.
SIGN_UP_ATTEMPTS = 8
REMIND_BEFORE = timedelta(hours=24)
MATERIAL_TYPES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)


class MeetingError(Exception):
    """A request the meeting cannot take (full without a waiting list, already signed up …)."""


# Meetings ----------------------------------------------------------------------------------------

FIELDS = ("kind", "title", "description", "starts_at", "ends_at", "place_id", "location",
          "online_url", "capacity", "childcare_offered", "published")


def create(data: dict, actor, *, process=None, group=None) -> Meeting:
    meeting = Meeting(process_id=getattr(process, "id", None), group_id=getattr(group, "id", None),
                      area_id=(process.area_id if process is not None else group.area_id),
                      created_by_id=actor.id)
    _fill(meeting, data)
    db.session.add(meeting)
    db.session.flush()
    audit.record(actor, "meeting.create", meeting, title=meeting.title)
    db.session.commit()
    return meeting


def update_meeting(meeting: Meeting, data: dict, actor) -> list[MeetingSignup]:
    """Save the changes; more seats than before promote people from the waiting list."""
    _fill(meeting, data)
    audit.record(actor, "meeting.edit", meeting, title=meeting.title)
    db.session.flush()
    promoted = promote_waiting(meeting, actor)
    db.session.commit()
    return promoted


def _fill(meeting: Meeting, data: dict) -> None:
    for name in FIELDS:
        if name in data:
            setattr(meeting, name, data[name])
    meeting.online_url = (meeting.online_url or "").strip()


def cancel_meeting(meeting: Meeting, actor) -> None:
    meeting.cancelled_at = utcnow()
    for signup in active_signups(meeting):
        notify(signup.user_id, "meeting_cancelled", actor=actor, subject=meeting.title,
               endpoint="meetings.show", url_values={"meeting_id": meeting.id})
    audit.record(actor, "meeting.cancel", meeting, title=meeting.title)
    db.session.commit()


def is_open_for_sign_up(meeting: Meeting, now: datetime | None = None) -> bool:
    return (meeting.published and meeting.cancelled_at is None
            and meeting.starts_at > (now or utcnow()))


# Seats and the waiting list ----------------------------------------------------------------------

def _taken(meeting_id: int) -> list[int]:
    return list(db.session.scalars(select(MeetingSignup.seat).where(
        MeetingSignup.meeting_id == meeting_id, MeetingSignup.seat.is_not(None))))


def _waiting_ids(meeting_id: int) -> list[int]:
    return list(db.session.scalars(select(MeetingSignup.id).where(
        MeetingSignup.meeting_id == meeting_id, MeetingSignup.state == WAITING)
        .order_by(MeetingSignup.queued_at, MeetingSignup.id)))


def _next_seat(meeting: Meeting) -> int | None:
    taken = _taken(meeting.id)
    if meeting.capacity is None:
        return max(taken, default=0) + 1
    free = seats.free_seats(meeting.capacity, taken)
    return free[0] if free else None


def signup_of(meeting: Meeting, user) -> MeetingSignup | None:
    return db.session.scalar(select(MeetingSignup).where(
        MeetingSignup.meeting_id == meeting.id, MeetingSignup.user_id == user.id))


def sign_up(meeting: Meeting, user, *, children: int = 0, children_ages: str = "",
            accessibility: str = "") -> MeetingSignup:
    """A seat if one is free, else a place on the waiting list. Safe under concurrent calls:
    the database refuses a second holder of a seat, and we then look again."""
    if not is_open_for_sign_up(meeting):
        raise MeetingError("closed")
    if not meeting.childcare_offered:
        children, children_ages = 0, ""
    for _attempt in range(SIGN_UP_ATTEMPTS):
        try:
            with db.session.begin_nested():
                signup = signup_of(meeting, user)
                if signup is not None and signup.state != CANCELLED:
                    raise MeetingError("already")
                seat = _next_seat(meeting)
                if signup is None:
                    signup = MeetingSignup(meeting_id=meeting.id, user_id=user.id)
                    db.session.add(signup)
                signup.seat = seat
                signup.state = CONFIRMED if seat is not None else WAITING
                signup.children, signup.children_ages = children, children_ages
                signup.accessibility = accessibility
                signup.queued_at, signup.cancelled_at, signup.promoted_at = utcnow(), None, None
                db.session.flush()
        except IntegrityError:
            continue  # someone took that seat (or this person signed up twice at once)
        db.session.commit()
        return signup
    raise MeetingError("busy")


def cancel_signup(signup: MeetingSignup, actor) -> list[MeetingSignup]:
    """The person gives up their seat (or their place in the queue); a freed seat goes to
    whoever has waited longest, in the same transaction."""
    if signup.state == CANCELLED:
        return []
    freed = signup.state == CONFIRMED
    signup.state, signup.seat, signup.cancelled_at = CANCELLED, None, utcnow()
    db.session.flush()
    promoted = promote_waiting(signup.meeting, actor) if freed else []
    db.session.commit()
    return promoted


def promote_waiting(meeting: Meeting, actor=None) -> list[MeetingSignup]:
    """Give free seats to the waiting list in order; each promoted person is told.

    The conditional UPDATE (still waiting, seat free by the unique constraint) means two
    cancellations at once never promote one person twice or seat two on one chair.
    """
    if meeting.capacity is None:
        queue = _waiting_ids(meeting.id)
        free = [max(_taken(meeting.id), default=0) + i + 1 for i in range(len(queue))]
    else:
        queue = _waiting_ids(meeting.id)
        free = seats.free_seats(meeting.capacity, _taken(meeting.id))
    promoted = []
    for seat in free:
        while queue:
            candidate = queue.pop(0)
            try:
                with db.session.begin_nested():
                    done = db.session.execute(
                        update(MeetingSignup)
                        .where(MeetingSignup.id == candidate, MeetingSignup.state == WAITING)
                        .values(state=CONFIRMED, seat=seat, promoted_at=utcnow())
                        .execution_options(synchronize_session=False)).rowcount
            except IntegrityError:
                queue.insert(0, candidate)
                break  # the seat went to someone else meanwhile: try the next seat
            if done:
                signup = db.session.get(MeetingSignup, candidate)
                db.session.refresh(signup)
                notify(signup.user_id, "meeting_promoted", actor=None, subject=meeting.title,
                       endpoint="meetings.show", url_values={"meeting_id": meeting.id})
                promoted.append(signup)
                break
    return promoted


def active_signups(meeting: Meeting) -> list[MeetingSignup]:
    return list(db.session.scalars(select(MeetingSignup).where(
        MeetingSignup.meeting_id == meeting.id, MeetingSignup.state != CANCELLED)
        .order_by(MeetingSignup.state, MeetingSignup.seat, MeetingSignup.queued_at,
                  MeetingSignup.id)))


@dataclass
class Counts:
    confirmed: int
    waiting: int
    capacity: int | None

    @property
    def full(self) -> bool:
        return self.capacity is not None and self.confirmed >= self.capacity

    @property
    def free(self) -> int | None:
        return None if self.capacity is None else max(0, self.capacity - self.confirmed)


def counts(meeting: Meeting) -> Counts:
    rows = dict(db.session.execute(select(MeetingSignup.state, func.count()).where(
        MeetingSignup.meeting_id == meeting.id).group_by(MeetingSignup.state)).all())
    return Counts(rows.get(CONFIRMED, 0), rows.get(WAITING, 0), meeting.capacity)


def waiting_position(signup: MeetingSignup) -> int | None:
    return seats.waiting_position(_waiting_ids(signup.meeting_id), signup.id)


# Check-in at the door ----------------------------------------------------------------------------

def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="meeting-checkin")


def checkin_token(signup: MeetingSignup) -> str:
    return _serializer().dumps([signup.meeting_id, signup.id])


def signup_for_token(token: str) -> MeetingSignup | None:
    try:
        meeting_id, signup_id = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    signup = db.session.get(MeetingSignup, signup_id) if isinstance(signup_id, int) else None
    if signup is None or signup.meeting_id != meeting_id:
        return None
    return signup


def check_in(signup: MeetingSignup, actor) -> bool:
    """Mark attendance; False when the sign-up holds no seat (cancelled or still waiting)."""
    if signup.state != CONFIRMED:
        return False
    if signup.attended_at is None:
        signup.attended_at = utcnow()
        audit.record(actor, "meeting.check_in", signup.meeting, signup=signup.id)
        db.session.commit()
    return True


# Reminders ---------------------------------------------------------------------------------------

def due_reminders(now: datetime | None = None) -> list[MeetingSignup]:
    now = now or utcnow()
    return list(db.session.scalars(
        select(MeetingSignup).join(Meeting, Meeting.id == MeetingSignup.meeting_id)
        .where(MeetingSignup.state == CONFIRMED, Meeting.cancelled_at.is_(None),
               Meeting.starts_at > now, Meeting.starts_at <= now + REMIND_BEFORE)
        .order_by(MeetingSignup.id)))


def send_reminders(compose, send, now: datetime | None = None) -> int:
    """Notify and mail each confirmed person once, within a day of the meeting.

    ``compose(signup) -> (subject, body)``; the notification's once key says whether this
    person was reminded already, so running the command every hour sends one reminder each.
    """
    from civic.notifications.models import Notification

    sent = 0
    for signup in due_reminders(now):
        key = f"meeting-reminder:{signup.id}"
        told = db.session.scalar(select(Notification.id).where(
            Notification.user_id == signup.user_id, Notification.once_key == key))
        if told is not None:
            continue
        notify(signup.user_id, "meeting_reminder", actor=None, subject=signup.meeting.title,
               endpoint="meetings.show", url_values={"meeting_id": signup.meeting_id},
               once_key=key)
        db.session.commit()
        if signup.user.email and not signup.user.is_deleted:
            try:
                send(signup.user.email, *compose(signup))
            except OSError:
                current_app.logger.warning("reminder mail to user %s failed", signup.user_id)
        sent += 1
    return sent


# Minutes, materials, links -----------------------------------------------------------------------

def save_minutes(meeting: Meeting, minutes: str, publish: bool, actor,
                 cafe_id: int | None = None) -> None:
    meeting.minutes = minutes
    meeting.cafe_id = cafe_id
    if publish and meeting.minutes_published_at is None:
        meeting.minutes_published_at = utcnow()
    elif not publish:
        meeting.minutes_published_at = None
    audit.record(actor, "meeting.minutes", meeting, published=bool(publish))
    db.session.commit()


def sniff_material(data: bytes) -> str | None:
    for magic, content_type in MATERIAL_TYPES:
        if data.startswith(magic):
            return content_type
    return None


def add_material(meeting: Meeting, title: str, data: bytes, actor) -> MeetingMaterial | None:
    content_type = sniff_material(data)
    if content_type is None:
        return None
    material = MeetingMaterial(meeting_id=meeting.id, title=title, content_type=content_type,
                               data=data, created_by_id=actor.id)
    db.session.add(material)
    db.session.flush()
    audit.record(actor, "meeting.material", meeting, material=material.id)
    db.session.commit()
    return material


def link_proposal(meeting: Meeting, proposal_id: int, actor) -> bool:
    from civic.proposals.models import Proposal

    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None or proposal.state in ("draft", "consultation"):
        return False
    if any(row.proposal_id == proposal_id for row in meeting.proposal_rows):
        return True
    meeting.proposal_rows.append(MeetingProposal(proposal_id=proposal_id))
    audit.record(actor, "meeting.link_proposal", meeting, proposal=proposal_id)
    db.session.commit()
    return True


# Lists, feeds and the area page ------------------------------------------------------------------

def _visible():
    from civic.groups.models import Group
    from civic.spaces.models import Process

    process_ok = Meeting.process_id.is_(None) | Meeting.process_id.in_(
        select(Process.id).where(Process.published.is_(True)))
    group_ok = Meeting.group_id.is_(None) | Meeting.group_id.in_(
        select(Group.id).where(Group.published.is_(True)))
    return Meeting.published.is_(True) & process_ok & group_ok


def upcoming(area_id: int | None = None, limit: int = 50, now: datetime | None = None,
             include_cancelled: bool = False) -> list[Meeting]:
    """Published meetings that have not ended, soonest first (of one area, if given)."""
    query = select(Meeting).where(_visible(), Meeting.ends_at > (now or utcnow()))
    if area_id is not None:
        query = query.where(Meeting.area_id == area_id)
    if not include_cancelled:
        query = query.where(Meeting.cancelled_at.is_(None))
    return list(db.session.scalars(query.order_by(Meeting.starts_at, Meeting.id).limit(limit)))


def upcoming_in_area(area_id: int, limit: int = 10) -> list[Meeting]:
    """For the area page (地域カルテ): the area's next meetings."""
    return upcoming(area_id, limit)


def of_process(process) -> list[Meeting]:
    return list(db.session.scalars(select(Meeting).where(Meeting.process_id == process.id)
                                   .order_by(Meeting.starts_at)))


def cafes_to_link(meeting: Meeting) -> list:
    """The cafés of the meeting's process: one may have come out of the meeting."""
    from civic.cafe.models import Cafe

    if meeting.process_id is None:
        return []
    return list(db.session.scalars(select(Cafe).where(Cafe.process_id == meeting.process_id)
                                   .order_by(Cafe.id)))


def of_group(group) -> list[Meeting]:
    return list(db.session.scalars(select(Meeting).where(Meeting.group_id == group.id)
                                   .order_by(Meeting.starts_at)))


def event_for(meeting: Meeting, url: str) -> ical.Event:
    where = ", ".join(part for part in (meeting.place.name if meeting.place else "",
                                        meeting.place.address if meeting.place else "",
                                        meeting.location) if part)
    if meeting.online_url:
        where = f"{where} ({meeting.online_url})" if where else meeting.online_url
    host = current_app.config.get("SERVER_NAME") or "civic"
    return ical.Event(uid=f"meeting-{meeting.id}@{host}", starts_at=meeting.starts_at,
                      ends_at=meeting.ends_at, summary=meeting.title,
                      description=meeting.description, location=where, url=url,
                      cancelled=meeting.cancelled_at is not None)


def personal_data(user) -> tuple[str, object]:
    rows = db.session.scalars(select(MeetingSignup).where(MeetingSignup.user_id == user.id)
                              .order_by(MeetingSignup.id)).all()
    return "meeting_signups", [
        {"meeting": s.meeting.title, "state": s.state, "children": s.children,
         "children_ages": s.children_ages, "accessibility": s.accessibility,
         "attended": s.attended_at is not None} for s in rows]
