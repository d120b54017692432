from datetime import timedelta

import pytest

from civic.extensions import db
from civic.jobs import services
from civic.jobs.models import DONE, FAILED, QUEUED, RUNNING, Job
from civic.timeutil import utcnow
from tests.conftest import login, wait_for_job
from tests.servers import redis_server


@services.task("test.count")
def count_task(progress, upto: int):
    for i in range(upto):
        progress((i + 1) / upto, f"{i + 1}/{upto}")
    return {"total": sum(range(upto + 1))}


@services.task("test.crash")
def crash_task(progress):
    progress(0.5, "half way")
    raise ValueError("bad input on row 7")


def test_an_embedded_job_runs_outside_the_request_and_reports_progress(app, ctx, make_user):
    job = services.enqueue("test.count", {"upto": 5}, make_user())
    done = wait_for_job(job.id)
    assert done.status == DONE and done.result == {"total": 15}
    assert done.progress == 1.0 and done.message == "5/5"


def test_a_failing_job_is_marked_failed_with_the_reason_and_can_run_again(app, ctx):
    job = wait_for_job(services.enqueue("test.crash").id)
    assert job.status == FAILED and "bad input on row 7" in job.error and job.result is None
    again = services.rerun(job)
    assert again.id != job.id and wait_for_job(again.id).status == FAILED


def test_a_job_whose_worker_died_is_failed_not_left_running(app, ctx):
    job = Job(kind="test.count", params={"upto": 1}, status=RUNNING,
              heartbeat_at=utcnow() - timedelta(minutes=10), progress=0.4)
    db.session.add(job)
    db.session.commit()
    assert services.status(job.id).status == FAILED
    assert "worker stopped" in job.error and job.result is None


def test_a_job_runs_only_once_even_if_delivered_twice(app, ctx):
    job = Job(kind="test.count", params={"upto": 2}, status=QUEUED)
    db.session.add(job)
    db.session.commit()
    services.run(job.id)
    first_finished = db.session.get(Job, job.id).finished_at
    services.run(job.id)
    db.session.expire_all()
    assert db.session.get(Job, job.id).finished_at == first_finished


def test_status_page_and_json_are_for_the_creator_and_staff(app, client, ctx, make_user):
    owner, other, staff = make_user(), make_user(), make_user(roles=("staff",))
    job = Job(kind="test.count", params={}, status=RUNNING, progress=0.25,
              heartbeat_at=utcnow(), created_by_id=owner.id)
    db.session.add(job)
    db.session.commit()
    login(client, other)
    assert client.get(f"/jobs/{job.id}").status_code == 404
    client.post("/logout")
    login(client, owner)
    data = client.get(f"/jobs/{job.id}", headers={"Accept": "application/json"}).get_json()
    assert data["status"] == "running" and data["progress"] == 0.25
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert '<progress max="100" value="25">' in page
    client.post("/logout")
    login(client, staff)
    assert client.get(f"/jobs/{job.id}?format=json").get_json()["id"] == job.id


def test_with_redis_jobs_go_to_an_rq_worker(app, ctx, monkeypatch):
    try:
        server = redis_server()
        url = server.__enter__()
    except RuntimeError as error:
        pytest.skip(str(error))
    try:
        from redis import Redis
        from rq import Queue, SimpleWorker

        monkeypatch.setitem(app.config, "REDIS_URL", url)
        monkeypatch.setattr("civic.jobs.worker._app", lambda: app)
        job = services.enqueue("test.count", {"upto": 3})
        db.session.expire_all()
        assert db.session.get(Job, job.id).status == QUEUED  # nothing ran in the app itself
        connection = Redis.from_url(url)
        assert Queue(services.QUEUE_NAME, connection=connection).count == 1
        SimpleWorker([services.QUEUE_NAME], connection=connection).work(burst=True)
        db.session.expire_all()
        done = db.session.get(Job, job.id)
        assert done.status == DONE and done.result == {"total": 6}
    finally:
        server.__exit__(None, None, None)
