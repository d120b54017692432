"""Budgets: ballots built and checked out by residents, results counted by the budget's rule,
and pabulib files in and out.

Every change to a ballot runs in one transaction that first takes the ballot's row lock
(:func:`_lock_ballot`: an UPDATE, so PostgreSQL locks the row and SQLite takes its write lock before
anything is read), then checks the limits against the fresh totals and writes. The ballot's CHECK
constraints refuse an overrun even if a check here were wrong.
"""

import hashlib
import json
import secrets
import time
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from civic.audit.services import record
from civic.budgets import pabulib, rules
from civic.budgets.models import Ballot, BallotItem, Budget, BudgetProject, BudgetResult
from civic.extensions import db, insert_for
from civic.forms import DB_BIGINT_MAX, DB_INT_MAX
from civic.timeutil import utcnow

# Our methods in pabulib's terms.
VOTE_TYPES = {"knapsack": "approval", "approval": "approval", "cumulative": "cumulative",
              "ordinal": "ordinal", "choose-1": "choose-1", "scoring": "scoring"}
TIE_BREAKS = ("min_cost,max_votes,id", "max_votes,min_cost,id", "min_cost,id", "id")
RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


class BallotError(Exception):
    """A ballot change or checkout that the budget's limits do not allow; shown to the voter."""


class ImportProblem(ValueError):
    """A pabulib file that parses but cannot become a budget (e.g. an unknown rule)."""


class MissingRule(ImportProblem):
    """The file names no rule we count by, and none was chosen."""


def money(amount, currency: str = "JPY") -> str:
    from babel.numbers import format_currency
    from flask_babel import get_locale

    from civic.i18n import yen

    if currency == "JPY":
        return yen(amount)  # as every other page writes yen
    if not currency:
        return f"{amount:,}"
    return format_currency(amount, currency, locale=str(get_locale() or "ja"))


# Budgets and projects ---------------------------------------------------------------------------

def budgets_of(process) -> list[Budget]:
    return list(db.session.scalars(
        select(Budget).where(Budget.process_id == process.id).order_by(Budget.id)))


def save_budget(budget: Budget, data: dict, process, actor) -> Budget:
    """Create or update a budget; ballots already started follow the new limits (or it fails)."""
    creating = budget.id is None
    for name in ("title", "description", "amount", "voting_method", "rule", "tie_break",
                 "allow_changes"):
        setattr(budget, name, data[name])
    budget.title = budget.title.strip()
    budget.area_id = data.get("area") or None
    budget.threshold = data.get("threshold") if budget.rule == "greedy-threshold" else None
    budget.min_percent = data.get("min_percent") or 0 if budget.voting_method == "knapsack" else 0
    budget.min_projects = data.get("min_projects") or 0 if budget.voting_method == "approval" else 0
    budget.max_projects = data.get("max_projects") if budget.voting_method == "approval" else None
    budget.points = data.get("points") if budget.voting_method == "cumulative" else None
    if creating:
        budget.process_id = process.id
        budget.created_by_id = actor.id
        db.session.add(budget)
    db.session.flush()
    db.session.execute(update(Ballot).where(Ballot.budget_id == budget.id).values(
        cost_limit=budget.ballot_limit, count_limit=_count_limit(budget),
        points_limit=_points_limit(budget)))
    _changed(budget)
    record(actor, "budget.created" if creating else "budget.updated", budget)
    db.session.commit()
    return budget


def save_project(budget: Budget, project: BudgetProject, data: dict, actor) -> BudgetProject:
    creating = project.id is None
    project.title = data["title"].strip()
    project.description = data.get("description") or ""
    project.cost = data["cost"]
    project.area_id = data.get("area") or None
    project.proposal_id = data.get("proposal_id") or None
    if creating:
        project.budget_id = budget.id
        project.position = len(budget.projects)
        project.code = secrets.token_hex(4)  # replaced by the row id below
        db.session.add(project)
        db.session.flush()
        project.code = str(project.id)
    _changed(budget)
    record(actor, "budget.project_created" if creating else "budget.project_updated", project)
    db.session.commit()
    return project


def _changed(budget: Budget) -> None:
    """Invalidate the cached outcome (in the caller's transaction)."""
    db.session.execute(update(Budget).where(Budget.id == budget.id).values(
        ballot_version=Budget.ballot_version + 1))


def _count_limit(budget: Budget) -> int | None:
    return budget.max_projects if budget.voting_method == "approval" else None


