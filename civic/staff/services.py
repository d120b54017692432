"""The staff inbox: what waits for one staff member, per process and per area, with counts.

Every count is one GROUP BY query over the processes the person handles
(``spaces.services.handled_processes``); the areas' totals add up those few rows.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import and_, exists, func, or_, select, union_all
from sqlalchemy.orm import joinedload

from civic.comments.models import Comment
from civic.extensions import db
from civic.insights.models import IMPORT_PENDING, Analysis, AnalysisImport
from civic.jobs.models import DONE, FAILED, Job
from civic.moderation.models import ModerationItem
from civic.proposals.models import ConsultationMessage, ConsultationRead, Proposal, Review
from civic.spaces.models import Area, Process
from civic.spaces.services import handled_processes, my_area_ids
from civic.timeutil import utcnow

# Finished jobs and unfinished imports stay in the inbox this long.
RECENT = timedelta(days=7)
LISTED = 20  # items listed per kind of work; the counts cover them all

COUNTS = ("submitted", "unread", "to_review", "reports")


@dataclass
class ProcessWork:
    process: Process
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class AreaWork:
    area: Area | None  # None: the whole city
    mine: bool  # an area the person is assigned to
    processes: list[ProcessWork] = field(default_factory=list)

    def count(self, kind: str) -> int:
        return sum(work.counts[kind] for work in self.processes)

    @property
    def total(self) -> int:
        return sum(work.total for work in self.processes)


@dataclass
class Inbox:
    areas: list[AreaWork]
    submitted: list[Proposal]
    threads: list[tuple[Proposal, int]]  # 事前相談 threads with the number of unread messages
    to_review: list[Proposal]
    reports: int | None  # pending moderation items, for moderators only
    jobs: list[Job]
    imports: list[tuple[AnalysisImport, Analysis]]

    def count(self, kind: str) -> int:
        return sum(area.count(kind) for area in self.areas)


def _unread_messages(user):
    """Messages of others in 事前相談 threads that ``user`` has not read yet (a join chain)."""
    marker = and_(ConsultationRead.proposal_id == ConsultationMessage.proposal_id,
                  ConsultationRead.user_id == user.id)
    return (select(ConsultationMessage.proposal_id, ConsultationMessage.id)
            .outerjoin(ConsultationRead, marker)
            .where(or_(ConsultationMessage.author_id.is_(None),
                       ConsultationMessage.author_id != user.id),
                   ConsultationMessage.id > func.coalesce(ConsultationRead.last_message_id, 0))
            .subquery())


def _to_review(user):
    mine = exists(select(Review.id).where(Review.proposal_id == Proposal.id,
                                          Review.reviewer_id == user.id))
    return [Proposal.state == "evaluation", ~mine]


def _reported_processes():
    """(process id) of each pending moderation item about a proposal or a comment on one."""
    about_proposals = (select(Proposal.process_id.label("process_id"))
                       .join(ModerationItem, and_(ModerationItem.target_type == "proposal",
                                                  ModerationItem.target_id == Proposal.id))
                       .where(ModerationItem.state == "pending"))
    about_comments = (select(Proposal.process_id.label("process_id"))
                      .join(Comment, and_(Comment.target_type == "proposal",
                                          Comment.target_id == Proposal.id))
                      .join(ModerationItem, and_(ModerationItem.target_type == "comment",
                                                 ModerationItem.target_id == Comment.id))
                      .where(ModerationItem.state == "pending"))
    return union_all(about_proposals, about_comments).subquery()


def _per_process(statement) -> dict[int, int]:
    return dict(db.session.execute(statement).all())


def inbox(user, moderator: bool = False) -> Inbox:
    handled = handled_processes(user)
    unread = _unread_messages(user)
    counts = {
        "submitted": _per_process(
            select(Proposal.process_id, func.count()).where(
                Proposal.state == "submitted", Proposal.process_id.in_(handled))
            .group_by(Proposal.process_id)),
        "unread": _per_process(
            select(Proposal.process_id, func.count(func.distinct(Proposal.id)))
            .join(unread, unread.c.proposal_id == Proposal.id)
            .where(Proposal.state != "draft", Proposal.process_id.in_(handled))
            .group_by(Proposal.process_id)),
        "to_review": _per_process(
            select(Proposal.process_id, func.count()).where(
                *_to_review(user), Proposal.process_id.in_(handled))
            .group_by(Proposal.process_id)),
        "reports": {},
    }
    reports = None
    if moderator:
        reported = _reported_processes()
        counts["reports"] = _per_process(
            select(reported.c.process_id, func.count()).where(reported.c.process_id.in_(handled))
            .group_by(reported.c.process_id))
        reports = db.session.scalar(select(func.count()).select_from(ModerationItem)
                                    .where(ModerationItem.state == "pending"))
    processes = db.session.scalars(
        select(Process).where(Process.id.in_(handled)).options(joinedload(Process.area))
        .order_by(Process.created_at.desc(), Process.id.desc())).all()
    return Inbox(
        areas=_by_area(processes, counts, my_area_ids(user)),
        submitted=_proposals(select(Proposal).where(
            Proposal.state == "submitted", Proposal.process_id.in_(handled))
            .order_by(Proposal.created_at)),
        threads=_threads(unread, handled),
        to_review=_proposals(select(Proposal).where(
            *_to_review(user), Proposal.process_id.in_(handled))
            .order_by(Proposal.created_at)),
        reports=reports,
        jobs=db.session.scalars(select(Job).where(
            Job.created_by_id == user.id, Job.status.in_((DONE, FAILED)),
            Job.finished_at >= utcnow() - RECENT)
            .order_by(Job.finished_at.desc()).limit(LISTED)).all(),
        imports=[tuple(row) for row in db.session.execute(
            select(AnalysisImport, Analysis).join(Analysis)
            .where(AnalysisImport.status == IMPORT_PENDING,
                   AnalysisImport.created_at >= utcnow() - RECENT,
                   or_(Analysis.process_id.is_(None), Analysis.process_id.in_(handled)))
            .order_by(AnalysisImport.created_at.desc()).limit(LISTED))],
    )


def _proposals(statement) -> list[Proposal]:
    return db.session.scalars(statement.options(joinedload(Proposal.process))
                              .limit(LISTED)).all()


def _threads(unread, handled) -> list[tuple[Proposal, int]]:
    rows = db.session.execute(
        select(Proposal.id, func.count(unread.c.id))
        .join(unread, unread.c.proposal_id == Proposal.id)
        .where(Proposal.state != "draft", Proposal.process_id.in_(handled))
        .group_by(Proposal.id).order_by(func.max(unread.c.id).desc()).limit(LISTED)).all()
    loaded = {p.id: p for p in _proposals(select(Proposal).where(
        Proposal.id.in_([proposal_id for proposal_id, _n in rows])))}
    return [(loaded[proposal_id], n) for proposal_id, n in rows]


def _by_area(processes, counts, mine: list[int]) -> list[AreaWork]:
    """The person's own areas first (in their order), then the whole city, then the others."""
    groups: dict[int | None, AreaWork] = {}
    for process in processes:
        group = groups.setdefault(process.area_id, AreaWork(process.area,
                                                            process.area_id in mine))
        group.processes.append(ProcessWork(process, {
            kind: counts[kind].get(process.id, 0) for kind in COUNTS}))

    def rank(group: AreaWork):
        if group.mine:
            return (0, mine.index(group.area.id), "")
        if group.area is None:
            return (1, 0, "")
        return (2, group.area.position, group.area.name)

    return sorted(groups.values(), key=rank)
