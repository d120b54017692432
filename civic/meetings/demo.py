"""Demo meetings: a briefing that is full with a waiting list, an online workshop, a group's
dialogue, and a past meeting with its minutes published."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from civic.extensions import db
from civic.meetings.models import CONFIRMED, WAITING, Meeting, MeetingSignup
from civic.timeutil import utcnow


def _at(today, days: int, hour: int) -> datetime:
    zone = ZoneInfo(current_app.config["CIVIC_TIMEZONE"])
    local = datetime.combine(today + timedelta(days=days), time(hour), tzinfo=zone)
    return local.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def load(areas: dict, today, people: dict) -> None:
    """``areas``: slug → Area; ``people``: email → User. Needs the places and groups demo."""
    from civic.groups.models import Group
    from civic.places.models import Place
    from civic.spaces.models import Process

    processes = {p.slug: p for p in db.session.scalars(select(Process))}
    places = {p.name: p for p in db.session.scalars(select(Place))}
    groups = {g.slug: g for g in db.session.scalars(select(Group))}
    staff = people["aobadai.staff@example.jp"]
    budget = processes["aobadai-budget-2026"]
    center = places.get("青葉台地区センター")

    full = Meeting(process_id=budget.id, area_id=budget.area_id, kind="briefing",
                   title="地域予算の事業説明会", created_by_id=staff.id,
                   description="投票にかかる8つの事業を、担当課が説明します。質問もどうぞ。",
                   starts_at=_at(today, 4, 19), ends_at=_at(today, 4, 21),
                   place_id=center.id if center else None, location="2階 会議室A",
                   capacity=3, childcare_offered=True)
    kyodo = processes["kyodo-2026"]
    workshop = Meeting(process_id=kyodo.id, area_id=None, kind="workshop",
                       title="協働事業 提案づくりワークショップ", created_by_id=staff.id,
                       description="提案書の書き方を、昨年度の採択団体と一緒に考えます。",
                       starts_at=_at(today, 9, 14), ends_at=_at(today, 9, 16),
                       online_url="https://meet.example.jp/kyodo-ws", capacity=30)
    meetings = [full, workshop]
    if "kawabata-chonai" in groups:
        group = groups["kawabata-chonai"]
        meetings.append(Meeting(
            group_id=group.id, area_id=group.area_id, kind="dialogue",
            title="川沿いの防災を語る会", created_by_id=staff.id,
            description="水害の備えについて、町会と水防団と住民で話し合います。",
            starts_at=_at(today, 12, 10), ends_at=_at(today, 12, 12),
            place_id=places["川端町会会館"].id if "川端町会会館" in places else None))
        meetings.append(Meeting(
            group_id=group.id, area_id=group.area_id, kind="dialogue",
            title="川端のこれからを話す会（第1回）", created_by_id=staff.id,
            starts_at=_at(today, -20, 10), ends_at=_at(today, -20, 12),
            place_id=places["川端町会会館"].id if "川端町会会館" in places else None,
            minutes="## 話したこと\n\n- 川沿いの散歩道に**ベンチ**がほしい\n- 夜の見守りを町会と一緒に",
            minutes_published_at=utcnow()))
    db.session.add_all(meetings)
    db.session.flush()

    # Five people for three seats: two wait, first come first served.
    order = ["resident@example.jp", "hana@example.jp", "minh@example.jp",
             "newcomer@example.jp", "facilitator@example.jp"]
    now = utcnow()
    rows = []
    for n, email in enumerate(order):
        seat = n + 1 if n < full.capacity else None
        rows.append(MeetingSignup(meeting_id=full.id, user_id=people[email].id,
                                  state=CONFIRMED if seat else WAITING, seat=seat,
                                  queued_at=now - timedelta(minutes=60 - n),
                                  children=1 if email == "hana@example.jp" else 0,
                                  children_ages="3歳" if email == "hana@example.jp" else "",
                                  accessibility="やさしい日本語の資料" if email == "minh@example.jp"
                                  else ""))
    for n, email in enumerate(["hana@example.jp", "resident@example.jp"]):
        rows.append(MeetingSignup(meeting_id=workshop.id, user_id=people[email].id,
                                  state=CONFIRMED, seat=n + 1))
    db.session.add_all(rows)
    db.session.commit()