def _points_limit(budget: Budget) -> float | None:
    return budget.points if budget.voting_method == "cumulative" else None


# Who may vote -----------------------------------------------------------------------------------

def vote_problem(user, budget: Budget, today) -> str | None:
    """Why ``user`` may not build a ballot now: closed, sign_in, verify, other_area, or None."""
    if budget.voting_method not in ("knapsack", "approval", "cumulative"):
        return "closed"
    if not budget.process.published or not budget.process.is_open("ballots_open", today):
        return "closed"
    if not getattr(user, "is_authenticated", False) or user.is_deleted:
        return "sign_in"
    if user.residency is None:
        return "verify"
    if budget.area_id is not None and user.residency.area_id != budget.area_id:
        return "other_area"
    return None


# Ballots ----------------------------------------------------------------------------------------

def ballot_of(budget: Budget, user) -> Ballot | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(
        select(Ballot).where(Ballot.budget_id == budget.id, Ballot.user_id == user.id))


def _new_ballot(budget: Budget, user) -> Ballot | None:
    """The resident's draft ballot, created by their first change in that change's transaction.

    None if a concurrent first change of the same person created it first (ON CONFLICT DO
    NOTHING waits for that one to commit): the caller then takes that ballot's lock. A refused
    first change leaves no empty ballot behind.
    """
    statement = (insert_for(db.session.get_bind().dialect.name)(Ballot)
                 .values(budget_id=budget.id, user_id=user.id, cost_limit=budget.ballot_limit,
                         count_limit=_count_limit(budget), points_limit=_points_limit(budget))
                 .on_conflict_do_nothing(index_elements=["budget_id", "user_id"])
                 .returning(Ballot))
    ballot = db.session.scalars(statement).one_or_none()
    if ballot is not None:
        set_committed_value(ballot, "items", [])  # a new ballot has none: no query to ask
    return ballot


def _lock_ballot(budget: Budget, user) -> Ballot | None:
    """Take the resident's ballot's row lock (UPDATE first, so SQLite also serialises) and reread it.

    The reread (items and their projects in the same query) replaces what the session held, so
    a change committed while this one waited for the lock is what the checks see.
    """
    ballot_id = db.session.execute(
        update(Ballot).where(Ballot.budget_id == budget.id, Ballot.user_id == user.id)
        .values(version=Ballot.version + 1).returning(Ballot.id)).scalar()
    if ballot_id is None:
        return None
    return db.session.scalars(
        select(Ballot).where(Ballot.id == ballot_id)
        .options(joinedload(Ballot.items).joinedload(BallotItem.project))
        .execution_options(populate_existing=True)).unique().one()


@dataclass(frozen=True)
class Choice:
    project: BudgetProject
    points: int | None = None


def _check_building(budget: Budget, choices: list[Choice]) -> None:
    """Limits a ballot may never exceed, even while it is being built."""
    if budget.voting_method == "knapsack":
        total = sum(c.project.cost for c in choices)
        if total > budget.amount:
            raise BallotError(_(
                "Over budget: your selection costs %(total)s, %(over)s more than the budget of "
                "%(amount)s. Remove a project or choose a cheaper one.",
                total=money(total, budget.currency), over=money(total - budget.amount, budget.currency),
                amount=money(budget.amount, budget.currency)))
    elif budget.voting_method == "approval":
        if budget.max_projects is not None and len(choices) > budget.max_projects:
            raise BallotError(_("You can choose at most %(max)d projects; you chose %(n)d.",
                                max=budget.max_projects, n=len(choices)))
    elif budget.voting_method == "cumulative":
        if any(c.points is None or c.points < 1 for c in choices):
            raise BallotError(_("Give each project you choose at least 1 point."))
        used = sum(c.points for c in choices)
        if used > (budget.points or 0):
            raise BallotError(_("You gave %(used)d points, but you have only %(points)d.",
                                used=used, points=budget.points or 0))


def _check_complete(budget: Budget, ballot: Ballot) -> None:
    """What a ballot must satisfy to be checked out."""
    if ballot.project_count == 0:
        raise BallotError(_("Choose at least one project before you check out."))
    if budget.voting_method == "knapsack" and ballot.total_cost < budget.min_cost:
        raise BallotError(_(
            "Choose projects worth at least %(min)s (%(percent)d%% of the budget); your selection "
            "costs %(total)s.", min=money(budget.min_cost, budget.currency),
            percent=budget.min_percent, total=money(ballot.total_cost, budget.currency)))
    if budget.voting_method == "approval" and ballot.project_count < budget.min_projects:
        raise BallotError(_("Choose at least %(min)d projects; you chose %(n)d.",
                            min=budget.min_projects, n=ballot.project_count))


