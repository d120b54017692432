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
