import json

from tests.insights.corpus import make_csv, make_texts


def _run(app, *args):
    return app.test_cli_runner().invoke(args=["themes", "cluster", *args])


def test_cluster_writes_themes_and_one_assignment_per_row(app, tmp_path):
    texts, _gold = make_texts(120)
    source = tmp_path / "answers.csv"
    source.write_bytes(make_csv(texts, "cp932", column="text"))
    out = tmp_path / "out.json"
    result = _run(app, str(source), "--text-column", "text", "--out", str(out))
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert set(data) == {"themes", "assignments", "seconds"}
    assert isinstance(data["seconds"], float) and data["seconds"] >= 0
    assert len(data["assignments"]) == len(texts)
    ids = {t["id"] for t in data["themes"]}
    for theme in data["themes"]:
        assert set(theme) == {"id", "label", "keywords", "size", "parent", "representatives"}
        assert theme["parent"] is None or theme["parent"] in ids
        assert all(0 <= r < len(texts) for r in theme["representatives"])
    broad = {t["id"] for t in data["themes"] if t["parent"] is None}
    assert {a for a in data["assignments"] if a is not None} <= broad
    # Set-aside rows (empty, 「特になし」, a bare link) are null, in input order.
    for i, text in enumerate(texts):
        if text in ("", "特になし", "なし", "https://example.com/"):
            assert data["assignments"][i] is None


def test_the_text_column_is_guessed_when_not_given(app, tmp_path):
    source = tmp_path / "answers.csv"
    source.write_bytes(make_csv(make_texts(40)[0], "utf-8-sig", column="意見"))
    out = tmp_path / "out.json"
    assert _run(app, str(source), "--out", str(out)).exit_code == 0
    assert len(json.loads(out.read_text(encoding="utf-8"))["assignments"]) == 40


def test_a_broken_file_is_a_clear_error_naming_the_line(app, tmp_path):
    source = tmp_path / "broken.csv"
    source.write_bytes("id,text\n1,公園\n2,\"ここで引用符が閉じない\n".encode())
    out = tmp_path / "out.json"
    result = _run(app, str(source), "--out", str(out))
    assert result.exit_code == 1 and "line 3" in result.output and not out.exists()
    result = _run(app, str(tmp_path / "answers.csv"), "--out", str(out))
    assert result.exit_code == 2
    source.write_bytes(b"id,text\n1,x\n")
    result = _run(app, str(source), "--text-column", "body", "--out", str(out))
    assert result.exit_code == 1 and "body" in result.output
