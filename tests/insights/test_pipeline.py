import random
from collections import Counter

import pytest
from sklearn.metrics import adjusted_rand_score

from civic.insights.boilerplate import is_builtin_boilerplate_unit
from civic.insights.pipeline import cluster
from civic.insights.tokens import TokenCache, names_a_theme
from tests.insights.mixed_corpus import PROCESS_TEXTS, make_mixed

# A small corpus unlike the dev file: four topics, shared self-introductions, a shared
# corpus-specific opener the built-in list does not know, and polite closings.
TOPICS = {
    "library": (["図書館の蔵書", "図書館の自習室", "移動図書館", "電子書籍の貸出"],
                ["開館時間を延長して", "新刊を増やして", "座席を予約制にして", "返却ポストを駅に置いて"]),
    "noise": (["工事の騒音", "深夜の騒音", "トラックの振動", "選挙カーの音量"],
              ["騒音計を設置して", "夜間工事を規制して", "苦情窓口を一本化して", "振動を測定して"]),
    "lunch": (["学校給食の献立", "給食のアレルギー対応", "給食費の負担", "地元野菜の給食"],
              ["献立を公開して", "アレルギー食を充実させて", "給食費を補助して", "食材を地元から仕入れて"]),
    "cycling": (["駐輪場の台数", "放置自転車", "シェアサイクル", "自転車道の段差"],
                ["駐輪場を増設して", "放置自転車を撤去して", "シェアサイクルの拠点を増やして",
                 "段差を解消して"]),
}
OPENERS = ["", "", "市内在住の会社員です。", "学生の立場から意見します。", "毎朝犬の散歩をしている者ですが、",
           "いつもお世話になっております。"]
CLOSERS = ["", "よろしくお願いします。", "ぜひ実現してほしいです。", "ご検討ください。"]
BOILER_WORDS = {"会社員", "在住", "学生", "立場", "毎朝", "犬", "散歩", "お世話", "お願い", "実現", "検討"}


def make_corpus(n=200, seed=3, topics=None):
    rng = random.Random(seed)
    texts, gold = [], []
    for _ in range(n):
        topic = rng.choice(sorted(topics or TOPICS))
        subj, req = TOPICS[topic]
        body = f"{rng.choice(subj)}が気になります。{rng.choice(req)}ほしい。"
        if rng.random() < 0.5:
            body = f"{rng.choice(subj)}と{rng.choice(subj)}について。" + body
        texts.append(rng.choice(OPENERS) + body + rng.choice(CLOSERS))
        gold.append(topic)
    return texts, gold


@pytest.fixture(scope="module")
def corpus():
    return make_corpus()


@pytest.fixture(scope="module")
def result(corpus):
    return cluster(corpus[0])


def test_recovers_topics(corpus, result):
    _, gold = corpus
    pred = result.assignments
    assert all(p is not None for p in pred)
    assert adjusted_rand_score(gold, pred) >= 0.7


def test_output_structure(corpus, result):
    d = result.to_dict()
    assert set(d) == {"themes", "assignments"}
    assert len(d["assignments"]) == len(corpus[0])
    ids = {t["id"] for t in d["themes"]}
    broad = {t["id"] for t in d["themes"] if t["parent"] is None}
    assert 2 <= len(broad) <= 15
    for t in d["themes"]:
        assert set(t) == {"id", "label", "keywords", "size", "parent", "representatives"}
        assert t["parent"] is None or t["parent"] in broad
        assert 1 <= len(t["representatives"]) <= 5
        col = result.assignments if t["parent"] is None else result.sub_assignments
        assert all(col[r] == t["id"] for r in t["representatives"])
        assert t["size"] == sum(1 for a in col if a == t["id"])
    assert set(a for a in d["assignments"] if a is not None) <= broad <= ids
    assert sum(t["size"] for t in d["themes"] if t["parent"] is None) == len(corpus[0])
    assert all(c is not None and len(c) == 2 for c in result.coords)


def test_labels_free_of_boilerplate(result):
    for t in result.themes:
        for kw in t.keywords:
            assert not any(b in kw for b in BOILER_WORDS), (t.label, t.keywords)


def test_learns_corpus_boilerplate(result):
    learned = result.boilerplate["units"] + result.boilerplate["terms"]
    assert any("散歩" in u for u in learned), learned


def test_builtin_boilerplate_units():
    for u in ["市内在住の会社員です", "学生の立場から意見します", "よろしくお願いします",
              "ぜひ実現してほしいです", "ご検討ください", "七十代の一人暮らしです"]:
        assert is_builtin_boilerplate_unit(u), u
    for u in ["保育園の空き枠が足りないので", "パトロールを強化することを提案します"]:
        assert not is_builtin_boilerplate_unit(u), u


def test_stopwords_remove_words(corpus, result):
    top = next(t for t in result.themes if t.parent is None).keywords[0]
    res = cluster(corpus[0], stopwords=[top])
    assert all(top not in t.keywords for t in res.themes)


