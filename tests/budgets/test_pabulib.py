"""pabulib .pb parsing / writing, and the real elections in /work/shared."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from civic.budgets.pabulib import Limits, PabulibError, parse, parse_text, write
from civic.budgets.rules import REASONS, Ballot, Election, Project, tally
from civic.budgets.services import IMPORT_LIMITS
from tests.test_fuzz import spoiled_pabulib

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
PABULIB_DIR = SHARED / "data" / "pabulib"
PB_FILES = sorted(PABULIB_DIR.glob("*.pb")) if PABULIB_DIR.is_dir() else []

SAMPLE = """META
key;value
description;"Tiny test; quoted"
budget;100
vote_type;approval
rule;greedy
PROJECTS
project_id;cost;votes;name;selected
1;60;2;"Park ""Zielony""; phase 2";1
2;50;1;Library;0
3;30;1;Łąka kwietna;1
VOTES
voter_id;vote;age
a;1,2;34
b;1,3;
c;;51
"""


def test_parse_sample() -> None:
    e = parse(SAMPLE)
    assert e.budget == 100 and e.vote_type == "approval" and e.rule == "greedy"
    assert e.meta["description"] == "Tiny test; quoted"
    assert [p.id for p in e.projects] == ["1", "2", "3"]
    assert e.projects[0].name == 'Park "Zielony"; phase 2'
    assert e.projects[0].cost == 60 and isinstance(e.projects[0].cost, int)
    assert e.projects[2].extra == {"votes": "1", "selected": "1"}
    assert e.ballots[0] == Ballot("a", ("1", "2"), None, {"age": "34"})
    assert e.ballots[1].extra == {"age": ""}
    assert e.ballots[2].projects == ()
    assert tally(e).selected == ["1", "3"]


def test_meta_row_with_extra_field_is_rejected() -> None:
    # an unquoted ';' inside a META value gives the row a third, non-empty field
    with pytest.raises(PabulibError) as err:
        parse(SAMPLE.replace('"Tiny test; quoted"', "Tiny test; quoted"))
    assert err.value.line == 3
    assert "exactly two fields" in str(err.value)


def test_parse_path_and_str_path(tmp_path: Path) -> None:
    f = tmp_path / "x.pb"
    f.write_text(SAMPLE, encoding="utf-8")
    assert parse(f) == parse(str(f)) == parse(SAMPLE)


def test_bom_and_crlf_are_accepted() -> None:
    text = "\ufeff" + SAMPLE.replace("\n", "\r\n")
    assert parse(text) == parse(SAMPLE)


def test_cumulative_points_and_round_trip() -> None:
    text = """META
