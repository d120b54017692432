"""Participation figures: people who acted and their acts, by area where they live and by ISO week
in the ward's calendar, as a page with an inline chart and as CSV."""

import csv
import io
from datetime import date, datetime

from sqlalchemy import update

from civic.budgets.models import Ballot, Budget
from civic.comments import services as comments
from civic.comments.models import Comment
from civic.extensions import db
from civic.proposals.models import Proposal, Support
from civic.staff import participation
from tests.conftest import login

FEATURES = ("supports_open", "comments_open")
# Sunday 29 November 2026, 23:00 and Monday 30 November, 01:00 in Tokyo (UTC+9).
SUNDAY_NIGHT = datetime(2026, 11, 29, 14, 0)
MONDAY_EARLY = datetime(2026, 11, 29, 16, 0)
THREE_WEEKS_ON = datetime(2026, 12, 15, 3, 0)


def _world(make_user, make_area, make_process, make_proposal):
    # A name that a spreadsheet would run as a formula.
    north, south = make_area(name="北地区"), make_area(name="+南地区")
    process = make_process(features=FEATURES, title="公園づくり")
    alice, bob, carol = (make_user(area=north), make_user(area=south), make_user())
    bench = make_proposal(process, alice, state="published")
    make_proposal(process, bob, state="draft")  # a draft is no act
    db.session.execute(update(Proposal).where(Proposal.id == bench.id)
                       .values(created_at=SUNDAY_NIGHT))
    db.session.add_all([
        Support(proposal_id=bench.id, user_id=bob.id, process_id=process.id,
                created_at=MONDAY_EARLY),
        Support(proposal_id=bench.id, user_id=carol.id, process_id=process.id,
                created_at=THREE_WEEKS_ON)])
    db.session.commit()
    comment = comments.add(bob, "proposal", bench.id, "賛成です")
    db.session.execute(update(Comment).where(Comment.id == comment.id)
                       .values(created_at=MONDAY_EARLY))
    budget = Budget(process_id=process.id, title="予算", amount=1000)
    db.session.add(budget)
    db.session.flush()
    db.session.add_all([
        Ballot(budget_id=budget.id, user_id=alice.id, state="checked_out",
               checked_out_at=MONDAY_EARLY),
        Ballot(budget_id=budget.id, user_id=carol.id, state="draft"),  # not cast
        Ballot(budget_id=budget.id, voter_code="imported-1", state="checked_out",
               checked_out_at=THREE_WEEKS_ON)])
    db.session.commit()
    other = make_process(features=FEATURES)
    make_proposal(other, carol)  # another process's acts stay out
    return process, north, south


def test_figures_count_people_and_acts_by_area_and_by_ward_week(
        ctx, make_user, make_area, make_process, make_proposal):
    process, north, south = _world(make_user, make_area, make_process, make_proposal)
    figures = participation.figures(process, "Asia/Tokyo")
    assert figures.total.people == 3
    assert figures.total.counts == {"proposals": 1, "supports": 2, "comments": 1, "ballots": 2}
    by_area = {(area.name if area else None): row for area, row in figures.by_area}
    assert list(by_area) == ["北地区", "+南地区", None]
    assert (by_area["北地区"].people, by_area["北地区"].counts) == (
        1, {"proposals": 1, "supports": 0, "comments": 0, "ballots": 1})
    assert (by_area["+南地区"].people, by_area["+南地区"].counts["supports"],
            by_area["+南地区"].counts["comments"]) == (1, 1, 1)
    # carol (no residency) and the imported voter (no account): acts, but one person.
    assert (by_area[None].people, by_area[None].acts) == (1, 2)
    weeks = [(week, row.people, row.acts) for week, row in figures.by_week]
    assert weeks == [(date(2026, 11, 23), 1, 1), (date(2026, 11, 30), 2, 3),
                     (date(2026, 12, 7), 0, 0), (date(2026, 12, 14), 1, 2)]


def test_staff_see_a_chart_and_download_safe_csv(client, make_user, make_area, make_process,
                                                 make_proposal):
    process, _north, _south = _world(make_user, make_area, make_process, make_proposal)
    login(client, make_user(roles=("staff",), locale="en"))
    page = client.get(f"/staff/processes/{process.slug}/participation")
    assert page.status_code == 200
    html = page.text
    assert html.count("<rect ") == 4 and "<script" not in html.split("<svg")[1].split("</svg>")[0]
    assert "where the people live" in html
    response = client.get(f"/staff/processes/{process.slug}/participation.csv")
    assert response.mimetype == "text/csv"
    assert response.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0] == ["Group", "Name", "People who acted", "Proposals", "Supports", "Comments",
                       "Ballots"]
    assert rows[1] == ["Total", "Whole process", "3", "1", "2", "1", "2"]
    assert ["Week", "2026-11-30", "2", "0", "1", "1", "1"] in rows
    assert ["Area where people live", "'+南地区", "1", "0", "1", "1", "0"] in rows


def test_a_quiet_process_says_so_and_residents_get_no_figures(client, make_user, make_process):
    process = make_process()
    staff = type(client)(client.application)
    login(staff, make_user(roles=("staff",), locale="en"))
    assert f"/staff/processes/{process.slug}/participation" in staff.get(
        f"/staff/processes/{process.slug}/edit").text
    quiet = staff.get(f"/staff/processes/{process.slug}/participation")
    assert quiet.status_code == 200 and "Nobody has acted in this process yet." in quiet.text
    assert "<svg" not in quiet.text.split("<main")[1]
    csv_rows = staff.get(f"/staff/processes/{process.slug}/participation.csv").data
    assert csv_rows.decode("utf-8-sig").splitlines()[1] == "Total,Whole process,0,0,0,0,0"
    login(client, make_user())
    assert client.get(f"/staff/processes/{process.slug}/participation").status_code == 403
    assert client.get(f"/staff/processes/{process.slug}/participation.csv").status_code == 403
