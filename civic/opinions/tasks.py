"""Background jobs of opinion maps (see civic.jobs): recomputing a conversation's map."""

from civic.jobs.services import task
from civic.opinions import services


@task(services.RECOMPUTE_JOB)
def recompute_task(progress, conversation_id: int) -> dict:
    return services.recompute(conversation_id, progress)
