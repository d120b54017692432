"""Background jobs of public comment (see civic.jobs): grouping opinions, telling submitters."""

from civic.consultations import services
from civic.jobs.services import task


@task("consultations.group")
def group_task(progress, consultation_id: int) -> dict:
    return services.propose_groups(consultation_id, progress)


@task("consultations.notify")
def notify_task(progress, consultation_id: int) -> dict:
    return services.notify_submitters(consultation_id, progress)