def _editable(budget: Budget, user, today) -> Ballot:
    problem = vote_problem(user, budget, today)
    if problem is not None:
        raise BallotError(vote_problem_message(problem))
    ballot = _lock_ballot(budget, user) or _new_ballot(budget, user) or _lock_ballot(budget, user)
    if ballot.is_checked_out:
        db.session.rollback()
        raise BallotError(_("Your ballot has been checked out and can no longer be changed."))
    return ballot


def vote_problem_message(problem: str) -> str:
    return {
        "closed": _("Voting is not open for this budget."),
        "sign_in": _("Log in to vote."),
        "verify": _("Only verified residents can vote. Verify your residency first."),
        "other_area": _("This budget is for residents of another area."),
    }[problem]


def _write(ballot: Ballot, choices: list[Choice]) -> None:
    """Make ``choices`` the ballot's projects, writing only the rows that change.

    Projects that stay keep their place; new ones go after them, in the order given.
    """
    wanted = {choice.project.id: choice for choice in choices}
    for item in list(ballot.items):
        choice = wanted.pop(item.project_id, None)
        if choice is None:
            ballot.items.remove(item)  # delete-orphan: the row is deleted
        elif item.points != choice.points:
            item.points = choice.points
    after = max((item.position for item in ballot.items), default=-1) + 1
    for offset, choice in enumerate(wanted.values()):
        ballot.items.append(BallotItem(project=choice.project, position=after + offset,
                                       points=choice.points))
    ballot.total_cost = sum(c.project.cost for c in choices)
    ballot.total_points = sum(c.points or 0 for c in choices)
    ballot.project_count = len(choices)
    db.session.commit()


def _current(ballot: Ballot) -> list[Choice]:
    return [Choice(item.project, int(item.points) if item.points is not None else None)
            for item in ballot.items]


def _project(budget: Budget, project_id) -> BudgetProject:
    project = db.session.get(BudgetProject, project_id) if project_id else None
    if project is None or project.budget_id != budget.id:
        raise BallotError(_("This project is not part of the budget."))
    return project


def add_project(budget: Budget, user, project_id: int, today, points: int | None = None) -> Ballot:
    """Put one project on the ballot (or change its points); refused beyond the limits."""
    ballot = _editable(budget, user, today)
    try:
        project = _project(budget, project_id)
        if budget.uses_points and points is None:
            points = 1
        choices = [c for c in _current(ballot) if c.project.id != project.id]
        choices.append(Choice(project, points if budget.uses_points else None))
        _check_building(budget, choices)
    except BallotError:
        db.session.rollback()
        raise
    _write(ballot, choices)
    return ballot


def remove_project(budget: Budget, user, project_id: int, today) -> Ballot:
    ballot = _editable(budget, user, today)
    _write(ballot, [c for c in _current(ballot) if c.project.id != project_id])
    return ballot


def set_selection(budget: Budget, user, wanted: dict[int, int | None], today) -> Ballot:
    """Replace the ballot's projects by ``wanted`` (project id → points, or None)."""
    ballot = _editable(budget, user, today)
    try:
        keep = [c for c in _current(ballot) if c.project.id in wanted]
        order = {c.project.id: i for i, c in enumerate(keep)}
        choices = []
        for project_id, points in sorted(wanted.items(), key=lambda kv: order.get(kv[0], 10**9)):
            project = _project(budget, project_id)
            choices.append(Choice(project, points if budget.uses_points else None))
        _check_building(budget, choices)
    except BallotError:
        db.session.rollback()
        raise
    _write(ballot, choices)
    return ballot


def new_receipt() -> str:
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(12))
    return "-".join(raw[i:i + 4] for i in range(0, 12, 4))


def receipt_hash(code: str) -> str:
    normal = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(normal.encode()).hexdigest()


def checkout(budget: Budget, user, today) -> str:
    """Count the ballot; returns the receipt code (shown once, only its hash is stored)."""
    ballot = _editable(budget, user, today)
    try:
        _check_complete(budget, ballot)
    except BallotError:
        db.session.rollback()
        raise
    code = new_receipt()
    ballot.state = "checked_out"
    ballot.checked_out_at = utcnow()
    ballot.receipt_hash = receipt_hash(code)
    db.session.execute(update(Budget).where(Budget.id == budget.id).values(
        ballot_count=Budget.ballot_count + 1, ballot_version=Budget.ballot_version + 1))
    db.session.commit()
    return code


