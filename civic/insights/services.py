"""Themes for staff: sources, runs, staff edits, exports. The text work itself is in pipeline.py."""

import csv
import io
import json
import time
import zlib
from collections.abc import Iterator

from sqlalchemy import delete, func, insert, or_, select, update

from civic.audit.services import record
from civic.extensions import db
from civic.insights import carry, csvio
from civic.insights.models import (
    IMPORT_DONE,
    IMPORT_FAILED,
    IMPORT_PENDING,
    IMPORT_RUNNING,
    Analysis,
    AnalysisComment,
    AnalysisImport,
    AnalysisTheme,
    AnalysisTokens,
    ThemeEdit,
)
from civic.insights.tokens import TokenCache
from civic.security import csv_cell
from civic.timeutil import utcnow

# Up to this many rows an import runs inside the request; more go to a background job.
IMPORT_INLINE_ROWS = 2000
IMPORT_BATCH = 2000
QUOTES = 5
# An attribute is offered for filters and cross-tables while it has at most this many values
# (地区, 年代, 性別 have a handful; a free-text or id column has one per row and says nothing).
CROSSTAB_MAX_VALUES = 30
ATTRIBUTE_VALUE_LENGTH = 200


# Analyses and sources -----------------------------------------------------------------------------

def create_analysis(title: str, process, user) -> Analysis:
    analysis = Analysis(title=title, process_id=process.id if process else None,
                        created_by_id=user.id)
    db.session.add(analysis)
    db.session.flush()
    record(user, "themes.create", analysis, title=title)
    db.session.commit()
    return analysis


def counted_rows():
    """Rows that take part: written in the app, or from an import that finished."""
    return or_(AnalysisComment.import_id.is_(None),
               AnalysisComment.import_id.in_(select(AnalysisImport.id)
                                             .where(AnalysisImport.status == IMPORT_DONE)))


def comment_count(analysis: Analysis) -> int:
    return db.session.scalar(select(func.count(AnalysisComment.id)).where(
        AnalysisComment.analysis_id == analysis.id, counted_rows())) or 0


def source_counts(analysis: Analysis) -> dict[str, int]:
    rows = db.session.execute(
        select(AnalysisComment.source, func.count(AnalysisComment.id))
        .where(AnalysisComment.analysis_id == analysis.id, counted_rows())
        .group_by(AnalysisComment.source)).all()
    return dict(rows)


def _next_position(analysis_id: int) -> int:
    top = db.session.scalar(select(func.max(AnalysisComment.position))
                            .where(AnalysisComment.analysis_id == analysis_id))
    return 0 if top is None else top + 1


def process_texts(process) -> list[tuple[str, str, str]]:
    """Everything written in a process: (source, source_ref, text) in a stable order."""
    from civic.comments.models import Comment
    from civic.proposals.lifecycle import PUBLIC_STATES
    from civic.proposals.models import Proposal

    out: list[tuple[str, str, str]] = []
    proposals = db.session.scalars(
        select(Proposal).where(Proposal.process_id == process.id,
                               Proposal.state.in_(PUBLIC_STATES), Proposal.hidden_at.is_(None))
        .order_by(Proposal.id)).all()
    for p in proposals:
        out.append(("proposal", f"proposal:{p.id}", f"{p.title}\n{p.body}"))
    ids = [p.id for p in proposals]
    if ids:
        comments = db.session.scalars(
            select(Comment).where(Comment.target_type == "proposal", Comment.target_id.in_(ids),
                                  Comment.deleted_at.is_(None), Comment.hidden_at.is_(None))
            .order_by(Comment.id)).all()
        out.extend(("comment", f"comment:{c.id}", c.body) for c in comments)
    out.extend(_cafe_texts(process))
    return out


def _cafe_texts(process) -> list[tuple[str, str, str]]:
    from civic.cafe.models import Cafe

    cafes = db.session.scalars(select(Cafe).where(Cafe.process_id == process.id).order_by(Cafe.id))
    return [row for cafe in cafes for row in cafe_note_texts(cafe)]


def cafe_note_texts(cafe) -> list[tuple[str, str, str]]:
    from civic.cafe import services as cafe_services

    return [("cafe", f"cafe-note:{note_id}", text)
            for note_id, text in cafe_services.notes_for_themes(cafe)]


