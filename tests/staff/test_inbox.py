"""The staff inbox: what waits for one staff member, scoped to the processes they handle."""

from sqlalchemy import select

from civic.extensions import db
from civic.jobs.models import DONE, FAILED, Job
from civic.moderation import services as moderation
from civic.notifications.models import Notification
from civic.proposals import services as proposals
from civic.proposals.models import Review
from civic.spaces.models import StaffArea
from civic.spaces.permissions import acts_for
from civic.spaces.services import handled_processes, staff_handling
from civic.staff import services
from civic.timeutil import utcnow
from tests.conftest import login


def _assign(user, area):
    db.session.add(StaffArea(user_id=user.id, area_id=area.id))
    db.session.commit()


def _kinds(user):
    db.session.expire_all()
    return [n.kind for n in db.session.scalars(select(Notification).where(
        Notification.user_id == user.id).order_by(Notification.id))]


def test_area_staff_handle_their_areas_only_city_wide_staff_and_admins_everything(
        ctx, make_user, make_area, make_process):
    """The inbox's queries follow the staff scope the permissions use (acts_for)."""
    north, south = make_area(name="北地区"), make_area(name="南地区")
    in_north, in_south, city = (make_process(area=north), make_process(area=south),
                                make_process())
    everywhere, northern = make_user(roles=("staff",)), make_user(roles=("staff",))
    _assign(northern, north)
    assert set(db.session.scalars(handled_processes(everywhere))) == {
        in_north.id, in_south.id, city.id}
    assert set(db.session.scalars(handled_processes(northern))) == {in_north.id}
    admin = make_user(roles=("admin",))
    _assign(admin, south)
    assert set(db.session.scalars(handled_processes(admin))) == {in_north.id, in_south.id, city.id}
    for process in (in_north, in_south, city):
        handlers = {u.id for u in (everywhere, northern) if acts_for(u, process)}
        assert set(staff_handling(process)) == handlers
    assert staff_handling(in_north) == [everywhere.id, northern.id]
    assert staff_handling(city) == [everywhere.id]


def test_the_inbox_counts_work_per_process_and_area_and_links_to_it(
        client, make_user, make_area, make_process, make_proposal):
    north, south = make_area(name="北地区"), make_area(name="南地区")
    in_north, in_south = make_process(area=north, title="北の公園"), make_process(
        area=south, title="南の広場")
    staff = make_user(roles=("staff",), locale="en")
    _assign(staff, north)
    resident = make_user()
    submitted = make_proposal(in_north, resident, title="ベンチを置く", state="submitted")
    make_proposal(in_south, resident, title="南の提案", state="submitted")  # not staff's area
    in_review = make_proposal(in_north, resident, title="花壇", state="evaluation")
    reviewed = make_proposal(in_north, resident, title="街灯", state="evaluation")
    db.session.add(Review(proposal_id=reviewed.id, reviewer_id=staff.id, scores={}))
    talk = make_proposal(in_north, resident, title="相談中", state="consultation")
    proposals.post_consultation(resident, talk, "質問があります")
    proposals.post_consultation(resident, talk, "もう一つ")
    proposals.post_consultation(staff, talk, "お答えします")  # one's own message is never unread

    inbox = services.inbox(staff)
    assert [group.area.id for group in inbox.areas] == [north.id]
    (work,) = inbox.areas[0].processes
    assert work.counts == {"submitted": 1, "unread": 1, "to_review": 1, "reports": 0}
    assert [p.id for p in inbox.submitted] == [submitted.id]
    assert [(p.id, n) for p, n in inbox.threads] == [(talk.id, 2)]
    assert [p.id for p in inbox.to_review] == [in_review.id]

    login(client, staff)
    page = client.get("/staff").text
    assert "北の公園" in page and "南の広場" not in page and "南の提案" not in page
    assert f"/proposals/{submitted.id}" in page
    assert f"/proposals/{talk.id}/consultation" in page
    assert f"/proposals/{in_review.id}/review" in page
    assert f"/staff/processes/{in_north.slug}/participation" in page

    # Reading the thread moves this reader's marker only.
    assert client.get(f"/proposals/{talk.id}/consultation").status_code == 200
    assert services.inbox(staff).threads == []
    colleague = make_user(roles=("staff",))
    assert [(p.id, n) for p, n in services.inbox(colleague).threads] == [(talk.id, 3)]
    proposals.post_consultation(resident, talk, "追加です")
    assert [(p.id, n) for p, n in services.inbox(staff).threads] == [(talk.id, 1)]


def test_moderators_see_reports_per_process_and_everyone_their_finished_jobs(
        ctx, make_user, make_process, make_proposal):
    process = make_process()
    author, reporter = make_user(), make_user()
    proposal = make_proposal(process, author)
    moderation.report(reporter, "proposal", proposal.id, "spam", "")
    staff = make_user(roles=("staff", "moderator"))
    db.session.add_all([
        Job(kind="themes.analyse", status=DONE, created_by_id=staff.id, finished_at=utcnow()),
        Job(kind="themes.import", status=FAILED, created_by_id=staff.id, finished_at=utcnow()),
        Job(kind="themes.import", status=DONE, created_by_id=author.id, finished_at=utcnow())])
    db.session.commit()
    inbox = services.inbox(staff, moderator=True)
    assert inbox.reports == 1
    assert inbox.areas[0].processes[0].counts["reports"] == 1
    assert sorted(job.kind for job in inbox.jobs) == ["themes.analyse", "themes.import"]
    assert services.inbox(staff).reports is None


def test_staff_are_told_of_submissions_and_consultation_messages_in_their_processes(
        ctx, make_user, make_area, make_process, make_proposal):
    north, south = make_area(), make_area()
    process = make_process(area=north)
    northern, southern = make_user(roles=("staff",)), make_user(roles=("staff",))
    _assign(northern, north)
    _assign(southern, south)
    resident = make_user()
    draft = make_proposal(process, resident, state="draft")
    proposals.take_step(resident, draft, "submit")
    assert _kinds(northern) == ["submitted"] and _kinds(southern) == []
    proposals.post_consultation(resident, draft, "よろしくお願いします")
    assert _kinds(northern) == ["submitted", "consultation"]
    proposals.post_consultation(northern, draft, "承知しました")
    assert _kinds(resident) == ["consultation"]
    assert _kinds(northern) == ["submitted", "consultation"]  # not told of their own
