"""Read and write the Polis open-data export (github.com/compdemocracy/openData).

A conversation is three CSV files:

* ``comments.csv``: ``timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body``
  (``moderated`` is 1 accepted, 0 not yet moderated, -1 moderated out);
* ``votes.csv``: ``timestamp,datetime,comment-id,voter-id,vote`` — every vote cast, a later vote
  of the same person on the same statement replacing the earlier one;
* ``participants-votes.csv``: ``participant,group-id,n-comments,n-votes,n-agree,n-disagree``
  then one column per comment id holding 1 (agree), -1 (disagree), 0 (pass) or blank (not seen).

Readers take the rows of a file (``csv.reader`` over any text) and raise ``ValueError`` naming the
line of the first problem; writers return rows, which ``render`` turns into the text of a file
byte for byte as Polis writes it. Pure module.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from civic.opinions.maths import VoteMatrix

COMMENT_COLUMNS = ["timestamp", "datetime", "comment-id", "author-id", "agrees", "disagrees",
                   "moderated", "comment-body"]
VOTE_COLUMNS = ["timestamp", "datetime", "comment-id", "voter-id", "vote"]
PARTICIPANT_COLUMNS = ["participant", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree"]
VOTE_VALUES = {"1": 1.0, "-1": -1.0, "0": 0.0}
CELL_VALUES = {**VOTE_VALUES, "": np.nan}
MODERATED_OUT = -1


@dataclass(frozen=True)
class Comment:
    comment_id: str
    author_id: str
    body: str
    moderated: int = 1
    agrees: int = 0
    disagrees: int = 0
    timestamp: int = 0
    datetime: str = ""


@dataclass(frozen=True)
class Vote:
    comment_id: str
    voter_id: str
    vote: int
    timestamp: int = 0
    datetime: str = ""


@dataclass
class ParticipantsVotes:
    """A participants-votes file: the vote matrix, Polis's groups and the authored counts."""

    matrix: VoteMatrix
    groups: dict[str, int | None]
    authored: dict[str, int]


def _header(rows: Iterator[list[str]], expected: list[str], name: str) -> list[str]:
    header = next(rows, None)
    if header is None:
        raise ValueError(f"{name}: the file is empty")
    if header[:len(expected)] != expected:
        raise ValueError(f"{name} line 1: expected the columns {','.join(expected)}, "
                         f"found {','.join(header[:len(expected)])}")
    return header


def _int(value: str, what: str, where: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"{where}: {what} {value!r} is not a whole number") from None


def read_comments(rows: Iterable[list[str]]) -> list[Comment]:
    rows = iter(rows)
    _header(rows, COMMENT_COLUMNS, "comments.csv")
    comments = []
    for line, row in enumerate(rows, start=2):
        where = f"comments.csv line {line}"
        if len(row) != len(COMMENT_COLUMNS):
            raise ValueError(f"{where}: expected {len(COMMENT_COLUMNS)} fields, found {len(row)}")
        moderated = _int(row[6], "moderated", where)
        if moderated not in (-1, 0, 1):
            raise ValueError(f"{where}: moderated must be 1, 0 or -1, not {moderated}")
        comments.append(Comment(comment_id=row[2], author_id=row[3], body=row[7],
                                moderated=moderated, agrees=_int(row[4], "agrees", where),
                                disagrees=_int(row[5], "disagrees", where),
                                timestamp=_int(row[0], "timestamp", where), datetime=row[1]))
    return comments


def moderated_out(comments: Iterable[Comment]) -> frozenset[str]:
    return frozenset(c.comment_id for c in comments if c.moderated == MODERATED_OUT)


def read_votes(rows: Iterable[list[str]]) -> list[Vote]:
    rows = iter(rows)
    _header(rows, VOTE_COLUMNS, "votes.csv")
    votes = []
    for line, row in enumerate(rows, start=2):
        where = f"votes.csv line {line}"
        if len(row) != len(VOTE_COLUMNS):
            raise ValueError(f"{where}: expected {len(VOTE_COLUMNS)} fields, found {len(row)}")
        if row[4] not in VOTE_VALUES:
            raise ValueError(f"{where}: a vote is 1, -1 or 0, not {row[4]!r}")
        votes.append(Vote(comment_id=row[2], voter_id=row[3], vote=int(row[4]),
                          timestamp=_int(row[0], "timestamp", where), datetime=row[1]))
    return votes


