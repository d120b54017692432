"""Café services: the clock, seat changes, notes and harvest, also under concurrent joins."""

import threading
from collections import Counter
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from civic.cafe import services
from civic.cafe.models import Cafe, CafeParticipant, CafeSeat
from civic.extensions import db


def seats_by_round(cafe):
    """{round number: {table number: [participant ids]}} straight from the database."""
    out = {}
    for rnd in cafe.rounds:
        tables = {}
        for seat in db.session.scalars(select(CafeSeat).where(CafeSeat.round_id == rnd.id)):
            tables.setdefault(seat.table.number, []).append(seat.participant_id)
        out[rnd.number] = tables
    return out


def present_ids(cafe):
    return {p.id for p in services.participants(cafe, present_only=True)}


def assert_balanced(cafe, rounds):
    present = present_ids(cafe)
    plan = seats_by_round(cafe)
    for number in rounds:
        sizes = [len([p for p in people if p in present]) for people in plan[number].values()]
        assert max(sizes) - min(sizes) <= 1, (number, plan[number])
        seated = [p for people in plan[number].values() for p in people if p in present]
        assert sorted(seated) == sorted(present), number


class Clock:
    def __init__(self):
        self.now = datetime(2026, 5, 1, 10, 0)

    def __call__(self):
        return self.now


def test_start_plans_every_round_with_hosts_fixed_and_sizes_balanced(seated_cafe):
    cafe, guests = seated_cafe()
    assert cafe.state == "running" and cafe.current_round == 1
    assert len(cafe.tables) == 3  # 7 people, tables of 3
    hosts = {t.number: t.host_id for t in cafe.tables}
    plan = seats_by_round(cafe)
    for number in (1, 2, 3):
        for table, people in plan[number].items():
            assert hosts[table] in people
    assert_balanced(cafe, (1, 2, 3))


def test_start_needs_two_people_and_runs_once(make_cafe):
    cafe = make_cafe()
    services.join(cafe, guest_name="ひとり")
    with pytest.raises(services.CafeError):
        services.start(cafe, None)
    db.session.rollback()
    services.join(cafe, guest_name="ふたり")
    services.start(cafe, None)
    with pytest.raises(services.CafeError):
        services.start(cafe, None)


def test_topic_mode_makes_one_table_per_topic_with_its_link(make_cafe):
    cafe = make_cafe(mode="topic", questions="",
                     table_lines="子育て | https://meet.example/a\n防災\n商店街 | https://meet.example/c")
    for i in range(8):
        services.join(cafe, guest_name=f"g{i}")
    services.start(cafe, None)
    cafe = db.session.get(Cafe, cafe.id)
    assert [(t.topic, t.meeting_url) for t in cafe.tables] == [
        ("子育て", "https://meet.example/a"), ("防災", ""), ("商店街", "https://meet.example/c")]


def test_timer_survives_pause_and_extend(seated_cafe, monkeypatch):
    clock = Clock()
    monkeypatch.setattr(services, "utcnow", clock)
    cafe, _ = seated_cafe()  # started at 10:00, 20 minutes
    assert services.clock(cafe)["remaining"] == 20 * 60
    clock.now += timedelta(minutes=5)
    services.pause(cafe, None)
    clock.now += timedelta(minutes=10)
    state = services.clock(db.session.get(Cafe, cafe.id))
    assert state == {"state": "paused", "round": 1, "rounds": 3, "remaining": 15 * 60,
                     "running": False}
    services.extend(cafe, 5, None)
    assert services.clock(db.session.get(Cafe, cafe.id))["remaining"] == 20 * 60
    services.resume(cafe, None)
    clock.now += timedelta(minutes=1)
    assert services.clock(db.session.get(Cafe, cafe.id))["remaining"] == 19 * 60
    services.end_round(cafe, None)
    cafe = db.session.get(Cafe, cafe.id)
    assert cafe.state == "break"
    services.next_round(cafe, None)
    cafe = db.session.get(Cafe, cafe.id)
    assert cafe.state == "running" and cafe.current_round == 2
    assert services.clock(cafe)["remaining"] == 20 * 60


