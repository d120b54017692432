import hashlib
import math
import random
import subprocess
import sys
from collections import Counter
from fractions import Fraction
from itertools import accumulate
from pathlib import Path

import pytest

from civic.sortition import selection
from civic.sortition.selection import Conflict, InfeasibleQuotas, Quota, Resident

ROOT = Path(__file__).resolve().parents[2]

AREAS = ("川端地区", "桜台地区", "港南地区")
AGES = ("20代", "40代", "60代")
GENDERS = ("女性", "男性")


def make_pool(count=40, seed=7):
    rng = random.Random(seed)
    return {f"r{number:03d}": {"地区": rng.choice(AREAS), "年代": rng.choices(AGES, (1, 2, 3))[0],
                               "性別": rng.choice(GENDERS)}
            for number in range(1, count + 1)}


QUOTAS = [Quota("地区", "川端地区", 2, 3), Quota("地区", "桜台地区", 2, 3),
          Quota("地区", "港南地区", 2, 3),
          Quota("年代", "20代", 2, 3), Quota("年代", "40代", 2, 3), Quota("年代", "60代", 2, 3),
          Quota("性別", "女性", 4, 4), Quota("性別", "男性", 4, 4)]


@pytest.fixture(scope="module")
def pool():
    return make_pool()


@pytest.fixture(scope="module")
def maximin(pool):
    return selection.find_distribution(pool, QUOTAS, 8)


# The distribution ---------------------------------------------------------------------------------

def test_every_composition_meets_the_quotas_and_chances_add_up(pool, maximin):
    assert math.isclose(sum(maximin.chances), 1.0)
    assert math.isclose(sum(maximin.probabilities.values()), 8.0)
    assert set(maximin.probabilities) == set(pool)
    for composition in maximin.compositions:
        panel = [group[index] for count, group in zip(composition, maximin.members, strict=True)
                 for index in range(count)]
        assert len(panel) == 8
        assert selection.meets_quotas(pool, QUOTAS, panel)


def test_maximin_matches_sortition_algorithms(pool, maximin):
    """The profile-level column generation reaches the library's maximin value."""
    from sortition_algorithms.committee_generation import find_distribution_maximin

    features, people, ids = selection._library_inputs(pool, QUOTAS)
    committees, chances, _ = selection._seeded_library(
        lambda: find_distribution_maximin(features, people, 8, []))
    marginals = Counter()
    for committee, chance in zip(committees, chances, strict=True):
        for position in committee:
            marginals[ids[position]] += chance
    library_min = min(marginals[person] for person in ids)
    assert maximin.min_probability == pytest.approx(library_min, abs=1e-3)
    assert maximin.min_probability > 0.1


def test_people_of_one_profile_have_the_same_probability(pool, maximin):
    for group in maximin.members:
        assert len({round(maximin.probabilities[person], 12) for person in group}) == 1


def test_the_distribution_is_the_same_for_the_pool_in_any_order(pool, maximin):
    shuffled = selection.find_distribution(dict(reversed(list(pool.items()))), QUOTAS, 8)
    assert shuffled == maximin and shuffled.probabilities == maximin.probabilities
    # Features in another order make other profiles, hence another (equally fair) optimum.
    reordered = selection.find_distribution(pool, list(reversed(QUOTAS)), 8)
    assert reordered.min_probability == pytest.approx(maximin.min_probability)


def test_the_distribution_does_not_depend_on_the_hash_seed():
    """Python salts string hashes per process; the distribution must not notice."""
    script = (
        "import json, sys\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "from tests.sortition.test_selection import make_pool, QUOTAS\n"
        "from civic.sortition import selection\n"
        "pool = make_pool()\n"
        "out = {}\n"
        "for algorithm in selection.ALGORITHMS:\n"
        "    d = selection.find_distribution(pool, QUOTAS, 8, algorithm)\n"
        "    out[algorithm] = [d.compositions, d.chances, selection.draw_panel(d, '2026')]\n"
        "print(json.dumps(out))\n")
    outputs = []
    for hash_seed in ("1", "2"):
        result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                                env={"PYTHONHASHSEED": hash_seed, "PATH": "/usr/bin:/bin"},
                                cwd=ROOT, check=True, timeout=300)
        outputs.append(result.stdout.strip().splitlines()[-1])
    assert outputs[0] == outputs[1]