def reopen(budget: Budget, user, today) -> Ballot:
    """Take a checked-out ballot back to draft (only where the budget allows changes)."""
    problem = vote_problem(user, budget, today)
    if problem is not None:
        raise BallotError(vote_problem_message(problem))
    if not budget.allow_changes:
        raise BallotError(_("Ballots of this budget cannot be changed after checkout."))
    ballot = _lock_ballot(budget, user)
    if ballot is None:
        db.session.rollback()
        raise BallotError(_("You have no ballot to change."))
    if ballot.is_checked_out:
        ballot.state = "draft"
        ballot.receipt_hash = None
        ballot.checked_out_at = None
        db.session.execute(update(Budget).where(Budget.id == budget.id).values(
            ballot_count=Budget.ballot_count - 1, ballot_version=Budget.ballot_version + 1))
    db.session.commit()
    return ballot


def check_receipt(budget: Budget, code: str) -> Ballot | None:
    """The counted ballot with this receipt code, if any."""
    if not code or not code.strip():
        return None
    return db.session.scalar(select(Ballot).where(
        Ballot.budget_id == budget.id, Ballot.receipt_hash == receipt_hash(code),
        Ballot.state == "checked_out"))


# Counting ---------------------------------------------------------------------------------------

def tie_break_of(budget: Budget) -> tuple[str, ...]:
    return tuple(part.strip() for part in budget.tie_break.split(",") if part.strip())


def election(budget: Budget) -> rules.Election:
    """The budget's projects and counted ballots as a pure :class:`rules.Election`."""
    projects = list(db.session.scalars(
        select(BudgetProject).where(BudgetProject.budget_id == budget.id)
        .order_by(BudgetProject.position, BudgetProject.id)))
    codes = {p.id: p.code for p in projects}
    ballots = db.session.execute(
        select(Ballot.id, Ballot.voter_code, Ballot.extra_json)
        .where(Ballot.budget_id == budget.id, Ballot.state == "checked_out").order_by(Ballot.id)
    ).all()
    chosen: dict[int, list[tuple[str, float | None]]] = {row.id: [] for row in ballots}
    items = db.session.execute(
        select(BallotItem.ballot_id, BallotItem.project_id, BallotItem.points)
        .join(Ballot, Ballot.id == BallotItem.ballot_id)
        .where(Ballot.budget_id == budget.id, Ballot.state == "checked_out")
        .order_by(BallotItem.ballot_id, BallotItem.position, BallotItem.id))
    for ballot_id, project_id, points in items:
        chosen[ballot_id].append((codes[project_id], points))
    out = []
    for row in ballots:
        picks = chosen[row.id]
        with_points = budget.uses_points or any(p is not None for _c, p in picks)
        out.append(rules.Ballot(
            voter_id=row.voter_code or f"r{row.id}",
            projects=tuple(c for c, _p in picks),
            points=tuple(_number(p) for _c, p in picks) if with_points else None,
            extra=json.loads(row.extra_json or "{}")))
    vote_type = VOTE_TYPES[budget.voting_method]
    meta = budget.meta
    meta.update(budget=str(budget.amount), vote_type=vote_type, rule=budget.rule,
                num_projects=str(len(projects)), num_votes=str(len(out)))
    if not meta.get("description"):
        meta = {"description": budget.title, **meta}
    if budget.threshold is not None:
        meta["min_project_score_threshold"] = _format(budget.threshold)
    else:
        meta.pop("min_project_score_threshold", None)
    if budget.currency and "currency" not in meta:
        meta["currency"] = budget.currency
    if budget.voting_method == "knapsack":
        meta.setdefault("max_sum_cost", str(budget.amount))
    if budget.voting_method == "approval":
        if budget.min_projects:
            meta.setdefault("min_length", str(budget.min_projects))
        if budget.max_projects is not None:
            meta.setdefault("max_length", str(budget.max_projects))
    if budget.voting_method == "cumulative" and budget.points:
        meta.setdefault("max_sum_points", str(budget.points))
    return rules.Election(
        projects=[rules.Project(id=p.code, cost=p.cost, name=p.title, extra=p.extra)
                  for p in projects],
        ballots=out, budget=budget.amount, vote_type=vote_type, meta=meta)


def _number(value):
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def _format(value) -> str:
    value = _number(value)
    return str(value)


