"""World café actions: create, join, run the rounds, move people, keep notes, harvest, and
publish the harvest.

Every seat change (start, join, leave, swap, pin) runs in one transaction that first takes the
café's row lock (:func:`_lock`), so concurrent changes happen one after another and table sizes stay
balanced; the unique constraint on (round, participant) backs this up in the database.
"""

import csv
import hashlib
import io
import math
import secrets
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from civic.audit.services import record
from civic.cafe import rotation
from civic.cafe.models import (
    Cafe,
    CafeFacilitator,
    CafeNote,
    CafeParticipant,
    CafeRound,
    CafeSeat,
    CafeTable,
)
from civic.extensions import db
from civic.security import csv_cell
from civic.spaces.models import Process
from civic.spaces.services import publicly_visible
from civic.timeutil import utcnow, ward_time


class CafeError(Exception):
    """An action that does not fit the café's state; the message is shown to the person."""


# Creating ---------------------------------------------------------------------------------------

def lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def parse_table_lines(text: str | None) -> list[tuple[str, str]]:
    """"topic | https://link" per line → [(topic, link)]; either part may be empty."""
    out = []
    for line in lines(text):
        topic, _sep, link = line.partition("|")
        out.append((topic.strip(), link.strip()))
    return out


def create_cafe(process, data: dict, user) -> Cafe:
    cafe = Cafe(process_id=process.id, join_code=secrets.token_urlsafe(12), created_by_id=user.id)
    _fill(cafe, data)
    questions = lines(data.get("questions"))
    for number in range(1, cafe.round_count + 1):
        question = questions[number - 1] if number <= len(questions) else ""
        cafe.rounds.append(CafeRound(number=number, question=question))
    db.session.add(cafe)
    db.session.flush()
    record(user, "cafe.created", cafe, process=process.slug)
    db.session.commit()
    return cafe


def delete_cafe(cafe: Cafe, actor) -> None:
    """Delete a café with everything in it: seats, notes, participants, tables and rounds.

    Deleted here in order rather than left to ON DELETE CASCADE, which SQLite does not apply
    unless foreign keys are switched on.
    """
    rounds = select(CafeRound.id).where(CafeRound.cafe_id == cafe.id)
    db.session.execute(delete(CafeSeat).where(CafeSeat.round_id.in_(rounds)))
    db.session.execute(delete(CafeNote).where(CafeNote.cafe_id == cafe.id))
    db.session.execute(update(CafeTable).where(CafeTable.cafe_id == cafe.id).values(host_id=None))
    db.session.execute(update(CafeParticipant).where(CafeParticipant.cafe_id == cafe.id)
                       .values(pinned_table_id=None))
    db.session.execute(delete(CafeParticipant).where(CafeParticipant.cafe_id == cafe.id))
    record(actor, "cafe.deleted", cafe.process, cafe_id=cafe.id, title=cafe.title)
    db.session.delete(cafe)  # its rounds, tables and facilitators go with it
    db.session.commit()


def update_cafe(cafe: Cafe, data: dict, user) -> None:
    """Settings that shape the plan (rounds, table size, mode) only change before the start."""
    if cafe.state == "open":
        _fill(cafe, data)
        questions = lines(data.get("questions"))
        cafe.rounds = [CafeRound(number=n, question=questions[n - 1] if n <= len(questions) else "")
                       for n in range(1, cafe.round_count + 1)]
    else:
        cafe.title = data["title"].strip()
        cafe.purpose = data.get("purpose") or ""
        questions = lines(data.get("questions"))
        for rnd in cafe.rounds:
            if rnd.number <= len(questions):
                rnd.question = questions[rnd.number - 1]
    record(user, "cafe.updated", cafe)
    db.session.commit()


