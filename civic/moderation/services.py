"""Reports, automatic hiding after N reports, moderator decisions and blocked accounts.

Packages register what can be reported with :func:`register`; the content model needs
``author_id``, ``hidden_at`` and ``hidden_reason`` columns.
"""

from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app, g
from flask_babel import gettext as _
from sqlalchemy import exists, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from civic.audit.services import record
from civic.extensions import db
from civic.moderation.models import REASONS, ModerationItem, Report, UserBlock
from civic.timeutil import utcnow

# Stored in ``hidden_reason`` when the report threshold, not a person, hid the content.
AUTO_HIDDEN = "auto"


class ModerationError(Exception):
    """Something the person can fix or needs to know; ``str(error)`` is translated."""


@dataclass(frozen=True)
class Target:
    name: str
    model: type
    url: Callable[[object], str]
    label: Callable[[object], str]
    # (user, obj) -> may the person see it? The permission the content's own page uses: only
    # what someone can see may they report, and so count towards hiding it.
    can_view: Callable[[object, object], bool]


_targets: dict[str, Target] = {}


def register(name: str, model: type, url: Callable[[object], str],
             label: Callable[[object], str], can_view: Callable[[object, object], bool]) -> None:
    _targets[name] = Target(name, model, url, label, can_view)


def target(name: str) -> Target | None:
    return _targets.get(name)


def target_of(obj) -> Target | None:
    return next((entry for entry in _targets.values() if isinstance(obj, entry.model)), None)


def load(target_type: str, target_id: int):
    entry = _targets.get(target_type)
    return (entry, db.session.get(entry.model, target_id)) if entry else (None, None)


def blocked_clause(user_id_column):
    """SQL that is true for a blocked person, so the sign-in loader fetches it with them."""
    return exists().where(UserBlock.user_id == user_id_column)


def remember_blocked(user, blocked: bool) -> None:
    """What ``blocked_clause`` said, for ``is_blocked`` during this request."""
    g.setdefault("_blocked_users", {})[user.id] = bool(blocked)