def add_process_sources(analysis: Analysis, user) -> int:
    """Add what was written in the analysis's process and is not in it yet; returns how many."""
    if analysis.process is None:
        return 0
    return _add_sources(analysis, process_texts(analysis.process), user)


def _add_sources(analysis: Analysis, rows: list[tuple[str, str, str]], user) -> int:
    known = set(db.session.scalars(select(AnalysisComment.source_ref)
                                   .where(AnalysisComment.analysis_id == analysis.id)))
    new = [row for row in rows if row[1] not in known]
    position = _next_position(analysis.id)
    for i, (source, ref, text) in enumerate(new):
        db.session.add(AnalysisComment(analysis_id=analysis.id, position=position + i,
                                       source=source, source_ref=ref, text=text))
    record(user, "themes.add_sources", analysis, added=len(new))
    db.session.commit()
    return len(new)


def analyse_texts(title: str, process, rows: list[tuple[str, str, str]], user) -> Analysis:
    """Texts another package hands over in one click (source, source_ref, text): an analysis
    of their own, already running (a café's notes, a survey's free-text answers, statements)."""
    analysis = create_analysis(title, process, user)
    _add_sources(analysis, rows, user)
    start_analysis(analysis, user)
    return analysis


def analyse_cafe(cafe, title: str, user) -> Analysis:
    """The café harvest's one click: its notes become an analysis of their own, already running."""
    return analyse_texts(title, cafe.process, cafe_note_texts(cafe), user)


# CSV imports --------------------------------------------------------------------------------------

def start_import(analysis: Analysis, filename: str, data: bytes) -> tuple[AnalysisImport,
                                                                          csvio.CsvTable]:
    """Keep an uploaded file for preview. The whole file is read now, so a broken one is refused
    here (CsvImportError naming the line) and nothing of it is stored."""
    table = csvio.read_csv(data)
    if not table.rows:
        raise csvio.CsvImportError("no_rows", 2)
    imp = AnalysisImport(analysis_id=analysis.id, filename=filename[:255] or "upload.csv",
                         encoding=table.encoding, row_count=len(table.rows), data=data)
    db.session.add(imp)
    db.session.commit()
    return imp, table


def preview(imp: AnalysisImport, n: int = 5) -> csvio.CsvTable:
    return csvio.preview(imp.data, n)


def begin_import(imp: AnalysisImport, column: str, user):
    """Import the chosen column: inside the request when small, else as a job. Returns the job
    or None when already done."""
    from civic.jobs import services as jobs

    claimed = db.session.execute(
        update(AnalysisImport).where(AnalysisImport.id == imp.id,
                                     AnalysisImport.status == IMPORT_PENDING)
        .values(status=IMPORT_RUNNING, text_column=column)).rowcount
    db.session.commit()
    if claimed != 1:
        raise ValueError("this file is already being imported")
    record(user, "themes.import", db.session.get(Analysis, imp.analysis_id),
           filename=imp.filename, rows=imp.row_count, column=column)
    db.session.commit()
    if imp.row_count <= IMPORT_INLINE_ROWS:
        import_rows(imp.id)
        return None
    job = jobs.enqueue("themes.import", {"import_id": imp.id}, user)
    imp.job_id = job.id
    db.session.commit()
    return job


def import_rows(import_id: int, progress=None) -> dict:
    """Insert every row of the file in batches. The rows only count once the import is done; if
    anything fails, the rows written so far are removed again."""
    imp = db.session.get(AnalysisImport, import_id)
    try:
        table = csvio.read_csv(imp.data)
        texts = table.column(imp.text_column)
        others = [c for c in table.columns if c != imp.text_column]
        base = _next_position(imp.analysis_id)
        for start in range(0, len(texts), IMPORT_BATCH):
            batch = [{"analysis_id": imp.analysis_id, "import_id": imp.id,
                      "position": base + i, "text": texts[i], "source": "csv",
                      "source_ref": f"csv:{imp.id}:{i + 1}",
                      "attributes": _attributes(table.rows[i], others)}
                     for i in range(start, min(start + IMPORT_BATCH, len(texts)))]
            db.session.execute(insert(AnalysisComment), batch)
            if progress:  # commits: the rows stay invisible until the import is marked done
                progress(min(len(texts), start + IMPORT_BATCH) / len(texts),
                         f"{min(len(texts), start + IMPORT_BATCH)}/{len(texts)}")
        db.session.execute(update(AnalysisImport).where(AnalysisImport.id == import_id)
                           .values(status=IMPORT_DONE, row_count=len(texts), data=None,
                                   attribute_columns=others))
        db.session.commit()
    except Exception:
        db.session.rollback()
        db.session.execute(delete(AnalysisComment).where(AnalysisComment.import_id == import_id))
        db.session.execute(update(AnalysisImport).where(AnalysisImport.id == import_id)
                           .values(status=IMPORT_FAILED))
        db.session.commit()
        raise
    return {"rows": len(texts)}


