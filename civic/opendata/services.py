"""Files of the open-data datasets: CSV and JSON per dataset, the pabulib file of a counted
budget, and one zip of everything.

Every file is written row by row from the dataset's rows (the API's own functions, read as a
visitor), so nothing reaches a file that the API would not answer. The zip is built by
``flask --app civic open-data build`` into ``instance/open-data/`` and replaces the old one only
when complete (a download never gets half a file); the page serves the built file.
"""

import csv
import io
import json
import os
import tempfile
import zipfile
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app

from civic.api import budgets as api_budgets
from civic.api import opinion_maps as api_opinion_maps
from civic.api.datasets import walk
from civic.budgets import pabulib
from civic.budgets import services as budget_services
from civic.caching import services as caching
from civic.opendata.registry import Dataset, datasets
from civic.security import csv_cell
from civic.timeutil import ward_today

ARCHIVE = "civic-open-data.zip"
FORMATS = {"csv": "text/csv", "json": "application/json"}


def licence() -> dict:
    """The licence and attribution (出典) the ward publishes its data under (config)."""
    config = current_app.config
    return {"name": config["CIVIC_OPEN_DATA_LICENCE"],
            "url": config["CIVIC_OPEN_DATA_LICENCE_URL"],
            "attribution": config["CIVIC_OPEN_DATA_ATTRIBUTION"]
            or f"出典：{config['CIVIC_SITE_NAME']} / Source: {config['CIVIC_SITE_NAME']}"}


def last_update(dataset: Dataset) -> datetime | None:
    """When a table the dataset is read from was last written (naive UTC), from the cache
    generations: each is the clock reading of the last commit that wrote its table."""
    stamps = [g for g in caching.generations(dataset.depends) if g]
    if not stamps:
        return None
    return datetime.fromtimestamp(max(stamps) / 1_000_000, UTC).replace(tzinfo=None)


def _cell(column, value):
    if value is None:
        return ""
    if column.type == "boolean":
        return "true" if value else "false"
    return csv_cell(value) if column.type == "string" else value


def write_csv(dataset: Dataset, out) -> None:
    """UTF-8 with a BOM (spreadsheet programs then read Japanese right); text cells that a
    spreadsheet would run as a formula start with an apostrophe (civic.security.csv_cell)."""
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([c.name for c in dataset.columns])
    for record in dataset.records():
        writer.writerow([_cell(c, v) for c, v in zip(dataset.columns, record, strict=True)])


def dictionary(dataset: Dataset) -> list[dict]:
    return [{"name": c.name, "type": c.type, "ja": c.ja, "en": c.en} for c in dataset.columns]


def write_json(dataset: Dataset, out) -> None:
    """One object: the licence, the data dictionary and the rows, written row by row."""
    head = {"dataset": dataset.name, "licence": licence(), "columns": dictionary(dataset)}
    out.write(json.dumps(head, ensure_ascii=False)[:-1] + ', "rows": [')
    names = [c.name for c in dataset.columns]
    for n, record in enumerate(dataset.records()):
        out.write(("," if n else "") + "\n" + json.dumps(dict(zip(names, record, strict=True)),
                                                          ensure_ascii=False))
    out.write("\n]}\n")


_WRITERS = {"csv": write_csv, "json": write_json}


def content(dataset: Dataset, fmt: str) -> bytes:
    """One dataset file, kept by the pages' generation cache until its tables are written."""
    def render() -> bytes:
        out = io.StringIO()
        _WRITERS[fmt](dataset, out)
        return out.getvalue().encode()

    return caching.shared(f"opendata.{fmt}", (dataset.name, ward_today().isoformat()),
                          dataset.depends, render)


def stamp(dataset: Dataset, fmt: str) -> str:
    return caching.stamp(f"opendata.{fmt}", (dataset.name, ward_today().isoformat()),
                         dataset.depends)


# pabulib ----------------------------------------------------------------------------------------

