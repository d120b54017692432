"""``flask opinions …``: analyse a Polis open-data conversation from the command line."""

import csv
import json
import time
from pathlib import Path

import click
from flask import Blueprint

from civic.opinions import maths, polis_csv

bp = Blueprint("opinions", __name__, cli_group="opinions")


def _read(path: str, reader, *args):
    """Parse a CSV file row by row, so a big file is never held as text in memory."""
    try:
        with Path(path).open(newline="", encoding="utf-8-sig") as handle:
            return reader(csv.reader(handle), *args)
    except (UnicodeDecodeError, csv.Error) as exc:
        raise click.ClickException(f"{path}: not a readable CSV file ({exc})") from exc
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc


@bp.cli.command("groups")
@click.argument("participants_votes", metavar="PARTICIPANTS-VOTES.csv",
                type=click.Path(exists=True, dir_okay=False))
@click.option("--comments", type=click.Path(exists=True, dir_okay=False),
              help="The conversation's comments.csv: moderated-out comments are left out, and "
                   "the representative statements are printed with their text.")
@click.option("--json", "as_json", is_flag=True, help="End with a JSON line.")
def groups_command(participants_votes: str, comments: str | None, as_json: bool):
    """Compute the opinion groups of a Polis participants-votes file (its group-id is ignored)."""
    started = time.perf_counter()
    statements = _read(comments, polis_csv.read_comments) if comments else []
    conversation = _read(participants_votes, polis_csv.read_participants_votes,
                         polis_csv.moderated_out(statements))
    matrix = conversation.matrix
    analysis = maths.analyse(matrix)
    grouping = analysis.grouping
    seconds = time.perf_counter() - started
    texts = {c.comment_id: c.body for c in statements}
    sizes = [int((grouping.labels == g).sum()) for g in range(grouping.k)]
    left_out = int((grouping.labels < 0).sum())
    click.echo(f"groups: {grouping.k}, participants: {len(matrix.participants)}, "
               f"left out for too few votes: {left_out}")
    for g, size in enumerate(sizes):
        click.echo(f"group {g}: {size} participants")
        for rep in analysis.representative.get(g, []):
            share = rep.group.percentages()[rep.repful_for]
            others = rep.others.percentages()[rep.repful_for]
            text = texts.get(rep.statement, "")
            click.echo(f"  {rep.repful_for} {share:.0f}% (others {others:.0f}%): "
                       f"#{rep.statement} {text}".rstrip())
    for title, found in (("consensus", analysis.consensus), ("divisive", analysis.divisive),
                         ("uncertain", analysis.uncertain)):
        click.echo(f"{title}: " + (" ".join(f"#{c.statement}" for c in found) or "-"))
    if as_json:
        click.echo(json.dumps({"groups": grouping.by_participant(matrix.participants),
                               "k": grouping.k, "seconds": round(seconds, 6)}))
