"""Proposals: writing, the lifecycle steps, supports (賛同), 事前相談, 審査, progress and search."""

import functools
from dataclasses import dataclass
from typing import NamedTuple

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_, bindparam, case, delete, func, or_, select, update
from sqlalchemy.orm import joinedload

from civic.accounts.models import User
from civic.accounts.permissions import EVERY_AREA
from civic.audit.models import AuditEvent
from civic.audit.services import record
from civic.caching import services as caching
from civic.comments.models import Comment
from civic.extensions import db, insert_for
from civic.i18n import content
from civic.notifications import services as notifications
from civic.proposals import lifecycle
from civic.proposals.images import sniff
from civic.proposals.models import (
    ConsultationMessage,
    ConsultationRead,
    ProgressUpdate,
    Proposal,
    ProposalImage,
    ProposalSettings,
    Review,
    Support,
    SupportAllowance,
)
from civic.search import services as search
from civic.spaces.models import Process
from civic.timeutil import utcnow, ward_today

DEFAULT_CRITERIA = ("公益性", "協働の相乗効果", "具体性")
PER_PAGE = 20
SORTS = ("newest", "supported", "commented", "oldest")
COUNTED_SORTS = {"supported", "commented"}  # ordered by counters (list_page's order below)
FIELDS = ("title", "body", "area_id", "category", "estimated_cost", "role_residents",
          "role_ward", "kpis")


class ProposalError(Exception):
    """A problem the person can fix or needs to know; ``str(error)`` is translated."""


# Settings ---------------------------------------------------------------------------------------

# Built once, as the hot paths (lists, pages, supports) ask on every request: building a statement
# and its cache key costs the ORM more than running it (see notifications.services._UNREAD).
_SETTINGS = select(ProposalSettings).where(ProposalSettings.process_id == bindparam("process_id"))


def settings_for(process) -> ProposalSettings:
    """The process's proposals settings; an unsaved default one when staff never set them."""
    found = db.session.scalar(_SETTINGS, {"process_id": process.id})
    return found or ProposalSettings(process_id=process.id, kind="citizen", theme="",
                                     categories=[], criteria=list(DEFAULT_CRITERIA),
                                     comments_on_closed=False)


def save_settings(actor, process, data: dict) -> ProposalSettings:
    settings = settings_for(process)
    for name in ("kind", "theme", "categories", "support_limit", "support_threshold", "criteria",
                 "comments_on_closed"):
        setattr(settings, name, data[name])
    db.session.add(settings)
    record(actor, "proposals.settings_saved", process, **{
        k: data[k] for k in ("kind", "support_limit", "support_threshold", "comments_on_closed")})
    db.session.commit()
    return settings


def comments_closed(proposal: Proposal) -> bool:
    """Not accepted or withdrawn, in a process that closes the discussion of such proposals."""
    return (proposal.state in lifecycle.CLOSED_STATES
            and not settings_for(proposal.process).comments_on_closed)


# Writing ----------------------------------------------------------------------------------------

