from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from civic.extensions import db
from civic.maintenance import backup as backups


def _url() -> str:
    return db.engine.url.render_as_string(hide_password=False)


@click.command("backup")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(out: Path):
    """Write a consistent backup of the database to OUT (safe while the app is serving)."""
    try:
        backups.backup(_url(), out)
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backup written to {out}")


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(source: Path, yes: bool):
    """Replace the database's contents with the backup in SOURCE."""
    if not yes:
        click.confirm(f"Replace everything in the database with {source}?", abort=True)
    db.session.remove()
    db.engine.dispose()  # no pooled connection may keep reading the old contents
    try:
        backups.restore(_url(), source)
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from error
    current_app.logger.info("database restored from %s", source)
    click.echo(f"Database restored from {source}")


def init_app(app):
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
