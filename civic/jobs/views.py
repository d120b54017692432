from flask import Blueprint, abort, jsonify, render_template, request
from flask_babel import lazy_gettext as _l

import civic.jobs.permissions  # noqa: F401  (declares the rules)
from civic.accounts.permissions import can
from civic.jobs import services

bp = Blueprint("jobs", __name__, cli_group="jobs")

# What each kind of job does, as notifications and the staff inbox name it.
JOB_LABELS = {"themes.import": _l("Importing answers"), "themes.analyse": _l("Finding themes"),
              "consultations.group": _l("Grouping opinions"),
              "consultations.notify": _l("Telling those who sent opinions")}
bp.app_template_global("job_labels")(lambda: JOB_LABELS)


@bp.get("/jobs/<int:job_id>")
def status(job_id: int):
    """A job's progress: JSON for the progress bar's polling, HTML for a plain reload."""
    job = services.status(job_id)
    if job is None or not can("job.view", job):
        abort(404)
    if request.accept_mimetypes.best == "application/json" or request.args.get("format") == "json":
        return jsonify(job.as_status())
    return render_template("jobs/status.html", job=job)


from civic.jobs import worker  # noqa: E402,F401  (registers the worker command on bp)