def test_clock_actions_refuse_the_wrong_state(seated_cafe):
    cafe, _ = seated_cafe()
    with pytest.raises(services.CafeError):
        services.resume(cafe, None)
    db.session.rollback()
    with pytest.raises(services.CafeError):
        services.next_round(cafe, None)
    db.session.rollback()
    for _ in range(3):
        services.end_round(cafe, None)
        cafe = db.session.get(Cafe, cafe.id)
        if cafe.state == "break":
            services.next_round(cafe, None)
    assert db.session.get(Cafe, cafe.id).state == "finished"


def test_notes_stay_with_the_table_for_the_next_rounds_travellers(seated_cafe):
    cafe, guests = seated_cafe()
    table = cafe.tables[0]
    plan = seats_by_round(cafe)
    writer_id = next(p for p in plan[1][table.number] if p != table.host_id)
    writer = db.session.get(CafeParticipant, writer_id)
    services.add_note(cafe, writer, "川辺にベンチを")
    services.end_round(cafe, None)
    services.next_round(db.session.get(Cafe, cafe.id), None)
    cafe = db.session.get(Cafe, cafe.id)
    newcomer_id = next(p for p in seats_by_round(cafe)[2][table.number] if p not in plan[1][1])
    newcomer = db.session.get(CafeParticipant, newcomer_id)
    seat = services.seat_of(newcomer, cafe.live_round)
    assert seat.id == table.id
    assert [n.body for n in services.table_notes(seat)] == ["川辺にベンチを"]


def test_notes_need_a_seat_and_a_running_cafe(make_cafe):
    cafe = make_cafe()
    person, _token = services.join(cafe, guest_name="まだ")
    with pytest.raises(services.CafeError):
        services.add_note(cafe, person, "早すぎる")


def test_late_joiner_is_seated_now_at_the_smallest_table_and_in_later_rounds(seated_cafe):
    cafe, _ = seated_cafe()
    late, _token = services.join(cafe, guest_name="遅れて来た人")
    cafe = db.session.get(Cafe, cafe.id)
    assert services.seat_of(late, cafe.live_round) is not None
    assert_balanced(cafe, (1, 2, 3))


def test_marking_someone_left_replans_the_rest_without_moving_hosts(seated_cafe):
    cafe, _ = seated_cafe(people=9)
    hosts = [t.host_id for t in cafe.tables]
    traveller = next(p for p in present_ids(cafe) if p not in hosts)
    services.mark_left(cafe, traveller, None)
    cafe = db.session.get(Cafe, cafe.id)
    assert [t.host_id for t in cafe.tables] == hosts
    plan = seats_by_round(cafe)
    for number in (2, 3):
        assert traveller not in {p for people in plan[number].values() for p in people}
        for table in cafe.tables:
            assert table.host_id in plan[number][table.number]
    assert_balanced(cafe, (1, 2, 3))


def test_a_host_who_leaves_is_replaced_by_someone_at_the_table(seated_cafe):
    cafe, _ = seated_cafe(people=9)
    table = cafe.tables[0]
    old_host = table.host_id
    services.mark_left(cafe, old_host, None)
    cafe = db.session.get(Cafe, cafe.id)
    new_host = cafe.tables[0].host_id
    assert new_host not in (None, old_host)
    assert new_host in seats_by_round(cafe)[1][1]
    for number in (2, 3):
        assert new_host in seats_by_round(cafe)[number][1]


def test_swap_and_pin_move_travellers_but_never_hosts(seated_cafe):
    cafe, _ = seated_cafe(people=9)
    hosts = {t.host_id for t in cafe.tables}
    now = seats_by_round(cafe)[1]
    a = next(p for p in now[1] if p not in hosts)
    b = next(p for p in now[2] if p not in hosts)
    services.swap(cafe, a, b, None)
    cafe = db.session.get(Cafe, cafe.id)
    after = seats_by_round(cafe)[1]
    assert a in after[2] and b in after[1]
    with pytest.raises(services.CafeError):
        services.swap(cafe, next(iter(hosts)), a, None)
    db.session.rollback()

    cafe = db.session.get(Cafe, cafe.id)
    table3 = cafe.tables[2]
    services.pin(cafe, a, table3.id, None)
    cafe = db.session.get(Cafe, cafe.id)
    for number in (1, 2, 3):
        assert a in seats_by_round(cafe)[number][3]
    assert_balanced(cafe, (1, 2, 3))


