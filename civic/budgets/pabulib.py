"""Read and write the pabulib ``.pb`` format (http://pabulib.org/format).

A ``.pb`` file has three sections, each introduced by a title line (``META``,
``PROJECTS``, ``VOTES``) followed by a ``;``-separated header line and data rows.
Fields follow CSV conventions (double quotes around fields containing ``;`` or
``"``), so the :mod:`csv` module does the splitting.

``parse`` builds an :class:`~civic.budgets.rules.Election`; ``write`` renders one
back. ``parse(write(e)) == e`` for every election ``parse`` can produce.

Pure module: no Flask, no I/O besides reading a path handed to :func:`parse`.
"""

from __future__ import annotations

import csv
import gc
import io
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from civic.budgets.rules import Ballot, Election, Number, Project

__all__ = ["Limits", "PabulibError", "parse", "write", "parse_number", "format_number"]

SECTIONS = ("META", "PROJECTS", "VOTES")
POINT_VOTE_TYPES = frozenset({"cumulative", "scoring"})
KNOWN_VOTE_TYPES = frozenset({"approval", "choose-1", "cumulative", "scoring", "ordinal"})

_INT_RE = re.compile(r"[+-]?\d+")

# Numeric META keys of the format: a value that is not a number is malformed whoever reads it.
# Lengths and sums cannot be negative, and a voter needs a point to spread; scores (min_points,
# max_points, the threshold) can be anything.
META_NUMBERS = ("min_length", "max_length", "min_sum_cost", "max_sum_cost", "min_points",
                "max_points", "min_sum_points", "max_sum_points", "min_project_score_threshold")
META_MINIMUM = {"min_length": 0, "max_length": 0, "min_sum_cost": 0, "max_sum_cost": 0,
                "max_sum_points": 1}
META_COUNTS = frozenset({"min_length", "max_length", "min_points", "max_points",
                         "min_sum_points", "max_sum_points"})


class PabulibError(ValueError):
    """Malformed ``.pb`` input. ``line`` is the 1-based line number (or ``None``)."""

    def __init__(self, message: str, line: int | None = None) -> None:
        self.line = line
        self.reason = message
        super().__init__(f"line {line}: {message}" if line is not None else message)


@dataclass(frozen=True)
class Limits:
    """The most a reader of the election can keep (for civic: its database columns).

    ``number`` bounds the budget, every cost, point and META sum of costs, and each voter's
    total cost; ``count`` the META lengths and points; ``id_length`` every project_id and
    voter_id. ``parse`` refuses more, naming the line, instead of the reader failing later.
    """

    number: int
    count: int
    id_length: int