def test_nash_matches_sortition_algorithms_and_meets_the_quotas(pool, maximin):
    from sortition_algorithms.committee_generation import find_distribution_nash

    nash = selection.find_distribution(pool, QUOTAS, 8, "nash")
    assert nash.algorithm == "nash"
    features, people, ids = selection._library_inputs(pool, QUOTAS)
    committees, chances, _ = selection._seeded_library(
        lambda: find_distribution_nash(features, people, 8, []))
    marginals = Counter()
    for committee, chance in zip(committees, chances, strict=True):
        for position in committee:
            marginals[ids[position]] += chance
    welfare = sum(math.log(probability) for probability in nash.probabilities.values())
    assert welfare == pytest.approx(sum(math.log(marginals[person]) for person in ids), abs=1e-4)
    assert math.isclose(sum(nash.probabilities.values()), 8.0, rel_tol=1e-6)
    assert 0 < nash.min_probability <= maximin.min_probability + 1e-6
    for seed in ("a", "b", "c"):
        assert selection.meets_quotas(pool, QUOTAS, selection.draw_panel(nash, seed))


def test_the_library_leaves_the_global_random_state_as_it_was():
    """sortition-algorithms, asked which quotas to relax, reseeds the global ``random``."""
    random.seed(99)
    expected = random.random()
    random.seed(99)
    with pytest.raises(InfeasibleQuotas):
        selection.find_distribution(THREE_WAY_POOL, THREE_WAY_QUOTAS, 1)
    assert random.random() == expected


def test_unknown_algorithm_and_bad_size_are_refused(pool):
    with pytest.raises(ValueError, match="unknown algorithm"):
        selection.find_distribution(pool, QUOTAS, 8, "leximin")
    with pytest.raises(ValueError, match="at least 1"):
        selection.find_distribution(pool, QUOTAS, 0)


def test_a_pool_value_outside_the_features_file_is_refused(pool):
    bad = {**pool, "x": {"地区": "不明", "年代": "20代", "性別": "女性"}}
    with pytest.raises(ValueError, match="x: 地区='不明'"):
        selection.find_distribution(bad, QUOTAS, 8)


# The draw -----------------------------------------------------------------------------------------

def test_the_draw_follows_the_documented_steps(maximin):
    """Redo the draw as a person checking it by hand would, from the published description."""
    seed = "4 7 1 9"
    point = Fraction(int(hashlib.sha256(seed.encode()).hexdigest(), 16), 2 ** 256)
    uppers = list(accumulate(Fraction(chance) for chance in maximin.chances))
    composition = maximin.compositions[next(k for k, upper in enumerate(uppers) if point < upper)]
    expected = []
    for count, group in zip(composition, maximin.members, strict=True):
        ranked = sorted(group, key=lambda person: hashlib.sha256(
            f"{seed}:{person}".encode()).hexdigest())
        expected += ranked[:count]
    assert selection.draw_panel(maximin, seed) == tuple(sorted(expected))
    assert maximin.compositions == tuple(sorted(maximin.compositions))
    assert maximin.profiles == tuple(sorted(maximin.profiles))


def test_the_same_seed_draws_the_same_panel(maximin):
    assert selection.draw_panel(maximin, "2026-12-02") == selection.draw_panel(maximin, "2026-12-02")
    panels = {selection.draw_panel(maximin, str(seed)) for seed in range(20)}
    assert len(panels) > 10


def test_seeded_draws_meet_the_quotas_and_match_the_probabilities(pool, maximin):
    draws = 1000
    frequency = Counter()
    for seed in range(draws):
        panel = selection.draw_panel(maximin, f"test-{seed}")
        assert len(set(panel)) == 8
        assert selection.meets_quotas(pool, QUOTAS, panel)
        frequency.update(panel)
    for person, probability in maximin.probabilities.items():
        error = math.sqrt(probability * (1 - probability) / draws)
        assert abs(frequency[person] / draws - probability) <= 3 * error, person


# Conflicts ----------------------------------------------------------------------------------------

def conflicts_of(pool, quotas, size):
    with pytest.raises(InfeasibleQuotas) as caught:
        selection.find_distribution(pool, quotas, size)
    return caught.value.conflicts


def people(*profiles):
    """{id: {A, B, …}} from profiles written as strings of values, e.g. "xy" → A=x, B=y."""
    return {f"p{number}": {chr(65 + position): value for position, value in enumerate(profile)}
            for number, profile in enumerate(profiles)}


