"""``flask --app civic sortition …``: the verifiable panel lottery from the command line.

Anyone holding the published pool, quotas, size and seed can re-run ``sortition select`` and get
the same panel; other tools read its last line (``--json``), so its shape stays as it is.
"""

import hashlib
import json
import time
from pathlib import Path

import click
from flask import Blueprint

from civic.sortition import selection

bp = Blueprint("sortition", __name__, cli_group="sortition")


def _seed_for_json(seed: str) -> int | str:
    """Digits as a number (as most callers pass them), anything else (or "007") as typed."""
    return int(seed) if seed.isascii() and seed.isdigit() and str(int(seed)) == seed else seed


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise click.ClickException(f"{path}: not UTF-8 text (save the CSV as UTF-8)") from None


@bp.cli.command("select")
@click.option("--people", "people_file", required=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="POOL.csv: a column id and one column per feature.")
@click.option("--features", "features_file", required=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="FEATURES.csv: columns feature,value,min,max.")
@click.option("--size", required=True, type=click.IntRange(min=1), help="Panel size.")
@click.option("--seed", required=True, help="The public seed of the draw (any text).")
@click.option("--algorithm", type=click.Choice(selection.ALGORITHMS), default="maximin",
              show_default=True)
@click.option("--json", "as_json", is_flag=True, help="End with a JSON line.")
@click.option("--distribution", "distribution_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the distribution (profiles, their members, compositions and "
              "chances) to this JSON file, to publish with the result.")
def select_command(people_file: Path, features_file: Path, size: int, seed: str, algorithm: str,
                   as_json: bool, distribution_file: Path | None):
    """Draw a panel of SIZE from the pool that meets the quotas, with the public SEED."""
    started = time.perf_counter()
    pool_text, features_text = _read(people_file), _read(features_file)
    try:
        quotas = selection.read_quotas(features_text)
        pool = selection.read_pool(pool_text, selection.features_of(quotas))
        distribution = selection.find_distribution(pool, quotas, size, algorithm)
    except selection.InfeasibleQuotas as exc:
        if exc.conflicts and all(conflict.kind in selection.RELAXATIONS
                                 for conflict in exc.conflicts):
            click.echo(f"No panel of {size} meets all the quotas together; the smallest change "
                       "that would make them feasible:", err=True)
        else:
            click.echo(f"No panel of {size} meets every quota:", err=True)
        for conflict in exc.conflicts:
            click.echo(f"  - {conflict.describe()}", err=True)
        raise click.exceptions.Exit(2) from exc
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    panel = selection.draw_panel(distribution, seed)
    seconds = time.perf_counter() - started
    if distribution_file:
        distribution_file.write_text(json.dumps({
            "algorithm": algorithm, "size": size, "features": distribution.features,
            "profiles": distribution.profiles, "members": distribution.members,
            "compositions": distribution.compositions, "chances": distribution.chances,
        }, ensure_ascii=False, indent=1), encoding="utf-8")

    click.echo("SHA-256 of the inputs (publish them before the seed is known; sha256sum shows "
               "the same):")
    for path in (people_file, features_file):
        click.echo(f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path}")
    click.echo(f"Panel of {size} drawn with seed {seed!r} ({algorithm}, "
               f"{len(distribution.compositions)} compositions):")
    for person in panel:
        click.echo(f"  {person}  {distribution.probabilities[person]:.4f}")
    click.echo("Quotas vs panel (feature, value, min, max, in pool, on panel):")
    for row in selection.quota_table(pool, quotas, panel):
        click.echo(f"  {row.quota.feature}\t{row.quota.value}\t{row.quota.min}\t{row.quota.max}"
                   f"\t{row.pool}\t{row.panel}")
    click.echo(f"Smallest selection probability: {distribution.min_probability:.4f}")
    if as_json:
        click.echo(json.dumps({
            "selected": list(panel),
            "probabilities": {person: round(probability, 6)
                              for person, probability in distribution.probabilities.items()},
            "min_probability": round(distribution.min_probability, 6),
            "algorithm": algorithm,
            "seed": _seed_for_json(seed),
            "seconds": round(seconds, 3),
        }, ensure_ascii=False))
