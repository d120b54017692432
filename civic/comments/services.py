"""Comment threads for any registered target: post, edit, delete, vote, and read a page of threads.

A package makes its objects commentable once, at import time::

    register_target("proposal", Proposal, url=lambda p: url_for(...),
                    can_view=lambda user, p: ..., can_comment=lambda user, p: ...,
                    counter=Proposal.comment_count)

and shows a page of threads with ``thread_page(...)`` and the ``comments/_thread.html`` macro.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import bindparam, case, func, select, update
from sqlalchemy.exc import IntegrityError

from civic.caching import services as caching
from civic.comments.models import MAX_DEPTH, STANCES, Comment, CommentVote
from civic.extensions import db
from civic.i18n import content
from civic.notifications import services as notifications
from civic.search import services as search
from civic.timeutil import utcnow

PER_PAGE = 20
SORTS = ("oldest", "newest", "supported")
MAX_LENGTH = 5000


class CommentError(Exception):
    """A problem the person can fix; ``str(error)`` is translated."""


@dataclass(frozen=True)
class Target:
    name: str
    model: type
    url: Callable[[object], str]
    can_view: Callable[[object, object], bool]
    can_comment: Callable[[object, object], bool]
    counter: object = None  # a column of ``model`` kept equal to the number of live comments
    # Loader options for what can_view and can_comment read (e.g. the process and its phases),
    # so that checking them costs no further queries.
    options: Callable[[], list] | None = None


_targets: dict[str, Target] = {}


def register_target(name: str, model: type, *, url, can_view, can_comment, counter=None,
                    options=None) -> None:
    _targets[name] = Target(name, model, url, can_view, can_comment, counter, options)


def target(name: str) -> Target | None:
    return _targets.get(name)


def load_target(name: str, target_id: int):
    entry = _targets.get(name)
    if entry is None:
        return None, None
    options = entry.options() if entry.options else None
    return entry, db.session.get(entry.model, target_id, options=options)


def _bump(entry: Target, target_id: int, delta: int) -> None:
    if entry.counter is not None:
        db.session.execute(caching.counters_only(
            update(entry.model).where(entry.model.id == target_id)
            .values({entry.counter: entry.counter + delta})))


def _clean(body: str, stance: str | None) -> tuple[str, str | None]:
    body = (body or "").strip()
    if not body:
        raise CommentError(_("Please write your comment."))
    if len(body) > MAX_LENGTH:
        raise CommentError(_("Please keep your comment under %(n)d characters.", n=MAX_LENGTH))
    if stance not in (None, "", *STANCES):
        raise CommentError(_("Please choose a stance from the list."))
    return body, stance or None


def add(user, target_type: str, target_id: int, body: str, stance: str | None = None,
        parent_id: int | None = None) -> Comment:
    entry, _obj = load_target(target_type, target_id)
    if entry is None or _obj is None:
        raise LookupError(target_type)
    body, stance = _clean(body, stance)
    parent = None
    if parent_id:
        parent = db.session.get(Comment, parent_id)
        if parent is None or (parent.target_type, parent.target_id) != (target_type, target_id):
            raise CommentError(_("The comment you are replying to no longer exists."))
        if parent.depth >= MAX_DEPTH:
            raise CommentError(_("Replies can only go three levels deep."))
    comment = Comment(target_type=target_type, target_id=target_id, author_id=user.id, body=body,
                      language=content.detect(body), stance=stance, parent_id=parent.id if parent else None,
                      root_id=(parent.root_id or parent.id) if parent else None,
                      depth=parent.depth + 1 if parent else 0)
    db.session.add(comment)
    db.session.flush()
    _bump(entry, target_id, 1)
    search.index("comment", comment.id, [(body, 1)], new=True)
    notifications.comment_posted(user, comment, _obj)
    db.session.commit()
    return comment


def edit_window() -> timedelta:
    return timedelta(minutes=current_app.config["CIVIC_COMMENT_EDIT_MINUTES"])


def still_editable(comment: Comment) -> bool:
    return (not comment.is_deleted and not comment.is_hidden
            and utcnow() - comment.created_at <= edit_window())


def edit(comment: Comment, body: str, stance: str | None) -> None:
    if not still_editable(comment):
        raise CommentError(_("Comments can only be edited in the first %(n)d minutes.",
                             n=current_app.config["CIVIC_COMMENT_EDIT_MINUTES"]))
    comment.body, comment.stance = _clean(body, stance)
    comment.language = content.detect(comment.body)
    comment.edited_at = utcnow()
    search.index("comment", comment.id, [(comment.body, 1)])
    db.session.commit()


def delete(comment: Comment) -> None:
    """Leave a placeholder: replies keep their place, the text is gone."""
    done = db.session.execute(
        update(Comment).where(Comment.id == comment.id, Comment.deleted_at.is_(None))
        .values(deleted_at=utcnow(), body="", stance=None)).rowcount
    if done:
        _bump(_targets[comment.target_type], comment.target_id, -1)
        search.drop("comment", comment.id)
    db.session.commit()


def vote(user, comment: Comment, value: int) -> None:
    """Up (+1) or down (−1); the same vote again takes it back, the other one switches."""
    if value not in (1, -1):
        raise CommentError(_("Unknown vote."))
    column = {1: Comment.up_count, -1: Comment.down_count}
    existing = db.session.scalar(select(CommentVote).where(
        CommentVote.comment_id == comment.id, CommentVote.user_id == user.id))
    if existing is None:
        try:
            with db.session.begin_nested():
                db.session.add(CommentVote(comment_id=comment.id, user_id=user.id, value=value))
        except IntegrityError:  # a double tap: the other request already counted it
            db.session.rollback()
            return
        changes = {column[value]: column[value] + 1}
    else:
        # Deleting/updating the row first makes a racing second request find nothing to change.
        if existing.value == value:
            gone = db.session.execute(CommentVote.__table__.delete().where(
                CommentVote.__table__.c.id == existing.id)).rowcount
            changes = {column[value]: column[value] - 1} if gone else {}
        else:
            moved = db.session.execute(
                update(CommentVote).where(CommentVote.id == existing.id,
                                          CommentVote.value == existing.value)
                .values(value=value)).rowcount
            changes = ({column[value]: column[value] + 1,
                        column[existing.value]: column[existing.value] - 1} if moved else {})
    if changes:
        db.session.execute(update(Comment).where(Comment.id == comment.id).values(changes))
    db.session.commit()


@dataclass
class ThreadPage:
    target_type: str
    target_id: int
    sort: str
    page: int
    pages: int
    total: int  # top-level threads, what the pages count
    threads: list[Comment]
    comments_total: int = 0  # every comment not deleted, replies too: what lists call comments
    target: tuple = (None, None)  # (registry entry, object) for permission checks
    replies: dict[int, list[Comment]] = field(default_factory=dict)
    my_votes: dict[int, int] = field(default_factory=dict)

    def children(self, comment: Comment) -> list[Comment]:
        return self.replies.get(comment.id, [])

    @property
    def comments(self) -> list[Comment]:
        """Every comment on the page, threads and replies."""
        return [*self.threads, *(reply for replies in self.replies.values() for reply in replies)]


def shown_publicly():
    """SQL: the comments whose text everyone may read: neither deleted nor hidden by moderation.
    Whether their target may be seen is the target's own rule (``Target.can_view``)."""
    return (Comment.deleted_at.is_(None), Comment.hidden_at.is_(None))


