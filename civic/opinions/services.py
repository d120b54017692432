"""Conversations, votes, the recompute job, Polis open data in and out, and the published report."""

from __future__ import annotations

import calendar
import csv
import hashlib
import io
import secrets
import time
import zipfile
from dataclasses import dataclass

import numpy as np
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from civic.audit.services import record
from civic.extensions import db, insert_for
from civic.opinions import drawing, maths, polis_csv, priority
from civic.opinions.models import (
    AWAITING_REVIEW,
    Conversation,
    OpinionParticipant,
    OpinionResult,
    OpinionVote,
    Statement,
)
from civic.timeutil import utcnow

RECOMPUTE_JOB = "opinions.recompute"
VALUES = {"agree": 1, "disagree": -1, "pass": 0}  # nosec B105 - vote values, not a password
# Points drawn on the map at most; the hulls still use everyone.
MAX_DRAWN = 2000


class OpinionError(Exception):
    """Something the person can fix or needs to know; ``str(error)`` is translated."""


def conversations_of(process) -> list[Conversation]:
    return db.session.scalars(select(Conversation).where(Conversation.process_id == process.id)
                              .order_by(Conversation.id)).all()


def _lines(text: str, limit: int) -> list[str]:
    return [line.strip()[:limit] for line in (text or "").splitlines() if line.strip()]


SETTINGS = ("question", "description", "statement_length", "moderation", "voters",
            "participants_write", "map_public")


def save_conversation(conversation: Conversation, data: dict, user) -> Conversation:
    created = conversation.id is None
    for name in SETTINGS:
        setattr(conversation, name, data[name])
    conversation.question = conversation.question.strip()
    conversation.description = (conversation.description or "").strip()
    if created:
        conversation.created_by_id = user.id
        db.session.add(conversation)
        db.session.flush()
    seeds = add_seeds(conversation, data.get("seeds") or "", user, commit=False)
    record(user, "opinions.created" if created else "opinions.updated", conversation,
           seeds=seeds)
    db.session.commit()
    return conversation


def add_seeds(conversation: Conversation, text: str, user, commit: bool = True) -> int:
    """Staff's seed statements, one per line; visible at once (staff wrote them)."""
    lines = _lines(text, conversation.statement_length)
    for line in lines:
        db.session.add(Statement(conversation_id=conversation.id, author_id=user.id,
                                 is_seed=True, body=line))
    if lines:
        _bump(conversation)
    if commit:
        record(user, "opinions.seeded", conversation, seeds=len(lines))
        db.session.commit()
    return len(lines)


def _bump(conversation: Conversation) -> None:
    db.session.execute(update(Conversation).where(Conversation.id == conversation.id)
                       .values(votes_version=Conversation.votes_version + 1))


# Who takes part ---------------------------------------------------------------------------------

def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def vote_problem(user, conversation: Conversation, today) -> str | None:
    """Why ``user`` may not vote now (None: they may). Guests are anonymous users."""
    from civic.moderation.services import is_blocked

    process = conversation.process
    if not process.published or not process.is_open("opinions_open", today):
        return "closed"
    signed = bool(user and user.is_authenticated and not user.is_deleted)
    if not signed:
        return None if conversation.voters == "guests" else "sign_in"
    if not user.is_confirmed:
        return "confirm_email"
    if is_blocked(user):
        return "blocked"
    if conversation.voters == "verified":
        residency = user.residency
        if residency is None or (process.area_id is not None
                                 and residency.area_id != process.area_id):
            return "verify"
    return None


def problem_message(problem: str) -> str:
    return {
        "closed": _("Voting on this conversation is closed."),
        "sign_in": _("Please sign in to vote."),
        "confirm_email": _("Please confirm your e-mail address first."),
        "blocked": _("A moderator has stopped this account from posting."),
        "verify": _("Only verified residents of the area can vote on this conversation."),
    }[problem]


def find_participant(conversation: Conversation, user, guest_token: str | None):
    if user is not None and getattr(user, "is_authenticated", False):
        return db.session.scalar(select(OpinionParticipant).where(
            OpinionParticipant.conversation_id == conversation.id,
            OpinionParticipant.user_id == user.id))
    if guest_token:
        return db.session.scalar(select(OpinionParticipant).where(
            OpinionParticipant.conversation_id == conversation.id,
            OpinionParticipant.guest_token_hash == _hash(guest_token)))
    return None


