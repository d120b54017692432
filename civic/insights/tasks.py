"""Background jobs of the themes feature (see civic.jobs): large imports and analysis runs."""

from civic.insights import services
from civic.jobs.services import task


@task("themes.import")
def import_task(progress, import_id: int) -> dict:
    return services.import_rows(import_id, progress)


@task("themes.analyse")
def analyse_task(progress, analysis_id: int) -> dict:
    return services.analyse(analysis_id, progress)