def _attributes(row: dict[str, str], columns: list[str]) -> dict[str, str] | None:
    found = {c: row[c].strip()[:ATTRIBUTE_VALUE_LENGTH] for c in columns if (row.get(c) or "").strip()}
    return found or None


# Running an analysis ------------------------------------------------------------------------------

STAGES = {"normalise": (0.02, 0.05), "tokenise": (0.05, 0.7), "vectorise": (0.7, 0.72),
          "cluster": (0.72, 0.85), "label": (0.85, 0.88), "done": (0.88, 0.88)}


def load_cache(analysis_id: int) -> TokenCache:
    row = db.session.get(AnalysisTokens, analysis_id)
    if row is None:
        return TokenCache()
    raw = json.loads(zlib.decompress(row.data))
    return TokenCache({bytes.fromhex(k): tuple(v) for k, v in raw.items()})


def save_cache(analysis_id: int, cache: TokenCache) -> None:
    data = zlib.compress(json.dumps({k.hex(): v for k, v in cache.data.items()},
                                    ensure_ascii=False).encode("utf-8"), 6)
    row = db.session.get(AnalysisTokens, analysis_id)
    if row is None:
        db.session.add(AnalysisTokens(analysis_id=analysis_id, data=data, entries=len(cache)))
    else:
        row.data, row.entries = data, len(cache)


def _members(analysis_id: int) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
    """Broad theme id → answer ids, sub-theme id → answer ids."""
    broad: dict[int, list[int]] = {}
    sub: dict[int, list[int]] = {}
    rows = db.session.execute(select(AnalysisComment.id, AnalysisComment.theme_id,
                                     AnalysisComment.subtheme_id)
                              .where(AnalysisComment.analysis_id == analysis_id))
    for cid, theme_id, subtheme_id in rows:
        if theme_id is not None:
            broad.setdefault(theme_id, []).append(cid)
        if subtheme_id is not None:
            sub.setdefault(subtheme_id, []).append(cid)
    return broad, sub


