import click
from flask import Blueprint, current_app

from civic.caching.models import CacheGeneration
from civic.demo import ward
from civic.extensions import db
from civic.timeutil import ward_today

bp = Blueprint("demo", __name__, cli_group="demo")


def _refuse_in_production() -> None:
    if current_app.config["CIVIC_ENV"] == "production":
        raise click.ClickException("the demo ward has published passwords; "
                                   "it is refused when CIVIC_ENV=production")


def _load_and_print() -> None:
    summary = ward.load(ward_today())
    click.echo("Demo ward さくら区 loaded. Every demo account's password: " + summary["password"])
    for email, name, roles in summary["accounts"]:
        click.echo(f"  {email:<28} {name}  ({roles})")
    click.echo(f"Unused residency codes for {summary['code_area']}: " + ", ".join(summary["codes"]))


@bp.cli.command("load")
@click.option("--if-empty", is_flag=True,
              help="Do nothing (and succeed) when the database already has data.")
def load_command(if_empty: bool):
    """Load the demo ward (さくら区) into an empty database."""
    _refuse_in_production()
    if not ward.is_empty():
        if if_empty:
            click.echo("The database already has data; the demo ward was not loaded again.")
            return
        raise click.ClickException("the database is not empty; the demo ward was not loaded")
    _load_and_print()


@bp.cli.command("reset")
@click.confirmation_option(prompt="Delete everything in this database and load the demo ward?")
def reset_command():
    """Delete every row (people, processes, uploads, audit log) and load the demo ward afresh.

    The schema and its migration history stay as they are (no migration to run again); the
    deletes are committed together with the ward's first step.
    """
    _refuse_in_production()
    for table in reversed(db.metadata.sorted_tables):
        # The cache generations stay: they must only ever advance (see civic.caching), and
        # the deletes below advance those of every emptied table when the load commits.
        if table.name != CacheGeneration.__tablename__:
            db.session.execute(table.delete())
    _load_and_print()