def is_blocked(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    cache = g.setdefault("_blocked_users", {})
    if user.id not in cache:
        cache[user.id] = db.session.scalar(
            select(UserBlock.id).where(UserBlock.user_id == user.id)) is not None
    return cache[user.id]


def _item_for(entry: Target, obj) -> ModerationItem:
    statement = select(ModerationItem).where(ModerationItem.target_type == entry.name,
                                             ModerationItem.target_id == obj.id)
    item = db.session.scalar(statement)
    if item is None:
        try:
            with db.session.begin_nested():
                item = ModerationItem(target_type=entry.name, target_id=obj.id,
                                      author_id=obj.author_id)
                db.session.add(item)
        except IntegrityError:  # someone else's first report created it a moment ago
            item = db.session.scalar(statement)
    return item


def _set_hidden(entry: Target, target_id: int, reason: str | None) -> None:
    values = {"hidden_at": utcnow(), "hidden_reason": reason} if reason else {
        "hidden_at": None, "hidden_reason": None}
    db.session.execute(update(entry.model).where(entry.model.id == target_id).values(**values))


def report(user, target_type: str, target_id: int, reason: str, details: str = "") -> bool:
    """File a report; returns True when this report made the content hide itself."""
    entry, obj = load(target_type, target_id)
    if obj is None or not entry.can_view(user, obj):
        raise LookupError(target_type)
    if reason not in REASONS:
        raise ModerationError(_("Please choose a reason."))
    if obj.author_id == user.id:
        raise ModerationError(_("You cannot report your own post."))
    item = _item_for(entry, obj)
    try:
        with db.session.begin_nested():
            db.session.add(Report(item_id=item.id, reporter_id=user.id, reason=reason,
                                  details=details.strip()[:1000]))
    except IntegrityError:
        db.session.rollback()
        raise ModerationError(_("You have already reported this. Thank you.")) from None
    db.session.execute(update(ModerationItem).where(ModerationItem.id == item.id)
                       .values(report_count=ModerationItem.report_count + 1))
    threshold = current_app.config["CIVIC_MODERATION_HIDE_AFTER"]
    # Only while no moderator has decided: a restored post is not hidden again by more reports.
    hidden = db.session.execute(
        update(ModerationItem)
        .where(ModerationItem.id == item.id, ModerationItem.state == "pending",
               ModerationItem.report_count >= threshold)
        .values(state="hidden", auto_hidden=True)
    ).rowcount == 1
    if hidden:
        _set_hidden(entry, obj.id, AUTO_HIDDEN)
        record(None, "moderation.auto_hidden", item, target_type=target_type,
               target_id=target_id)
    db.session.commit()
    return hidden


def hide(moderator, item: ModerationItem, reason: str) -> None:
    entry = _targets[item.target_type]
    item.state, item.decided_by_id, item.decided_at = "hidden", moderator.id, utcnow()
    _set_hidden(entry, item.target_id, reason.strip() or AUTO_HIDDEN)
    record(moderator, "moderation.hidden", item, reason=reason)
    db.session.commit()


def restore(moderator, item: ModerationItem) -> None:
    entry = _targets[item.target_type]
    item.state, item.decided_by_id, item.decided_at = "restored", moderator.id, utcnow()
    item.auto_hidden = False
    _set_hidden(entry, item.target_id, None)
    record(moderator, "moderation.restored", item)
    db.session.commit()


def hide_content(moderator, target_type: str, target_id: int, reason: str) -> ModerationItem:
    """Hide something nobody reported yet (a moderator saw it themselves)."""
    entry, obj = load(target_type, target_id)
    if obj is None:
        raise LookupError(target_type)
    item = _item_for(entry, obj)
    hide(moderator, item, reason)
    return item


def block(moderator, user, reason: str) -> None:
    if db.session.scalar(select(UserBlock.id).where(UserBlock.user_id == user.id)) is None:
        db.session.add(UserBlock(user_id=user.id, blocked_by_id=moderator.id,
                                 reason=reason.strip()[:500]))
        record(moderator, "moderation.blocked", user, reason=reason)
        db.session.commit()


def unblock(moderator, user) -> None:
    row = db.session.scalar(select(UserBlock).where(UserBlock.user_id == user.id))
    if row is not None:
        db.session.delete(row)
        record(moderator, "moderation.unblocked", user)
        db.session.commit()


def queue(state: str = "pending", page: int = 1, per_page: int = 30):
    """Items for moderators, most reported first, with their reports and authors."""
    statement = (select(ModerationItem)
                 .where(ModerationItem.state == state)
                 .options(selectinload(ModerationItem.reports).joinedload(Report.reporter),
                          selectinload(ModerationItem.author))
                 .order_by(ModerationItem.report_count.desc(), ModerationItem.created_at)
                 .limit(per_page).offset((page - 1) * per_page))
    items = db.session.scalars(statement).all()
    # Load the reported objects per type in one query each.
    by_type: dict[str, list[int]] = {}
    for item in items:
        by_type.setdefault(item.target_type, []).append(item.target_id)
    objects = {}
    for name, ids in by_type.items():
        entry = _targets.get(name)
        if entry:
            for obj in db.session.scalars(select(entry.model).where(entry.model.id.in_(ids))):
                objects[(name, obj.id)] = obj
    return [(item, _targets.get(item.target_type), objects.get((item.target_type, item.target_id)))
            for item in items]


def blocked_users():
    return db.session.scalars(select(UserBlock).options(selectinload(UserBlock.user))
                              .order_by(UserBlock.created_at.desc())).all()


def reports_by(user) -> list[dict]:
    rows = db.session.execute(
        select(Report, ModerationItem).join(ModerationItem)
        .where(Report.reporter_id == user.id).order_by(Report.created_at)).all()
    return [{"target_type": item.target_type, "target_id": item.target_id,
             "reason": report.reason, "details": report.details,
             "created_at": report.created_at.isoformat() + "Z"} for report, item in rows]
