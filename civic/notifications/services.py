"""Create notifications inside the transaction of the event they tell about, read them, mail digests.

Packages call one of the event functions from their own services, before their commit::

    notifications.comment_posted(actor, comment, target)      # comments
    notifications.proposal_moved(actor, proposal, "accepted")  # proposals
    notifications.support_counted(actor, proposal, 50, threshold)
    notifications.consultation_posted(actor, proposal)          # 事前相談
    notifications.job_finished(job)                             # jobs

Nobody is told about their own actions.
"""

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.exc import IntegrityError

from civic.accounts.models import User
from civic.caching import services as caching
from civic.comments.models import Comment
from civic.extensions import db
from civic.notifications.milestones import is_milestone
from civic.notifications.models import Notification, NotificationSettings
from civic.spaces.services import staff_handling
from civic.timeutil import utcnow

PER_PAGE = 30


def notify(user_id: int | None, kind: str, *, actor, subject: str, endpoint: str,
           url_values: dict, once_key: str | None = None, **data) -> None:
    """Add a notification to the current transaction (the caller commits)."""
    if user_id is None or (actor is not None and actor.id == user_id):
        return
    notification = Notification(user_id=user_id, kind=kind, actor_id=actor.id if actor else None,
                                subject=(subject or "")[:200], endpoint=endpoint,
                                url_values=url_values, data=data, once_key=once_key)
    if once_key is None:
        db.session.add(notification)
        return
    try:
        with db.session.begin_nested():
            db.session.add(notification)
    except IntegrityError:  # told once already
        pass


# Events ------------------------------------------------------------------------------------------

def comment_posted(actor, comment, target) -> None:
    """Tell the author of the comment replied to, and the author of what was commented on."""
    told = set()
    link = {"endpoint": "comments.show", "url_values": {"comment_id": comment.id}}
    subject = getattr(target, "title", "")
    if comment.parent_id is not None:
        parent_author = db.session.scalar(select(Comment.author_id)
                                          .where(Comment.id == comment.parent_id))
        notify(parent_author, "reply", actor=actor, subject=subject, **link)
        told.add(parent_author)
    owner = getattr(target, "author_id", None)
    if owner not in told:
        notify(owner, "comment", actor=actor, subject=subject, **link)


def _proposal_link(proposal) -> dict:
    return {"endpoint": "proposals.show", "url_values": {"proposal_id": proposal.id}}


def proposal_moved(actor, proposal, state: str) -> None:
    """A lifecycle step: an answer (accepted / not accepted) or another change of state.

    A submitted proposal waits for staff: the staff who handle its process are told.
    """
    kind = "answer" if state in ("accepted", "rejected") else "state"
    notify(proposal.author_id, kind, actor=actor, subject=proposal.title, state=state,
           **_proposal_link(proposal))
    if state == "submitted":
        for staff_id in staff_handling(proposal.process):
            notify(staff_id, "submitted", actor=actor, subject=proposal.title,
                   **_proposal_link(proposal))


def consultation_posted(actor, proposal) -> None:
    """A 事前相談 message: the proposer's goes to the staff handling the process, staff's to the
    proposer."""
    link = {"endpoint": "proposals.consultation", "url_values": {"proposal_id": proposal.id}}
    if actor.id != proposal.author_id:
        notify(proposal.author_id, "consultation", actor=actor, subject=proposal.title, **link)
        return
    for staff_id in staff_handling(proposal.process):
        notify(staff_id, "consultation", actor=actor, subject=proposal.title, **link)


def job_finished(job) -> None:
    """Tell whoever started a background job that it is done or has failed."""
    notify(job.created_by_id, "job", actor=None, subject="", endpoint="jobs.status",
           url_values={"job_id": job.id}, status=job.status, job_kind=job.kind)