def published_budgets() -> list[dict]:
    """The budgets (as the API shows them) whose results are published."""
    return [b for b in walk(api_budgets.page) if b["results"] is not None]


def pabulib_text(budget_id: int) -> str | None:
    """A counted budget as a pabulib file, once its results are published; else None.

    The ballots are the ones the result counted, without anything that could point to a voter:
    numbered 1, 2, … in the order of their choices (not of voting), with no other columns.
    """
    budget = api_budgets.visible(budget_id)
    if budget is None or api_budgets.published_results(budget) is None:
        return None
    election = budget_services.election(budget)
    ballots = sorted(election.ballots, key=lambda b: (b.projects, tuple(b.points or ())))
    return pabulib.write(replace(election, ballots=[
        replace(b, voter_id=str(n), extra={}) for n, b in enumerate(ballots, start=1)]))


# The zip of everything --------------------------------------------------------------------------

def published_opinion_maps() -> list[dict]:
    """The opinion maps (as the API shows them) that residents may see."""
    return list(walk(api_opinion_maps.page))


def polis_zip(conversation_id: int) -> bytes | None:
    """A published opinion map's Polis export (visible statements, numbered participants)."""
    return api_opinion_maps.polis_zip(conversation_id)


def archive_path() -> Path:
    folder = current_app.config["CIVIC_OPEN_DATA_DIR"]
    return Path(folder or Path(current_app.instance_path) / "open-data") / ARCHIVE


def archive_info() -> tuple[datetime, int] | None:
    """(built at, naive UTC; size in bytes) of the built zip, or None before the first build."""
    try:
        stat = archive_path().stat()
    except FileNotFoundError:
        return None
    return datetime.fromtimestamp(stat.st_mtime, UTC).replace(tzinfo=None), stat.st_size


def _package() -> dict:
    """A Frictionless Data Package descriptor (datapackage.json) of the CSV files."""
    terms = licence()
    return {
        "name": "civic-open-data", "title": current_app.config["CIVIC_SITE_NAME"],
        "licenses": [{"name": terms["name"], "path": terms["url"]}],
        "description": terms["attribution"],
        "resources": [{"name": d.name, "path": f"{d.name}.csv", "format": "csv",
                       "encoding": "utf-8-sig",
                       "schema": {"fields": [{"name": c.name, "type": c.type,
                                              "description": f"{c.ja} / {c.en}"}
                                             for c in d.columns]}}
                      for d in datasets()]}


def build() -> tuple[Path, int]:
    """Write the zip of every dataset (CSV, JSON), the pabulib files of published budgets and
    the licence into instance/open-data/, replacing the old one atomically. (path, size)"""
    target = archive_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, part = tempfile.mkstemp(dir=target.parent, prefix=".build-", suffix=".zip")
    try:
        with os.fdopen(fd, "wb") as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as zf:
            for dataset in datasets():
                for fmt, write in _WRITERS.items():
                    with (zf.open(f"{dataset.name}.{fmt}", "w") as member,
                          io.TextIOWrapper(member, encoding="utf-8", newline="") as text):
                        write(dataset, text)
            for budget in published_budgets():
                if (text := pabulib_text(budget["id"])) is not None:
                    zf.writestr(f"pabulib/budget-{budget['id']}.pb", text)
            for report in published_opinion_maps():
                if (data := polis_zip(report["id"])) is not None:
                    with zipfile.ZipFile(io.BytesIO(data)) as polis:
                        for member in polis.namelist():
                            zf.writestr(f"polis/opinions-{report['id']}/{member}",
                                        polis.read(member))
            zf.writestr("datapackage.json", json.dumps(_package(), ensure_ascii=False, indent=2))
            terms = licence()
            zf.writestr("LICENSE.txt", f"{terms['name']}\n{terms['url']}\n\n{terms['attribution']}\n")
        os.chmod(part, 0o644)
        os.replace(part, target)
    except BaseException:
        Path(part).unlink(missing_ok=True)
        raise
    return target, target.stat().st_size
