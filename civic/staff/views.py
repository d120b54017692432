from flask import Blueprint, Response, current_app, render_template
from flask_login import current_user

import civic.moderation.permissions  # noqa: F401  (declares the rules read below)
import civic.staff.permissions  # noqa: F401  (declares the rules)
from civic.accounts.permissions import can, permission_required, require
from civic.spaces.services import visible_process_or_404
from civic.staff import participation, services
from civic.staff.figures import KINDS, bars
from civic.timeutil import ward_today
from civic.transactions import read_only

bp = Blueprint("staff", __name__)

CHART_WIDTH, CHART_HEIGHT = 600, 120


@bp.get("/staff")
@permission_required("staff.inbox")
@read_only
def home():
    """The staff inbox: what waits for me, per area and process, each linking to the work."""
    return render_template("staff/home.html", today=ward_today(), inbox=services.inbox(
        current_user, moderator=can("moderation.manage")))


def _figures(slug: str):
    process = visible_process_or_404(slug)
    require("staff.participation", process)
    return process, participation.figures(process, current_app.config["CIVIC_TIMEZONE"])


@bp.get("/staff/processes/<slug>/participation")
@read_only
def participation_page(slug: str):
    process, figures = _figures(slug)
    chart = bars([row.people for _week, row in figures.by_week], CHART_WIDTH, CHART_HEIGHT)
    return render_template("staff/participation.html", process=process, figures=figures,
                           kinds=KINDS, labels=participation.KIND_LABELS, chart=chart,
                           weeks=[week for week, _row in figures.by_week],
                           chart_width=CHART_WIDTH, chart_height=CHART_HEIGHT)


@bp.get("/staff/processes/<slug>/participation.csv")
@read_only
def participation_csv(slug: str):
    process, figures = _figures(slug)
    return Response(participation.as_csv(figures), mimetype="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="participation-{process.slug}.csv"'})