def support_counted(actor, proposal, count: int, threshold: int | None) -> None:
    """Called with the new support count; tells the proposer at milestones, once each."""
    if is_milestone(count, threshold):
        notify(proposal.author_id, "milestone", actor=actor, subject=proposal.title, count=count,
               once_key=f"supports:proposal:{proposal.id}:{count}", **_proposal_link(proposal))


# Reading -----------------------------------------------------------------------------------------

@dataclass
class Page:
    items: list
    page: int
    pages: int
    total: int


# Built once: every page asks for the bell's count, and building a statement (and its cache key)
# costs the ORM more than running it.
_UNREAD = select(func.count()).select_from(Notification).where(
    Notification.user_id == bindparam("user_id"), Notification.read_at.is_(None))


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return caching.personal("notifications.unread", user.id, (), ("notification",),
                            lambda: db.session.scalar(_UNREAD, {"user_id": user.id}))


def page_for(user, page: int = 1) -> Page:
    where = Notification.user_id == user.id
    total = db.session.scalar(select(func.count()).select_from(Notification).where(where))
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(1, page), pages)
    items = db.session.scalars(select(Notification).where(where)
                               .order_by(Notification.id.desc())
                               .limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    return Page(list(items), page, pages, total)


def get(user, notification_id: int) -> Notification | None:
    """The person's own notification, or None (someone else's is as good as missing)."""
    return db.session.scalar(select(Notification).where(Notification.id == notification_id,
                                                        Notification.user_id == user.id))


def mark_read(user, notification_id: int) -> None:
    db.session.execute(update(Notification).where(
        Notification.id == notification_id, Notification.user_id == user.id,
        Notification.read_at.is_(None)).values(read_at=utcnow()))
    db.session.commit()


def mark_all_read(user) -> int:
    done = db.session.execute(update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())).rowcount
    db.session.commit()
    return done


# Email digest ------------------------------------------------------------------------------------

def settings_for(user) -> NotificationSettings:
    found = db.session.scalar(select(NotificationSettings)
                              .where(NotificationSettings.user_id == user.id))
    return found or NotificationSettings(user_id=user.id, email_digest=False)


def save_settings(user, email_digest: bool) -> None:
    settings = settings_for(user)
    settings.email_digest = email_digest
    db.session.add(settings)
    db.session.commit()


def send_digests(compose: Callable[[User, list[Notification]], tuple[str, str]],
                 send: Callable[[str, str, str], None]) -> tuple[int, list[str]]:
    """Mail each person who opted in their unread notifications since their last digest.

    ``compose(user, notifications)`` returns (subject, body) in the person's language. Each
    person's digest is recorded in its own transaction, so one failing address does not resend
    the others' mail next time. Returns (digests sent, failed addresses).
    """
    sent, failed = 0, []
    people = db.session.scalars(
        select(NotificationSettings).join(User, User.id == NotificationSettings.user_id)
        .where(NotificationSettings.email_digest.is_(True), User.deleted_at.is_(None))
        .order_by(NotificationSettings.id)).all()
    for settings in people:
        cutoff = utcnow()
        where = [Notification.user_id == settings.user_id, Notification.read_at.is_(None),
                 Notification.created_at <= cutoff]
        if settings.last_digest_at is not None:
            where.append(Notification.created_at > settings.last_digest_at)
        unread = db.session.scalars(select(Notification).where(*where)
                                    .order_by(Notification.id)).all()
        if not unread:
            continue
        try:
            send(settings.user.email, *compose(settings.user, list(unread)))
        except OSError:
            failed.append(settings.user.email)
            db.session.rollback()
            continue
        settings.last_digest_at = cutoff
        db.session.commit()
        sent += 1
    return sent, failed


def personal_data(user) -> tuple[str, object]:
    rows = db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                              .order_by(Notification.id)).all()
    settings = settings_for(user)
    return "notifications", {
        "email_digest": settings.email_digest,
        "notifications": [{"kind": n.kind, "subject": n.subject, "data": n.data,
                           "created_at": n.created_at.isoformat() + "Z",
                           "read": n.is_read} for n in rows],
    }
