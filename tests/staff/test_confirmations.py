"""Destructive actions ask first, on a page of their own (no JavaScript needed)."""

from sqlalchemy import func, select

from civic.accounts import services as accounts
from civic.accounts.models import ResidencyCode
from civic.cafe import services as cafes
from civic.cafe.models import Cafe, CafeNote, CafeParticipant, CafeRound, CafeSeat, CafeTable
from civic.extensions import db
from civic.spaces.models import Phase
from tests.conftest import login


def _count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def test_deleting_a_phase_asks_first_and_a_bare_post_deletes_nothing(client, make_user,
                                                                     make_process):
    process = make_process()
    phase = process.phases[0]
    login(client, make_user(roles=("staff",), locale="en"))
    edit = client.get(f"/staff/processes/{process.slug}/edit").text
    url = f"/staff/processes/{process.slug}/phases/{phase.id}/delete"
    assert f'href="{url}"' in edit
    page = client.get(url)
    assert page.status_code == 200 and "Delete the phase “第1段階”?" in page.text
    assert 'name="confirm" value="yes"' in page.text
    assert client.post(url).status_code == 200  # without the confirmation: the page again
    assert _count(Phase) == 1
    done = client.post(url, data={"confirm": "yes"})
    assert done.status_code == 302 and done.location.endswith(f"/staff/processes/{process.slug}/edit")
    assert _count(Phase) == 0


def test_deleting_a_code_batch_removes_only_its_unused_codes(client, make_user, make_area):
    area = make_area(name="川端地区")
    staff = make_user(roles=("staff",), locale="en")
    batch, codes = accounts.issue_codes(area, 3, "letter", 30, staff)
    other_batch, _ = accounts.issue_codes(area, 2, "event", 30, staff)
    accounts.redeem_code(make_user(), codes[0])
    login(client, staff)
    url = f"/staff/codes/{batch}/delete"
    assert url in client.get("/staff/codes").text
    page = client.get(url).text
    assert "2 of its 3 codes have not been used" in page
    assert client.post(url).status_code == 200 and _count(ResidencyCode) == 5
    assert client.post(url, data={"confirm": "yes"}).status_code == 302
    db.session.expire_all()
    left = db.session.execute(select(ResidencyCode.batch, ResidencyCode.used_at.is_not(None))
                              .order_by(ResidencyCode.id)).all()
    assert left == [(batch, True), (other_batch, False), (other_batch, False)]
    assert client.get("/staff/codes/nosuchbatch/delete").status_code == 404


def test_deleting_a_cafe_takes_everything_in_it(client, make_user, make_process):
    process = make_process(features=("cafe_open",))
    host = make_user(roles=("facilitator",), locale="en")
    cafe = cafes.create_cafe(process, {
        "title": "川沿いの10年後", "purpose": "語り合う", "mode": "classic",
        "questions": "今の暮らしは？", "round_count": 2, "round_minutes": 20, "table_size": 2,
        "table_lines": "", "verification_required": False}, host)
    for name in ("一郎", "二郎", "三郎"):
        cafes.join(cafe, guest_name=name)
    cafes.start(cafe, host)
    participant = db.session.scalars(select(CafeParticipant)).first()
    cafes.add_note(cafe, participant, "川沿いにベンチを")
    assert _count(CafeSeat) > 0 and _count(CafeNote) == 1
    login(client, host)
    url = f"/cafes/{cafe.id}/delete"
    assert url in client.get(f"/cafes/{cafe.id}/edit").text
    assert "every note written at it" in client.get(url).text
    assert client.post(url).status_code == 200 and _count(Cafe) == 1
    done = client.post(url, data={"confirm": "yes"})
    assert done.status_code == 302 and done.location.endswith(f"/processes/{process.slug}")
    assert [_count(m) for m in (Cafe, CafeParticipant, CafeSeat, CafeNote, CafeTable,
                                CafeRound)] == [0] * 6