# Results: counted by a job (``budgets.count``) when they are due, then kept -------------------

COUNT_JOB = "budgets.count"


def results_due(budget: Budget, today) -> bool:
    return budget.process.is_open("results_published", today)


def current_result(budget: Budget) -> BudgetResult | None:
    """The stored result, if it counted the budget's ballots as they are now."""
    return db.session.scalar(select(BudgetResult).where(
        BudgetResult.budget_id == budget.id, BudgetResult.ballot_version == budget.ballot_version))


def count_job(budget: Budget):
    """The latest count of the budget's current ballots (queued, running, done or failed)."""
    from civic.jobs import services as jobs

    return jobs.latest(COUNT_JOB, budget_id=budget.id, ballot_version=budget.ballot_version)


def request_count(budget: Budget, user=None, *, again: bool = False):
    """Start counting the budget in a job unless its result is stored or a count is under way.

    A count that failed is not retried by itself (every visit would fail again): staff ask for
    it with ``again``, which also counts a stored result once more. Returns the job, or None.
    """
    from civic.jobs import services as jobs
    from civic.jobs.models import FAILED

    job = count_job(budget)
    if job is not None and not job.finished:
        return job
    if again:
        record(user, "budget.recounted", budget)
        db.session.commit()
    elif current_result(budget) is not None:
        return None
    elif job is not None and job.status == FAILED:
        return job
    return jobs.enqueue(COUNT_JOB, {"budget_id": budget.id, "ballot_version": budget.ballot_version},
                        user)


def count_due_results(process, today=None) -> list:
    """Start counting every budget of ``process`` whose results are due and not stored yet
    (called when staff move the phase, and by ``flask budgets count-due``)."""
    from civic.timeutil import ward_today

    today = today or ward_today()
    if not process.is_open("results_published", today):
        return []
    return [job for budget in budgets_of(process) if (job := request_count(budget)) is not None]


def count(budget_id: int, progress=None) -> dict:
    """Count the budget's ballots with its rule and keep the result (the job's work)."""
    progress = progress or (lambda *_args: None)
    budget = db.session.get(Budget, budget_id)
    version = budget.ballot_version
    started = time.perf_counter()
    counted = election(budget)
    progress(0.2)
    outcome = rules.tally(counted, budget.rule, tie_break_of(budget), threshold=budget.threshold)
    seconds = time.perf_counter() - started
    progress(0.9)
    data = json.loads(json.dumps(outcome.as_dict(), ensure_ascii=False, default=_json_default))
    values = {"ballot_version": version, "rule": outcome.rule, "computed_at": utcnow(),
              "seconds": round(seconds, 3), "selected": data["selected"],
              "scores": {r["project_id"]: r["score"] for r in data["results"]}, "outcome": data}
    # One row per budget: replace what an earlier count stored.
    stored = db.session.execute(update(BudgetResult).where(BudgetResult.budget_id == budget_id)
                                .values(**values)).rowcount
    if not stored:
        db.session.add(BudgetResult(budget_id=budget_id, **values))
    db.session.commit()
    return {"budget_id": budget_id, "ballot_version": version, "selected": data["selected"],
            "seconds": round(seconds, 3)}


def _json_default(value):
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    raise TypeError(f"not JSON serialisable: {value!r}")


# Pabulib ----------------------------------------------------------------------------------------

# What an imported election may hold: amounts go into BigInteger columns, the META lengths and
# points into Integer ones, ids into the String columns of project codes and voter codes.
IMPORT_LIMITS = pabulib.Limits(
    number=DB_BIGINT_MAX, count=DB_INT_MAX,
    id_length=min(BudgetProject.__table__.c.code.type.length,
                  Ballot.__table__.c.voter_code.type.length))


def parse_for_import(source) -> rules.Election:
    """A pabulib file or text (:func:`pabulib.parse`) as far as it fits the budget tables."""
    return pabulib.parse(source, IMPORT_LIMITS)


def _whole(value, what: str) -> int:
    if isinstance(value, float) and not value.is_integer():
        raise ImportProblem(f"{what} must be a whole amount, not {value!r}")
    return int(value)


def _meta_int(meta: dict, key: str) -> int | None:
    try:
        return int(float(meta[key])) if meta.get(key, "").strip() else None
    except ValueError:
        return None


