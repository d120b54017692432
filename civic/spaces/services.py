"""Processes: what is open where, and what a person can do in it today."""

import functools
import secrets
from dataclasses import dataclass

from flask import abort
from sqlalchemy import bindparam, exists, or_, select
from sqlalchemy.orm import joinedload

from civic.accounts.models import User, UserRole
from civic.accounts.permissions import can
from civic.audit.services import record
from civic.extensions import db
from civic.spaces.models import Area, Phase, Process, StaffArea


@dataclass(frozen=True)
class ProcessCard:
    process: Process
    phase: Phase | None
    near_me: bool


def areas() -> list[Area]:
    return list(db.session.scalars(select(Area).order_by(Area.position, Area.id)))


def my_area_ids(user) -> list[int]:
    """The areas a person belongs to: where they live (verified), then where they work as staff."""
    if not getattr(user, "is_authenticated", False):
        return []
    ids = []
    if user.residency:
        ids.append(user.residency.area_id)
    ids += [row.area_id for row in
            db.session.scalars(select(StaffArea).where(StaffArea.user_id == user.id))
            if row.area_id not in ids]
    return ids


# Staff scope ------------------------------------------------------------------------------------
# Which processes a staff member handles, as SQL for the inbox and staff notifications: the same
# policy as ``spaces.permissions.acts_for`` (docs/security.md, Staff scope). Staff without an area
# assignment and admins handle every process; 地域担当職員 (staff assigned to areas) only their
# areas' processes.

def _handles(user_id, area_id):
    """SQL: the staff member ``user_id`` handles a process of ``area_id`` (columns or values)."""
    assigned = select(StaffArea.id).where(StaffArea.user_id == user_id)
    return or_(~exists(assigned), exists(assigned.where(StaffArea.area_id == area_id)))


def handled_processes(user):
    """A select of the ids of the processes ``user`` handles as staff (for ``in_()``)."""
    if "admin" in user.roles:
        return select(Process.id)
    return select(Process.id).where(_handles(user.id, Process.area_id))


def staff_handling(process) -> list[int]:
    """The ids of the staff members who handle ``process`` (to tell them what waits)."""
    area = select(Process.area_id).where(Process.id == process.id).scalar_subquery()
    return list(db.session.scalars(
        select(User.id).join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == "staff", User.deleted_at.is_(None), _handles(User.id, area))
        .order_by(User.id)))


def open_processes(user, today) -> list[ProcessCard]:
    """Published processes that have not ended: my areas first, then the whole city, then others."""
    mine = my_area_ids(user)
    processes = db.session.scalars(
        select(Process).where(Process.published.is_(True)).order_by(Process.created_at.desc())
        .options(joinedload(Process.area))  # each card names its area
    ).all()
    cards = [
        ProcessCard(process, process.current_phase(today), process.area_id in mine)
        for process in processes
        if not process.has_ended(today)
    ]

    def rank(card: ProcessCard):
        if card.near_me:
            return (0, mine.index(card.process.area_id))
        return (1, 0) if card.process.area_id is None else (2, card.process.area_id)

    return sorted(cards, key=rank)


@functools.cache
def _process_by_slug():
    # Its phases in the same query: every page of a process asks which one is current. Built
    # once, at first use (the options need every model mapped), as every process page asks
    # (see notifications.services._UNREAD).
    return select(Process).where(Process.slug == bindparam("slug")).options(
        joinedload(Process.phases))


def publicly_visible():
    """SQL: the processes everyone may see (``process.view`` for a visitor): published ones."""
    return Process.published.is_(True)


def visible_process_or_404(slug: str) -> Process:
    """The process at ``slug`` if the current person may see it.

    A draft is "not found" rather than forbidden, so its existence does not leak.
    """
    process = db.session.scalars(_process_by_slug(), {"slug": slug}).unique().first()
    if process is None or not can("process.view", process):
        abort(404)
    return process


def unique_slug(wanted: str | None) -> str:
    slug = wanted or f"p-{secrets.token_hex(3)}"
    base, n = slug, 2
    while db.session.scalar(select(Process.id).where(Process.slug == slug)) is not None:
        slug, n = f"{base}-{n}", n + 1
    return slug


def save_process(process: Process, data: dict, actor: User) -> Process:
    creating = process.id is None
    if creating or (data.get("slug") and data["slug"] != process.slug):
        process.slug = unique_slug(data.get("slug"))
    process.title = data["title"].strip()
    process.summary = (data.get("summary") or "").strip()
    process.description = data.get("description") or ""
    process.area_id = data.get("area") or None
    process.published = bool(data.get("published"))
    if creating:
        process.created_by_id = actor.id
        db.session.add(process)
    db.session.flush()
    record(actor, "process.created" if creating else "process.updated", process)
    db.session.commit()
    return process


# Called with the process after staff changed its phases or moved it to another one, so other
# packages can act on what became due (budgets start counting their results).
phase_changed: list = []


def _phase_changed(process: Process) -> None:
    for listener in phase_changed:
        listener(process)


def save_phase(process: Process, phase: Phase, data: dict, actor: User) -> Phase:
    for name, value in data.items():
        setattr(phase, name, value)
    if phase.id is None:
        phase.position = max((p.position for p in process.phases), default=-1) + 1
        process.phases.append(phase)
    db.session.flush()
    record(actor, "phase.saved", process, phase_id=phase.id)
    db.session.commit()
    _phase_changed(process)
    return phase


def pin_phase(process: Process, phase_id: int | None, actor: User) -> None:
    """Move a process to a phase regardless of dates; ``None`` lets the dates decide again."""
    phase = next((p for p in process.phases if p.id == phase_id), None)
    process.pinned_phase = phase
    record(actor, "process.phase_moved", process, phase_id=phase.id if phase else None)
    db.session.commit()
    _phase_changed(process)


def delete_phase(process: Process, phase: Phase, actor: User) -> None:
    if process.pinned_phase_id == phase.id:
        process.pinned_phase = None
    process.phases.remove(phase)
    record(actor, "phase.deleted", process, phase_title=phase.title)
    db.session.commit()
    _phase_changed(process)