def analyse(analysis_id: int, progress=None) -> dict:
    """Run the pipeline over every counted answer and store themes, assignments and the map.
    Labels carry over from the previous run and staff edits are applied again."""
    from civic.insights.pipeline import cluster

    started = time.perf_counter()
    report = progress or (lambda fraction, message="": None)
    analysis = db.session.get(Analysis, analysis_id)
    stopwords = analysis.stopword_list
    rows = db.session.execute(
        select(AnalysisComment.id, AnalysisComment.text)
        .where(AnalysisComment.analysis_id == analysis_id, counted_rows())
        .order_by(AnalysisComment.position, AnalysisComment.id)).all()
    ids = [r.id for r in rows]
    cache = load_cache(analysis_id)
    broad, sub = _members(analysis_id)
    old = [{"id": t.id, "label": t.label, "keywords": t.keywords, "parent": t.parent_id,
            "members": (sub if t.parent_id else broad).get(t.id, [])}
           for t in db.session.scalars(select(AnalysisTheme)
                                       .where(AnalysisTheme.analysis_id == analysis_id))]
    report(0.02, "loaded")
    last = [-1.0]

    def on_stage(stage: str, fraction: float) -> None:
        lo, hi = STAGES.get(stage, (0.0, 0.0))
        value = lo + (hi - lo) * fraction
        if value - last[0] >= 0.02 or stage == "done":
            last[0] = value
            report(value, stage)

    result = cluster([r.text for r in rows], stopwords=stopwords, cache=cache, progress=on_stage)
    report(0.9, "saving")
    carried = {t["id"]: t for t in carry.carry_forward(old, result, ids)}

    # Everything below is written in one transaction: no page sees half a run.
    db.session.execute(update(AnalysisComment).where(AnalysisComment.analysis_id == analysis_id)
                       .values(theme_id=None, subtheme_id=None, set_aside=None, duplicates=1,
                               x=None, y=None))
    db.session.execute(delete(AnalysisTheme).where(AnalysisTheme.analysis_id == analysis_id,
                                                   AnalysisTheme.parent_id.is_not(None)))
    db.session.execute(delete(AnalysisTheme).where(AnalysisTheme.analysis_id == analysis_id))
    db_id: dict[int, int] = {}
    for position, theme in enumerate(result.themes):
        row = AnalysisTheme(analysis_id=analysis_id, position=position,
                            parent_id=db_id[theme.parent] if theme.parent else None,
                            label=carried[theme.id]["label"][:200], keywords=theme.keywords,
                            size=theme.size,
                            representatives=[ids[r] for r in theme.representatives])
        db.session.add(row)
        db.session.flush()
        db_id[theme.id] = row.id
    dup = result.duplicate_count()
    updates = []
    for row, cid in enumerate(ids):
        b, s, xy = result.assignments[row], result.sub_assignments[row], result.coords[row]
        updates.append({"id": cid, "theme_id": db_id.get(b), "subtheme_id": db_id.get(s),
                        "set_aside": result.set_aside.get(row), "duplicates": dup[row],
                        "x": xy[0] if xy else None, "y": xy[1] if xy else None})
    for start in range(0, len(updates), 5000):
        db.session.execute(update(AnalysisComment), updates[start:start + 5000])
    for edit in db.session.scalars(select(ThemeEdit).where(ThemeEdit.analysis_id == analysis_id)
                                   .order_by(ThemeEdit.id)):
        apply_edit(analysis_id, edit.kind, edit.payload)
    save_cache(analysis_id, cache)
    seconds = time.perf_counter() - started
    analysis.run_at, analysis.seconds = utcnow(), round(seconds, 2)
    analysis.stats = {"rows": len(ids), "set_aside": len(result.set_aside),
                      "duplicates": sum(g.count - 1 for g in result.duplicates),
                      "themes": sum(1 for t in result.themes if t.parent is None)}
    db.session.commit()
    return {"analysis_id": analysis_id, "rows": len(ids), "seconds": round(seconds, 2)}


def start_analysis(analysis: Analysis, user):
    from civic.jobs import services as jobs

    record(user, "themes.run", analysis)
    db.session.commit()
    return jobs.enqueue("themes.analyse", {"analysis_id": analysis.id}, user)


def current_job(analysis: Analysis, kind: str = "themes.analyse"):
    from civic.jobs import services as jobs

    return jobs.latest(kind, analysis_id=analysis.id)


# Staff edits: recorded as operations, applied now and after every later run -----------------------

def _match(targets: list[list[int]], current: dict[int, list[int]]) -> dict[int, int]:
    """Group index → current theme id that continues it (carry.match_themes, one-to-one)."""
    mapping = carry.match_themes({i: g for i, g in enumerate(targets)}, current)
    return {old: new for new, old in mapping.items() if old is not None}


def apply_edit(analysis_id: int, kind: str, payload: dict) -> None:
    broad, sub = _members(analysis_id)
    if kind == "rename":
        found = _match([payload["members"]], sub if payload.get("sub") else broad)
        if 0 in found:
            db.session.get(AnalysisTheme, found[0]).label = payload["label"]
    elif kind == "merge":
        found = _match(payload["groups"], broad)
        ids = [found[i] for i in sorted(found)]
        if len(ids) >= 2:
            _merge(ids[0], ids[1:], payload["label"])
    elif kind == "split":
        found = _match(payload["subs"], sub)
        if found:
            _split(analysis_id, [found[i] for i in sorted(found)], payload["label"])
    db.session.flush()


def _interleave(lists: list[list], limit: int) -> list:
    out: list = []
    for i in range(max((len(x) for x in lists), default=0)):
        for x in lists:
            if i < len(x) and x[i] not in out:
                out.append(x[i])
    return out[:limit]