def import_election(parsed: rules.Election, process, actor=None, title: str | None = None,
                    rule: str | None = None) -> Budget:
    """Create a budget with the election's projects and ballots, in the caller's transaction
    (nothing is committed here)."""
    meta = dict(parsed.meta)
    rule = (rule or meta.get("rule") or "").strip()
    if rule not in rules.RULES:
        raise MissingRule(f"unknown or missing rule {rule!r}; give one with --rule "
                          f"({', '.join(rules.RULES)})")
    method = parsed.vote_type
    if method == "approval":
        method = "knapsack" if meta.get("max_sum_cost") else "approval"
    threshold = meta.get("min_project_score_threshold", "").strip()
    budget = Budget(
        process_id=process.id, title=(title or meta.get("description") or "pabulib")[:200],
        amount=_whole(parsed.budget, "budget"), currency=meta.get("currency", "")[:8],
        voting_method=method, rule=rule, threshold=float(threshold) if threshold else None,
        meta_json=json.dumps(meta, ensure_ascii=False),
        min_projects=_meta_int(meta, "min_length") or 0 if method == "approval" else 0,
        max_projects=_meta_int(meta, "max_length") if method == "approval" else None,
        points=_meta_int(meta, "max_sum_points") if method == "cumulative" else None,
        ballot_count=len(parsed.ballots), created_by_id=getattr(actor, "id", None))
    if budget.max_projects is not None and budget.max_projects < budget.min_projects:
        budget.max_projects = None
    db.session.add(budget)
    db.session.flush()
    ids = {}
    costs = {}
    for position, p in enumerate(parsed.projects):
        project = BudgetProject(budget_id=budget.id, code=p.id, position=position,
                                title=(p.name or p.id)[:300], cost=_whole(p.cost, f"cost of {p.id}"),
                                extra_json=json.dumps(p.extra, ensure_ascii=False))
        db.session.add(project)
        costs[p.id] = project.cost
    db.session.flush()
    for project in db.session.scalars(select(BudgetProject).where(
            BudgetProject.budget_id == budget.id)):
        ids[project.code] = project.id
    now = utcnow()
    rows = []
    for b in parsed.ballots:
        rows.append({"budget_id": budget.id, "voter_code": b.voter_id, "state": "checked_out",
                     "total_cost": sum(costs[p] for p in b.projects),
                     "total_points": float(sum(b.points)) if b.points else 0.0,
                     "project_count": len(b.projects), "version": 0,
                     "extra_json": json.dumps(b.extra, ensure_ascii=False) if b.extra else "{}",
                     "created_at": now, "checked_out_at": now})
    if rows:
        db.session.execute(insert(Ballot), rows)
    ballot_ids = dict(db.session.execute(select(Ballot.voter_code, Ballot.id).where(
        Ballot.budget_id == budget.id)).all())
    items = []
    for b in parsed.ballots:
        ballot_id = ballot_ids[b.voter_id]
        for position, code in enumerate(b.projects):
            items.append({"ballot_id": ballot_id, "project_id": ids[code], "position": position,
                          "points": float(b.points[position]) if b.points is not None else None})
    for start in range(0, len(items), 50_000):
        db.session.execute(insert(BallotItem), items[start:start + 50_000])
    return budget


def import_upload(text: str, process, actor, title: str | None = None,
                  rule: str | None = None) -> Budget:
    """A budget from the text of an uploaded pabulib file, committed whole or not at all.

    Raises ``PabulibError`` (naming the line) or ``ImportProblem``, having written nothing.
    """
    parsed = pabulib.parse_text(text, IMPORT_LIMITS)
    try:
        budget = import_election(parsed, process, actor, title, rule)
        record(actor, "budget.imported", budget, projects=len(parsed.projects),
               ballots=len(parsed.ballots))
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return budget


def export_election(budget: Budget) -> str:
    return pabulib.write(election(budget))


def ballot_counts(budget: Budget) -> tuple[int, int]:
    """(counted ballots, drafts) of a budget."""
    rows = dict(db.session.execute(select(Ballot.state, func.count()).where(
        Ballot.budget_id == budget.id).group_by(Ballot.state)).all())
    return rows.get("checked_out", 0), rows.get("draft", 0)


def personal_data(user) -> tuple[str, object]:
    out = []
    for ballot in db.session.scalars(select(Ballot).where(Ballot.user_id == user.id)):
        out.append({"budget": ballot.budget.title, "state": ballot.state,
                    "checked_out_at": ballot.checked_out_at.isoformat() + "Z"
                    if ballot.checked_out_at else None,
                    "projects": [item.project.title for item in ballot.items]})
    return "budget_ballots", out
