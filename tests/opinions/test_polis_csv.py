import csv
import io

import numpy as np
import pytest

from civic.opinions import maths, polis_csv
from tests.conftest import SHARED

POLIS = SHARED / "data" / "polis"
CONVERSATIONS = sorted(p for p in POLIS.iterdir() if p.is_dir()) if POLIS.is_dir() else []
needs_shared = pytest.mark.skipif(not CONVERSATIONS,
                                  reason=f"{POLIS} is absent (../shared not checked out)")

PARTICIPANTS_VOTES = """participant,group-id,n-comments,n-votes,n-agree,n-disagree,0,1,2
0,1,2,3,1,1,1,-1,0
1,,0,1,1,0,1,,
2,0,0,2,0,2,,-1,-1
"""

COMMENTS = """timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body
1403054214196,Wed Jun 18 08:16:54 WIB 2014,0,0,2,0,1,"Parks, not parking"
1403054214197,Wed Jun 18 08:16:55 WIB 2014,1,0,0,2,-1,Off topic
1403054214198,Wed Jun 18 08:16:56 WIB 2014,2,2,0,1,0,"A ""quoted"" word"
"""

VOTES = """timestamp,datetime,comment-id,voter-id,vote
10,a,0,0,1
11,b,1,0,1
12,c,1,0,-1
13,d,0,1,1
9,e,0,2,-1
"""


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def text(table: list[list[str]]) -> str:
    return polis_csv.render(table)


def test_participants_votes_are_read_into_a_matrix_with_polis_groups():
    conversation = polis_csv.read_participants_votes(rows(PARTICIPANTS_VOTES), frozenset({"1"}))
    matrix = conversation.matrix
    assert matrix.participants == ["0", "1", "2"] and matrix.statements == ["0", "1", "2"]
    assert np.array_equal(matrix.votes, [[1, -1, 0], [1, np.nan, np.nan], [np.nan, -1, -1]],
                          equal_nan=True)
    assert matrix.moderated_out == {"1"}
    assert conversation.groups == {"0": 1, "1": None, "2": 0}
    assert conversation.authored == {"0": 2, "1": 0, "2": 0}


def test_participants_votes_round_trip_in_polis_column_order():
    conversation = polis_csv.read_participants_votes(rows(PARTICIPANTS_VOTES))
    written = polis_csv.participants_votes_rows(conversation.matrix, conversation.groups,
                                                conversation.authored)
    assert written[0][:6] == ["participant", "group-id", "n-comments", "n-votes", "n-agree",
                              "n-disagree"]
    assert text(written) == PARTICIPANTS_VOTES


def test_comments_and_votes_round_trip():
    comments = polis_csv.read_comments(rows(COMMENTS))
    assert [c.moderated for c in comments] == [1, -1, 0]
    assert comments[2].body == 'A "quoted" word'
    assert polis_csv.moderated_out(comments) == {"1"}
    assert text(polis_csv.comments_rows(comments)) == COMMENTS
    votes = polis_csv.read_votes(rows(VOTES))
    assert text(polis_csv.votes_rows(votes)) == VOTES


def test_the_latest_vote_of_a_person_on_a_statement_counts():
    matrix = polis_csv.votes_matrix(polis_csv.read_votes(rows(VOTES)),
                                    polis_csv.read_comments(rows(COMMENTS)))
    assert matrix.participants == ["0", "1", "2"] and matrix.statements == ["0", "1", "2"]
    assert np.array_equal(matrix.votes, [[1, -1, np.nan], [1, np.nan, np.nan],
                                         [-1, np.nan, np.nan]], equal_nan=True)
    assert matrix.moderated_out == {"1"}


def test_a_computed_grouping_is_written_back_as_group_ids():
    matrix = maths.VoteMatrix(["7", "8"], ["0"], np.array([[1.0], [np.nan]]))
    written = polis_csv.participants_votes_rows(matrix, {"7": 0, "8": None})
    assert written[1:] == [["7", "0", "0", "1", "1", "0", "1"], ["8", "", "0", "0", "0", "0", ""]]


@pytest.mark.parametrize(("reader", "content", "message"), [
    (polis_csv.read_participants_votes, "", "empty"),
    (polis_csv.read_participants_votes, "participant,group\n", "line 1: expected the columns"),
    (polis_csv.read_participants_votes, PARTICIPANTS_VOTES + "3,,0,1,1,0,2,,\n",
     "line 5: the vote on comment 0 is 1, -1, 0 or blank, not '2'"),
    (polis_csv.read_participants_votes, PARTICIPANTS_VOTES + "4,,0,1\n",
     "line 5: expected 9 fields, found 4"),
    (polis_csv.read_participants_votes, PARTICIPANTS_VOTES + "0,,0,0,0,0,,,\n",
     "line 5: participant 0 appears twice"),
    (polis_csv.read_participants_votes, PARTICIPANTS_VOTES + ",,0,0,0,0,,,\n",
     "line 5: the participant id is empty"),
    (polis_csv.read_participants_votes, PARTICIPANTS_VOTES + "5,x,0,0,0,0,,,\n",
     "line 5: group-id 'x' is not a whole number"),
    (polis_csv.read_comments, COMMENTS.replace(",-1,Off", ",7,Off"),
     "line 3: moderated must be 1, 0 or -1"),
    (polis_csv.read_votes, VOTES + "14,f,0,3,yes\n", "line 7: a vote is 1, -1 or 0"),
])
def test_malformed_files_name_the_line(reader, content, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        reader(rows(content))


def read_file(path) -> tuple[str, list[list[str]]]:
    content = path.read_text(encoding="utf-8")
    return content, rows(content)


@needs_shared
@pytest.mark.parametrize("folder", CONVERSATIONS, ids=lambda p: p.name)
def test_real_polis_exports_are_written_back_byte_for_byte(folder):
    content, table = read_file(folder / "participants-votes.csv")
    conversation = polis_csv.read_participants_votes(table)
    assert polis_csv.render(polis_csv.participants_votes_rows(
        conversation.matrix, conversation.groups, conversation.authored)) == content
    content, table = read_file(folder / "comments.csv")
    comments = polis_csv.read_comments(table)
    assert polis_csv.render(polis_csv.comments_rows(comments)) == content
    content, table = read_file(folder / "votes.csv")
    votes = polis_csv.read_votes(table)
    assert polis_csv.render(polis_csv.votes_rows(votes)) == content
    # The latest vote of each person on each statement is what participants-votes.csv holds.
    from_votes = polis_csv.votes_matrix(votes, comments)
    rows_at = [from_votes.participants.index(p) for p in conversation.matrix.participants]
    columns_at = [from_votes.statements.index(s) for s in conversation.matrix.statements]
    assert np.array_equal(from_votes.votes[np.ix_(rows_at, columns_at)],
                          conversation.matrix.votes, equal_nan=True)
