"""地域カルテ import, the area page's contents, the comparison and the vision's edits."""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, or_, select, tuple_
from sqlalchemy.orm import joinedload, selectinload

from civic.areas import facts as fact_rules
from civic.areas import progress as goal_rules
from civic.areas.charts import Band
from civic.areas.models import AreaFact, AreaVision, GoalLink, VisionGoal
from civic.audit.services import record
from civic.cafe.models import Cafe
from civic.extensions import db
from civic.groups.models import Group, GroupActivity
from civic.insights import csvio
from civic.proposals.lifecycle import ACCOUNTABLE_STATES
from civic.proposals.models import Proposal
from civic.spaces.models import Area, Process, StaffArea
from civic.timeutil import utcnow

# What the public area page is rendered from (its cache is kept until one of them is written).
PAGE_TABLES = ("area", "area_fact", "area_vision", "vision_goal", "goal_link", "staff_area",
               "user", "process", "phase", "proposal", "cafe", "local_group", "group_activity")
COMPARE_TABLES = ("area", "area_fact")
# The page's meetings and needs (civic/meetings, civic/matching) come from these.
LIVE_TABLES = ("meeting", "need", "place", "local_group", "process")


# Import -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ImportResult:
    rows: int
    facts: int
    areas: tuple[str, ...]
    years: tuple[int, ...]


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().lower()


def import_facts(data: bytes, *, source: str, as_of: date | None, actor,
                 filename: str = "", only_areas: tuple[int, ...] | None = None) -> ImportResult:
    """Read a ward's CSV and replace the facts it gives (area × year × fact), all or nothing.

    ``only_areas``: the areas the importer keeps (a 地域担当職員's); a row of another area is
    refused. None: any area (city-wide staff, the demo ward).

    Raises ``csvio.CsvImportError`` (the file cannot be read) or ``facts.FactsError`` (every
    wrong row, unknown areas included); the session is left untouched then.
    """
    by_code = {_fold(a.slug): a for a in db.session.scalars(select(Area))}
    by_name = {_fold(a.name): a for a in by_code.values()}

    def find(name: str, code: str) -> Area | None:
        # Wards mix them up: either column may hold the name or the code.
        return next((found for value in (code, name) if value
                     for found in (by_code.get(_fold(value)), by_name.get(_fold(value)))
                     if found is not None), None)

    table = csvio.read_csv(data)
    rows = fact_rules.read_rows(table.columns, table.rows,
                                is_known=lambda name, code: find(name, code) is not None)
    problems, matched = [], [(row, find(row.area_name, row.area_code)) for row in rows]
    seen = set()
    for row, area in matched:  # a name in one row and the code in another are the same area
        if area is not None and only_areas is not None and area.id not in only_areas:
            problems.append((row.line, "not_your_area", {"area": area.name}))
        elif area is not None:
            if (area.id, row.year) in seen:
                problems.append((row.line, "duplicate", {"area": area.name, "year": row.year}))
            seen.add((area.id, row.year))
    if problems:
        raise fact_rules.FactsError(problems)

    now, count = utcnow(), 0
    for row, area in matched:
        keys = list(row.values)
        if keys:
            db.session.execute(delete(AreaFact).where(
                AreaFact.area_id == area.id, AreaFact.year == row.year, AreaFact.key.in_(keys)))
        db.session.add_all([
            AreaFact(area_id=area.id, year=row.year, key=key, label=label, value=number,
                     text=text, unit=unit, source=row.source or source, as_of=row.as_of or as_of,
                     imported_at=now)
            for key, (label, number, text, unit) in row.values.items()])
        count += len(keys)
    result = ImportResult(len(matched), count,
                          tuple(dict.fromkeys(area.name for _row, area in matched)),
                          tuple(sorted({row.year for row, _area in matched})))
    record(actor, "areas.facts_imported", None, filename=filename[:200], rows=result.rows,
           facts=result.facts, areas=list(result.areas), years=list(result.years))
    db.session.commit()
    return result


# Reading facts ----------------------------------------------------------------------------------

def facts_by_year(area_id: int) -> dict[int, dict[str, AreaFact]]:
    years: dict[int, dict[str, AreaFact]] = defaultdict(dict)
    for fact in db.session.scalars(select(AreaFact).where(AreaFact.area_id == area_id)):
        years[fact.year][fact.key] = fact
    return {year: dict(sorted(by_key.items(), key=lambda kv: fact_rules.sort_key(kv[0])))
            for year, by_key in sorted(years.items())}


