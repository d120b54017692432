from datetime import date

from civic.consultations import draft
from tests.consultations.conftest import DRAFT


def test_a_draft_is_cut_at_headings_and_numbered_articles():
    parts = draft.split(DRAFT)
    assert [(p.number, p.heading) for p in parts] == [
        ("", ""), ("第1章", "総則"), ("第1条", "（目的）"), ("第2条", "（対象）"),
        ("第2章", "整備"), ("第3条", "ベンチを増やす。")]
    assert parts[0].body.startswith("本計画は")
    assert parts[2].body == "この計画は、公園の整備の方針を定める。"
    assert parts[5].body == "日陰をつくる。"


def test_kanji_and_full_width_numbers_and_empty_drafts():
    parts = draft.split("第十二条の二　経過措置\n本文\r\n第３節 補則\n")
    assert [(p.number, p.heading, p.body) for p in parts] == [
        ("第十二条の二", "経過措置", "本文"), ("第３節", "補則", "")]
    assert draft.split("") == [] and draft.split("\n \n") == []


def test_the_period_warns_below_thirty_days():
    assert draft.period_days(date(2026, 1, 1), date(2026, 1, 30)) == 30
    assert not draft.short_period(date(2026, 1, 1), date(2026, 1, 30))
    assert draft.short_period(date(2026, 1, 1), date(2026, 1, 29))


def test_the_diff_shows_removed_and_added_text_by_character():
    changes = draft.diff("ベンチを増やす。\n日陰をつくる。",
                         "ベンチを増やす。\n木陰をつくる。\n水飲み場を置く。")
    assert any(c.kind == "removed" and "日" in c.text for c in changes)
    assert any(c.kind == "added" and "木" in c.text for c in changes)
    assert "".join(c.text for c in changes if c.kind != "removed") == (
        "ベンチを増やす。\n木陰をつくる。\n水飲み場を置く。\n")
    assert "".join(c.text for c in changes if c.kind != "added") == (
        "ベンチを増やす。\n日陰をつくる。\n")
    assert not draft.changed("本文", None) and not draft.changed("本文", " 本文\n")
