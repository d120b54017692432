"""Participation figures of one process: who acted, and how, by area and by ISO week.

Acts are proposals submitted (not drafts), supports, comments (on its proposals and on its budget
projects) and checked-out ballots. The area is **where the person lives** (their verified
residency today), not the proposal's area; people without a verified residency are counted
apart. Every figure is one aggregate query (GROUP BY) over a UNION of the acts.
"""

import csv
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import String, func, literal_column, select, union_all

from civic.accounts.models import Residency
from civic.budgets.models import Ballot, Budget, BudgetProject
from civic.comments.models import Comment
from civic.extensions import db
from civic.proposals.models import Proposal, Support
from civic.security import csv_cell
from civic.spaces.models import Area
from civic.staff.figures import KINDS, Row, empty_row, every_week

KIND_LABELS = {"proposals": _l("Proposals"), "supports": _l("Supports"),
               "comments": _l("Comments"), "ballots": _l("Ballots")}


@dataclass
class Figures:
    total: Row
    by_area: list[tuple[Area | None, Row]]  # None: no verified residency
    by_week: list[tuple[date, Row]]  # Monday of each ISO week, in the ward's calendar


def _kind(name: str):
    # Written into the SQL, not bound: PostgreSQL cannot type a parameter in a UNION's column.
    return literal_column(f"'{name}'", String)


def _acts(process):
    """(user_id, at, kind) of every act in the process, as one subquery."""
    proposals = select(Proposal.id).where(Proposal.process_id == process.id)
    projects = (select(BudgetProject.id).join(Budget, Budget.id == BudgetProject.budget_id)
                .where(Budget.process_id == process.id))
    return union_all(
        select(Proposal.author_id.label("user_id"), Proposal.created_at.label("at"),
               _kind("proposals").label("kind"))
        .where(Proposal.process_id == process.id, Proposal.state != "draft"),
        select(Support.user_id, Support.created_at, _kind("supports"))
        .where(Support.process_id == process.id),
        select(Comment.author_id, Comment.created_at, _kind("comments"))
        .where(((Comment.target_type == "proposal") & Comment.target_id.in_(proposals))
               | ((Comment.target_type == "budget_project") & Comment.target_id.in_(projects))),
        select(Ballot.user_id, Ballot.checked_out_at, _kind("ballots"))
        .join(Budget, Budget.id == Ballot.budget_id)
        .where(Budget.process_id == process.id, Ballot.state == "checked_out"),
    ).subquery()


def _week_of(column, offset: timedelta):
    """SQL: the Monday of the ISO week of a UTC timestamp, in the ward's calendar.

    The ward's UTC offset is applied as a fixed shift (Japan has no summer time). SQLite and
    PostgreSQL spell it differently; both give a date (SQLite as 'YYYY-MM-DD' text).
    """
    if db.session.get_bind().dialect.name == "sqlite":
        minutes = int(offset.total_seconds() // 60)
        # 'weekday 0' moves on to the coming Sunday (or stays on one); six days back is Monday.
        return func.date(column, f"{minutes:+d} minutes", "weekday 0", "-6 days")
    return func.date(func.date_trunc("week", column + offset))


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _grouped(acts, group=None, *joins) -> dict:
    """{group value: Row}: the acts per kind and the distinct people, in two GROUP BY queries.
    Without ``group``, the whole process under the key None."""
    keys = [] if group is None else [group]

    def query(*columns):
        statement = select(*keys, *columns).select_from(acts)
        for target, on in joins:
            statement = statement.outerjoin(target, on)
        return statement

    found: dict = {}
    for *value, kind, count in db.session.execute(
            query(acts.c.kind, func.count()).group_by(*keys, acts.c.kind)):
        found.setdefault(tuple(value), empty_row()).counts[kind] = count
    for *value, count in db.session.execute(
            query(func.count(func.distinct(acts.c.user_id))).group_by(*keys)):
        found[tuple(value)] = Row(count, found.setdefault(tuple(value), empty_row()).counts)
    return {(value[0] if value else None): row for value, row in found.items()}


def figures(process, timezone: str) -> Figures:
    acts = _acts(process)
    total = _grouped(acts).get(None, empty_row())

    residency = (Residency, Residency.user_id == acts.c.user_id)
    per_area = _grouped(acts, Residency.area_id, residency)
    areas = db.session.scalars(select(Area).where(Area.id.in_(
        [area_id for area_id in per_area if area_id is not None]))
        .order_by(Area.position, Area.id)).all()
    by_area = [(area, per_area[area.id]) for area in areas]
    if None in per_area:
        by_area.append((None, per_area[None]))

    offset = datetime.now(UTC).astimezone(ZoneInfo(timezone)).utcoffset() or timedelta(0)
    per_week = _grouped(acts, _week_of(acts.c.at, offset))
    by_week = every_week({_as_date(week): row for week, row in per_week.items()
                          if week is not None})
    return Figures(total, by_area, by_week)


def as_csv(figures: Figures) -> str:
    """The figures as CSV (UTF-8 with a BOM, so spreadsheet programs read Japanese right)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([_("Group"), _("Name"), _("People who acted"),
                     *[str(KIND_LABELS[kind]) for kind in KINDS]])

    def line(group: str, name: str, row: Row):
        writer.writerow([group, csv_cell(name), row.people, *[row.counts[k] for k in KINDS]])

    line(_("Total"), _("Whole process"), figures.total)
    for area, row in figures.by_area:
        line(_("Area where people live"), area.name if area else _("No verified residency"), row)
    for monday, row in figures.by_week:
        line(_("Week"), monday.isoformat(), row)
    return out.getvalue()
