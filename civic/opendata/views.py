"""/open-data: the datasets with their licence and data dictionary, their files, and the zip."""

import click
from babel.units import format_unit
from flask import Blueprint, abort, current_app, render_template, request, send_file
from flask_babel import get_locale

from civic.extensions import limiter
from civic.opendata import registry, services
from civic.transactions import read_only

bp = Blueprint("opendata", __name__, cli_group="open-data")
# Files of thousands of rows: a program may fetch them all, not hammer them.
DOWNLOADS = "30 per minute;300 per hour"
PUBLIC_FILE = "public, max-age=300"


def _size(size: int) -> str:
    """12.3 KB, 4.5 MB, written as the interface language writes them."""
    value, unit = ((size / 1_000_000, "digital-megabyte") if size >= 1_000_000
                   else (max(size / 1000, 0.1), "digital-kilobyte"))
    return format_unit(round(value, 1), unit, length="short", locale=get_locale())


@bp.get("/open-data")
@read_only
def index():
    archive = services.archive_info()
    return render_template(
        "opendata/index.html", datasets=registry.datasets(), terms=services.licence(),
        last_update=services.last_update, budgets=services.published_budgets(),
        opinion_maps=services.published_opinion_maps(),
        archive=archive, archive_size=_size(archive[1]) if archive else None)


@bp.get("/open-data/<name>.<fmt>")
@read_only
@limiter.limit(DOWNLOADS)
def download(name: str, fmt: str):
    dataset = registry.get(name)
    if dataset is None or fmt not in services.FORMATS:
        abort(404)
    response = _file(services.content(dataset, fmt), services.FORMATS[fmt],
                                f"{dataset.name}.{fmt}")
    response.set_etag(services.stamp(dataset, fmt))
    return response.make_conditional(request)


@bp.get("/open-data/budgets/<int:budget_id>.pb")
@read_only
@limiter.limit(DOWNLOADS)
def pabulib(budget_id: int):
    text = services.pabulib_text(budget_id)
    if text is None:
        abort(404)
    return _file(text.encode(), "text/plain", f"budget-{budget_id}.pb")


@bp.get("/open-data/opinions/<int:conversation_id>-polis.zip")
@read_only
@limiter.limit(DOWNLOADS)
def polis(conversation_id: int):
    data = services.polis_zip(conversation_id)
    if data is None:
        abort(404)
    return _file(data, "application/zip", f"opinions-{conversation_id}-polis.zip")


@bp.get(f"/open-data/{services.ARCHIVE}")
@read_only
@limiter.limit(DOWNLOADS)
def archive():
    if services.archive_info() is None:
        abort(404)
    # Streamed from the built file (werkzeug reads it in blocks), never assembled here.
    response = send_file(services.archive_path(), mimetype="application/zip", as_attachment=True,
                         download_name=services.ARCHIVE, conditional=True)
    response.headers["Cache-Control"] = PUBLIC_FILE
    return response


def _file(body: bytes, mimetype: str, filename: str):
    response = current_app.response_class(body, mimetype=mimetype)
    if mimetype.startswith("text/"):
        response.charset = "utf-8"
    response.headers["Content-Disposition"] = f"attachment; filename={filename}"
    # Public data, the same for everyone: unlike personal downloads, caches may keep it.
    response.headers["Cache-Control"] = PUBLIC_FILE
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.cli.command("build")
def build_command():
    """Rebuild the zip of every open dataset in instance/open-data/ (for a cron job)."""
    path, size = services.build()
    click.echo(f"wrote {path} ({size} bytes)")
