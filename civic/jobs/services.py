"""Running jobs outside the request.

Embedded default: a single worker thread inside the app process. With ``REDIS_URL`` set, jobs go to
RQ workers (``flask --app civic jobs worker``). Either way the job row is the truth: a task reports
progress into it and the outcome (result or error) is written in one final commit, so a page never
shows partial results as final.
"""

import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from civic.extensions import db
from civic.jobs.models import DONE, FAILED, QUEUED, RUNNING, Job
from civic.notifications import services as notifications
from civic.timeutil import utcnow

QUEUE_NAME = "civic"
# A running job whose worker has not been heard from for this long is marked failed.
STALE_AFTER = timedelta(minutes=2)

TaskFn = Callable[["Progress"], dict]
_tasks: dict[str, Callable[..., dict]] = {}


def task(kind: str):
    """Register ``fn(progress, **params) -> result dict`` as the task for jobs of ``kind``."""
    def register(fn):
        _tasks[kind] = fn
        return fn

    return register


class Progress:
    """Handed to a task: report how far it is (also the worker's heartbeat)."""

    def __init__(self, job_id: int):
        self.job_id = job_id

    def __call__(self, fraction: float, message: str = "") -> None:
        db.session.execute(
            update(Job).where(Job.id == self.job_id, Job.status == RUNNING)
            .values(progress=max(0.0, min(1.0, fraction)), message=message[:300],
                    heartbeat_at=utcnow())
        )
        db.session.commit()


def enqueue(kind: str, params: dict | None = None, user=None) -> Job:
    if kind not in _tasks:
        raise LookupError(f"no task registered for {kind!r}")
    job = Job(kind=kind, params=params or {}, created_by_id=getattr(user, "id", None))
    db.session.add(job)
    db.session.commit()
    _dispatch(job.id)
    return job


def _dispatch(job_id: int) -> None:
    app = current_app._get_current_object()
    if app.config.get("REDIS_URL"):
        from redis import Redis
        from rq import Queue

        queue = Queue(QUEUE_NAME, connection=Redis.from_url(app.config["REDIS_URL"]))
        queue.enqueue_call("civic.jobs.worker.perform", args=(job_id,), timeout=3600,
                           result_ttl=0, failure_ttl=24 * 3600)
        return
    executor = app.extensions.get("civic_jobs")
    if executor is None:
        executor = app.extensions["civic_jobs"] = ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="civic-job")
    executor.submit(_run_in_app, app, job_id)


def _run_in_app(app, job_id: int) -> None:
    with app.app_context():
        try:
            run(job_id)
        finally:
            db.session.remove()


def run(job_id: int) -> None:
    """Execute one job in the current app context. Safe to call twice: only one run claims it."""
    claimed = db.session.execute(
        update(Job).where(Job.id == job_id, Job.status == QUEUED)
        .values(status=RUNNING, started_at=utcnow(), heartbeat_at=utcnow())
    ).rowcount
    db.session.commit()
    if claimed != 1:
        return
    job = db.session.get(Job, job_id)
    try:
        result = _tasks[job.kind](Progress(job_id), **job.params)
    except Exception as error:  # noqa: BLE001 - any failure of a task is recorded on the job
        db.session.rollback()
        current_app.logger.error("job %s (%s) failed:\n%s", job_id, job.kind, traceback.format_exc())
        _finish(job_id, FAILED, error=f"{type(error).__name__}: {error}")
    else:
        _finish(job_id, DONE, result=result)


def _finish(job_id: int, status: str, result=None, error=None) -> None:
    finished = db.session.execute(
        update(Job).where(Job.id == job_id, Job.status == RUNNING)
        .values(status=status, result=result, error=error, finished_at=utcnow(),
                progress=1.0 if status == DONE else Job.progress)
    ).rowcount
    if finished:
        notifications.job_finished(db.session.get(Job, job_id))
    db.session.commit()


def mark_stale_jobs_failed(now=None) -> int:
    """Jobs whose worker stopped reporting are failed, so staff can see it and run them again."""
    limit = (now or utcnow()) - STALE_AFTER
    failed = db.session.scalars(
        update(Job).where(Job.status == RUNNING, Job.heartbeat_at < limit)
        .values(status=FAILED, error="The worker stopped before the job finished.",
                finished_at=utcnow()).returning(Job.id)
    ).all()
    for job_id in failed:
        notifications.job_finished(db.session.get(Job, job_id))
    db.session.commit()
    return len(failed)


def status(job_id: int) -> Job | None:
    mark_stale_jobs_failed()
    return db.session.get(Job, job_id)


def rerun(job: Job, user=None) -> Job:
    """A failed job runs again as a new job with the same parameters."""
    return enqueue(job.kind, dict(job.params), user)


def latest(kind: str, **params_match) -> Job | None:
    jobs = db.session.scalars(select(Job).where(Job.kind == kind).order_by(Job.id.desc()).limit(50))
    for job in jobs:
        if all(job.params.get(key) == value for key, value in params_match.items()):
            return job
    return None