def _fill(cafe: Cafe, data: dict) -> None:
    cafe.title = data["title"].strip()
    cafe.purpose = data.get("purpose") or ""
    cafe.mode = data["mode"]
    cafe.round_count = data["round_count"]
    cafe.round_minutes = data["round_minutes"]
    cafe.table_size = data["table_size"]
    cafe.table_lines = data.get("table_lines") or ""
    cafe.verification_required = bool(data.get("verification_required"))


def cafes_of(process) -> list[Cafe]:
    return db.session.scalars(select(Cafe).where(Cafe.process_id == process.id)
                              .order_by(Cafe.created_at)).all()


def cafe_by_code(code: str) -> Cafe | None:
    return db.session.scalar(select(Cafe).where(Cafe.join_code == code))


def is_facilitator(user, cafe: Cafe) -> bool:
    if cafe.created_by_id == user.id:
        return True
    return any(row.user_id == user.id for row in cafe.facilitator_rows)


def add_facilitator(cafe: Cafe, user, actor) -> None:
    if not is_facilitator(user, cafe):
        cafe.facilitator_rows.append(CafeFacilitator(user_id=user.id))
        record(actor, "cafe.facilitator_added", cafe, user_id=user.id)
    db.session.commit()


# Participants -------------------------------------------------------------------------------------

def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def participants(cafe: Cafe, *, present_only: bool = False) -> list[CafeParticipant]:
    query = select(CafeParticipant).where(CafeParticipant.cafe_id == cafe.id)
    if present_only:
        query = query.where(CafeParticipant.left_at.is_(None))
    return db.session.scalars(query.order_by(CafeParticipant.joined_at, CafeParticipant.id)).all()


def find_participant(cafe: Cafe, user=None, guest_token: str | None = None):
    if user is not None and user.is_authenticated:
        found = db.session.scalar(select(CafeParticipant).where(
            CafeParticipant.cafe_id == cafe.id, CafeParticipant.user_id == user.id))
        if found is not None:
            return found
    if guest_token:
        return db.session.scalar(select(CafeParticipant).where(
            CafeParticipant.cafe_id == cafe.id,
            CafeParticipant.guest_token_hash == _hash(guest_token)))
    return None


def join(cafe: Cafe, *, user=None, guest_name: str | None = None):
    """Add a person (signed-in ``user`` or a guest) and seat them if the café is under way.

    Returns ``(participant, guest_token)``; the token (guests only) goes into their session.
    Joining twice returns the existing participant. Someone who had left comes back.
    """
    if cafe.state == "finished":
        raise CafeError(_("This café has ended."))
    token = None
    _lock(cafe)
    existing = find_participant(cafe, user) if user is not None else None
    if existing is not None:
        if existing.left_at is None:
            db.session.rollback()
            return existing, None
        existing.left_at = None
        participant = existing
    else:
        if user is not None:
            participant = CafeParticipant(cafe_id=cafe.id, user_id=user.id,
                                          display_name=user.display_name)
        else:
            token = secrets.token_urlsafe(24)
            participant = CafeParticipant(cafe_id=cafe.id, guest_token_hash=_hash(token),
                                          display_name=guest_name.strip())
        db.session.add(participant)
    try:
        db.session.flush()
        if cafe.state != "open":
            _seat_late(cafe, participant)
        db.session.commit()
    except IntegrityError:
        # The same person joined at the same moment from another tab; theirs won.
        db.session.rollback()
        return find_participant(cafe, user), None
    return participant, token


def _lock(cafe: Cafe) -> None:
    """Take the café's row lock (UPDATE first, so SQLite also serialises) and reread its state."""
    db.session.execute(update(Cafe).where(Cafe.id == cafe.id)
                       .values(seat_version=Cafe.seat_version + 1))
    db.session.expire_all()