key;value
budget;10.5
vote_type;cumulative
max_sum_points;5
num_projects;2
num_votes;2
PROJECTS
project_id;cost
A;2.5
B;3
VOTES
voter_id;vote;points
1;A,B;3,2
2;B;5
"""
    e = parse(text)
    assert e.budget == 10.5 and e.projects[0].cost == 2.5
    assert e.ballots[0].points == (3, 2)
    assert parse(write(e)) == e


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("PROJECTS\n", 1, "expected section META"),
        (
            "META\nkey;value\nbudget;x\nvote_type;approval\nPROJECTS\nproject_id;cost\n"
            "VOTES\nvoter_id;vote\n",
            3,
            "budget is not a number",
        ),
        (
            "META\nkey;value\nbudget;10\nvote_type;magic\nPROJECTS\nproject_id;cost\nVOTES\nvoter_id;vote\n",
            4,
            "unknown vote_type",
        ),
        (
            "META\nkey;value\nbudget;10\nvote_type;approval\nPROJECTS\nproject_id;cost\n"
            "1;10\n2;ten\nVOTES\nvoter_id;vote\n",
            8,
            "not a number",
        ),
        (
            "META\nkey;value\nbudget;10\nvote_type;approval\nPROJECTS\nproject_id;cost\n"
            "1;10\n1;5\nVOTES\nvoter_id;vote\n",
            8,
            "duplicate project_id",
        ),
        (
            "META\nkey;value\nbudget;10\nvote_type;approval\nPROJECTS\nproject_id;cost\n"
            "1;10\nVOTES\nvoter_id;vote\nv1;1\nv2;1,7\n",
            11,
            "unknown project '7'",
        ),
        (
            "META\nkey;value\nbudget;10\nvote_type;cumulative\nPROJECTS\nproject_id;cost\n"
            "1;10\n2;5\nVOTES\nvoter_id;vote;points\nv1;1,2;3\n",
            11,
            "2 projects but 1 points",
        ),
        (
            "META\nkey;value\nbudget;10\nvote_type;cumulative\nPROJECTS\nproject_id;cost\n"
            "1;10\nVOTES\nvoter_id;vote;points\nv1;1;lots\n",
            10,
            "not numbers",
        ),
        (
            "META\nkey;value\nbudget;10\nvote_type;approval\nPROJECTS\nproject_id;price\n"
            "1;10\nVOTES\nvoter_id;vote\n",
            6,
            "'cost' column",
        ),
        (
            "META\nkey;value\nbudget;10\nvote_type;approval\nPROJECTS\nproject_id;cost\n"
            "1;10;oops\nVOTES\nvoter_id;vote\n",
            7,
            "fields but the header",
        ),
        (
            "META\nkey;value\nbudget;10\nvote_type;approval\nPROJECTS\nproject_id;cost\n"
            '1;10\n2;"open quote\nVOTES\nvoter_id;vote\n',
            8,
            "unbalanced quote",
        ),
        ("META\nkey;value\nbudget;10\nbudget;11\n", 4, "duplicate META key"),
        (
            "META\nkey;value\nbudget;10\nvote_type;cumulative\nPROJECTS\nproject_id;cost\n"
            "1;10\nVOTES\nvoter_id;vote;points\nv1;1;-2\n",
            10,
            "negative points",
        ),
        (
            "META\nkey;value\nbudget;10\nvote_type;ordinal\nPROJECTS\nproject_id;cost\n"
            "1;10\nVOTES\nvoter_id;vote\nv1;1,1\n",
            10,
            "twice",
        ),
        (
            "META\nkey;value\nbudget;10\nvote_type;approval\nVOTES\nvoter_id;vote\nPROJECTS\n",
            5,
            "expected section PROJECTS, found VOTES",
        ),
        (
            "META\nkey;value\nbudget;10\nvote_type;approval\nPROJECTS\nproject_id;cost\n"
            "VOTES\nvoter_id;vote\nMETA\n",
            9,
            "appears twice",
        ),
    ],
)
def test_errors_carry_line_numbers(text: str, line: int, fragment: str) -> None:
    with pytest.raises(PabulibError) as err:
        parse(text)
    assert err.value.line == line
    assert str(err.value).startswith(f"line {line}: ")
    assert fragment in str(err.value)


def test_missing_section_is_an_error() -> None:
    with pytest.raises(PabulibError, match="missing VOTES"):
        parse("META\nkey;value\nbudget;10\nvote_type;approval\nPROJECTS\nproject_id;cost\n")


def test_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(PabulibError, match="no such"):
        parse(str(tmp_path / "nope.pb"))


HEAD = "META\nkey;value\nbudget;100\nvote_type;approval\n"
TINY = Limits(number=1000, count=5, id_length=3)


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        (HEAD + "PROJECTS\nproject_id;cost\n1;10\nVOTES\nvoter_id;vote\nv1;1\nv2;1\nv1;\n", 12,
         "voter_id 'v1' appears twice (first on line 10)"),
        (HEAD + "min_length;-1\nPROJECTS\nproject_id;cost\nVOTES\nvoter_id;vote\n", 5,
         "min_length is negative"),
        (HEAD + "max_sum_points;0.5\nPROJECTS\nproject_id;cost\nVOTES\nvoter_id;vote\n", 5,
         "max_sum_points is less than 1"),
        (HEAD + "max_length;lots\nPROJECTS\nproject_id;cost\nVOTES\nvoter_id;vote\n", 5,
         "max_length is not a number"),
        (HEAD + "max_sum_points;1e400\nPROJECTS\nproject_id;cost\nVOTES\nvoter_id;vote\n", 5,
         "max_sum_points is not a number"),
        (HEAD + "PROJECTS\nproject_id;cost\n1;1\nVOTES\nvoter_id;vote\nv\x00;1\n", 10, "NUL"),
    ],
)
def test_what_no_reader_can_use_names_its_line(text: str, line: int, fragment: str) -> None:
    with pytest.raises(PabulibError) as err:
        parse(text)
    assert str(err.value).startswith(f"line {line}: ") and fragment in str(err.value)


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        (HEAD.replace("100", "1001") + "PROJECTS\nproject_id;cost\nVOTES\nvoter_id;vote\n", 3,
         "budget is larger than 1000"),
        (HEAD + "PROJECTS\nproject_id;cost\n1;1001\nVOTES\nvoter_id;vote\n", 7,
         "cost of project '1' is larger than 1000"),
        (HEAD + "PROJECTS\nproject_id;cost\n1;600\n2;401\nVOTES\nvoter_id;vote\nv;1\nw;1,2\n", 12,
         "total cost larger than 1000"),
        (HEAD + "max_length;6\nPROJECTS\nproject_id;cost\nVOTES\nvoter_id;vote\n", 5,
         "max_length is larger than 5"),
        (HEAD + "max_sum_cost;1e300\nPROJECTS\nproject_id;cost\nVOTES\nvoter_id;vote\n", 5,
         "max_sum_cost is larger than 1000"),
        (HEAD + "PROJECTS\nproject_id;cost\nlong;1\nVOTES\nvoter_id;vote\n", 7,
         "project_id 'long' is longer than 3 characters"),
        (HEAD + "PROJECTS\nproject_id;cost\n1;1\nVOTES\nvoter_id;vote\nlong;1\n", 10,
         "voter_id 'long' is longer than 3 characters"),
        (HEAD.replace("approval", "cumulative") + "PROJECTS\nproject_id;cost\n1;1\nVOTES\n"
         "voter_id;vote;points\nv;1;1001\n", 10, "more than 1000 points"),
    ],
)
def test_what_the_reader_cannot_keep_names_its_line(text: str, line: int, fragment: str) -> None:
    at_the_limits = (text.replace("1001", "1000").replace("401", "400").replace("long", "lon")
                     .replace("max_length;6", "max_length;5").replace("1e300", "1e3"))
    assert parse(at_the_limits, TINY)
    with pytest.raises(PabulibError) as err:
        parse(text, TINY)
    assert str(err.value).startswith(f"line {line}: ") and fragment in str(err.value)


def test_scoring_ballots_may_hold_negative_points() -> None:
    e = parse(
        "META\nkey;value\nbudget;10\nvote_type;scoring\nrule;equalshares\nPROJECTS\n"
        "project_id;cost\n1;4\n2;4\nVOTES\nvoter_id;vote;points\nv1;1,2;2,-1\nv2;2;-3\n"
    )
    assert e.ballots[0].points == (2, -1)
    out = tally(e)
    # project 2 has only negative points: no support under MES
    assert out.selected == ["1"]
    assert tally(e, "greedy").selected == ["1"]


def test_duplicate_approval_is_deduplicated() -> None:
    e = parse(
        "META\nkey;value\nbudget;10\nvote_type;approval\nPROJECTS\nproject_id;cost\n"
        "1;10\nVOTES\nvoter_id;vote\nv1;1,1\n"
    )
    assert e.ballots[0].projects == ("1",)


_text = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=0, max_size=12).map(
    str.strip
)
_ident = st.text(alphabet="abcXYZ0189_/.-", min_size=1, max_size=6)


@st.composite
def elections(draw) -> Election:
    vote_type = draw(st.sampled_from(["approval", "cumulative", "ordinal", "choose-1"]))
    ids = draw(st.lists(_ident, min_size=1, max_size=6, unique=True))
    extra_cols = draw(st.lists(st.sampled_from(["category", "votes", "note"]), unique=True))
    projects = [
        Project(
            pid,
            draw(st.integers(0, 10**9) | st.floats(0.5, 1e9, allow_nan=False)),
            name=draw(_text),
            extra={c: draw(_text) for c in extra_cols},
        )
        for pid in ids
    ]
    ballots = []
    for n in range(draw(st.integers(0, 6))):
        chosen = tuple(draw(st.lists(st.sampled_from(ids), unique=True, max_size=len(ids))))
        points = None
        if vote_type == "cumulative":
            points = tuple(draw(st.integers(1, 10)) for _ in chosen)
        ballots.append(Ballot(f"v{n}", chosen, points, {"age": draw(_text)}))
    meta = {"description": draw(_text), "rule": "greedy"}
    return Election(
        projects=projects,
        ballots=ballots,
        budget=draw(st.integers(1, 10**9)),
        vote_type=vote_type,
        meta=meta,
    )


@settings(max_examples=150, deadline=None)
@given(elections())
def test_write_then_parse_round_trips(e: Election) -> None:
    back = parse(write(e))
    assert back.projects == e.projects
    assert back.ballots == e.ballots
    assert back.budget == e.budget and back.vote_type == e.vote_type
    assert {k: v for k, v in back.meta.items() if k not in ("budget", "vote_type")} == {
        **e.meta,
        "num_projects": str(len(e.projects)),
        "num_votes": str(len(e.ballots)),
    }
    assert parse(write(back)) == back


# ----------------------------------------------------------- real elections

needs_shared = pytest.mark.skipif(not PB_FILES, reason=f"shared pabulib data not available at {PABULIB_DIR}")


@needs_shared
@pytest.mark.parametrize("path", PB_FILES, ids=[p.stem for p in PB_FILES])
def test_real_election_reproduces_selected(path: Path) -> None:
    e = parse(path)
    # selected=1: funded by the official rule. selected=2 marks projects funded outside
    # the rule (e.g. Gdynia's turnout award) - see the file's META comment.
    official = {p.id for p in e.projects if p.extra.get("selected") == "1"}
    outcome = tally(e)
    assert set(outcome.selected) == official
    assert outcome.total_cost <= e.budget
    assert len(outcome.results) == len(e.projects)
    assert all(r.reason in REASONS for r in outcome.results)
    assert {r.project_id for r in outcome.results if r.selected} == official


@needs_shared
@pytest.mark.parametrize("path", PB_FILES, ids=[p.stem for p in PB_FILES])
def test_real_election_round_trips(path: Path) -> None:
    e = parse(path)
    assert parse(write(e)) == e


@settings(max_examples=300, deadline=None)
@given(st.one_of(spoiled_pabulib(), st.text(max_size=300)))
def test_the_parser_refuses_with_a_pabulib_error_or_parses(text: str) -> None:
    """Whatever the file, with the import's limits: an election or a PabulibError, nothing else
    (the page and the CLI show only those as messages)."""
    try:
        election = parse_text(text, IMPORT_LIMITS)
    except PabulibError:
        return
    assert all(len(p.id) <= IMPORT_LIMITS.id_length for p in election.projects)
    assert all(0 <= p.cost <= IMPORT_LIMITS.number for p in election.projects)
    assert len({b.voter_id for b in election.ballots}) == len(election.ballots)