def pyramid_bands(facts: dict[str, AreaFact]) -> list[Band]:
    def value(key):
        fact = facts.get(key)
        return fact.value if fact is not None and fact.value is not None else 0.0

    bands = [Band(band, value(f"age_{band}_m"), value(f"age_{band}_f"))
             for band in fact_rules.AGE_BANDS]
    return bands if any(b.male or b.female for b in bands) else []


def trend_series(years: dict[int, dict[str, AreaFact]], keys) -> dict[str, list]:
    """key → [(year, value)] for the facts given as numbers in at least one year."""
    series = {}
    for key in keys:
        points = [(year, facts[key].value) for year, facts in years.items()
                  if key in facts and facts[key].value is not None]
        if points:
            series[key] = points
    return series


def comparison(areas: list[Area]) -> tuple[list[str], dict[int, tuple[int, dict]], dict]:
    """The facts of each area's latest year side by side: (keys in order, area id → (year,
    facts), key → label as published for extra facts)."""
    latest: dict[int, tuple[int, dict]] = {}
    labels: dict[str, str] = {}
    if not areas:
        return [], latest, labels
    ids = [a.id for a in areas]
    newest = dict(db.session.execute(
        select(AreaFact.area_id, db.func.max(AreaFact.year)).where(AreaFact.area_id.in_(ids))
        .group_by(AreaFact.area_id)).all())
    if newest:
        statement = select(AreaFact).where(
            tuple_(AreaFact.area_id, AreaFact.year).in_(list(newest.items())))
        for fact in db.session.scalars(statement):
            latest.setdefault(fact.area_id, (fact.year, {}))[1][fact.key] = fact
            if fact.key.startswith("x:"):
                labels[fact.key] = fact.label
    present = {key for _year, facts in latest.values() for key in facts}
    keys = [k for k in fact_rules.HEADLINE if k in present] + sorted(
        k for k in present if k.startswith("x:"))
    return keys, latest, labels


# The area page ----------------------------------------------------------------------------------

def area_by_slug(slug: str) -> Area | None:
    return db.session.scalar(select(Area).where(Area.slug == slug))


def area_staff(area: Area) -> list:
    return [row.user for row in db.session.scalars(
        select(StaffArea).where(StaffArea.area_id == area.id)
        .options(joinedload(StaffArea.user)).order_by(StaffArea.id))
        if not row.user.is_deleted]


def open_processes(area: Area, today: date) -> list[tuple[Process, object]]:
    processes = db.session.scalars(
        select(Process).where(Process.area_id == area.id, Process.published.is_(True))
        .order_by(Process.created_at.desc())).all()
    return [(p, p.current_phase(today)) for p in processes if not p.has_ended(today)]


def _area_proposals(area_id: int):
    """Public accepted proposals of the area: its own processes' or placed in it."""
    return (select(Proposal).join(Process, Process.id == Proposal.process_id)
            .where(Process.published.is_(True), Proposal.hidden_at.is_(None),
                   Proposal.state.in_(ACCOUNTABLE_STATES),
                   or_(Proposal.area_id == area_id,
                       (Process.area_id == area_id) & Proposal.area_id.is_(None))))


def accepted_proposals(area: Area) -> list[Proposal]:
    return db.session.scalars(_area_proposals(area.id).order_by(
        Proposal.answered_at.desc().nulls_last(), Proposal.id.desc()).limit(20)).all()


def cafes(area: Area) -> list[Cafe]:
    return db.session.scalars(
        select(Cafe).join(Process, Process.id == Cafe.process_id)
        .where(Process.area_id == area.id, Process.published.is_(True))
        .options(joinedload(Cafe.process)).order_by(Cafe.created_at.desc()).limit(20)).all()


def groups(area: Area, shown: int = 12) -> tuple[list[Group], int]:
    """The first ``shown`` published groups of the area by name, and how many there are."""
    where = (Group.area_id == area.id, Group.published.is_(True))
    first = db.session.scalars(select(Group).where(*where).order_by(Group.name)
                               .limit(shown)).all()
    total = len(first) if len(first) < shown else db.session.scalar(
        select(db.func.count()).select_from(Group).where(*where))
    return first, total


def vision_of(area: Area) -> AreaVision | None:
    return db.session.scalar(
        select(AreaVision).where(AreaVision.area_id == area.id).options(
            selectinload(AreaVision.goals).selectinload(VisionGoal.links)
            .options(joinedload(GoalLink.proposal), joinedload(GoalLink.activity)
                     .joinedload(GroupActivity.group))))