def test_deterministic(corpus, result):
    again = cluster(corpus[0])
    assert again.to_dict() == result.to_dict()
    assert again.coords == result.coords


def test_set_aside_reasons_and_duplicates(corpus):
    texts = list(corpus[0][:120])
    campaign = "図書館の自習室を朝七時から開けてください。受験生には切実です。"
    texts += [campaign] * 40
    texts += ["よろしくお願いします。" + campaign] * 10  # near copies with a greeting
    texts += ["", "特になし", "Please open the library earlier", "https://example.com", "😀"]
    res = cluster(texts, cache=TokenCache())
    assert res.set_aside[len(texts) - 5] == "empty"
    assert res.set_aside[len(texts) - 4] == "no_content"
    assert res.set_aside[len(texts) - 3] == "language:en"
    assert res.set_aside[len(texts) - 2] == "no_content"
    assert res.set_aside[len(texts) - 1] == "no_content"
    assert all(res.assignments[i] is None for i in res.set_aside)
    assert res.set_aside_by_reason()["no_content"] == [len(texts) - 4, len(texts) - 2, len(texts) - 1]
    biggest = max(res.duplicates, key=lambda g: g.count)
    assert biggest.count >= 50
    assert set(range(120, 170)) <= set(biggest.rows)
    counts = res.duplicate_count()
    assert counts[120] == biggest.count and counts[0] < biggest.count
    # the campaign is one item but weighs in with its count
    theme = res.assignments[120]
    assert all(res.assignments[i] == theme for i in range(120, 170))
    assert next(t for t in res.themes if t.id == theme).size >= 50


def test_cache_reuse_same_result(corpus):
    cache = TokenCache()
    a = cluster(corpus[0], cache=cache)
    n = len(cache)
    assert n > 0
    b = cluster(corpus[0], cache=cache)
    assert len(cache) == n
    assert a.to_dict() == b.to_dict()


def test_progress_and_tiny_inputs():
    stages = []
    res = cluster(["", "特になし"], progress=lambda s, f: stages.append(s))
    assert res.assignments == [None, None] and res.themes == []
    res = cluster(["公園のベンチを直してほしい", "バスの本数を増やして"],
                  progress=lambda s, f: stages.append(s))
    assert all(a is not None for a in res.assignments)
    assert "tokenise" in stages


def test_two_topics_broad_themes_are_pure():
    texts, gold = make_corpus(240, seed=5, topics=["library", "noise"])
    res = cluster(texts)
    broad = [t for t in res.themes if t.parent is None]
    assert 2 <= len(broad) <= 10
    for t in broad:  # a broad theme never mixes the two topics
        members = [gold[r] for r in res.members(t.id)]
        assert max(members.count("library"), members.count("noise")) >= 0.95 * len(members)


@pytest.fixture(scope="module")
def mixed():
    texts, gold = make_mixed(seed=7)
    return texts, gold, cluster(texts)


def _subjects(gold, result):
    """Broad theme id → Counter of the gold subjects of its answers (the survey's rows only)."""
    found: dict[int, Counter] = {}
    for subject, theme in zip(gold, result.assignments[:len(gold)], strict=True):
        if theme is not None:
            found.setdefault(theme, Counter())[subject] += 1
    return found


def test_a_mixed_survey_finds_each_subject_despite_shared_words(mixed):
    """Childcare answers say ネット and 入れる like garbage and disaster answers; they still make a
    theme of their own, and every subject has one theme holding almost all of its answers."""
    _texts, gold, result = mixed
    themes = _subjects(gold, result)
    assert len(themes) == 5
    leaders = {counts.most_common(1)[0][0]: counts for counts in themes.values()}
    assert set(leaders) == {"park", "bicycle", "garbage", "childcare", "disaster"}
    for subject, counts in leaders.items():
        assert counts[subject] >= 54, (subject, counts)  # 90 % of its 60 answers
        assert sum(counts.values()) - counts[subject] <= 6, (subject, counts)


def test_labels_are_nouns_not_verbs_or_single_characters(mixed):
    _texts, _gold, result = mixed
    words = [w for t in result.themes for w in t.label.split("・")]
    assert words and all(names_a_theme(w) for w in words), [t.label for t in result.themes]
    assert not set(words) & {"入れる", "知る", "止める", "走る", "週", "前"}
    assert not names_a_theme("入れる") and not names_a_theme("週") and names_a_theme("保育園")


def test_adding_the_process_texts_keeps_the_survey_themes(mixed):
    texts, gold, result = mixed
    joined = cluster(texts + PROCESS_TEXTS)
    assert abs(len(_subjects(gold, joined)) - len(_subjects(gold, result))) <= 1
    survey = joined.assignments[:len(gold)]
    assert adjusted_rand_score(gold, [a if a is not None else -1 for a in survey]) >= 0.85