def _merge(target_id: int, other_ids: list[int], label: str) -> None:
    themes = [db.session.get(AnalysisTheme, i) for i in [target_id, *other_ids]]
    target = themes[0]
    db.session.execute(update(AnalysisComment).where(AnalysisComment.theme_id.in_(other_ids))
                       .values(theme_id=target_id))
    db.session.execute(update(AnalysisTheme).where(AnalysisTheme.parent_id.in_(other_ids))
                       .values(parent_id=target_id))
    target.label = label
    target.size = sum(t.size for t in themes)
    target.keywords = _interleave([t.keywords for t in themes], 8)
    target.representatives = _interleave([t.representatives for t in themes], QUOTES)
    db.session.flush()
    db.session.execute(delete(AnalysisTheme).where(AnalysisTheme.id.in_(other_ids)))
    db.session.expire_all()


def _split(analysis_id: int, sub_ids: list[int], label: str) -> None:
    subs = [db.session.get(AnalysisTheme, i) for i in sub_ids]
    taken: dict[int, int] = {}
    for s in subs:
        taken[s.parent_id] = taken.get(s.parent_id, 0) + s.size
    last = db.session.scalar(select(func.max(AnalysisTheme.position))
                             .where(AnalysisTheme.analysis_id == analysis_id)) or 0
    new = AnalysisTheme(analysis_id=analysis_id, position=last + 1, label=label,
                        size=sum(s.size for s in subs),
                        keywords=_interleave([s.keywords for s in subs], 8),
                        representatives=_interleave([s.representatives for s in subs], QUOTES))
    db.session.add(new)
    db.session.flush()
    db.session.execute(update(AnalysisComment).where(AnalysisComment.subtheme_id.in_(sub_ids))
                       .values(theme_id=new.id))
    for s in subs:
        s.parent_id = new.id
    db.session.flush()
    for parent_id, size in taken.items():
        keep = set(db.session.scalars(select(AnalysisComment.id)
                                      .where(AnalysisComment.theme_id == parent_id)))
        if not keep:  # every sub-theme moved: the old theme is gone
            db.session.execute(delete(AnalysisTheme).where(AnalysisTheme.id == parent_id))
            continue
        parent = db.session.get(AnalysisTheme, parent_id)
        parent.size = max(0, parent.size - size)
        parent.representatives = [r for r in parent.representatives if r in keep]
    db.session.flush()


def edit(analysis: Analysis, user, kind: str, payload: dict) -> None:
    """Record a staff edit and apply it, in one transaction."""
    db.session.add(ThemeEdit(analysis_id=analysis.id, kind=kind, payload=payload,
                             created_by_id=user.id))
    apply_edit(analysis.id, kind, payload)
    record(user, f"themes.{kind}", analysis, label=payload.get("label"))
    db.session.commit()


def rename(theme: AnalysisTheme, label: str, user) -> None:
    broad, sub = _members(theme.analysis_id)
    members = (sub if theme.parent_id else broad).get(theme.id, [])
    edit(db.session.get(Analysis, theme.analysis_id), user, "rename",
         {"members": members, "sub": theme.parent_id is not None, "label": label})


def merge(themes: list[AnalysisTheme], label: str, user) -> None:
    broad, _sub = _members(themes[0].analysis_id)
    edit(db.session.get(Analysis, themes[0].analysis_id), user, "merge",
         {"groups": [broad.get(t.id, []) for t in themes], "label": label})


def split(subthemes: list[AnalysisTheme], label: str, user) -> None:
    _broad, sub = _members(subthemes[0].analysis_id)
    edit(db.session.get(Analysis, subthemes[0].analysis_id), user, "split",
         {"subs": [sub.get(s.id, []) for s in subthemes], "label": label})


# Reading ------------------------------------------------------------------------------------------

def broad_themes(analysis: Analysis) -> list[AnalysisTheme]:
    return db.session.scalars(select(AnalysisTheme).where(AnalysisTheme.analysis_id == analysis.id,
                                                          AnalysisTheme.parent_id.is_(None))
                              .order_by(AnalysisTheme.size.desc(), AnalysisTheme.position)).all()


def quotes(themes: list[AnalysisTheme]) -> dict[int, list[AnalysisComment]]:
    """Theme id → its representative answers, in the pipeline's order."""
    wanted = {cid for t in themes for cid in t.representatives}
    found = {c.id: c for c in db.session.scalars(
        select(AnalysisComment).where(AnalysisComment.id.in_(wanted)))} if wanted else {}
    return {t.id: [found[c] for c in t.representatives if c in found] for t in themes}