def quotas(**bounds):
    """Quota(feature, value, min, max) from A_x=(1, 2) …"""
    return [Quota(*name.split("_"), *limits) for name, limits in bounds.items()]


# One person with A=1, B=1 and C=1 is needed; nobody has all three, yet any two exist.
THREE_WAY_POOL = people("110", "101", "011")
THREE_WAY_QUOTAS = quotas(A_1=(1, 1), A_0=(0, 0), B_1=(1, 1), B_0=(0, 0), C_1=(1, 1), C_0=(0, 0))


def test_not_enough_with_a_value_in_the_pool(pool):
    short = [quota if quota.value != "20代" else Quota("年代", "20代", 50, 60) for quota in QUOTAS]
    found = conflicts_of(pool, short, 8)
    twenties = sum(1 for person in pool.values() if person["年代"] == "20代")
    assert Conflict("not_enough_in_pool", "年代", "20代", 50, twenties) in found
    assert f"not enough 年代=20代 in the pool: the min is 50, the pool has {twenties}" in str(
        InfeasibleQuotas(found))


def test_single_feature_conflicts():
    pool = people("xy", "xy", "zy", "zw", "xw")
    assert conflicts_of(pool, quotas(A_x=(2, 3), A_z=(2, 2), B_y=(0, 5), B_w=(0, 5)), 3) == (
        Conflict("mins_above_size", "A", needed=4, available=3),)
    assert conflicts_of(pool, quotas(A_x=(0, 1), A_z=(0, 1), B_y=(0, 5), B_w=(0, 5)), 3) == (
        Conflict("maxes_below_size", "A", needed=3, available=2),)
    assert Conflict("min_above_max", "B", "y", 3, 1) in conflicts_of(
        pool, quotas(A_x=(0, 3), A_z=(0, 2), B_y=(3, 1), B_w=(0, 5)), 3)
    assert Conflict("pool_too_small", needed=6, available=5) in conflicts_of(
        pool, quotas(A_x=(0, 6), A_z=(0, 6), B_y=(0, 6), B_w=(0, 6)), 6)


def test_two_features_that_conflict_are_named():
    # Every 20代 lives in 川端地区, which may send only one person: two 20代 cannot be found.
    pool = {"a": {"地区": "川端地区", "年代": "20代"}, "b": {"地区": "川端地区", "年代": "20代"},
            "c": {"地区": "桜台地区", "年代": "60代"}, "d": {"地区": "桜台地区", "年代": "60代"}}
    rules = [Quota("地区", "川端地区", 0, 1), Quota("地区", "桜台地区", 0, 3),
             Quota("年代", "20代", 2, 3), Quota("年代", "60代", 0, 3)]
    found = conflicts_of(pool, rules, 3)
    assert Conflict("too_few_with_other", "年代", "20代", 2, 1, "地区") in found
    assert ("not enough 年代=20代 within the 地区 quotas: the min is 2, but the maxes of 地区 "
            "let at most 1 of them be chosen") in [conflict.describe() for conflict in found]


def test_mins_of_one_feature_that_force_too_many_of_another():
    # 桜台地区 needs two people and both are 60代, whose max is 1.
    pool = {"a": {"地区": "川端地区", "年代": "20代"}, "b": {"地区": "川端地区", "年代": "20代"},
            "c": {"地区": "桜台地区", "年代": "60代"}, "d": {"地区": "桜台地区", "年代": "60代"}}
    rules = [Quota("地区", "川端地区", 0, 3), Quota("地区", "桜台地区", 2, 3),
             Quota("年代", "20代", 0, 3), Quota("年代", "60代", 0, 1)]
    assert Conflict("too_many_for_other", "年代", "60代", 2, 1, "地区") in conflicts_of(
        pool, rules, 3)


def test_three_features_that_conflict_get_the_libraries_relaxation():
    pool, rules = THREE_WAY_POOL, THREE_WAY_QUOTAS
    assert selection.find_conflicts(pool, rules, 1) == []
    found = conflicts_of(pool, rules, 1)
    assert found and all(conflict.kind in selection.RELAXATIONS for conflict in found)
    relaxed = {(c.feature, c.value): c for c in found}
    for conflict in relaxed.values():
        assert conflict.describe() == (
            f"{'lower the min' if conflict.kind == 'lower_min' else 'raise the max'} of "
            f"{conflict.feature}={conflict.value} from {conflict.needed} to {conflict.available}")
    # Applying the suggested change makes the quotas feasible.
    changed = []
    for rule in rules:
        conflict = relaxed.get((rule.feature, rule.value))
        if conflict and conflict.kind == "lower_min":
            rule = Quota(rule.feature, rule.value, conflict.available, rule.max)
        elif conflict:
            rule = Quota(rule.feature, rule.value, rule.min, conflict.available)
        changed.append(rule)
    relaxed_distribution = selection.find_distribution(pool, changed, 1)
    assert relaxed_distribution.probabilities == {"p0": 1.0, "p1": 0.0, "p2": 0.0}
    assert selection.meets_quotas(pool, changed, selection.draw_panel(relaxed_distribution, "s"))