def join(conversation: Conversation, user, guest_token: str | None):
    """The person's participant row, created on their first vote: ``(participant, new token)``."""
    found = find_participant(conversation, user, guest_token)
    if found is not None:
        return found, None
    signed = user is not None and getattr(user, "is_authenticated", False)
    token = None if signed else secrets.token_urlsafe(24)
    participant = OpinionParticipant(conversation_id=conversation.id,
                                     user_id=user.id if signed else None,
                                     guest_token_hash=None if signed else _hash(token))
    try:
        with db.session.begin_nested():
            db.session.add(participant)
    except IntegrityError:  # the same person's other tab joined a moment ago
        return find_participant(conversation, user, guest_token), None
    return participant, token


def share(participant: OpinionParticipant, age_band: str | None, area_id: int | None) -> None:
    participant.age_band = age_band or None
    participant.area_id = area_id or None
    db.session.commit()


# Votes and statements ---------------------------------------------------------------------------

def visible_statement(conversation: Conversation, statement_id: int) -> Statement | None:
    statement = db.session.get(Statement, statement_id)
    if statement is None or statement.conversation_id != conversation.id or statement.is_hidden:
        return None
    return statement


def vote(conversation: Conversation, participant: OpinionParticipant, statement: Statement,
         value: int) -> None:
    """One vote per participant and statement: a second vote replaces the first."""
    insert = insert_for(db.engine.dialect.name)
    statement_sql = insert(OpinionVote).values(
        conversation_id=conversation.id, statement_id=statement.id,
        participant_id=participant.id, value=value, voted_at=utcnow())
    db.session.execute(statement_sql.on_conflict_do_update(
        index_elements=["participant_id", "statement_id"],
        set_={"value": value, "voted_at": utcnow()}))
    _bump(conversation)
    db.session.commit()
    request_recompute(conversation)


def write_statement(conversation: Conversation, participant: OpinionParticipant, user,
                    body: str) -> Statement:
    body = " ".join((body or "").split())
    if not body:
        raise OpinionError(_("Please write your statement."))
    if len(body) > conversation.statement_length:
        raise OpinionError(_("A statement has at most %(count)d characters.",
                             count=conversation.statement_length))
    duplicate = db.session.scalar(select(Statement.id).where(
        Statement.conversation_id == conversation.id, Statement.body == body))
    if duplicate is not None:
        raise OpinionError(_("This statement is already in the conversation."))
    signed = user is not None and getattr(user, "is_authenticated", False)
    statement = Statement(conversation_id=conversation.id, participant_id=participant.id,
                          author_id=user.id if signed else None, body=body)
    if conversation.moderation == "pre":
        statement.hidden_at, statement.hidden_reason = utcnow(), AWAITING_REVIEW
    db.session.add(statement)
    db.session.flush()
    if conversation.moderation == "pre":
        _queue_for_review(statement)
    _bump(conversation)
    db.session.commit()
    return statement


def _queue_for_review(statement: Statement) -> None:
    """Pre-moderation: the statement waits in the shared moderation queue (no report needed)."""
    from civic.moderation.models import ModerationItem

    db.session.add(ModerationItem(target_type="opinion_statement", target_id=statement.id,
                                  author_id=statement.author_id))


def guests_may_write(conversation: Conversation) -> bool:
    """Guests write only where a moderator reads every statement first."""
    return conversation.voters == "guests" and conversation.moderation == "pre"


def _tallies(conversation: Conversation) -> list[priority.Tally]:
    rows = db.session.execute(
        select(Statement.id, OpinionVote.value, func.count(OpinionVote.id))
        .outerjoin(OpinionVote, OpinionVote.statement_id == Statement.id)
        .where(Statement.conversation_id == conversation.id, Statement.hidden_at.is_(None))
        .group_by(Statement.id, OpinionVote.value)).all()
    counts: dict[int, dict] = {}
    for statement_id, value, count in rows:
        entry = counts.setdefault(statement_id, {1: 0, -1: 0, 0: 0})
        if value is not None:
            entry[value] = count
    extremity = db.session.scalar(select(OpinionResult.extremity).where(
        OpinionResult.conversation_id == conversation.id)) or {}
    return [priority.Tally(sid, c[1], c[-1], c[0], float(extremity.get(str(sid), 0.0)))
            for sid, c in sorted(counts.items())]


def voted_ids(participant: OpinionParticipant | None) -> set[int]:
    if participant is None:
        return set()
    return set(db.session.scalars(select(OpinionVote.statement_id).where(
        OpinionVote.participant_id == participant.id)))


