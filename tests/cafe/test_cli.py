"""`flask --app civic cafe plan`: a readable plan, or one JSON line at the end."""

import json
from itertools import combinations

import pytest


@pytest.mark.parametrize(("people", "tables", "rounds"), [(24, 6, 3), (13, 4, 5), (5, 5, 2)])
def test_plan_json_shape_and_invariants(app, people, tables, rounds):
    result = app.test_cli_runner().invoke(args=[
        "cafe", "plan", "--people", str(people), "--tables", str(tables), "--rounds", str(rounds),
        "--seed", "3", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output.strip().splitlines()[-1])
    assert set(data) == {"hosts", "rounds", "seconds"}
    assert len(data["hosts"]) == tables and len(set(data["hosts"])) == tables
    assert isinstance(data["seconds"], float) and data["seconds"] >= 0
    assert len(data["rounds"]) == rounds
    for seating in data["rounds"]:
        assert len(seating) == tables
        seated = sorted(p for table in seating for p in table)
        assert seated == list(range(people))
        sizes = [len(table) for table in seating]
        assert max(sizes) - min(sizes) <= 1
        for t, table in enumerate(seating):
            assert data["hosts"][t] in table


def test_plan_json_reaches_zero_repeats_where_possible(app):
    result = app.test_cli_runner().invoke(args=[
        "cafe", "plan", "--people", "24", "--tables", "6", "--rounds", "3", "--json"])
    data = json.loads(result.output.strip().splitlines()[-1])
    pairs = [pair for seating in data["rounds"] for table in seating
             for pair in combinations(sorted(table), 2)]
    assert len(pairs) == len(set(pairs))


def test_plan_readable_output_has_quality_figures(app):
    result = app.test_cli_runner().invoke(args=[
        "cafe", "plan", "--people", "10", "--tables", "3", "--rounds", "2"])
    assert result.exit_code == 0, result.output
    assert "Round 1" in result.output and "table 0: host 0" in result.output
    assert "repeated pairs:" in result.output and "revisits:" in result.output


def test_plan_refuses_fewer_people_than_tables(app):
    result = app.test_cli_runner().invoke(args=[
        "cafe", "plan", "--people", "2", "--tables", "3", "--rounds", "2"])
    assert result.exit_code != 0 and "host" in result.output