def parse_number(text: str) -> Number:
    """Parse ``"12"`` to ``12`` and ``"12.5"`` to ``12.5``; integral floats become ints."""
    text = text.strip()
    if _INT_RE.fullmatch(text):
        return int(text)
    value = float(text)  # raises ValueError on garbage
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"not a finite number: {text!r}")
    if value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def format_number(value: Number) -> str:
    """Inverse of :func:`parse_number` (shortest round-tripping text)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


def _read_source(source: str | os.PathLike[str]) -> str:
    if isinstance(source, os.PathLike):
        return Path(source).read_text(encoding="utf-8")
    if "\n" not in source and "\r" not in source and source.strip().upper() not in SECTIONS:
        path = Path(source)
        if path.is_file():
            return path.read_text(encoding="utf-8")
        raise PabulibError(f"no such .pb file and not .pb text: {source!r}")
    return source


def _rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """Yield (line number of the row's first line, stripped fields), skipping blank lines.

    Lines without a double quote are split directly (fast path); quoted rows,
    possibly spanning several lines, go through :mod:`csv`.
    """
    lines = text.split("\n")
    total = len(lines)
    i = 0
    while i < total:
        line = lines[i].rstrip("\r")
        start = i + 1
        i += 1
        if '"' in line:
            while line.count('"') % 2:
                if i >= total:
                    raise PabulibError("unreadable CSV row (unbalanced quote)", start)
                line += "\n" + lines[i].rstrip("\r")
                i += 1
            try:
                fields = next(csv.reader([line], delimiter=";", strict=True))
            except (csv.Error, StopIteration) as exc:
                raise PabulibError(f"unreadable CSV row ({exc})", start) from exc
            fields = [field.strip() for field in fields]
        else:
            fields = line.split(";")
            if " " in line or "\t" in line:
                fields = [field.strip() for field in fields]
        if any(fields):
            yield start, fields


def _fit(header: list[str], row: list[str], line: int, section: str) -> list[str]:
    """Pad short rows with empty fields; reject rows with extra non-empty fields."""
    if len(row) > len(header):
        if any(row[len(header) :]):
            raise PabulibError(f"{section} row has {len(row)} fields but the header has {len(header)}", line)
        return row[: len(header)]
    return row + [""] * (len(header) - len(row))


def _split_list(text: str) -> list[str]:
    if not text:
        return []
    parts = text.split(",")
    return [part.strip() for part in parts] if " " in text or "\t" in text else parts


def parse(source: str | os.PathLike[str], limits: Limits | None = None) -> Election:
    """Parse pabulib text, or a path to a ``.pb`` file, into an :class:`Election`.

    Raises :class:`PabulibError` (a ``ValueError``) whose message starts with
    ``line N:`` for malformed input, and for input beyond ``limits`` when given.
    """
    return parse_text(_read_source(source), limits)


def parse_text(text: str, limits: Limits | None = None) -> Election:
    """Parse pabulib text, never taken for a path: what people upload must not name a file on
    the server."""
    text = text.removeprefix("\ufeff")
    if "\x00" in text:  # never text, and PostgreSQL refuses it in strings
        raise PabulibError("contains a NUL character", text.count("\n", 0, text.index("\x00")) + 1)
    # Large files create ~10^5 small objects; cyclic GC passes would double the time.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _parse_text(text, limits)
    finally:
        if was_enabled:
            gc.enable()


def _check_meta_numbers(meta: dict[str, str], text: str, limits: Limits | None) -> None:
    for key in META_NUMBERS:
        raw = meta.get(key, "").strip()
        if not raw:
            continue
        try:
            value = parse_number(raw)
        except ValueError as exc:
            raise PabulibError(f"{key} is not a number: {raw!r}", _meta_line(text, key)) from exc
        least = META_MINIMUM.get(key)
        if least is not None and value < least:
            raise PabulibError(f"{key} is negative" if least == 0 else f"{key} is less than {least}",
                               _meta_line(text, key))
        if limits is not None:
            most = limits.count if key in META_COUNTS else limits.number
            if abs(value) > most:
                raise PabulibError(f"{key} is larger than {most}", _meta_line(text, key))


def _parse_text(text: str, limits: Limits | None) -> Election:
    meta: dict[str, str] = {}
    projects: list[Project] = []
    project_index: dict[str, int] = {}
    project_rows: list[tuple[int, list[str], list[str]]] = []
    ballots: list[Ballot] = []
    vote_rows: list[tuple[int, list[str]]] = []
    vote_header: list[str] = []

    seen: set[str] = set()
    section: str | None = None
    header: list[str] | None = None

    for line, row in _rows(text):
        if section == "VOTES" and header is not None and len(row) > 1 and row[1]:
            vote_rows.append((line, row))  # fast path: cannot be a section title
            continue
        title = row[0].upper() if len(row) == 1 or not any(row[1:]) else ""
        if title in SECTIONS:
            expected = SECTIONS[len(seen)] if len(seen) < len(SECTIONS) else None
            if title != expected:
                if expected is None or title in seen:
                    raise PabulibError(f"section {title} appears twice", line)
                raise PabulibError(
                    f"expected section {expected}, found {title} (order is META, PROJECTS, VOTES)",
                    line,
                )
            seen.add(title)
            section, header = title, None
            continue
        if section is None:
            raise PabulibError("data before the first section title (META)", line)
        if header is None:
            header = [h.strip().lower() if section == "META" else h.strip() for h in row]
            if len(set(header)) != len(header):
                raise PabulibError(f"duplicate column in {section} header", line)
            if section == "META":
                if header[:2] != ["key", "value"]:
                    raise PabulibError("META header must be 'key;value'", line)
            elif section == "PROJECTS":
                for required in ("project_id", "cost"):
                    if required not in header:
                        raise PabulibError(f"PROJECTS header lacks the '{required}' column", line)
            else:
                for required in ("voter_id", "vote"):
                    if required not in header:
                        raise PabulibError(f"VOTES header lacks the '{required}' column", line)
                vote_header = header
            continue
        if section == "META":
            if len(row) > 2 and any(row[2:]):
                raise PabulibError("META row must have exactly two fields (key;value)", line)
            key = row[0]
            if not key:
                raise PabulibError("empty META key", line)
            if key in meta:
                raise PabulibError(f"duplicate META key {key!r}", line)
            meta[key] = row[1] if len(row) > 1 else ""
        elif section == "PROJECTS":
            project_rows.append((line, header, _fit(header, row, line, "PROJECTS")))
        else:
            vote_rows.append((line, row))

    for needed in SECTIONS:
        if needed not in seen:
            raise PabulibError(f"missing {needed} section")
    if "budget" not in meta:
        raise PabulibError("META lacks 'budget'", _meta_line(text))
    if "vote_type" not in meta:
        raise PabulibError("META lacks 'vote_type'", _meta_line(text))
    try:
        budget = parse_number(meta["budget"])
    except ValueError as exc:
        raise PabulibError(f"budget is not a number: {meta['budget']!r}", _meta_line(text, "budget")) from exc
    if budget < 0:
        raise PabulibError("budget is negative", _meta_line(text, "budget"))
    if limits is not None and budget > limits.number:
        raise PabulibError(f"budget is larger than {limits.number}", _meta_line(text, "budget"))
    _check_meta_numbers(meta, text, limits)
    vote_type = meta["vote_type"].strip().lower()
    if vote_type not in KNOWN_VOTE_TYPES:
        raise PabulibError(f"unknown vote_type {meta['vote_type']!r}", _meta_line(text, "vote_type"))

    for line, hdr, row in project_rows:
        fields = dict(zip(hdr, row, strict=True))
        pid = fields.pop("project_id")
        if not pid:
            raise PabulibError("empty project_id", line)
        if pid in project_index:
            raise PabulibError(f"duplicate project_id {pid!r}", line)
        if limits is not None and len(pid) > limits.id_length:
            raise PabulibError(f"project_id {pid!r} is longer than {limits.id_length} characters",
                               line)
        raw_cost = fields.pop("cost")
        try:
            cost = parse_number(raw_cost)
        except ValueError as exc:
            raise PabulibError(f"cost of project {pid!r} is not a number: {raw_cost!r}", line) from exc
        if cost < 0:
            raise PabulibError(f"cost of project {pid!r} is negative", line)
        if limits is not None and cost > limits.number:
            raise PabulibError(f"cost of project {pid!r} is larger than {limits.number}", line)
        name = fields.pop("name", "")
        project_index[pid] = len(projects)
        projects.append(Project(id=pid, cost=cost, name=name, extra=fields))

    uses_points = vote_type in POINT_VOTE_TYPES
    has_points = "points" in vote_header
    if uses_points and not has_points:
        raise PabulibError(f"vote_type {vote_type} needs a 'points' column in VOTES")
    col_voter = vote_header.index("voter_id")
    col_vote = vote_header.index("vote")
    col_points = vote_header.index("points") if has_points else -1
    extra_cols = [
        (name, j) for j, name in enumerate(vote_header) if name not in ("voter_id", "vote", "points")
    ]
    width = len(vote_header)
    voter_lines: dict[str, int] = {}
    # Whole costs as ints, so a voter's total is compared exactly (a float sum may round down).
    exact_costs = [int(p.cost) if isinstance(p.cost, float) and p.cost.is_integer() else p.cost
                   for p in projects]
    for line, row in vote_rows:
        if len(row) != width:
            row = _fit(vote_header, row, line, "VOTES")
        fields = {name: row[j] for name, j in extra_cols}
        voter_id = row[col_voter]
        if not voter_id:
            raise PabulibError("empty voter_id", line)
        if voter_id in voter_lines:
            raise PabulibError(f"voter_id {voter_id!r} appears twice (first on line "
                               f"{voter_lines[voter_id]})", line)
        voter_lines[voter_id] = line
        if limits is not None and len(voter_id) > limits.id_length:
            raise PabulibError(f"voter_id {voter_id!r} is longer than {limits.id_length} "
                               "characters", line)
        chosen = _split_list(row[col_vote])
        for pid in chosen:
            if pid not in project_index:
                raise PabulibError(f"vote of voter {voter_id!r} names unknown project {pid!r}", line)
        points: tuple[Number, ...] | None = None
        if has_points:
            raw_points = row[col_points]
            if raw_points or uses_points:
                try:
                    points = tuple(parse_number(p) for p in _split_list(raw_points))
                except ValueError as exc:
                    raise PabulibError(f"points of voter {voter_id!r} are not numbers", line) from exc
                if len(points) != len(chosen):
                    raise PabulibError(
                        f"voter {voter_id!r} lists {len(chosen)} projects but {len(points)} points",
                        line,
                    )
                if vote_type != "scoring" and any(p < 0 for p in points):
                    raise PabulibError(f"voter {voter_id!r} gives negative points", line)
                if limits is not None and any(abs(p) > limits.number for p in points):
                    raise PabulibError(f"voter {voter_id!r} gives more than {limits.number} "
                                       "points to a project", line)
        if len(set(chosen)) != len(chosen):
            if vote_type in ("approval", "choose-1") and points is None:
                chosen = list(dict.fromkeys(chosen))
            else:
                raise PabulibError(f"voter {voter_id!r} lists a project twice", line)
        if limits is not None and sum(exact_costs[project_index[p]] for p in chosen) > limits.number:
            raise PabulibError(f"the projects of voter {voter_id!r} have a total cost larger than "
                               f"{limits.number}", line)
        ballots.append(Ballot(voter_id=voter_id, projects=tuple(chosen), points=points, extra=fields))

    return Election(projects=projects, ballots=ballots, budget=budget, vote_type=vote_type, meta=meta)


def _meta_line(text: str, key: str | None = None) -> int | None:
    """Best-effort line number for META-level errors (the key's line, else the META title)."""
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if key is not None and stripped.split(";", 1)[0].strip() == key:
            return number
        if key is None and stripped.upper() == "META":
            return number
    return None


def _column_order(rows: Iterable[dict[str, str]]) -> list[str]:
    order: dict[str, None] = {}
    for extra in rows:
        for key in extra:
            order.setdefault(key, None)
    return list(order)


def write(election: Election) -> str:
    """Render an :class:`Election` as pabulib text (``\\n`` line endings, UTF-8 safe)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    meta = dict(election.meta)
    try:
        same_budget = parse_number(meta.get("budget", "")) == election.budget
    except ValueError:
        same_budget = False
    if not same_budget:
        meta["budget"] = format_number(election.budget)
    meta["vote_type"] = election.vote_type
    meta.setdefault("num_projects", str(len(election.projects)))
    meta.setdefault("num_votes", str(len(election.ballots)))
    writer.writerow(["META"])
    writer.writerow(["key", "value"])
    for key, value in meta.items():
        writer.writerow([key, value])

    extra_cols = [c for c in _column_order(p.extra for p in election.projects) if c != "name"]
    with_name = any(p.name for p in election.projects)
    writer.writerow(["PROJECTS"])
    writer.writerow(["project_id", "cost", *(["name"] if with_name else []), *extra_cols])
    for p in election.projects:
        row = [p.id, format_number(p.cost)]
        if with_name:
            row.append(p.name)
        row.extend(p.extra.get(c, "") for c in extra_cols)
        writer.writerow(row)

    with_points = any(b.points is not None for b in election.ballots) or (
        election.vote_type in POINT_VOTE_TYPES
    )
    vote_cols = _column_order(b.extra for b in election.ballots)
    writer.writerow(["VOTES"])
    writer.writerow(["voter_id", "vote", *(["points"] if with_points else []), *vote_cols])
    for b in election.ballots:
        row = [b.voter_id, ",".join(b.projects)]
        if with_points:
            row.append(",".join(format_number(x) for x in b.points) if b.points is not None else "")
        row.extend(b.extra.get(c, "") for c in vote_cols)
        writer.writerow(row)
    return out.getvalue()