def _seat_late(cafe: Cafe, participant: CafeParticipant) -> None:
    rnd = cafe.live_round
    if (cafe.state in ("running", "paused") and rnd is not None
            and seat_of(participant, rnd) is None):
        sizes = table_sizes(rnd)
        table = min(cafe.tables, key=lambda t: (sizes.get(t.id, 0), t.number))
        db.session.add(CafeSeat(round_id=rnd.id, table_id=table.id, participant_id=participant.id))
        db.session.flush()
    _replan_after(cafe, cafe.current_round)


# Seating ----------------------------------------------------------------------------------------

def table_sizes(rnd: CafeRound) -> dict[int, int]:
    """Present people per table in a round."""
    rows = db.session.execute(
        select(CafeSeat.table_id, func.count()).join(CafeParticipant)
        .where(CafeSeat.round_id == rnd.id, CafeParticipant.left_at.is_(None))
        .group_by(CafeSeat.table_id)).all()
    return dict(rows)


def seating(rnd: CafeRound) -> dict[int, list[CafeParticipant]]:
    """table id → people at it in this round (host first, then by name); leavers left out."""
    rows = db.session.execute(
        select(CafeSeat.table_id, CafeParticipant).join(CafeParticipant)
        .where(CafeSeat.round_id == rnd.id)
        .order_by(CafeParticipant.display_name, CafeParticipant.id)).all()
    hosts = {t.id: t.host_id for t in rnd.cafe.tables}
    out: dict[int, list[CafeParticipant]] = {t.id: [] for t in rnd.cafe.tables}
    for table_id, person in rows:
        if person.left_at is None:
            out.setdefault(table_id, []).append(person)
    for table_id, people in out.items():
        host = hosts.get(table_id)
        people.sort(key=lambda p: p.id != host)  # noqa: B023  (sorted right here)
    return out


def seat_of(participant: CafeParticipant, rnd: CafeRound | None) -> CafeTable | None:
    if rnd is None:
        return None
    return db.session.scalar(select(CafeTable).join(CafeSeat, CafeSeat.table_id == CafeTable.id)
                             .where(CafeSeat.round_id == rnd.id,
                                    CafeSeat.participant_id == participant.id))


def table_count(cafe: Cafe, people: int) -> int:
    if cafe.mode == "topic":
        return max(1, min(len(parse_table_lines(cafe.table_lines)), people))
    return max(1, math.ceil(people / cafe.table_size))


def start(cafe: Cafe, actor) -> None:
    """Make the tables, plan every round with :func:`rotation.plan` and start round 1.

    The first people to join host the tables (join order), everyone else travels.
    """
    _lock(cafe)
    if cafe.state != "open":
        raise CafeError(_("The café has already started."))
    people = participants(cafe, present_only=True)
    if len(people) < 2:
        raise CafeError(_("At least two people must join before the café can start."))
    count = table_count(cafe, len(people))
    specs = parse_table_lines(cafe.table_lines)
    for number in range(1, count + 1):
        topic, link = specs[number - 1] if number <= len(specs) else ("", "")
        cafe.tables.append(CafeTable(number=number, topic=topic, meeting_url=link))
    db.session.flush()
    ids = [p.id for p in people]
    hosts = ids[:count]
    for table, host in zip(cafe.tables, hosts, strict=True):
        table.host_id = host
    result = rotation.plan(ids, count, cafe.round_count, seed=cafe.id, hosts=hosts,
                           mode=cafe.mode)
    _write_rounds(cafe, cafe.rounds, result.rounds)
    _start_round(cafe, 1)
    record(actor, "cafe.started", cafe, people=len(people), tables=count)
    db.session.commit()


def _write_rounds(cafe: Cafe, rounds: list[CafeRound], seatings) -> None:
    tables = cafe.tables
    for rnd, seating_ in zip(rounds, seatings, strict=True):
        for t, people in enumerate(seating_):
            for pid in people:
                db.session.add(CafeSeat(round_id=rnd.id, table_id=tables[t].id,
                                        participant_id=pid))
    db.session.flush()


