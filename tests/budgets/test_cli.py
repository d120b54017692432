import json

import pytest
from sqlalchemy import func, select

from civic.budgets import pabulib, rules
from civic.budgets.models import Ballot, BallotItem, Budget, BudgetProject
from civic.extensions import db
from civic.spaces.models import Process
from tests.conftest import SHARED

PABULIB = SHARED / "data" / "pabulib"
FILES = sorted(PABULIB.glob("*.pb")) if PABULIB.is_dir() else []
needs_shared = pytest.mark.skipif(not FILES, reason=f"{PABULIB} is absent (../shared not checked out)")

SMALL = """META
key;value
description;Test election
budget;1000
vote_type;approval
rule;greedy
currency;PLN
PROJECTS
project_id;cost;name;selected
1;600;Park;1
2;500;Library;0
3;400;Bench;1
VOTES
voter_id;vote;age
a;1,2;30
b;1;41
c;1,2,3;
"""


# Files that parse as pabulib but hold what no column of ours does, or break the format's rules.
BIG = 2**63
MALFORMED = [  # (what the file holds, the line named, a fragment of the message)
    (SMALL.replace("b;1;41", "a;1;41"), 16, "voter_id 'a' appears twice"),
    (SMALL.replace("budget;1000", f"budget;{BIG}"), 4, "budget"),
    (SMALL.replace("budget;1000", "budget;1e300"), 4, "budget"),
    (SMALL.replace("1;600;Park", f"1;{BIG};Park"), 10, "cost of project '1'"),
    (SMALL.replace("1;600;Park", "1;1e300;Park"), 10, "cost of project '1'"),
    # Each cost fits, the ballot's total does not.
    (SMALL.replace("1;600;Park", f"1;{2**62};Park").replace("2;500;", f"2;{2**62};"), 15,
     "total cost"),
    (SMALL.replace("rule;greedy", "rule;greedy\nmin_length;-1"), 7, "min_length"),
    (SMALL.replace("rule;greedy", "rule;greedy\nmax_length;1e400"), 7, "max_length"),
    (SMALL.replace("vote_type;approval", "vote_type;cumulative\nmax_sum_points;" + "9" * 40)
     .replace("voter_id;vote;age", "voter_id;vote;points;age")
     .replace("a;1,2;30", "a;1,2;1,1;30").replace("b;1;41", "b;1;1;41")
     .replace("c;1,2,3;", "c;1,2,3;1,1,1;"), 6, "max_sum_points"),
    (SMALL.replace("1;600;Park", "p" * 65 + ";600;Park").replace("a;1,2;30", "a;2;30")
     .replace("b;1;41", "b;2;41").replace("c;1,2,3;", "c;2,3;"), 10, "longer than 64"),
    (SMALL.replace("b;1;41", "b" * 65 + ";1;41"), 16, "longer than 64"),
    (SMALL.replace("b;1;41", "b;1;41\x00"), 16, "NUL"),
]


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_tally_prints_selected_and_json(runner, tmp_path):
    path = tmp_path / "small.pb"
    path.write_text(SMALL, encoding="utf-8")
    result = runner.invoke(args=["budgets", "tally", str(path), "--json"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    last = json.loads(lines[-1])
    assert last["rule"] == "greedy" and last["selected"] == ["1", "3"]
    assert last["seconds"] >= 0
    assert lines[:-1] == ["1", "3"]
    result = runner.invoke(args=["budgets", "tally", str(path), "--rule", "greedy-no-skip"])
    assert result.output.split() == ["1"]


def test_tally_reports_the_line_of_a_malformed_file(runner, tmp_path):
    path = tmp_path / "bad.pb"
    path.write_text(SMALL.replace("3;400;Bench;1", "3;lots;Bench;1"), encoding="utf-8")
    result = runner.invoke(args=["budgets", "tally", str(path)])
    assert result.exit_code != 0 and "line 12" in result.output


def test_import_export_round_trip(runner, ctx, tmp_path):
    path = tmp_path / "small.pb"
    path.write_text(SMALL, encoding="utf-8")
    result = runner.invoke(args=["budgets", "import-pabulib", str(path)])
    assert result.exit_code == 0, result.output
    budget = db.session.scalar(select(Budget))
    assert budget.voting_method == "approval" and budget.ballot_count == 3
    out = tmp_path / "out.pb"
    result = runner.invoke(args=["budgets", "export-pabulib", str(budget.id), "--out", str(out)])
    assert result.exit_code == 0, result.output
    again, original = pabulib.parse(out), pabulib.parse(path)
    assert again.projects == original.projects and again.ballots == original.ballots
    assert rules.tally(again).selected == rules.tally(original).selected == ["1", "3"]


def test_import_into_an_existing_process(runner, ctx, make_process, tmp_path):
    process = make_process(slug="pb-here")
    path = tmp_path / "small.pb"
    path.write_text(SMALL, encoding="utf-8")
    result = runner.invoke(args=["budgets", "import-pabulib", str(path), "--process", "pb-here"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(Budget.process_id)) == process.id


@pytest.mark.parametrize("broken,line", [
    (SMALL.replace("c;1,2,3;", "c;1,2,9;"), 17),
    (SMALL.replace("2;500;Library;0", "2;-5;Library;0"), 11),
])
def test_malformed_import_leaves_nothing(runner, ctx, tmp_path, broken, line):
    path = tmp_path / "bad.pb"
    path.write_text(broken, encoding="utf-8")
    result = runner.invoke(args=["budgets", "import-pabulib", str(path)])
    assert result.exit_code != 0
    assert f"line {line}" in result.output
    db.session.expire_all()
    for model in (Budget, BudgetProject, Ballot, BallotItem, Process):
        assert _count(model) == 0


def test_unknown_rule_imports_nothing(runner, ctx, tmp_path):
    path = tmp_path / "odd.pb"
    path.write_text(SMALL.replace("rule;greedy", "rule;lottery"), encoding="utf-8")
    result = runner.invoke(args=["budgets", "import-pabulib", str(path)])
    assert result.exit_code != 0 and "lottery" in result.output
    for model in (Budget, Process, Ballot):
        assert _count(model) == 0


@needs_shared
@pytest.mark.parametrize("path", [f for f in FILES if f.stat().st_size < 1_000_000],
                         ids=lambda p: p.stem)
def test_shared_files_round_trip_through_the_database(runner, ctx, tmp_path, path):
    original = pabulib.parse(path)
    result = runner.invoke(args=["budgets", "import-pabulib", str(path)])
    assert result.exit_code == 0, result.output
    budget = db.session.scalar(select(Budget))
    out = tmp_path / "out.pb"
    result = runner.invoke(args=["budgets", "export-pabulib", str(budget.id), "--out", str(out)])
    assert result.exit_code == 0, result.output
    again = pabulib.parse(out)
    assert again.projects == original.projects
    assert again.ballots == original.ballots
    assert again.vote_type == original.vote_type and again.budget == original.budget
    expected = [p.id for p in original.projects if p.extra.get("selected") == "1"]
    selected = rules.tally(again).selected
    assert sorted(selected) == sorted(expected)


@needs_shared
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_tally_reproduces_the_shared_files(runner, path):
    result = runner.invoke(args=["budgets", "tally", str(path), "--json"])
    assert result.exit_code == 0, result.output
    selected = json.loads(result.output.strip().splitlines()[-1])["selected"]
    expected = [p.id for p in pabulib.parse(path).projects
                if p.extra.get("selected") == "1"]
    assert sorted(selected) == sorted(expected)


@pytest.mark.parametrize(("text", "line", "fragment"), MALFORMED)
def test_import_of_a_file_beyond_what_the_database_holds_names_its_line(
        runner, tmp_path, ctx, text, line, fragment):
    path = tmp_path / "bad.pb"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(args=["budgets", "import-pabulib", str(path)])
    assert result.exit_code == 1 and result.exception.__class__ is SystemExit, result.output
    assert f"line {line}: " in result.output and fragment in result.output
    assert _count(Budget) == _count(Process) == _count(Ballot) == 0


def test_count_due_counts_the_budgets_whose_results_are_due(app, ctx, make_budget):
    from civic.budgets import services

    due = make_budget(rule="greedy", features=("results_published",))
    not_yet = make_budget(rule="greedy")
    result = app.test_cli_runner().invoke(args=["budgets", "count-due"])
    assert result.exit_code == 0, result.output
    assert "done" in result.output
    db.session.expire_all()
    assert services.current_result(due) is not None
    assert services.current_result(not_yet) is None
    again = app.test_cli_runner().invoke(args=["budgets", "count-due"])
    assert again.exit_code == 0 and again.output == ""  # kept: nothing to count