def next_statement(conversation: Conversation, participant: OpinionParticipant | None):
    """``(statement or None, how many are left)`` for this participant, by Polis's priority."""
    tallies = _tallies(conversation)
    voted = voted_ids(participant)
    left = sum(1 for t in tallies if t.statement not in voted)
    seed = (participant.id if participant else 0) * 100_003 + len(voted)
    chosen = priority.choose(tallies, voted, seed)
    return (db.session.get(Statement, chosen) if chosen is not None else None), left


# Recompute ---------------------------------------------------------------------------------------

def computed_at(conversation: Conversation):
    """When the map was last computed (None: never), without loading the map."""
    return db.session.scalar(select(OpinionResult.computed_at).where(
        OpinionResult.conversation_id == conversation.id))


def current_result(conversation: Conversation) -> OpinionResult | None:
    return db.session.scalar(select(OpinionResult).where(
        OpinionResult.conversation_id == conversation.id))


def request_recompute(conversation: Conversation, user=None):
    """Queue a recompute unless one is already waiting: votes in a burst share one job.

    A job that is running counted fewer votes than there are now, so one more is queued
    behind it; the job reads the votes when it starts, so it counts everything up to then.
    """
    from civic.jobs import services as jobs
    from civic.jobs.models import QUEUED

    waiting = jobs.latest(RECOMPUTE_JOB, conversation_id=conversation.id)
    if waiting is not None and waiting.status == QUEUED:
        return None
    return jobs.enqueue(RECOMPUTE_JOB, {"conversation_id": conversation.id}, user)


def vote_matrix(conversation_id: int) -> tuple[maths.VoteMatrix, int]:
    """The conversation's votes as Polis's matrix (ids as text), and the version they are of."""
    version = db.session.scalar(select(Conversation.votes_version)
                                .where(Conversation.id == conversation_id))
    statements = db.session.execute(
        select(Statement.id, Statement.hidden_reason, Statement.hidden_at)
        .where(Statement.conversation_id == conversation_id).order_by(Statement.id)).all()
    # Statements waiting for review were never shown; moderated-out ones count as passes.
    shown = [s for s in statements if s.hidden_reason != AWAITING_REVIEW or s.hidden_at is None]
    statement_ids = np.array([s.id for s in shown], dtype=np.int64)
    out = frozenset(str(s.id) for s in shown if s.hidden_at is not None)
    rows = db.session.execute(
        select(OpinionVote.participant_id, OpinionVote.statement_id, OpinionVote.value)
        .where(OpinionVote.conversation_id == conversation_id)).all()
    votes = np.array(rows, dtype=np.int64).reshape(-1, 3)
    keep = np.isin(votes[:, 1], statement_ids)
    votes = votes[keep]
    participant_ids = np.unique(votes[:, 0])
    cells = np.full((len(participant_ids), len(statement_ids)), np.nan)
    cells[np.searchsorted(participant_ids, votes[:, 0]),
          np.searchsorted(statement_ids, votes[:, 1])] = votes[:, 2]
    matrix = maths.VoteMatrix([str(p) for p in participant_ids],
                              [str(s) for s in statement_ids], cells, out)
    return matrix, version


def _stats(stats: maths.StatementStats) -> dict:
    return {"seen": stats.seen, **stats.percentages()}


def analysis_data(matrix: maths.VoteMatrix, analysis: maths.Analysis) -> dict:
    """What the map and the report show, as JSON-ready data."""
    grouping = analysis.grouping
    points = grouping.projection.points
    participants = {p: [round(float(points[i, 0]), 4), round(float(points[i, 1]), 4),
                        int(grouping.labels[i]) if grouping.labels[i] >= 0 else None]
                    for i, p in enumerate(matrix.participants)}
    groups = []
    for g in range(grouping.k):
        groups.append({
            "id": g, "size": int((grouping.labels == g).sum()),
            "representative": [{"statement": int(rep.statement), "repful_for": rep.repful_for,
                                "percent": rep.group.percentages()[rep.repful_for],
                                "others_percent": rep.others.percentages()[rep.repful_for]}
                               for rep in analysis.representative.get(g, [])]})

    def listed(found):
        return [{"statement": int(c.statement), "groups": [_stats(s) for s in c.groups]}
                for c in found]

    components = grouping.projection.components
    norms = np.linalg.norm(components, axis=0)
    mean = float(norms.mean()) if norms.size and norms.mean() > 0 else 1.0
    seen = ~np.isnan(matrix.votes)
    return {
        "k": grouping.k, "participants": participants, "groups": groups,
        "consensus": listed(analysis.consensus), "divisive": listed(analysis.divisive),
        "uncertain": listed(analysis.uncertain),
        "extremity": {s: round(float(norms[j] / mean), 4)
                      for j, s in enumerate(matrix.statements)},
        "participant_count": len(matrix.participants), "vote_count": int(seen.sum()),
    }