def _round_table_lists(cafe: Cafe, rnd: CafeRound) -> list[list[int]]:
    index = {t.id: i for i, t in enumerate(cafe.tables)}
    out: list[list[int]] = [[] for _ in cafe.tables]
    for table_id, pid in db.session.execute(
            select(CafeSeat.table_id, CafeSeat.participant_id)
            .where(CafeSeat.round_id == rnd.id).order_by(CafeSeat.participant_id)):
        out[index[table_id]].append(pid)
    return out


def _replan_after(cafe: Cafe, held: int) -> None:
    """Re-plan rounds after round ``held`` from what happened so far (hosts stay put).

    A host who left is replaced by a traveller (see :func:`rotation.replan`); people pinned to a
    table are then moved there by swapping with a traveller.
    """
    future = [r for r in cafe.rounds if r.number > held]
    if not future or not cafe.tables:
        return
    history = [_round_table_lists(cafe, r) for r in cafe.rounds if r.number <= held]
    present = [p.id for p in participants(cafe, present_only=True)]
    if len(present) < len(cafe.tables):
        present_hosts = [t.host_id for t in cafe.tables if t.host_id in present]
        hosts = [t.host_id if t.host_id in present else None for t in cafe.tables]
    else:
        present_hosts = None
        hosts = [t.host_id for t in cafe.tables]
    result = rotation.replan(history, present, hosts, len(future), seed=cafe.id + held,
                             tables=len(cafe.tables), mode=cafe.mode,
                             promote=present_hosts is None)
    for table, host in zip(cafe.tables, result.hosts, strict=True):
        table.host_id = host
    db.session.execute(delete(CafeSeat).where(CafeSeat.round_id.in_([r.id for r in future])))
    pins = {p.id: p.pinned_table_id for p in participants(cafe, present_only=True)
            if p.pinned_table_id}
    rounds = [_apply_pins(cafe, seating_, pins) for seating_ in result.rounds]
    _write_rounds(cafe, future, rounds)


def _apply_pins(cafe: Cafe, seating_: list[list[int]], pins: dict[int, int]) -> list[list[int]]:
    index = {t.id: i for i, t in enumerate(cafe.tables)}
    hosts = {t.host_id for t in cafe.tables}
    out = [list(people) for people in seating_]
    for pid, table_id in pins.items():
        want = index.get(table_id)
        now = next((i for i, people in enumerate(out) if pid in people), None)
        if want is None or now is None or now == want or pid in hosts:
            continue
        other = next((q for q in out[want] if q not in hosts and pins.get(q) != table_id), None)
        out[now].remove(pid)
        out[want].append(pid)
        if other is not None:
            out[want].remove(other)
            out[now].append(other)
    return out


def seating_round(cafe: Cafe) -> CafeRound | None:
    """The round a hand-made change applies to: the one on now, or the next one in a break."""
    if cafe.state in ("running", "paused"):
        return cafe.live_round
    if cafe.state == "break":
        return cafe.round(cafe.current_round + 1)
    return None


def _participant(cafe: Cafe, participant_id: int) -> CafeParticipant:
    person = db.session.get(CafeParticipant, participant_id)
    if person is None or person.cafe_id != cafe.id:
        raise CafeError(_("That person is not at this café."))
    return person


def swap(cafe: Cafe, first_id: int, second_id: int, actor) -> None:
    """Swap two travellers' tables in the round on now (or the next one, during a break)."""
    _lock(cafe)
    rnd = seating_round(cafe)
    if rnd is None:
        raise CafeError(_("People can be moved once the café has started."))
    a, b = _participant(cafe, first_id), _participant(cafe, second_id)
    hosts = {t.host_id for t in cafe.tables}
    if a.id in hosts or b.id in hosts:
        raise CafeError(_("Hosts stay at their table and cannot be moved."))
    seat_a = db.session.scalar(select(CafeSeat).where(CafeSeat.round_id == rnd.id,
                                                      CafeSeat.participant_id == a.id))
    seat_b = db.session.scalar(select(CafeSeat).where(CafeSeat.round_id == rnd.id,
                                                      CafeSeat.participant_id == b.id))
    if seat_a is None or seat_b is None or a.id == b.id:
        raise CafeError(_("Choose two different people who are seated."))
    seat_a.table_id, seat_b.table_id = seat_b.table_id, seat_a.table_id
    db.session.flush()
    _replan_after(cafe, rnd.number)
    record(actor, "cafe.swapped", cafe, round=rnd.number, people=[a.id, b.id])
    db.session.commit()