def votes_matrix(votes: Iterable[Vote], comments: Iterable[Comment] = ()) -> VoteMatrix:
    """The vote matrix of a votes file: each person's latest vote on each statement counts."""
    comments = list(comments)
    latest: dict[tuple[str, str], Vote] = {}
    for vote in votes:
        key = (vote.voter_id, vote.comment_id)
        if key not in latest or vote.timestamp >= latest[key].timestamp:
            latest[key] = vote
    participants = sorted({v for v, _ in latest}, key=_natural)
    statements = sorted({c.comment_id for c in comments} | {c for _, c in latest}, key=_natural)
    row = {p: i for i, p in enumerate(participants)}
    column = {s: j for j, s in enumerate(statements)}
    cells = np.full((len(participants), len(statements)), np.nan)
    for (voter, comment), vote in latest.items():
        cells[row[voter], column[comment]] = vote.vote
    return VoteMatrix(participants, statements, cells, moderated_out(comments))


def _natural(identifier: str) -> tuple[int, int | str]:
    """Numeric ids in numeric order (Polis's ids are integers), anything else after them."""
    return (0, int(identifier)) if identifier.isdigit() else (1, identifier)


def read_participants_votes(rows: Iterable[list[str]],
                            moderated: frozenset[str] = frozenset()) -> ParticipantsVotes:
    rows = iter(rows)
    header = _header(rows, PARTICIPANT_COLUMNS, "participants-votes.csv")
    statements = header[len(PARTICIPANT_COLUMNS):]
    if len(set(statements)) != len(statements):
        raise ValueError("participants-votes.csv line 1: a comment id appears twice")
    participants, matrix_rows, groups, authored = [], [], {}, {}
    for line, row in enumerate(rows, start=2):
        where = f"participants-votes.csv line {line}"
        if not row:
            continue
        if len(row) != len(header):
            raise ValueError(f"{where}: expected {len(header)} fields, found {len(row)}")
        participant = row[0]
        if not participant:
            raise ValueError(f"{where}: the participant id is empty")
        if participant in groups:
            raise ValueError(f"{where}: participant {participant} appears twice")
        groups[participant] = _int(row[1], "group-id", where) if row[1] else None
        authored[participant] = _int(row[2], "n-comments", where) if row[2] else 0
        cells = row[len(PARTICIPANT_COLUMNS):]
        try:
            votes = np.fromiter((CELL_VALUES[cell] for cell in cells), float, len(cells))
        except KeyError:
            statement, cell = next((s, c) for s, c in zip(statements, cells, strict=True)
                                   if c not in CELL_VALUES)
            raise ValueError(f"{where}: the vote on comment {statement} is 1, -1, 0 or "
                             f"blank, not {cell!r}") from None
        participants.append(participant)
        matrix_rows.append(votes)
    votes = (np.vstack(matrix_rows) if matrix_rows
             else np.zeros((0, len(statements))))
    return ParticipantsVotes(VoteMatrix(participants, statements, votes, moderated), groups,
                             authored)


def comments_rows(comments: Iterable[Comment]) -> list[list[str]]:
    return [COMMENT_COLUMNS] + [
        [str(c.timestamp), c.datetime, c.comment_id, c.author_id, str(c.agrees),
         str(c.disagrees), str(c.moderated), c.body] for c in comments]


def votes_rows(votes: Iterable[Vote]) -> list[list[str]]:
    return [VOTE_COLUMNS] + [
        [str(v.timestamp), v.datetime, v.comment_id, v.voter_id, str(v.vote)] for v in votes]


def participants_votes_rows(matrix: VoteMatrix, groups: dict[str, int | None],
                            authored: dict[str, int] | None = None) -> list[list[str]]:
    """The participants-votes file of a matrix, in Polis's column order."""
    authored = authored or {}
    rows = [PARTICIPANT_COLUMNS + list(matrix.statements)]
    for participant, votes in zip(matrix.participants, matrix.votes, strict=True):
        seen = ~np.isnan(votes)
        group = groups.get(participant)
        rows.append([participant, "" if group is None else str(group),
                     str(authored.get(participant, 0)), str(int(seen.sum())),
                     str(int(np.sum(votes == 1))), str(int(np.sum(votes == -1)))]
                    + ["" if np.isnan(v) else str(int(v)) for v in votes])
    return rows


def render(rows: Iterable[list[str]]) -> str:
    """The text of a CSV file as Polis exports it (minimal quoting, ``\\n`` line ends)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()