def store_image(upload) -> ProposalImage:
    data = upload.read(current_app.config["CIVIC_PROPOSAL_IMAGE_MAX_BYTES"] + 1)
    if len(data) > current_app.config["CIVIC_PROPOSAL_IMAGE_MAX_BYTES"]:
        raise ProposalError(_("The image is too large (at most %(mb)d MB).", mb=max(
            1, current_app.config["CIVIC_PROPOSAL_IMAGE_MAX_BYTES"] // (1024 * 1024))))
    content_type = sniff(data)
    if content_type is None:
        raise ProposalError(_("Please choose a PNG, JPEG, GIF or WebP image."))
    image = ProposalImage(content_type=content_type, data=data)
    db.session.add(image)
    db.session.flush()
    return image


def save(author, proposal: Proposal, data: dict, upload=None) -> Proposal:
    """Create or revise a proposal (drafts, and revisions during 事前相談)."""
    new = proposal.id is None
    for name in FIELDS:
        setattr(proposal, name, data[name])
    # The author's choice, else what the text itself is written in.
    proposal.language = content.known(data.get("language")) or content.detect(
        proposal.title, proposal.body, proposal.role_residents, proposal.role_ward, proposal.kpis)
    if upload is not None and getattr(upload, "filename", ""):
        proposal.image_id = store_image(upload).id
    db.session.add(proposal)
    db.session.flush()
    if not new:
        record(author, "proposal.revised", proposal, state=proposal.state)
    reindex(proposal)
    db.session.commit()
    return proposal


def take_step(actor, proposal: Proposal, name: str, answer: str | None = None) -> None:
    """Move the proposal one lifecycle step; a conditional UPDATE so two clicks cannot both win."""
    step = lifecycle.step(name)
    values: dict = {"state": step.target}
    if step.target == "published":
        values["published_at"] = utcnow()
    if step.target in lifecycle.ANSWERED_STATES:
        values.update(answer=(answer or "").strip(), answered_at=utcnow())
    moved = db.session.execute(update(Proposal).where(Proposal.id == proposal.id,
                                                      Proposal.state.in_(step.sources))
                               .values(**values)).rowcount
    if moved != 1:
        db.session.rollback()
        raise ProposalError(_("This step is no longer possible: the proposal has moved on."))
    record(actor, f"proposal.{name}", proposal, source=proposal.state, to=step.target)
    notifications.proposal_moved(actor, proposal, step.target)
    db.session.commit()
    db.session.refresh(proposal)


# What a proposal's public history shows: its lifecycle steps, revisions and reviews. Other
# events about it (moderation) belong to the audit log, not to the public page.
HISTORY_EVENTS = (*lifecycle.STEPS, "revised", "reviewed")


def history(proposal: Proposal) -> list[AuditEvent]:
    return db.session.scalars(
        select(AuditEvent).options(joinedload(AuditEvent.actor))
        .where(AuditEvent.target_type == "proposal", AuditEvent.target_id == proposal.id,
               AuditEvent.action.in_([f"proposal.{name}" for name in HISTORY_EVENTS]))
        .order_by(AuditEvent.at, AuditEvent.id)).all()


def shown_as_office(event: AuditEvent, proposal: Proposal) -> str | None:
    """The ward's office (``CIVIC_HISTORY_OFFICE``) when the history names it instead of the
    staff member who took this step, else ``None`` (the person's name, or "automatic")."""
    office = current_app.config["CIVIC_HISTORY_OFFICE"]
    if office and event.actor_id is not None and event.actor_id != proposal.author_id:
        return office
    return None


# Lists and search -------------------------------------------------------------------------------

@dataclass
class Page:
    items: list
    page: int
    pages: int
    total: int


def _paged(statement, count_statement, page: int, per_page: int = PER_PAGE) -> Page:
    total = db.session.scalar(count_statement)
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    items = db.session.scalars(statement.limit(per_page).offset((page - 1) * per_page)).unique()
    return Page(list(items), page, pages, total)


def visible_filter(viewer_is_staff: bool, states=None):
    """The proposals of one process a person sees in its lists: ``viewer_is_staff`` for the
    staff who run the process (``proposals.manage``)."""
    conditions = [Proposal.state.in_(states or lifecycle.PUBLIC_STATES)]
    if not viewer_is_staff:
        conditions.append(Proposal.hidden_at.is_(None))
    return conditions


def visible_anywhere(scope):
    """Public proposals of any process a person finds, for their staff scope
    (``accounts.permissions.staff_scope``): hidden ones, and those of unpublished processes,
    only in the processes they run."""
    if scope == EVERY_AREA:
        return Proposal.state.in_(lifecycle.PUBLIC_STATES)
    shown = and_(Proposal.hidden_at.is_(None), Proposal.process_id.in_(
        select(Process.id).where(Process.published.is_(True))))
    if scope:
        shown = or_(shown, Proposal.process_id.in_(
            select(Process.id).where(Process.area_id.in_(scope))))
    return and_(Proposal.state.in_(lifecycle.PUBLIC_STATES), shown)


@functools.cache
def card_options() -> tuple:
    # What a proposal card and page show: its author's name (not their roles) and its area.
    # Built at first use: the options need every model mapped.
    return joinedload(Proposal.author).lazyload(User.role_rows), joinedload(Proposal.area)


def list_page(process, *, state=None, area_id=None, category=None, sort="newest", page=1,
              staff=False, language=None) -> Page:
    states = None
    if state in (lifecycle.STAFF_STATES if staff else lifecycle.PUBLIC_STATES):
        states = (state,)
    where = [Proposal.process_id == process.id, *visible_filter(staff, states)]
    if area_id:
        where.append(Proposal.area_id == area_id)
    if category:
        where.append(Proposal.category == category)
    if content.known(language):
        where.append(Proposal.language == language)
    order = {
        "newest": (Proposal.published_at.desc(), Proposal.id.desc()),
        "oldest": (Proposal.published_at, Proposal.id),
        "supported": (Proposal.support_count.desc(), Proposal.id.desc()),
        "commented": (Proposal.comment_count.desc(), Proposal.id.desc()),
    }[sort if sort in SORTS else "newest"]
    statement = (select(Proposal).where(*where).order_by(*order).options(*card_options()))
    return _paged(statement, select(func.count()).select_from(Proposal).where(*where), page)


def languages_in(process, staff=False) -> list[str]:
    """The content languages of the proposals a person sees in the list, in catalog order."""
    found = set(db.session.scalars(select(Proposal.language).distinct().where(
        Proposal.process_id == process.id, *visible_filter(staff))))
    return [code for code in content.CONTENT_LANGUAGES if code in found]


# The list page's per-person queries, built once (see notifications.services._UNREAD): the rest
# of the list usually comes from the fragment cache, which leaves these as most of its cost.
_MY_PROPOSALS = (select(Proposal.id, Proposal.title, Proposal.state)
                 .where(Proposal.author_id == bindparam("user_id"),
                        Proposal.process_id == bindparam("process_id"))
                 .order_by(Proposal.created_at.desc()))
_SUPPORTED = select(Support.proposal_id).where(
    Support.user_id == bindparam("user_id"),
    Support.proposal_id.in_(bindparam("proposal_ids", expanding=True)))


class MyProposal(NamedTuple):
    id: int
    title: str
    state: str


def my_proposals(user, process) -> list[MyProposal]:
    """The person's proposals in the process, as (id, title, state) rows for the list page."""
    return caching.personal(
        "proposals.mine", user.id, (process.id,), ("proposal",),
        lambda: [MyProposal(*row) for row in db.session.execute(
            _MY_PROPOSALS, {"user_id": user.id, "process_id": process.id})])


def staff_queue(process) -> list[Proposal]:
    """Proposals waiting for staff: submitted, in 事前相談 or in 審査."""
    return db.session.scalars(
        select(Proposal).options(joinedload(Proposal.author))
        .where(Proposal.process_id == process.id,
               Proposal.state.in_(("submitted", "consultation", "evaluation")))
        .order_by(Proposal.created_at)).all()


def reindex(proposal: Proposal) -> None:
    search.index("proposal", proposal.id, [
        (proposal.title, 3), (proposal.body, 1), (proposal.category, 1),
        (proposal.role_residents, 1), (proposal.role_ward, 1)])


def find(query: str, process=None, page: int = 1, scope=None) -> Page:
    """Proposals containing every term of the query, best (most weighted matches) first, among
    those visible with the staff ``scope`` (``accounts.permissions.staff_scope``)."""
    hits = search.matches("proposal", query)
    if hits is None:
        return Page([], 1, 1, 0)
    where = [visible_anywhere(scope)]
    if process is not None:
        where.append(Proposal.process_id == process.id)
    # One pass over the matches gives the ranking and the count; then only a page is loaded.
    ranked = db.session.scalars(select(Proposal.id).join(hits, hits.c.id == Proposal.id)
                                .where(*where)
                                .order_by(hits.c.score.desc(), Proposal.id.desc())).all()
    pages = max(1, -(-len(ranked) // PER_PAGE))
    page = min(max(1, page), pages)
    ids = ranked[(page - 1) * PER_PAGE:page * PER_PAGE]
    loaded = {p.id: p for p in db.session.scalars(
        select(Proposal).where(Proposal.id.in_(ids)).options(*card_options())).unique()} if ids else {}
    return Page([loaded[i] for i in ids], page, pages, len(ranked))


def find_comments(query: str, process=None, page: int = 1) -> Page:
    """Comments on proposals containing every term of the query, best first, as
    (comment, proposal) pairs. Deleted and hidden comments, and comments on proposals that are
    hidden or not public, never appear."""
    hits = search.matches("comment", query)
    if hits is None:
        return Page([], 1, 1, 0)
    where = [Comment.target_type == "proposal", Comment.deleted_at.is_(None),
             Comment.hidden_at.is_(None), visible_anywhere(None)]
    if process is not None:
        where.append(Proposal.process_id == process.id)

    def joined(statement):
        return (statement.join(hits, hits.c.id == Comment.id)
                .join(Proposal, Proposal.id == Comment.target_id).where(*where))

    statement = joined(select(Comment, Proposal)).order_by(hits.c.score.desc(),
                                                           Comment.id.desc())
    total = db.session.scalar(joined(select(func.count()).select_from(Comment)))
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(1, page), pages)
    rows = db.session.execute(statement.limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    return Page([tuple(row) for row in rows], page, pages, total)


# Supports (賛同) ---------------------------------------------------------------------------------

def supported_ids(user, proposal_ids) -> set[int]:
    if not getattr(user, "is_authenticated", False) or not proposal_ids:
        return set()
    ids = sorted(proposal_ids)
    return caching.personal(
        "proposals.supported", user.id, tuple(ids), ("support",),
        lambda: set(db.session.scalars(_SUPPORTED, {"user_id": user.id, "proposal_ids": ids})))


_LIVE_COUNTS = select(Proposal.id, Proposal.support_count, Proposal.comment_count).where(
    Proposal.id.in_(bindparam("ids", expanding=True)))


def live_counts(proposal_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Supports and comments of these proposals, for the slots of a cached list."""
    if not proposal_ids:
        return {}
    ids = sorted(proposal_ids)
    return caching.fragment(
        "proposals.counts", tuple(ids), ("proposal", caching.counts_of("proposal")),
        lambda: {id_: (supports, comments) for id_, supports, comments
                 in db.session.execute(_LIVE_COUNTS, {"ids": ids})})


def support(user, proposal: Proposal) -> None:
    """One support per person; the count moves in the same transaction as the row."""
    process = proposal.process
    settings = settings_for(process)
    if not process.is_open("supports_open", ward_today()):
        raise ProposalError(_("Supports are not open in this phase."))
    # The counter moves first: the new count comes back from one atomic UPDATE, so exactly one
    # support sees each; and it opens this write's transaction before anything else is written.
    # (On SQLite, pysqlite begins a transaction only at a write.) The rows below are inserted
    # with ON CONFLICT DO NOTHING, so an existing row costs no savepoint round trips. The hot
    # statements address the tables, not the mapped classes: the ORM's bookkeeping for them
    # (synchronising loaded objects) cost more than the statements, and nothing reads the
    # proposal's count before the commit expires it.
    dialect = db.session.get_bind().dialect.name
    row = {"proposal": proposal.id, "user": user.id, "process": process.id}
    count = db.session.execute(_COUNT_SUPPORT, row).scalar()
    if count is None:
        db.session.rollback()
        raise ProposalError(_("This proposal no longer takes supports."))
    if settings.support_limit:
        db.session.execute(insert_for(dialect)(SupportAllowance)
                           .values(user_id=user.id, process_id=process.id, used=0)
                           .on_conflict_do_nothing())
        allowed = db.session.execute(
            update(SupportAllowance)
            .where(SupportAllowance.user_id == user.id, SupportAllowance.process_id == process.id,
                   SupportAllowance.used < settings.support_limit)
            .values(used=SupportAllowance.used + 1)).rowcount
        if allowed != 1:
            db.session.rollback()
            raise ProposalError(_("You have used all %(n)d of your supports in this process.",
                                  n=settings.support_limit))
    added = db.session.execute(_add_support(dialect), row).scalar()
    if added is None:
        db.session.rollback()
        raise ProposalError(_("You already support this proposal."))
    notifications.support_counted(user, proposal, count, settings.support_threshold)
    if settings.support_threshold:
        reached = db.session.execute(
            update(Proposal).where(Proposal.id == proposal.id, Proposal.state == "published",
                                   Proposal.support_count >= settings.support_threshold)
            .values(state="evaluation")).rowcount
        if reached:
            record(None, "proposal.evaluate", proposal, source="published", to="evaluation",
                   threshold=settings.support_threshold)
            notifications.proposal_moved(None, proposal, "evaluation")
    db.session.commit()


_COUNT_SUPPORT = caching.counters_only(
    update(Proposal.__table__)
    .where(Proposal.__table__.c.id == bindparam("proposal"),
           Proposal.__table__.c.state == "published")
    .values(support_count=Proposal.__table__.c.support_count + 1)
    .returning(Proposal.__table__.c.support_count))


@functools.cache
def _add_support(dialect: str):
    supports = Support.__table__
    return (insert_for(dialect)(supports)
            .values(proposal_id=bindparam("proposal"), user_id=bindparam("user"),
                    process_id=bindparam("process"))
            .on_conflict_do_nothing().returning(supports.c.id))


def withdraw_support(user, proposal: Proposal) -> None:
    if proposal.state != "published" or not proposal.process.is_open("supports_open",
                                                                     ward_today()):
        raise ProposalError(_("Supports can only be withdrawn while supporting is open."))
    # The proposal's row first, as support() takes it: the same lock order, no deadlock.
    db.session.execute(select(Proposal.id).where(Proposal.id == proposal.id).with_for_update())
    removed = db.session.execute(delete(Support).where(
        Support.proposal_id == proposal.id, Support.user_id == user.id)).rowcount
    if removed != 1:
        db.session.rollback()
        raise ProposalError(_("You do not support this proposal."))
    db.session.execute(caching.counters_only(update(Proposal).where(Proposal.id == proposal.id)
                       .values(support_count=Proposal.support_count - 1)))
    db.session.execute(update(SupportAllowance).where(
        SupportAllowance.user_id == user.id, SupportAllowance.process_id == proposal.process_id,
        SupportAllowance.used > 0).values(used=SupportAllowance.used - 1))
    db.session.commit()


# 事前相談, 審査, progress -------------------------------------------------------------------------

def consultation(proposal: Proposal) -> list[ConsultationMessage]:
    return db.session.scalars(select(ConsultationMessage)
                              .where(ConsultationMessage.proposal_id == proposal.id)
                              .order_by(ConsultationMessage.created_at,
                                        ConsultationMessage.id)).all()


def post_consultation(user, proposal: Proposal, body: str) -> ConsultationMessage:
    message = ConsultationMessage(proposal_id=proposal.id, author_id=user.id, body=body.strip())
    db.session.add(message)
    db.session.flush()
    notifications.consultation_posted(user, proposal)
    db.session.commit()
    return message


def mark_consultation_read(user, proposal: Proposal) -> None:
    """Move the reader's marker to the newest message of the thread (never backwards)."""
    newest = db.session.scalar(select(func.max(ConsultationMessage.id))
                               .where(ConsultationMessage.proposal_id == proposal.id))
    if newest is None:
        return
    dialect = db.session.get_bind().dialect.name
    table = ConsultationRead.__table__
    statement = insert_for(dialect)(table).values(user_id=user.id, proposal_id=proposal.id,
                                                  last_message_id=newest)
    seen, now = table.c.last_message_id, statement.excluded.last_message_id
    db.session.execute(statement.on_conflict_do_update(
        index_elements=[table.c.user_id, table.c.proposal_id],
        set_={"last_message_id": case((seen > now, seen), else_=now)}))
    db.session.commit()


def reviews_for(user, proposal: Proposal) -> list[Review]:
    """While 審査 runs a reviewer sees only their own scores; after it closes, everyone's."""
    statement = select(Review).where(Review.proposal_id == proposal.id).order_by(Review.id)
    if review_open(proposal):
        statement = statement.where(Review.reviewer_id == user.id)
    return db.session.scalars(statement).all()


def review_open(proposal: Proposal) -> bool:
    return proposal.state == "evaluation"


def save_review(reviewer, proposal: Proposal, scores: dict, comment: str) -> Review:
    if not review_open(proposal):
        raise ProposalError(_("The review of this proposal is closed."))
    review = db.session.scalar(select(Review).where(Review.proposal_id == proposal.id,
                                                    Review.reviewer_id == reviewer.id))
    if review is None:
        review = Review(proposal_id=proposal.id, reviewer_id=reviewer.id)
        db.session.add(review)
    else:
        review.updated_at = utcnow()
    review.scores, review.comment = scores, comment.strip()
    record(reviewer, "proposal.reviewed", proposal)
    db.session.commit()
    return review


def score_summary(reviews: list[Review], criteria) -> dict[str, float]:
    """Average per criterion (only shown once the review is closed)."""
    summary = {}
    for criterion in criteria:
        values = [r.scores[criterion] for r in reviews if criterion in r.scores]
        if values:
            summary[criterion] = round(sum(values) / len(values), 2)
    return summary


# Built once: a proposal's page and the API's proposal ask it for every proposal shown, and
# building the statement cost more than running it.
_UPDATES = (select(ProgressUpdate).where(ProgressUpdate.proposal_id == bindparam("proposal_id"))
            .order_by(ProgressUpdate.created_at.desc(), ProgressUpdate.id.desc()))


def updates(proposal: Proposal) -> list[ProgressUpdate]:
    # Reports are filed only once a proposal is accepted, and an accepted proposal never leaves
    # the accountable states: the others (most of them) have none to read.
    if proposal.state not in lifecycle.ACCOUNTABLE_STATES:
        return []
    return db.session.scalars(_UPDATES, {"proposal_id": proposal.id}).all()


def evidence_surveys(proposal: Proposal) -> list:
    """Surveys a report may cite for its KPIs: its process's, with public results."""
    from civic.surveys.models import Survey

    return list(db.session.scalars(select(Survey).where(
        Survey.process_id == proposal.process_id, Survey.results_public.is_(True),
        Survey.state != "draft").order_by(Survey.id)))


def add_update(user, proposal: Proposal, kind: str, progress: int, body: str,
               kpi_values: str = "", self_evaluation: str = "",
               survey_id: int | None = None) -> ProgressUpdate:
    """A dated progress update; 中間報告 and 結果報告 also take their lifecycle step."""
    step = {"interim": "interim_report", "final": "final_report"}.get(kind)
    if step:
        moved = db.session.execute(update(Proposal).where(
            Proposal.id == proposal.id, Proposal.state.in_(lifecycle.step(step).sources))
            .values(state=lifecycle.step(step).target)).rowcount
        if moved != 1:
            db.session.rollback()
            raise ProposalError(_("This report cannot be filed in the proposal's current state."))
        record(user, f"proposal.{step}", proposal, source=proposal.state,
               to=lifecycle.step(step).target)
        notifications.proposal_moved(user, proposal, lifecycle.step(step).target)
    entry = ProgressUpdate(proposal_id=proposal.id, author_id=user.id, kind=kind,
                           progress=progress, body=body.strip(), kpi_values=kpi_values.strip(),
                           self_evaluation=self_evaluation.strip(), survey_id=survey_id)
    db.session.add(entry)
    db.session.execute(update(Proposal).where(Proposal.id == proposal.id)
                       .values(progress=progress))
    db.session.commit()
    db.session.refresh(proposal)
    return entry


# Personal data ----------------------------------------------------------------------------------

def personal_data(user) -> tuple[str, object]:
    proposals = db.session.scalars(select(Proposal).where(Proposal.author_id == user.id)).all()
    supports = db.session.scalars(select(Support).where(Support.user_id == user.id)).all()
    return "proposals", {
        "proposals": [{"id": p.id, "title": p.title, "state": p.state, "body": p.body,
                       "created_at": p.created_at.isoformat() + "Z"} for p in proposals],
        "supports": [{"proposal_id": s.proposal_id, "created_at": s.created_at.isoformat() + "Z"}
                     for s in supports],
    }