def pin(cafe: Cafe, participant_id: int, table_id: int | None, actor) -> None:
    """Keep a traveller at one table from now on (``table_id`` None: free them again)."""
    _lock(cafe)
    person = _participant(cafe, participant_id)
    if table_id is not None and not any(t.id == table_id for t in cafe.tables):
        raise CafeError(_("Choose one of this café's tables."))
    if any(t.host_id == person.id for t in cafe.tables):
        raise CafeError(_("Hosts stay at their table and cannot be moved."))
    person.pinned_table_id = table_id
    db.session.flush()
    rnd = seating_round(cafe)
    if rnd is not None and table_id is not None:
        current = _round_table_lists(cafe, rnd)
        moved = _apply_pins(cafe, current, {person.id: table_id})
        db.session.execute(delete(CafeSeat).where(CafeSeat.round_id == rnd.id))
        _write_rounds(cafe, [rnd], [moved])
    if rnd is not None:
        _replan_after(cafe, rnd.number)
    record(actor, "cafe.pinned", cafe, participant=person.id, table=table_id)
    db.session.commit()


def mark_left(cafe: Cafe, participant_id: int, actor) -> None:
    """Someone has gone: they vanish from the tables and the rounds still to come are re-planned."""
    _lock(cafe)
    person = _participant(cafe, participant_id)
    if person.left_at is None:
        person.left_at = utcnow()
        person.pinned_table_id = None
        db.session.flush()
        if cafe.state in ("running", "paused", "break"):
            _replan_after(cafe, cafe.current_round)
    record(actor, "cafe.marked_left", cafe, participant=person.id)
    db.session.commit()


# The clock --------------------------------------------------------------------------------------

def _start_round(cafe: Cafe, number: int) -> None:
    rnd = cafe.round(number)
    now = utcnow()
    rnd.started_at, rnd.paused_at, rnd.ended_at = now, None, None
    rnd.ends_at = now + timedelta(minutes=cafe.round_minutes)
    cafe.current_round = number
    cafe.state = "running"


def next_round(cafe: Cafe, actor) -> None:
    _lock(cafe)
    if cafe.state != "break" or cafe.current_round >= cafe.round_count:
        raise CafeError(_("There is no next round to start now."))
    _start_round(cafe, cafe.current_round + 1)
    record(actor, "cafe.round_started", cafe, round=cafe.current_round)
    db.session.commit()


def pause(cafe: Cafe, actor) -> None:
    _lock(cafe)
    if cafe.state != "running":
        raise CafeError(_("Only a running round can be paused."))
    cafe.live_round.paused_at = utcnow()
    cafe.state = "paused"
    record(actor, "cafe.paused", cafe, round=cafe.current_round)
    db.session.commit()


def resume(cafe: Cafe, actor) -> None:
    _lock(cafe)
    if cafe.state != "paused":
        raise CafeError(_("Only a paused round can be resumed."))
    rnd = cafe.live_round
    rnd.ends_at += utcnow() - rnd.paused_at
    rnd.paused_at = None
    cafe.state = "running"
    record(actor, "cafe.resumed", cafe, round=cafe.current_round)
    db.session.commit()