# Reading the files --------------------------------------------------------------------------------

def test_read_quotas_and_pool():
    rules = selection.read_quotas("\ufefffeature,value,min,max\n地区,川端地区,1,2\n 年代 , 20代 ,0,1\n,,,\n")
    assert rules == [Quota("地区", "川端地区", 1, 2), Quota("年代", "20代", 0, 1)]
    pool = selection.read_pool("id,年代,地区,氏名\nA1,20代,川端地区,山田\n", ["地区", "年代"])
    assert pool == {"A1": {"地区": "川端地区", "年代": "20代"}}


@pytest.mark.parametrize(("text", "message"), [
    ("feature,value,min\n", "no column max"),
    ("feature,value,min,max\n地区,川端地区,one,2\n", "line 2: min and max must be whole numbers"),
    ("feature,value,min,max\n地区,川端地区,-1,2\n", "line 2: min and max must not be negative"),
    ("feature,value,min,max\n地区,A,1,2\n地区,a,1,2\n", "line 3: 地区=a appears twice"),
    ("feature,value,min,max\n地区,,1,2\n", "line 2: the value is empty"),
    ("feature,value,min,max\n", "no quotas"),
])
def test_read_quotas_errors(text, message):
    with pytest.raises(ValueError, match=message):
        selection.read_quotas(text)


@pytest.mark.parametrize(("text", "message"), [
    ("id,年代\nA1,20代\n", "no column 地区"),
    ("id,地区\nA1,川端地区\nA1,桜台地区\n", "line 3: the id A1 appears twice"),
    ("id,地区\n,川端地区\n", "line 2: the id is empty"),
    ("id,地区\nA1,\n", "line 2: no value for 地区"),
])
def test_read_pool_errors(text, message):
    with pytest.raises(ValueError, match=message):
        selection.read_pool(text, ["地区"])


# Replacements -------------------------------------------------------------------------------------

def test_a_replacement_keeps_every_quota_and_is_seeded(pool, maximin):
    panel = selection.draw_panel(maximin, "event")
    dropped = panel[0]
    first = selection.draw_replacement(pool, QUOTAS, panel, dropped, "r-1", reason="入院のため")
    assert first.dropped == dropped and first.reason == "入院のため"
    assert first.replacement not in panel and first.candidates >= 1
    new_panel = (set(panel) - {dropped}) | {first.replacement}
    assert selection.meets_quotas(pool, QUOTAS, new_panel)
    again = selection.draw_replacement(pool, QUOTAS, panel, dropped, "r-1", reason="入院のため")
    assert again == first
    others = {selection.draw_replacement(pool, QUOTAS, panel, dropped, f"r-{n}").replacement
              for n in range(30)}
    assert len(others) > 1
    excluded = selection.draw_replacement(pool, QUOTAS, panel, dropped, "r-1",
                                          excluded=[first.replacement])
    assert excluded.replacement != first.replacement


def test_a_replacement_that_cannot_keep_the_quotas_is_explained():
    pool = {"a": {"地区": "川端地区"}, "b": {"地区": "川端地区"}, "c": {"地区": "桜台地区"},
            "d": {"地区": "桜台地区"}}
    rules = [Quota("地区", "川端地区", 1, 1), Quota("地区", "桜台地区", 1, 1)]
    with pytest.raises(InfeasibleQuotas) as caught:
        selection.draw_replacement(pool, rules, ["a", "c"], "a", "s", excluded=["b"])
    assert Conflict("not_enough_in_pool", "地区", "川端地区", 1, 0) in caught.value.conflicts
    assert selection.draw_replacement(pool, rules, ["a", "c"], "a", "s").replacement == "b"
    # b lives in 川端地区 as needed, but is 60代, which is already at its max.
    ages = {"a": "20代", "b": "60代", "c": "60代", "d": "20代"}
    aged = {person: {**values, "年代": ages[person]} for person, values in pool.items()}
    age_rules = [*rules, Quota("年代", "20代", 0, 2), Quota("年代", "60代", 0, 1)]
    with pytest.raises(InfeasibleQuotas) as caught:
        selection.draw_replacement(aged, age_rules, ["a", "c"], "a", "s")
    assert caught.value.conflicts == (Conflict("at_max", "年代", "60代", 2, 1),)
    assert str(caught.value) == "年代=60代 is at its max of 1: a replacement with it would make 2"
    with pytest.raises(ValueError, match="not on the panel"):
        selection.draw_replacement(pool, rules, ["a", "c"], "b", "s")


