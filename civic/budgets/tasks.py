"""Background jobs of the budgets feature (see civic.jobs): counting a budget's results."""

from civic.budgets import services
from civic.jobs.services import task


@task(services.COUNT_JOB)
def count_task(progress, budget_id: int, ballot_version: int) -> dict:
    # ballot_version only names the ballots this job was started for (see services.count_job).
    return services.count(budget_id, progress)