def extend(cafe: Cafe, minutes: int, actor) -> None:
    _lock(cafe)
    if cafe.state not in ("running", "paused") or not 1 <= minutes <= 60:
        raise CafeError(_("Only a round that is on can be extended."))
    rnd = cafe.live_round
    rnd.ends_at = max(rnd.ends_at, rnd.paused_at or utcnow()) + timedelta(minutes=minutes)
    record(actor, "cafe.extended", cafe, round=cafe.current_round, minutes=minutes)
    db.session.commit()


def end_round(cafe: Cafe, actor) -> None:
    _lock(cafe)
    if cafe.state not in ("running", "paused"):
        raise CafeError(_("No round is on."))
    rnd = cafe.live_round
    rnd.ended_at = utcnow()
    rnd.paused_at = None
    cafe.state = "finished" if cafe.current_round >= cafe.round_count else "break"
    record(actor, "cafe.round_ended", cafe, round=cafe.current_round)
    db.session.commit()


def finish(cafe: Cafe, actor) -> None:
    _lock(cafe)
    rnd = cafe.live_round
    if rnd is not None and rnd.ended_at is None:
        rnd.ended_at = utcnow()
        rnd.paused_at = None
    cafe.state = "finished"
    record(actor, "cafe.finished", cafe)
    db.session.commit()


def send_broadcast(cafe: Cafe, message: str, actor) -> None:
    cafe.broadcast = message.strip()
    cafe.broadcast_at = utcnow()
    record(actor, "cafe.broadcast", cafe)
    db.session.commit()


# Notes ------------------------------------------------------------------------------------------

def add_note(cafe: Cafe, participant: CafeParticipant, body: str) -> CafeNote:
    if cafe.state not in ("running", "paused", "break") or participant.left_at is not None:
        raise CafeError(_("Notes can be added while the café is on."))
    table = seat_of(participant, cafe.live_round)
    if table is None:
        raise CafeError(_("You are not seated at a table in this round."))
    note = CafeNote(cafe_id=cafe.id, table_id=table.id, round_number=cafe.current_round,
                    participant_id=participant.id, body=body.strip())
    db.session.add(note)
    db.session.commit()
    return note


def table_notes(table: CafeTable) -> list[CafeNote]:
    return db.session.scalars(select(CafeNote).where(CafeNote.table_id == table.id)
                              .order_by(CafeNote.created_at.desc(), CafeNote.id.desc())).all()


def all_notes(cafe: Cafe) -> list[CafeNote]:
    return db.session.scalars(select(CafeNote).join(CafeTable, CafeNote.table_id == CafeTable.id)
                              .where(CafeNote.cafe_id == cafe.id)
                              .order_by(CafeTable.number, CafeNote.created_at, CafeNote.id)).all()


def mark_key(note: CafeNote, is_key: bool) -> None:
    note.is_key = is_key
    db.session.commit()


def notes_stamp(cafe: Cafe) -> str:
    count, last, keys = db.session.execute(
        select(func.count(CafeNote.id), func.max(CafeNote.id),
               func.count(CafeNote.id).filter(CafeNote.is_key.is_(True)))
        .where(CafeNote.cafe_id == cafe.id)).one()
    return f"{count}.{last or 0}.{keys}"


def notes_for_themes(cafe: Cafe) -> list[tuple[int, str]]:
    """Every note of the café as (note id, text), key ideas first: the input for themes."""
    notes = all_notes(cafe)
    return ([(n.id, n.body) for n in notes if n.is_key]
            + [(n.id, n.body) for n in notes if not n.is_key])


def harvest_csv(cafe: Cafe) -> str:
    """All notes as CSV with a BOM, so spreadsheet programs read the Japanese correctly.

    Times are the ward's local time with the offset (2026-12-02T19:05:00+09:00): the people
    reading the harvest were in the room at that hour, not at UTC.
    """
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([_("Table"), _("Topic"), _("Round"), _("Key idea"), _("Note"), _("Posted at")])
    for note in all_notes(cafe):
        writer.writerow([note.table.number, csv_cell(note.table.topic), note.round_number,
                         "1" if note.is_key else "", csv_cell(note.body),
                         ward_time(note.created_at).isoformat(timespec="seconds")])
    return out.getvalue()