def thread_page(target_type: str, target_id: int, sort: str | None = "oldest", page=1,
                user=None, per_page: int = PER_PAGE) -> ThreadPage:
    """One page of top-level comments with all their replies: three queries, whatever the size."""
    sort = sort if sort in SORTS else "oldest"
    try:
        page = max(1, int(page or 1))
    except (TypeError, ValueError):
        page = 1
    where = (Comment.target_type == target_type, Comment.target_id == target_id)
    # Lists count every comment that was not deleted (the target's counter); the pages of
    # threads need the number of threads, deleted placeholders included. Both in one query.
    total, comments_total = db.session.execute(
        select(func.count(case((Comment.parent_id.is_(None), 1))),
               func.count(case((Comment.deleted_at.is_(None), 1))))
        .select_from(Comment).where(*where)).one()
    order = {
        "oldest": (Comment.created_at, Comment.id),
        "newest": (Comment.created_at.desc(), Comment.id.desc()),
        "supported": ((Comment.up_count - Comment.down_count).desc(), Comment.created_at),
    }[sort]
    pages = max(1, math.ceil(total / per_page))
    page = min(page, pages)
    threads = db.session.scalars(select(Comment).where(*where, Comment.parent_id.is_(None))
                                 .order_by(*order).limit(per_page)
                                 .offset((page - 1) * per_page)).all()
    result = ThreadPage(target_type, target_id, sort, page, pages, total, list(threads),
                        comments_total, target=load_target(target_type, target_id))
    if threads:
        replies = db.session.scalars(select(Comment).where(
            Comment.root_id.in_([c.id for c in threads])).order_by(Comment.created_at,
                                                                   Comment.id)).all()
        for reply in replies:
            result.replies.setdefault(reply.parent_id, []).append(reply)
        result.my_votes = votes_of(user, [c.id for c in result.comments])
    return result


# Built once: every page with comments asks, and building a statement and its cache key costs the
# ORM more than running it (see notifications.services._UNREAD).
_VOTES = select(CommentVote.comment_id, CommentVote.value).where(
    CommentVote.user_id == bindparam("user_id"),
    CommentVote.comment_id.in_(bindparam("comment_ids", expanding=True)))


def votes_of(user, comment_ids: list[int]) -> dict[int, int]:
    """The person's votes (+1 / -1) among these comments."""
    if user is None or not getattr(user, "is_authenticated", False) or not comment_ids:
        return {}
    ids = sorted(comment_ids)
    return caching.personal(
        "comments.votes", user.id, tuple(ids), ("comment_vote",),
        lambda: dict(db.session.execute(_VOTES, {"user_id": user.id, "comment_ids": ids}).all()))


def page_of(comment: Comment, per_page: int = PER_PAGE) -> int:
    """The page (oldest first, as threads open) that shows ``comment`` inside its thread."""
    root = db.session.get(Comment, comment.root_id) if comment.root_id else comment
    before = db.session.scalar(select(func.count()).select_from(Comment).where(
        Comment.target_type == root.target_type, Comment.target_id == root.target_id,
        Comment.parent_id.is_(None),
        (Comment.created_at < root.created_at)
        | ((Comment.created_at == root.created_at) & (Comment.id < root.id))))
    return before // per_page + 1


def comments_by(user) -> list[dict]:
    rows = db.session.scalars(select(Comment).where(Comment.author_id == user.id)
                              .order_by(Comment.created_at)).all()
    return [{"target_type": c.target_type, "target_id": c.target_id, "stance": c.stance,
             "body": c.body, "created_at": c.created_at.isoformat() + "Z",
             "deleted": c.is_deleted} for c in rows]
