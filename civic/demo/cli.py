import click
from flask import Blueprint, current_app

from civic.demo import ward
from civic.timeutil import ward_today

bp = Blueprint("demo", __name__, cli_group="demo")


@bp.cli.command("load")
@click.option("--if-empty", is_flag=True,
              help="Do nothing (and succeed) when the database already has data.")
def load_command(if_empty: bool):
    """Load the demo ward (さくら区) into an empty database."""
    if current_app.config["CIVIC_ENV"] == "production":
        raise click.ClickException("the demo ward has published passwords; "
                                   "it is refused when CIVIC_ENV=production")
    if not ward.is_empty():
        if if_empty:
            click.echo("The database already has data; the demo ward was not loaded again.")
            return
        raise click.ClickException("the database is not empty; the demo ward was not loaded")
    summary = ward.load(ward_today())
    click.echo("Demo ward さくら区 loaded. Every demo account's password: " + summary["password"])
    for email, name, roles in summary["accounts"]:
        click.echo(f"  {email:<28} {name}  ({roles})")
    click.echo(f"Unused residency codes for {summary['code_area']}: " + ", ".join(summary["codes"]))