# The published harvest --------------------------------------------------------------------------

def publish_harvest(cafe: Cafe, actor) -> None:
    """Make a finished café's harvest public (see :func:`published_harvest` for what that is).

    Only once the café has ended: no note can be added after that, so what the facilitator
    looked over before publishing is what everyone reads.
    """
    if cafe.state != "finished":
        raise CafeError(_("The harvest can be published once the café has ended."))
    if cafe.harvest_published_at is None:
        cafe.harvest_published_at = utcnow()
        record(actor, "cafe.harvest_published", cafe,
               notes=db.session.scalar(select(func.count(CafeNote.id))
                                       .where(CafeNote.cafe_id == cafe.id)))
    db.session.commit()


def withdraw_harvest(cafe: Cafe, actor) -> None:
    """Take the harvest back from the public (copies already downloaded stay where they are)."""
    if cafe.harvest_published_at is not None:
        cafe.harvest_published_at = None
        record(actor, "cafe.harvest_withdrawn", cafe)
    db.session.commit()


def published_harvests():
    """SQL: the cafés whose harvest everyone may read (``cafe.read_harvest`` for a visitor): a
    published harvest in a published process."""
    return (select(Cafe).join(Process, Process.id == Cafe.process_id)
            .where(Cafe.harvest_published_at.is_not(None), publicly_visible()))


def published_harvest(cafe: Cafe) -> dict:
    """What a published harvest shows, as plain data: the public page, the API and open data.

    The café's title and purpose, the rounds' questions, the tables' topics and the notes on them
    (cards written to be read by the room). Never who joined, sat where or wrote which note, when
    a note was posted (with the seating, that points to its writer), nor the tables' meeting
    links.
    """
    notes: dict[int, list[dict]] = {t.id: [] for t in cafe.tables}
    for note in all_notes(cafe):
        notes[note.table_id].append({"id": note.id, "round": note.round_number,
                                     "text": note.body, "key_idea": note.is_key})
    return {"id": cafe.id, "process_id": cafe.process_id, "title": cafe.title,
            "purpose": cafe.purpose, "mode": cafe.mode,
            "published_at": cafe.harvest_published_at,
            "rounds": [{"number": r.number, "question": r.question} for r in cafe.rounds],
            "tables": [{"number": t.number, "topic": t.topic, "notes": notes[t.id]}
                       for t in cafe.tables]}


# For the phones -----------------------------------------------------------------------------------

def version(cafe: Cafe) -> str:
    """Changes whenever what a phone or the console shows changes (apart from the clock)."""
    stamp = cafe.broadcast_at.isoformat() if cafe.broadcast_at else ""
    return (f"{cafe.state}.{cafe.current_round}.{cafe.seat_version}.{stamp}."
            f"{notes_stamp(cafe)}")


def clock(cafe: Cafe) -> dict:
    rnd = cafe.live_round
    remaining = rnd.remaining(utcnow()) if rnd is not None else None
    return {
        "state": cafe.state,
        "round": cafe.current_round,
        "rounds": cafe.round_count,
        "remaining": int(remaining.total_seconds()) if remaining is not None else None,
        "running": cafe.state == "running",
    }


def personal_data(user) -> tuple[str, object]:
    rows = db.session.scalars(select(CafeParticipant).where(CafeParticipant.user_id == user.id))
    out = []
    for person in rows:
        notes = db.session.scalars(select(CafeNote.body).where(
            CafeNote.participant_id == person.id)).all()
        out.append({"cafe": db.session.get(Cafe, person.cafe_id).title,
                    "display_name": person.display_name,
                    "joined_at": person.joined_at.isoformat() + "Z", "notes": list(notes)})
    return "world_cafe", out