def _visible_link(link: GoalLink) -> bool:
    if link.proposal is not None:
        return link.proposal.hidden_at is None and link.proposal.state in ACCOUNTABLE_STATES
    return link.activity is not None and link.activity.group.published


def goal_links(goal: VisionGoal) -> list[GoalLink]:
    """What the public sees linked to a goal (a proposal hidden later drops out)."""
    return [link for link in goal.links if _visible_link(link)]


def goal_progress(goal: VisionGoal, now=None) -> int | None:
    now = now or utcnow()
    steps = [goal_rules.proposal_step(link.proposal.state, link.proposal.progress)
             if link.proposal is not None else goal_rules.activity_step(link.activity.starts_at,
                                                                         now)
             for link in goal_links(goal)]
    return goal_rules.goal_progress(steps)


# Editing the vision -----------------------------------------------------------------------------

class VisionError(ValueError):
    """A link that cannot be made (not in the area, not accepted, already linked)."""


def save_vision(area: Area, title: str, body: str, actor) -> AreaVision:
    vision = db.session.scalar(select(AreaVision).where(AreaVision.area_id == area.id))
    created = vision is None
    if created:
        vision = AreaVision(area_id=area.id, title=title)
        db.session.add(vision)
    vision.title, vision.body = title, body
    vision.updated_at, vision.updated_by_id = utcnow(), actor.id
    db.session.flush()
    record(actor, "area.vision_created" if created else "area.vision_edited", vision,
           area=area.slug)
    db.session.commit()
    return vision


def _touch(vision: AreaVision, actor) -> None:
    vision.updated_at, vision.updated_by_id = utcnow(), actor.id


def add_goal(vision: AreaVision, data: dict, actor) -> VisionGoal:
    goal = VisionGoal(vision_id=vision.id, position=data.get("position") or len(vision.goals),
                      title=data["title"], description=data.get("description") or "",
                      target=data.get("target") or "")
    db.session.add(goal)
    _touch(vision, actor)
    db.session.flush()
    record(actor, "area.goal_added", goal, area=vision.area.slug, title=goal.title)
    db.session.commit()
    return goal


def update_goal(goal: VisionGoal, data: dict, actor) -> None:
    goal.title, goal.description = data["title"], data.get("description") or ""
    goal.target, goal.position = data.get("target") or "", data.get("position") or 0
    _touch(goal.vision, actor)
    record(actor, "area.goal_edited", goal, area=goal.vision.area.slug, title=goal.title)
    db.session.commit()


def delete_goal(goal: VisionGoal, actor) -> None:
    record(actor, "area.goal_deleted", goal, area=goal.vision.area.slug, title=goal.title)
    _touch(goal.vision, actor)
    db.session.delete(goal)
    db.session.commit()


def linkable_proposals(area: Area) -> list[Proposal]:
    return db.session.scalars(_area_proposals(area.id).order_by(Proposal.title)
                              .limit(500)).all()


def linkable_activities(area: Area) -> list[GroupActivity]:
    return db.session.scalars(
        select(GroupActivity).join(Group, Group.id == GroupActivity.group_id)
        .where(Group.area_id == area.id, Group.published.is_(True))
        .options(joinedload(GroupActivity.group))
        .order_by(GroupActivity.starts_at.desc()).limit(500)).all()


def add_link(goal: VisionGoal, actor, *, proposal_id: int | None = None,
             activity_id: int | None = None) -> GoalLink:
    area = goal.vision.area
    if proposal_id:
        if proposal_id not in {p.id for p in linkable_proposals(area)}:
            raise VisionError("proposal")
        existing = GoalLink.proposal_id == proposal_id
    elif activity_id:
        if activity_id not in {a.id for a in linkable_activities(area)}:
            raise VisionError("activity")
        existing = GoalLink.activity_id == activity_id
    else:
        raise VisionError("nothing")
    if db.session.scalar(select(GoalLink.id).where(GoalLink.goal_id == goal.id, existing)):
        raise VisionError("linked")
    link = GoalLink(goal_id=goal.id, proposal_id=proposal_id or None,
                    activity_id=activity_id or None)
    db.session.add(link)
    _touch(goal.vision, actor)
    db.session.flush()
    record(actor, "area.goal_linked", goal, area=area.slug, proposal=proposal_id,
           activity=activity_id)
    db.session.commit()
    return link


def delete_link(link: GoalLink, actor) -> None:
    goal = link.goal
    record(actor, "area.goal_unlinked", goal, area=goal.vision.area.slug,
           proposal=link.proposal_id, activity=link.activity_id)
    _touch(goal.vision, actor)
    db.session.delete(link)
    db.session.commit()