def theme_comments(theme: AnalysisTheme, query: str = "", page: int = 1, per_page: int = 50,
                   attribute: tuple[str, str] | None = None):
    column = AnalysisComment.subtheme_id if theme.parent_id else AnalysisComment.theme_id
    where = [column == theme.id]
    if query:
        where.append(AnalysisComment.text.contains(query, autoescape=True))
    if attribute:
        where.append(_attribute(attribute[0]) == attribute[1])
    total = db.session.scalar(select(func.count(AnalysisComment.id)).where(*where)) or 0
    rows = db.session.scalars(select(AnalysisComment).where(*where)
                              .order_by(AnalysisComment.position)
                              .offset((page - 1) * per_page).limit(per_page)).all()
    return rows, total


def attribute_columns(analysis: Analysis) -> list[str]:
    """The attribute columns of the analysis's finished imports, in the order they came."""
    found: dict[str, None] = {}
    for columns in db.session.scalars(select(AnalysisImport.attribute_columns)
                                      .where(AnalysisImport.analysis_id == analysis.id,
                                             AnalysisImport.status == IMPORT_DONE)
                                      .order_by(AnalysisImport.id)):
        found.update(dict.fromkeys(columns or []))
    return list(found)


def _attribute(column: str):
    return AnalysisComment.attributes[column].as_string()


def attribute_values(analysis: Analysis, column: str) -> list[tuple[str, int]]:
    """(value, answers) of one attribute, most frequent first; answers without it are left out."""
    value = _attribute(column)
    return [tuple(row) for row in db.session.execute(
        select(value, func.count(AnalysisComment.id))
        .where(AnalysisComment.analysis_id == analysis.id, counted_rows(), value.is_not(None))
        .group_by(value).order_by(func.count(AnalysisComment.id).desc(), value)).all()]


def attribute_filters(analysis: Analysis) -> dict[str, list[tuple[str, int]]]:
    """Column → its values, for the attributes that have few enough values to compare by."""
    out = {}
    for column in attribute_columns(analysis):
        values = attribute_values(analysis, column)
        if 1 < len(values) <= CROSSTAB_MAX_VALUES:
            out[column] = values
    return out


def theme_counts(analysis: Analysis, column: str, value: str) -> dict[int, int]:
    """Broad theme id → answers in it whose attribute ``column`` is ``value``."""
    return dict(db.session.execute(
        select(AnalysisComment.theme_id, func.count(AnalysisComment.id))
        .where(AnalysisComment.analysis_id == analysis.id, AnalysisComment.theme_id.is_not(None),
               _attribute(column) == value)
        .group_by(AnalysisComment.theme_id)).all())


def crosstab(analysis: Analysis, column: str) -> dict:
    """Themes × the values of one attribute: answers in each cell, and each cell's share of the
    value's answers that are in a theme (列%: which themes matter to 20代 compared to 70代).

    ``values`` are the attribute's values, most frequent first; ``cells[theme_id][value]`` the
    count; ``totals[value]`` the answers with that value in any theme."""
    value = _attribute(column)
    cells: dict[int, dict[str, int]] = {}
    totals: dict[str, int] = {}
    for theme_id, val, count in db.session.execute(
            select(AnalysisComment.theme_id, value, func.count(AnalysisComment.id))
            .where(AnalysisComment.analysis_id == analysis.id,
                   AnalysisComment.theme_id.is_not(None), value.is_not(None))
            .group_by(AnalysisComment.theme_id, value)):
        cells.setdefault(theme_id, {})[val] = count
        totals[val] = totals.get(val, 0) + count
    values = [v for v, _n in attribute_values(analysis, column) if v in totals]
    themes = broad_themes(analysis)
    shares = {t.id: {v: cells.get(t.id, {}).get(v, 0) / totals[v] for v in values} for t in themes}
    return {"column": column, "values": values, "themes": themes, "cells": cells,
            "totals": totals, "shares": shares}


def crosstab_rows(table: dict, theme_label: str, total_label: str) -> Iterator[list]:
    """The cross-table as spreadsheet rows: a count and a share column per value."""
    yield [theme_label, *[part for v in table["values"] for part in (v, f"{v} %")]]
    for theme in table["themes"]:
        row = table["cells"].get(theme.id, {})
        yield [theme.label, *[part for v in table["values"]
                              for part in (row.get(v, 0), f"{table['shares'][theme.id][v] * 100:.1f}")]]
    yield [total_label, *[part for v in table["values"] for part in (table["totals"][v], "100.0")]]