def test_harvest_csv_has_a_bom_and_themes_get_every_note(seated_cafe):
    cafe, _ = seated_cafe()
    people = services.participants(cafe)
    first = services.add_note(cafe, people[3], "空き家を集いの場に")
    services.add_note(cafe, people[4], "子どもの遊び場")
    services.mark_key(first, True)
    csv_text = services.harvest_csv(cafe)
    assert csv_text.startswith("\ufeff")
    assert "空き家を集いの場に" in csv_text and csv_text.count("\n") == 3
    handed = services.notes_for_themes(cafe)
    assert [text for _id, text in handed] == ["空き家を集いの場に", "子どもの遊び場"]
    assert handed[0][0] == first.id


def test_concurrent_joins_never_double_seat(app, seated_cafe, make_user):
    cafe, _ = seated_cafe(people=6)
    cafe_id = cafe.id
    user = make_user()
    user_id = user.id
    barrier = threading.Barrier(6)
    errors = []

    def worker(i):
        with app.app_context():
            try:
                cafe = db.session.get(Cafe, cafe_id)
                barrier.wait()
                if i < 3:  # the same person joining from three tabs
                    from civic.accounts.models import User

                    services.join(cafe, user=db.session.get(User, user_id))
                else:
                    services.join(cafe, guest_name=f"同時{i}")
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    db.session.expire_all()
    cafe = db.session.get(Cafe, cafe_id)
    people = services.participants(cafe)
    assert len(people) == 6 + 1 + 3
    assert Counter(p.user_id for p in people if p.user_id)[user_id] == 1
    for rnd in cafe.rounds:
        seats = db.session.scalars(select(CafeSeat.participant_id)
                                   .where(CafeSeat.round_id == rnd.id)).all()
        assert len(seats) == len(set(seats))
    assert_balanced(cafe, (1, 2, 3))


def test_concurrent_seat_changes_leave_a_consistent_plan(app, seated_cafe):
    """Facilitators swapping, pinning and marking people as left while others join late."""
    cafe, _ = seated_cafe(people=12)
    cafe_id = cafe.id
    hosts = {t.id: t.host_id for t in cafe.tables}
    travellers = [p.id for p in services.participants(cafe) if p.id not in hosts.values()]
    table_ids = sorted(hosts)
    operations = [
        lambda c: services.swap(c, travellers[0], travellers[1], None),
        lambda c: services.swap(c, travellers[2], travellers[3], None),
        lambda c: services.pin(c, travellers[4], table_ids[0], None),
        lambda c: services.pin(c, travellers[5], table_ids[-1], None),
        lambda c: services.mark_left(c, travellers[6], None),
        lambda c: services.mark_left(c, travellers[1], None),
        lambda c: services.join(c, guest_name="遅れて来た人A"),
        lambda c: services.join(c, guest_name="遅れて来た人B"),
    ]
    barrier = threading.Barrier(len(operations))
    unexpected = []

    def run(operation):
        with app.app_context():
            try:
                target = db.session.get(Cafe, cafe_id)
                barrier.wait()
                operation(target)
            except services.CafeError:
                db.session.rollback()  # a refusal (e.g. swapping someone who just left) is fine
            except Exception as error:  # noqa: BLE001 - anything else is a failure, reported below
                unexpected.append(repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(op,)) for op in operations]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert unexpected == []

    db.session.expire_all()
    cafe = db.session.get(Cafe, cafe_id)
    assert len(services.participants(cafe)) == 14
    # The round on now is not reshuffled under people's feet (someone leaving it leaves a gap);
    # every round still to come is re-planned balanced, with everyone present seated once.
    assert_balanced(cafe, [rnd.number for rnd in cafe.rounds if rnd.number > cafe.current_round])
    plan = seats_by_round(cafe)
    now = [p for people in plan[cafe.current_round].values() for p in people]
    assert len(now) == len(set(now))
    numbers = {t.id: t.number for t in cafe.tables}
    for rnd in cafe.rounds:
        for table_id, host in hosts.items():
            assert host in plan[rnd.number][numbers[table_id]], "a host moved"
    left = {p.id for p in services.participants(cafe)} - present_ids(cafe)
    assert left == {travellers[6], travellers[1]}
    for rnd in cafe.rounds[1:]:
        seated = {p for people in plan[rnd.number].values() for p in people}
        assert not seated & left, "someone who left is still planned in"