def recompute(conversation_id: int, progress=None) -> dict:
    """Compute the map of all votes now and keep it (the job's work)."""
    started = time.perf_counter()
    matrix, version = vote_matrix(conversation_id)
    if progress:
        progress(0.2, "votes read")
    data = analysis_data(matrix, maths.analyse(matrix))
    extremity = data.pop("extremity")
    seconds = time.perf_counter() - started
    result = db.session.scalar(select(OpinionResult).where(
        OpinionResult.conversation_id == conversation_id))
    if result is None:
        result = OpinionResult(conversation_id=conversation_id)
        db.session.add(result)
    result.votes_version, result.data, result.extremity = version, data, extremity
    result.computed_at, result.seconds = utcnow(), round(seconds, 4)
    try:
        db.session.commit()
    except IntegrityError:  # another recompute stored its result first: keep the newer one
        db.session.rollback()
        result = db.session.scalar(select(OpinionResult).where(
            OpinionResult.conversation_id == conversation_id))
        result.votes_version, result.data, result.extremity = version, data, extremity
        result.computed_at, result.seconds = utcnow(), round(seconds, 4)
        db.session.commit()
    return {"k": data["k"], "participants": data["participant_count"],
            "seconds": round(seconds, 4)}


# The map -----------------------------------------------------------------------------------------

@dataclass
class MapGroup:
    id: int
    size: int
    hull: str
    representative: list[dict]


