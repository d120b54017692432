"""The pure cores: reading answers from a form, counting them, cross-tables."""

from types import SimpleNamespace

from civic.surveys import answers as core
from civic.surveys import results


def Q(id, kind, **kw):  # noqa: N802 - a factory that reads like the model
    base = dict(id=id, kind=kind, label=f"質問{id}", required=False, options=[], rows=[],
                low=None, high=None, has_other=False, show_if_id=None, show_if_value=None)
    return SimpleNamespace(**(base | kw))


def test_single_choice_with_other_needs_its_text():
    q = Q(1, "single", options=["はい", "いいえ"], has_other=True)
    assert core.read(q, {"q1": ["1"]}) == (1, "", None)
    assert core.read(q, {"q1": ["-1"], "q1_other": [" 自転車 "]}) == (-1, "自転車", None)
    assert core.read(q, {"q1": ["-1"]})[2] == core.Problem("other_empty")
    assert core.read(q, {"q1": ["7"]})[2] == core.Problem("bad_choice")


def test_multiple_choice_limits():
    q = Q(2, "multiple", options=["a", "b", "c", "d"], low=2, high=3)
    assert core.read(q, {"q2": ["2", "0"]})[0] == [0, 2]
    assert core.read(q, {"q2": ["1"]})[2] == core.Problem("too_few", n=2)
    assert core.read(q, {"q2": ["0", "1", "2", "3"]})[2] == core.Problem("too_many", n=3)


def test_scale_matrix_ranking_number_date_text():
    assert core.read(Q(3, "scale", low=0, high=10), {"q3": ["10"]})[0] == 10
    assert core.read(Q(3, "scale"), {"q3": ["6"]})[2] == core.Problem("bad_choice")
    matrix = Q(4, "matrix", rows=["駅", "公園"], required=True)
    assert core.read(matrix, {"q4_r0": ["5"], "q4_r1": ["1"]})[0] == [5, 1]
    assert core.read(matrix, {"q4_r0": ["5"]})[2] == core.Problem("rows_missing")
    ranking = Q(5, "ranking", options=["x", "y", "z"])
    assert core.read(ranking, {"q5_o0": ["2"], "q5_o1": ["3"], "q5_o2": ["1"]})[0] == [2, 0, 1]
    assert core.read(ranking, {"q5_o0": ["1"], "q5_o1": ["1"]})[2] == core.Problem("rank_twice")
    assert core.read(ranking, {"q5_o0": ["1"], "q5_o1": ["3"]})[2] == core.Problem("rank_gap")
    number = Q(6, "number", low=0, high=120)
    assert core.read(number, {"q6": ["４２"]})[0] == 42
    assert core.read(number, {"q6": ["abc"]})[2] == core.Problem("not_a_number")
    assert core.read(number, {"q6": ["200"]})[2].code == "out_of_range"
    assert core.read(Q(7, "date"), {"q7": ["2026-02-30"]})[2] == core.Problem("not_a_date")
    long_text = "あ" * (core.LONG_MAX + 1)
    assert core.read(Q(8, "long"), {"q8": [long_text]})[2].code == "too_long"


def test_conditions_hide_questions_and_drop_their_answers():
    a = Q(1, "single", options=["車", "自転車"], required=True)
    b = Q(2, "short", required=True, show_if_id=1, show_if_value=0)
    answers, problems = core.check([a, b], {"q1": ["1"], "q2": ["駐車場"]})
    assert answers == {"1": 1} and not problems
    answers, problems = core.check([a, b], {"q1": ["0"]})
    assert problems == {2: core.Problem("required")}


def test_pages_split_at_page_breaks():
    items = [Q(1, "section"), Q(2, "short"), Q(3, "page"), Q(4, "long"), Q(5, "page")]
    assert [[q.id for q in page] for page in core.pages(items)] == [[1, 2], [4]]


def test_as_typed_round_trips_through_check():
    items = [Q(1, "multiple", options=["a", "b"], has_other=True), Q(2, "matrix", rows=["r"]),
             Q(3, "ranking", options=["x", "y"]), Q(4, "number")]
    answers = {"1": [-1, 0], "1_other": "c", "2": [3], "3": [1, 0], "4": 7.5}
    assert core.check(items, core.as_typed(items, answers)) == (answers, {})


def test_counts_add_up_and_percent_of_those_who_answered():
    items = [Q(1, "multiple", options=["a", "b"], has_other=True), Q(2, "scale"),
             Q(3, "matrix", rows=["r1", "r2"], low=1, high=3), Q(4, "ranking", options=["x", "y"])]
    rows = [{"1": [0, 1], "2": 5, "3": [1, 3], "4": [1, 0]}, {"1": [-1], "2": 4, "4": [1, 0]},
            {"2": 5}]
    shown = results.shown(items, results.count(items, rows))
    assert shown[0]["answered"] == 2
    assert [(b["count"], b["percent"]) for b in shown[0]["bars"]] == [(1, 50.0), (1, 50.0),
                                                                      (1, 50.0)]
    assert shown[1]["mean"] == 4.67
    assert shown[2]["matrix"][1]["cells"][2] == {"count": 1, "percent": 100.0}
    assert shown[3]["bars"][0]["label"] == "y" and shown[3]["bars"][0]["count"] == 2


def test_crosstab_counts_pairs():
    age = Q(1, "single", options=["若い", "高齢"])
    mode = Q(2, "multiple", options=["車", "バス"])
    table = results.crosstab(age, mode, [{"1": 0, "2": [0, 1]}, {"1": 1, "2": [1]}, {"1": 1}])
    assert table["cells"] == [[1, 1], [0, 1]]
    assert table["row_totals"] == [2, 1]
