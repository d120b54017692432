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
    with pytest.raises(CsvImportError, match="NUL") as e:
        read_csv(b"id,text\n1,o\x00k\n")
    assert e.value.reason == "binary" and e.value.line == 2


def test_excel_unicode_text_is_utf16_with_bom_and_tabs():
    # What Excel writes for 「Unicode テキスト」: UTF-16 little-endian with a BOM, tabs, CRLF.
    data = "番号\t意見\r\n1\t公園に木陰を、ベンチも\r\n2\t\"改行を\r\n含む\"\r\n".encode("utf-16")
    assert data.startswith(b"\xff\xfe")
    table = read_csv(data)
    assert (table.encoding, table.delimiter) == ("utf-16", "\t")
    assert table.columns == ["番号", "意見"]
    assert table.column("意見") == ["公園に木陰を、ベンチも", "改行を\r\n含む"]
    big_endian = "id\ttext\n1\tok\n".encode("utf-16-be")
    assert read_csv(b"\xfe\xff" + big_endian).column("text") == ["ok"]


def test_tab_separated_utf8_and_commas_inside_tabs():
    table = read_csv(b"id\ttext\n1\ta,b,c\n")
    assert table.delimiter == "\t" and table.column("text") == ["a,b,c"]
    assert read_csv(ROWS.encode()).delimiter == ","


@pytest.mark.parametrize(("data", "reason", "line"), [
    (b"", "empty", 1),
    (b",,\n1,2,3\n", "empty_header", 1),
    (b"\xef\xbb\xbfid\n\xff\n", "invalid_utf8", 2),
    (b"id,text\n\x81\x20\xff\n", "undecodable", 2),
    (b'id,text\n1,"open\n', "open_quote", 2),
    (b'id,text\n1,"a"b"\n', "bad_quote", 2),
    (b"id\n1,2\n", "too_many_fields", 2),
    (b"\xff\xfe" + "id\n".encode("utf-16-le") + b"\x00\xd8\x41\x00", "invalid_utf16", 2),
])
def test_every_problem_has_a_reason(data, reason, line):
    with pytest.raises(CsvImportError) as e:
        read_csv(data)
    assert (e.value.reason, e.value.line) == (reason, line)
