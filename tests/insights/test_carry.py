from civic.insights.carry import carry_labels, match_themes


def test_match_by_members():
    old = {"a": range(0, 100), "b": range(100, 200), "c": range(200, 230)}
    new = {1: range(95, 200), 2: range(0, 90), 3: range(500, 600)}
    assert match_themes(old, new) == {1: "b", 2: "a", 3: None}


def test_carry_labels_after_merge_and_rename():
    old = [{"id": 7, "label": "子育て支援(統合)", "members": list(range(0, 60)), "keywords": ["保育"]},
           {"id": 8, "label": "バス", "members": list(range(60, 100)), "keywords": ["バス"]}]
    new = [{"id": 1, "label": "保育・学童", "members": list(range(0, 30)), "keywords": ["保育"]},
           {"id": 2, "label": "児童・手当", "members": list(range(30, 62)), "keywords": ["手当"]},
           {"id": 3, "label": "バス・本数", "members": list(range(62, 101)), "keywords": ["バス"]}]
    out = carry_labels(old, new)
    by = {t["id"]: t for t in out}
    assert by[3]["label"] == "バス" and by[3]["previous_id"] == 8
    # the merged old theme continues in exactly one of the two new halves
    assert sorted(t["previous_id"] for t in out if t["previous_id"] == 7) == [7]
    assert {by[1]["label"], by[2]["label"]} & {"子育て支援(統合)"}


def test_carry_forward_over_a_rerun():
    import random

    from civic.insights.carry import carry_forward
    from civic.insights.pipeline import cluster

    rng = random.Random(0)
    topics = [("図書館", "開館時間を延ばして"), ("駐輪場", "台数を増やして"), ("給食", "献立を公開して")]
    texts = []
    for i in range(90):
        noun, req = topics[i % 3]
        texts.append(f"{noun}の{rng.choice(['件', '話', '運営'])}です。{noun}の{req}ほしい。{i}")
    keys = [f"answer-{i}" for i in range(len(texts))]
    first = cluster(texts, n_themes=3)
    members = first.theme_members(keys)
    old = [{**t.to_dict(), "members": members[t.id]} for t in first.themes]
    lib = first.assignments[0]
    for t in old:
        if t["id"] == lib:
            t["label"] = "図書館(職員が命名)"
    # re-run with rows reordered and a few added: the staff label follows the members
    order = list(range(len(texts)))[::-1]
    texts2 = [texts[i] for i in order] + ["図書館の開館時間を延ばしてほしい。追加"]
    keys2 = [keys[i] for i in order] + ["answer-new"]
    second = cluster(texts2, n_themes=3)
    out = carry_forward(old, second, keys2)
    renamed = [t for t in out if t["label"] == "図書館(職員が命名)"]
    assert len(renamed) == 1 and renamed[0]["parent"] is None
    assert "answer-0" in renamed[0]["members"]
    assert sum(t["previous_id"] is not None for t in out if t["parent"] is None) == 3