def drawn_map(result: OpinionResult, me: OpinionParticipant | None) -> dict:
    """Everything the SVG needs: points in the view box, hull per group, one's own point."""
    rows = list(result.data.get("participants", {}).items())
    placed = [(pid, row[2]) for pid, row in rows]
    scaled = drawing.scale([(row[0], row[1]) for _pid, row in rows])
    hulls = {}
    for g in range(result.data.get("k", 0)):
        members = [xy for xy, (_pid, group) in zip(scaled, placed, strict=True) if group == g]
        hulls[g] = drawing.svg_points(drawing.convex_hull(members))
    step = max(1, len(scaled) // MAX_DRAWN)
    points = [(x, y, group) for (x, y), (_pid, group) in list(zip(scaled, placed,
                                                                  strict=True))[::step]]
    mine = None
    if me is not None:
        for (x, y), (pid, group) in zip(scaled, placed, strict=True):
            if pid == str(me.id):
                mine = (x, y, group)
                break
    return {"points": points, "hulls": hulls, "mine": mine, "view": drawing.VIEW}


def statement_texts(conversation: Conversation) -> dict[int, str]:
    return dict(db.session.execute(select(Statement.id, Statement.body).where(
        Statement.conversation_id == conversation.id, Statement.hidden_at.is_(None))).all())


def published_report(conversation: Conversation) -> dict | None:
    """The opinion map as plain data for the public API: groups, statements, no participants.

    None unless residents may see the map (a published process, the map public, computed).
    """
    result = current_result(conversation)
    if not (conversation.process.published and conversation.map_public and result):
        return None
    texts = statement_texts(conversation)
    data = result.data

    def named(rows):
        return [{**row, "text": texts[row["statement"]]} for row in rows
                if row["statement"] in texts]

    return {
        "conversation": conversation.id, "question": conversation.question,
        "computed_at": result.computed_at.isoformat() + "Z",
        "participant_count": data.get("participant_count", 0),
        "vote_count": data.get("vote_count", 0),
        "groups": [{"id": g["id"], "size": g["size"],
                    "representative": named(g["representative"])} for g in data.get("groups", [])],
        "consensus": named(data.get("consensus", [])),
        "divisive": named(data.get("divisive", [])),
        "uncertain": named(data.get("uncertain", [])),
    }


def feature_comparison(conversation: Conversation, result: OpinionResult) -> dict:
    """Per group, how many people shared each age band and area (only what people chose to share)."""
    from civic.spaces.models import Area

    groups = {pid: row[2] for pid, row in result.data.get("participants", {}).items()}
    rows = db.session.execute(
        select(OpinionParticipant.id, OpinionParticipant.age_band, Area.name)
        .outerjoin(Area, Area.id == OpinionParticipant.area_id)
        .where(OpinionParticipant.conversation_id == conversation.id)).all()
    ages: dict[str, dict[int, int]] = {}
    areas: dict[str, dict[int, int]] = {}
    shared = 0
    for pid, age, area in rows:
        group = groups.get(str(pid))
        if group is None or (age is None and area is None):
            continue
        shared += 1
        if age:
            ages.setdefault(age, {}).setdefault(group, 0)
            ages[age][group] += 1
        if area:
            areas.setdefault(area, {}).setdefault(group, 0)
            areas[area][group] += 1
    return {"ages": ages, "areas": areas, "shared": shared}


# Themes ----------------------------------------------------------------------------------------

def to_themes(conversation: Conversation, title: str, user):
    """Staff's one button: the visible statements' texts become a running themes analysis."""
    from civic.insights import services as insights

    rows = [("opinion", f"opinion-statement:{sid}", text)
            for sid, text in sorted(statement_texts(conversation).items())]
    return insights.analyse_texts(title, conversation.process, rows, user)


# Polis open data ---------------------------------------------------------------------------------

def _millis(moment) -> int:
    """Polis's timestamps: milliseconds since the epoch (civic stores naive UTC)."""
    return calendar.timegm(moment.timetuple()) * 1000 + moment.microsecond // 1000


def _polis_moderated(statement: Statement) -> int:
    state = statement.moderation_state
    return {"visible": 1, "awaiting": 0, "hidden": polis_csv.MODERATED_OUT}[state]


def export_zip(conversation: Conversation, public: bool = False) -> bytes:
    """comments.csv, votes.csv and participants-votes.csv of the conversation, zipped.

    Participants are named by their number in this conversation, never by account. The public
    export (open data, once the map is published) keeps only visible statements and the votes on
    them, and numbers the participants 0, 1, 2 … as Polis's own open data does, so that not even
    a row id leaves civic. The texts are written as they are, not formula-escaped like civic's
    spreadsheet CSVs: this is a data format that Polis and its tools read back.
    """
    statements = db.session.scalars(select(Statement).where(
        Statement.conversation_id == conversation.id).order_by(Statement.id)).all()
    votes = db.session.execute(
        select(OpinionVote.statement_id, OpinionVote.participant_id, OpinionVote.value,
               OpinionVote.voted_at)
        .where(OpinionVote.conversation_id == conversation.id)
        .order_by(OpinionVote.voted_at, OpinionVote.id)).all()
    matrix, _version = vote_matrix(conversation.id)
    name = str
    if public:
        statements = [s for s in statements if s.hidden_at is None]
        shown = {s.id for s in statements}
        votes = [v for v in votes if v[0] in shown]
        people = {v[1] for v in votes} | {s.participant_id for s in statements
                                          if s.participant_id}
        name = {pid: str(n) for n, pid in enumerate(sorted(people))}.__getitem__
        columns = [j for j, s in enumerate(matrix.statements) if int(s) in shown]
        rows = [i for i, p in enumerate(matrix.participants) if int(p) in people]
        matrix = maths.VoteMatrix([name(int(matrix.participants[i])) for i in rows],
                                  [matrix.statements[j] for j in columns],
                                  matrix.votes[np.ix_(rows, columns)])
    tallies: dict[int, list[int]] = {}
    for sid, _pid, value, _at in votes:
        entry = tallies.setdefault(sid, [0, 0])
        if value == 1:
            entry[0] += 1
        elif value == -1:
            entry[1] += 1
    comments = []
    for s in statements:
        if s.moderation_state == "awaiting":
            continue
        agrees, disagrees = tallies.get(s.id, [0, 0])
        comments.append(polis_csv.Comment(
            comment_id=str(s.id), author_id=name(s.participant_id) if s.participant_id else "",
            body=s.body, moderated=_polis_moderated(s), agrees=agrees, disagrees=disagrees,
            timestamp=_millis(s.created_at), datetime=s.created_at.isoformat() + "Z"))
    vote_rows = [polis_csv.Vote(comment_id=str(sid), voter_id=name(pid), vote=value,
                                timestamp=_millis(at), datetime=at.isoformat() + "Z")
                 for sid, pid, value, at in votes]
    result = current_result(conversation)
    placed = result.data.get("participants", {}).items() if result else ()
    groups = {name(int(p)): row[2] for p, row in placed
              if not public or int(p) in people}
    authored: dict[str, int] = {}
    for s in statements:
        if s.participant_id:
            authored[name(s.participant_id)] = authored.get(name(s.participant_id), 0) + 1
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("comments.csv", polis_csv.render(polis_csv.comments_rows(comments)))
        archive.writestr("votes.csv", polis_csv.render(polis_csv.votes_rows(vote_rows)))
        archive.writestr("participants-votes.csv", polis_csv.render(
            polis_csv.participants_votes_rows(matrix, groups, authored)))
    return out.getvalue()


def _rows(data: bytes, name: str):
    try:
        return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    except (UnicodeDecodeError, csv.Error) as error:
        raise OpinionError(_("%(name)s is not a readable CSV file.", name=name)) from error


def _cells(files: dict[str, bytes], known: set[str]) -> list[tuple[str, str, int]]:
    """(voter, comment, vote) of each participant's latest vote on a known comment."""
    if files.get("votes.csv"):
        latest: dict[tuple[str, str], polis_csv.Vote] = {}
        for v in polis_csv.read_votes(_rows(files["votes.csv"], "votes.csv")):
            key = (v.voter_id, v.comment_id)
            if v.comment_id in known and (key not in latest
                                          or v.timestamp >= latest[key].timestamp):
                latest[key] = v
        return [(voter, comment, v.vote) for (voter, comment), v in latest.items()]
    matrix = polis_csv.read_participants_votes(
        _rows(files["participants-votes.csv"], "participants-votes.csv")).matrix
    rows, columns = np.nonzero(~np.isnan(matrix.votes))
    return [(matrix.participants[i], matrix.statements[j], int(matrix.votes[i, j]))
            for i, j in zip(rows, columns, strict=True) if matrix.statements[j] in known]


def import_polis(process, question: str, files: dict[str, bytes], user) -> Conversation:
    """A new conversation from Polis open data: comments.csv, and votes.csv or
    participants-votes.csv (votes.csv wins when both are given: it holds every vote).

    Nothing is stored unless every file reads.
    """
    if not files.get("comments.csv"):
        raise OpinionError(_("Please choose the conversation's comments.csv."))
    if not (files.get("votes.csv") or files.get("participants-votes.csv")):
        raise OpinionError(_("Please choose votes.csv or participants-votes.csv."))
    try:
        comments = polis_csv.read_comments(_rows(files["comments.csv"], "comments.csv"))
        cells = _cells(files, {c.comment_id for c in comments})
    except ValueError as error:
        raise OpinionError(_("The files could not be read: %(error)s", error=str(error))) from None
    if not comments:
        raise OpinionError(_("comments.csv holds no comments."))
    conversation = Conversation(process_id=process.id, question=question.strip()[:300],
                                statement_length=min(1000, max(140, *(len(c.body)
                                                                     for c in comments))),
                                moderation="post", voters="signed_in", created_by_id=user.id)
    db.session.add(conversation)
    db.session.flush()
    ids: dict[str, int] = {}
    for c in comments:
        hidden = c.moderated == polis_csv.MODERATED_OUT
        statement = Statement(conversation_id=conversation.id, body=(c.body or "-")[:1000],
                              is_seed=True, author_id=user.id,
                              hidden_at=utcnow() if hidden else None,
                              hidden_reason=_("Moderated out in Polis") if hidden else None)
        db.session.add(statement)
        db.session.flush()
        ids[c.comment_id] = statement.id

    def token_hash(voter: str) -> str:
        return _hash(f"polis-import:{conversation.id}:{voter}")

    voters = sorted({voter for voter, _c, _v in cells})
    if voters:
        db.session.execute(OpinionParticipant.__table__.insert(), [
            {"conversation_id": conversation.id, "guest_token_hash": token_hash(voter),
             "created_at": utcnow()} for voter in voters])
    by_hash = {h: pid for pid, h in db.session.execute(
        select(OpinionParticipant.id, OpinionParticipant.guest_token_hash)
        .where(OpinionParticipant.conversation_id == conversation.id))}
    now = utcnow()
    vote_rows = [{"conversation_id": conversation.id, "statement_id": ids[comment],
                  "participant_id": by_hash[token_hash(voter)], "value": value, "voted_at": now}
                 for voter, comment, value in cells]
    if vote_rows:
        db.session.execute(OpinionVote.__table__.insert(), vote_rows)
    record(user, "opinions.imported", conversation, comments=len(comments), votes=len(vote_rows))
    db.session.commit()
    request_recompute(conversation, user)
    return conversation

