"""Background jobs of lotteries (see civic.jobs): the daily retention deletion."""

from civic.jobs.services import task
from civic.sortition import services


@task(services.PURGE_JOB)
def purge_task(progress) -> dict:
    return {"lotteries": services.purge_expired()}