def set_aside_counts(analysis: Analysis) -> dict[str, int]:
    return dict(db.session.execute(
        select(AnalysisComment.set_aside, func.count(AnalysisComment.id))
        .where(AnalysisComment.analysis_id == analysis.id, AnalysisComment.set_aside.is_not(None))
        .group_by(AnalysisComment.set_aside)).all())


# Export -------------------------------------------------------------------------------------------



def safe_cell(value) -> str:
    """Spreadsheet programs run cells starting with = + - @ as formulas; make them plain text."""
    return csv_cell(value)


def export_rows(analysis: Analysis, header: list[str], reason_label) -> Iterator[str]:
    """CSV lines (UTF-8 with BOM when encoded), one per answer in input order, followed by the
    answers' attribute columns."""
    extra = attribute_columns(analysis)
    labels = dict(db.session.execute(select(AnalysisTheme.id, AnalysisTheme.label)
                                     .where(AnalysisTheme.analysis_id == analysis.id)).all())
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        value = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return value

    buffer.write("\ufeff")
    writer.writerow([safe_cell(h) for h in [*header, *extra]])
    yield flush()
    rows = db.session.execute(
        select(AnalysisComment).where(AnalysisComment.analysis_id == analysis.id, counted_rows())
        .order_by(AnalysisComment.position, AnalysisComment.id)
        .execution_options(yield_per=2000)).scalars()
    for n, c in enumerate(rows, start=1):
        writer.writerow([safe_cell(v) for v in (
            n, c.source, c.source_ref, labels.get(c.theme_id, ""), labels.get(c.subtheme_id, ""),
            reason_label(c.set_aside) if c.set_aside else "", c.duplicates, c.text,
            *[(c.attributes or {}).get(column, "") for column in extra])])
        if n % 500 == 0:
            yield flush()
    yield flush()


# The 2-D map as an image --------------------------------------------------------------------------

PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b",
           "#e377c2", "#7f7f7f", "#bcbd22", "#393b79", "#637939", "#843c39", "#7b4173", "#3182bd")
MAP_POINTS = 4000


def theme_colours(themes: list[AnalysisTheme]) -> dict[int, str]:
    return {t.id: PALETTE[i % len(PALETTE)] for i, t in enumerate(themes)}


def map_svg(analysis: Analysis, title: str) -> str:
    """Answers as dots coloured by broad theme, with a legend (at most MAP_POINTS dots)."""
    from markupsafe import escape

    themes = broad_themes(analysis)
    colours = theme_colours(themes)
    points = db.session.execute(
        select(AnalysisComment.x, AnalysisComment.y, AnalysisComment.theme_id)
        .where(AnalysisComment.analysis_id == analysis.id, AnalysisComment.x.is_not(None),
               AnalysisComment.theme_id.is_not(None))
        .order_by(AnalysisComment.position)).all()
    step = max(1, -(-len(points) // MAP_POINTS))
    points = points[::step]
    width, plot, legend_line = 640, 440, 22
    height = plot + 20 + legend_line * len(themes)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">',
             f"<title>{escape(title)}</title>",
             f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
             f'<rect x="10" y="10" width="{width - 20}" height="{plot - 20}" fill="#f7f7f7" '
             'stroke="#cccccc"/>']
    if points:
        xs, ys = [p.x for p in points], [p.y for p in points]
        x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
        sx = (width - 40) / ((x1 - x0) or 1.0)
        sy = (plot - 40) / ((y1 - y0) or 1.0)
        for p in points:
            cx = 20 + (p.x - x0) * sx
            cy = plot - 20 - (p.y - y0) * sy
            parts.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="3" '
                         f'fill="{colours.get(p.theme_id, "#999999")}" fill-opacity="0.7"/>')
    for i, t in enumerate(themes):
        y = plot + 10 + i * legend_line
        parts.append(f'<rect x="14" y="{y}" width="14" height="14" fill="{colours[t.id]}"/>')
        parts.append(f'<text x="36" y="{y + 12}" font-size="14" font-family="sans-serif" '
                     f'fill="#222222">{escape(t.label)} ({t.size})</text>')
    parts.append("</svg>")
    return "\n".join(parts)
