import json

import pytest
from sklearn.metrics import adjusted_rand_score

from tests.conftest import SHARED

POLIS = SHARED / "data" / "polis" / "canadian-electoral-reform"
needs_shared = pytest.mark.skipif(not POLIS.is_dir(),
                                  reason=f"{POLIS} is absent (../shared not checked out)")


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@needs_shared
def test_groups_of_a_real_conversation_agree_with_polis(runner):
    result = runner.invoke(args=["opinions", "groups", str(POLIS / "participants-votes.csv"),
                                 "--comments", str(POLIS / "comments.csv"), "--json"])
    assert result.exit_code == 0, result.output
    last = json.loads(result.output.strip().splitlines()[-1])
    assert set(last) == {"groups", "k", "seconds"} and last["seconds"] >= 0
    polis = {}
    with (POLIS / "participants-votes.csv").open(encoding="utf-8") as handle:
        next(handle)
        for line in handle:
            participant, group = line.split(",", 2)[:2]
            polis[participant] = int(group) if group else None
    assert set(last["groups"]) == set(polis)
    assert last["k"] == len({g for g in polis.values() if g is not None})
    grouped = [p for p, g in polis.items() if g is not None]
    ours = [-1 if last["groups"][p] is None else last["groups"][p] for p in grouped]
    assert adjusted_rand_score([polis[p] for p in grouped], ours) > 0.9
    # Left out exactly when too few votes, as Polis leaves them out.
    assert all(last["groups"][p] is None for p, g in polis.items() if g is None)
    assert "group 0:" in result.output and "%" in result.output
    assert "\nconsensus: #" in result.output and "\ndivisive: #" in result.output


def test_a_small_file_prints_groups_and_json(runner, tmp_path):
    header = "participant,group-id,n-comments,n-votes,n-agree,n-disagree," + ",".join(
        str(j) for j in range(8))
    lines = [header]
    for i in range(30):
        side = "1" if i < 15 else "-1"
        other = "-1" if i < 15 else "1"
        lines.append(f"{i},,0,8,0,0," + ",".join([side] * 4 + [other] * 4))
    lines.append("30,,0,1,1,0,1,,,,,,,")
    path = tmp_path / "participants-votes.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(args=["opinions", "groups", str(path), "--json"])
    assert result.exit_code == 0, result.output
    last = json.loads(result.output.strip().splitlines()[-1])
    assert last["k"] == 2 and last["groups"]["30"] is None
    assert len({last["groups"][str(i)] for i in range(15)}) == 1
    assert last["groups"]["0"] != last["groups"]["29"]
    assert result.output.startswith("groups: 2, participants: 31, left out for too few votes: 1\n")


@pytest.mark.parametrize("content", ["participant,votes\n1,2\n",
                                     "participant,group-id,n-comments,n-votes,n-agree,"
                                     "n-disagree,0\n1,,0,1,1,0,yes\n"])
def test_a_malformed_file_is_a_clear_error_with_status_1(runner, tmp_path, content):
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    result = runner.invoke(args=["opinions", "groups", str(path), "--json"])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "participants-votes.csv line" in result.output
    assert "Traceback" not in result.output


def test_a_file_that_is_not_text_is_a_clear_error(runner, tmp_path):
    path = tmp_path / "binary.csv"
    path.write_bytes(b"\xff\xfe\x00\x81")
    result = runner.invoke(args=["opinions", "groups", str(path)])
    assert result.exit_code == 1
    assert "not a readable CSV file" in result.output