# Quotas from the register -------------------------------------------------------------------------

def test_suggested_quotas_follow_the_register():
    counts = {"地区": {"川端地区": 5000, "桜台地区": 3000, "港南地区": 2000},
              "性別": {"女性": 52, "男性": 48}}
    suggested = selection.suggest_quotas(counts, 30, tolerance=0.1)
    by_value = {quota.value: (quota.min, quota.max) for quota in suggested}
    assert by_value == {"川端地区": (13, 17), "桜台地区": (8, 10), "港南地区": (5, 7),
                        "女性": (14, 18), "男性": (12, 16)}
    exact = selection.suggest_quotas(counts, 30, tolerance=0)
    assert {quota.value: (quota.min, quota.max) for quota in exact}["女性"] == (15, 16)
    for feature in counts:
        rows = [quota for quota in exact if quota.feature == feature]
        assert sum(quota.min for quota in rows) <= 30 <= sum(quota.max for quota in rows)
    with pytest.raises(ValueError, match="nobody"):
        selection.suggest_quotas({"地区": {"川端地区": 0}}, 30)


# Stage 1: invitations -----------------------------------------------------------------------------

def register(count=300, seed=3):
    rng = random.Random(seed)
    return [Resident(f"j{number:04d}", f"h{number // 2:04d}",
                     {"地区": rng.choices(AREAS, (3, 2, 1))[0], "年代": rng.choice(AGES)})
            for number in range(count)]


def test_invitations_are_seeded_one_per_household():
    residents = register()
    invited = selection.draw_invitations(residents, 60, "2026")
    assert len(invited) == 60 == len(set(invited))
    household = {resident.id: resident.household for resident in residents}
    assert len({household[person] for person in invited}) == 60
    assert selection.draw_invitations(residents, 60, "2026") == invited
    assert selection.draw_invitations(residents, 60, "2027") != invited
    ranks = [hashlib.sha256(f"2026:{person}".encode()).digest() for person in invited]
    assert ranks == sorted(ranks)


def test_stratified_invitations_get_proportional_shares():
    residents = register()
    invited = selection.draw_invitations(residents, 60, "2026", strata=("地区",))
    by_id = {resident.id: resident for resident in residents}
    sizes = Counter(resident.values["地区"] for resident in residents)
    got = Counter(by_id[person].values["地区"] for person in invited)
    for area, size in sizes.items():
        assert abs(got[area] - 60 * size / len(residents)) < 1
    both = selection.draw_invitations(residents, 45, "x", strata=("地区", "年代"))
    assert len(both) == 45


def test_a_stratum_without_enough_households_leaves_its_places_to_the_others():
    # Stratum "s" has 4 people but only one household: it gets 2 places and fills one.
    residents = [Resident(f"s{n}", "shared", {"地区": "s"}) for n in range(4)] + [
        Resident(f"t{n}", f"t{n}", {"地区": "t"}) for n in range(4)]
    invited = selection.draw_invitations(residents, 4, "seed", strata=("地区",))
    assert len(invited) == 4
    assert sum(person.startswith("s") for person in invited) == 1


def test_invitations_refuse_impossible_counts():
    residents = register(10)
    with pytest.raises(ValueError, match="only 5 households"):
        selection.draw_invitations(residents, 6, "s")
    with pytest.raises(ValueError, match="twice"):
        selection.draw_invitations([*residents, residents[0]], 2, "s")
    assert selection.draw_invitations([], 0, "s") == []
    with pytest.raises(ValueError, match="j0000: no value for 年代"):
        selection.draw_invitations([Resident("j0000", "h", {"地区": "川端地区"})], 1, "s",
                                   strata=("地区", "年代"))
