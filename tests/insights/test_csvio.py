import pytest

from civic.insights.csvio import (
    CsvImportError,
    guess_text_column,
    list_columns,
    preview,
    read_csv,
    read_texts,
)

ROWS = "id,text,theme\n1,公園のベンチを直して,公園\n2,\"バスが少ない、増便を\",交通\n"


@pytest.mark.parametrize(("encoding", "expected"), [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"),
                                                   ("cp932", "cp932")])
def test_encodings(tmp_path, encoding, expected):
    p = tmp_path / "a.csv"
    p.write_bytes(ROWS.encode(encoding))
    t = read_csv(p)
    assert t.encoding == expected
    assert t.columns == ["id", "text", "theme"]
    assert t.column("text") == ["公園のベンチを直して", "バスが少ない、増便を"]


def test_columns_preview_and_guess(tmp_path):
    p = tmp_path / "a.csv"
    p.write_bytes(("番号,意見\n" + "".join(f"{i},意見その{i}\n" for i in range(20))).encode("cp932"))
    assert list_columns(p) == ["番号", "意見"]
    assert len(preview(p, 3).rows) == 3
    texts, table = read_texts(p)
    assert guess_text_column(table) == "意見" and len(texts) == 20


def test_bytes_source():
    assert read_csv(ROWS.encode("utf-8")).column("theme") == ["公園", "交通"]


def test_broken_encoding_names_line():
    data = ROWS.encode("utf-8") + b"3," + b"\xff\xfe\xfa broken\n"
    with pytest.raises(CsvImportError) as e:
        read_csv(data)
    assert e.value.line == 4 and "line 4" in str(e.value)


def test_unclosed_quote_names_line():
    data = (ROWS + '3,"never closed,交通\n4,ok,x\n').encode("utf-8")
    with pytest.raises(CsvImportError) as e:
        read_csv(data)
    assert e.value.line == 4


def test_too_many_fields_names_line():
    data = (ROWS + "3,a,b,c,d\n").encode("utf-8")
    with pytest.raises(CsvImportError, match="line 4"):
        read_csv(data)


def test_empty_and_missing_column(tmp_path):
    with pytest.raises(CsvImportError):
        read_csv(b"")
    with pytest.raises(CsvImportError, match="no column"):
        read_csv(ROWS.encode()).column("body")


def test_nul_bytes():
    with pytest.raises(CsvImportError, match="NUL"):
        read_csv("id,text\n1,ok\n".encode("utf-16"))
