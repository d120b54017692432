"""Staff get notifications as residents do: for finished and failed jobs, in the same list."""

from datetime import timedelta

from sqlalchemy import select

from civic.extensions import db
from civic.jobs import services as jobs
from civic.jobs.models import QUEUED, RUNNING, Job
from civic.notifications.models import Notification
from civic.proposals import services as proposals
from civic.timeutil import utcnow
from tests.conftest import login


@jobs.task("test.staff_ok")
def ok_task(progress):
    return {}


@jobs.task("test.staff_crash")
def crash_task(progress):
    raise ValueError("broken row")


def _notifications(user):
    db.session.expire_all()
    return [(n.kind, n.data.get("status")) for n in db.session.scalars(
        select(Notification).where(Notification.user_id == user.id).order_by(Notification.id))]


def test_whoever_started_a_job_is_told_when_it_finishes_or_fails(ctx, make_user):
    staff = make_user(roles=("staff",))
    for kind in ("test.staff_ok", "test.staff_crash"):
        job = Job(kind=kind, params={}, status=QUEUED, created_by_id=staff.id)
        db.session.add(job)
        db.session.commit()
        jobs.run(job.id)
    stale = Job(kind="test.staff_ok", status=RUNNING, created_by_id=staff.id,
                heartbeat_at=utcnow() - timedelta(minutes=10))
    db.session.add(stale)
    db.session.commit()
    assert jobs.mark_stale_jobs_failed() == 1
    assert _notifications(staff) == [("job", "done"), ("job", "failed"), ("job", "failed")]


def test_the_list_names_each_staff_notification(client, make_user, make_process,
                                                 make_proposal):
    staff = make_user(roles=("staff",), locale="en")
    resident = make_user(name="山田")
    proposal = make_proposal(make_process(), resident, title="ベンチを置く", state="draft")
    proposals.take_step(resident, proposal, "submit")
    proposals.post_consultation(resident, proposal, "よろしく")
    job = Job(kind="themes.analyse", status=QUEUED, params={}, created_by_id=staff.id)
    db.session.add(job)
    db.session.commit()
    jobs.run(job.id)  # fails: no analysis to run on
    login(client, staff)
    page = client.get("/notifications").text
    assert "山田 submitted “ベンチを置く” in a process you handle." in page
    assert "山田 wrote in the prior consultation on “ベンチを置く”." in page
    assert "Your background job “Finding themes” failed." in page
    assert client.get("/staff").text.count("Finding themes") == 1
