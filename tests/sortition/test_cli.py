import hashlib
import json

import pytest

from civic.sortition import selection
from tests.sortition.test_selection import QUOTAS, make_pool


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def files(tmp_path):
    pool = make_pool()
    people = tmp_path / "pool.csv"
    people.write_text("id,性別,地区,年代,氏名\n" + "".join(
        f"{person},{values['性別']},{values['地区']},{values['年代']},名前{person}\n"
        for person, values in pool.items()), encoding="utf-8")
    features = tmp_path / "features.csv"
    features.write_text("feature,value,min,max\n" + "".join(
        f"{quota.feature},{quota.value},{quota.min},{quota.max}\n" for quota in QUOTAS),
        encoding="utf-8")
    return people, features


def select(runner, people, features, *extra, size="8", seed="4719"):
    return runner.invoke(args=["sortition", "select", "--people", str(people), "--features",
                               str(features), "--size", size, "--seed", seed, *extra])


def test_select_ends_with_the_json_line_and_repeats_with_the_same_seed(runner, files):
    result = select(runner, *files, "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(out) == {"selected", "probabilities", "min_probability", "algorithm", "seed",
                        "seconds"}
    assert out["algorithm"] == "maximin" and out["seed"] == 4719 and out["seconds"] >= 0
    pool = make_pool()
    assert len(out["selected"]) == 8 and selection.meets_quotas(pool, QUOTAS, out["selected"])
    assert set(out["probabilities"]) == set(pool)
    assert out["min_probability"] == min(out["probabilities"].values()) > 0
    distribution = selection.find_distribution(pool, QUOTAS, 8)
    assert out["selected"] == list(selection.draw_panel(distribution, "4719"))
    again = json.loads(select(runner, *files, "--json").stdout.strip().splitlines()[-1])
    assert again["selected"] == out["selected"]
    other = json.loads(select(runner, *files, "--json", seed="1").stdout.strip().splitlines()[-1])
    assert other["selected"] != out["selected"]


def test_select_prints_the_digest_the_panel_and_the_quota_table(runner, files):
    people, features = files
    result = select(runner, people, features)
    assert result.exit_code == 0, result.output
    assert "SHA-256 of the inputs (publish them before the seed is known" in result.stdout
    for path in (people, features):
        assert f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path}\n" in result.stdout
    assert "Quotas vs panel (feature, value, min, max, in pool, on panel):" in result.stdout
    assert "  性別\t女性\t4\t4\t" in result.stdout and result.stdout.count("\t4\n") >= 2
    assert "Smallest selection probability: " in result.stdout
    assert not result.stdout.strip().splitlines()[-1].startswith("{")


def test_the_published_distribution_lets_anyone_redo_the_draw(runner, files, tmp_path):
    published = tmp_path / "distribution.json"
    result = select(runner, *files, "--json", "--distribution", str(published))
    assert result.exit_code == 0, result.output
    data = json.loads(published.read_text(encoding="utf-8"))
    assert data["features"] == ["地区", "年代", "性別"] and data["size"] == 8
    distribution = selection.Distribution(
        data["algorithm"], data["size"], tuple(data["features"]),
        tuple(map(tuple, data["profiles"])), tuple(map(tuple, data["members"])),
        tuple(map(tuple, data["compositions"])), tuple(data["chances"]), {})
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert list(selection.draw_panel(distribution, "4719")) == out["selected"]


def test_a_seed_that_is_not_a_plain_number_is_echoed_as_text(runner, files):
    for seed in ("0042", "7 3 9 1", "抽選会2026"):
        out = json.loads(select(runner, *files, "--json", seed=seed).stdout.strip().splitlines()[-1])
        assert out["seed"] == seed


def test_nash_on_request(runner, files):
    result = select(runner, *files, "--json", "--algorithm", "nash")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["algorithm"] == "nash" and len(out["selected"]) == 8


def test_infeasible_quotas_exit_2_naming_them(runner, files, tmp_path):
    people, _ = files
    features = tmp_path / "tight.csv"
    features.write_text("feature,value,min,max\n"
                        "地区,川端地区,6,8\n地区,桜台地区,0,8\n地区,港南地区,0,8\n"
                        "年代,20代,0,8\n年代,40代,0,8\n年代,60代,0,8\n"
                        "性別,女性,0,8\n性別,男性,0,8\n", encoding="utf-8")
    result = select(runner, people, features, "--json", size="5")
    assert result.exit_code == 2
    assert "No panel of 5 meets every quota:" in result.stderr
    assert "the mins of 地区 add up to 6, more than the panel size 5" in result.stderr
    assert "Traceback" not in result.output and "{" not in result.stdout


def test_quotas_that_conflict_only_together_get_the_smallest_change(runner, tmp_path):
    people = tmp_path / "three.csv"
    people.write_text("id,A,B,C\np0,1,1,0\np1,1,0,1\np2,0,1,1\n", encoding="utf-8")
    features = tmp_path / "three-features.csv"
    features.write_text("feature,value,min,max\n" + "".join(
        f"{name},1,1,1\n{name},0,0,0\n" for name in "ABC"), encoding="utf-8")
    result = select(runner, people, features, "--json", size="1")
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert lines[0] == ("No panel of 1 meets all the quotas together; the smallest change that "
                        "would make them feasible:")
    assert lines[1:] and all(line.startswith(("  - lower the min of ", "  - raise the max of "))
                             for line in lines[1:])


def test_bad_files_are_reported_with_their_line(runner, files, tmp_path):
    people, features = files
    broken = tmp_path / "broken.csv"
    broken.write_text("feature,value,min,max\n地区,川端地区,two,3\n", encoding="utf-8")
    result = select(runner, people, broken)
    assert result.exit_code == 1
    assert "line 2: min and max must be whole numbers" in result.output
    unknown = tmp_path / "unknown.csv"
    unknown.write_text("id,性別,地区,年代\nz1,女性,不明,20代\n", encoding="utf-8")
    result = select(runner, unknown, features)
    assert result.exit_code == 1
    assert "z1: 地区='不明' is not a value in the features file" in result.output
    cp932 = tmp_path / "cp932.csv"
    cp932.write_bytes("id,性別,地区,年代\n".encode("cp932"))
    result = select(runner, cp932, features)
    assert result.exit_code == 1 and "not UTF-8 text" in result.output
    result = select(runner, people, features, size="0")
    assert result.exit_code == 2 and "--size" in result.output
