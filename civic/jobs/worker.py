"""The RQ side: ``flask --app civic jobs worker`` runs a worker; each RQ job runs one civic job."""

from functools import cache

import click
from flask import current_app

from civic.jobs.views import bp


@cache
def _app():
    from civic import create_app

    return create_app()


def perform(job_id: int) -> None:
    """Entry point RQ calls; the app is built once per worker process."""
    from civic.jobs.services import run

    app = _app()
    with app.app_context():
        run(job_id)


@bp.cli.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def worker_command(burst: bool):
    """Run an RQ worker for civic's queue (needs REDIS_URL)."""
    from redis import Redis
    from rq import Worker

    from civic.jobs.services import QUEUE_NAME

    url = current_app.config.get("REDIS_URL")
    if not url:
        raise click.ClickException("REDIS_URL is not set; without it jobs run inside the app")
    Worker([QUEUE_NAME], connection=Redis.from_url(url)).work(burst=burst)
