"""The karte's CSV rules alone (civic.areas.facts), on tables as csvio reads them."""

from datetime import date

import pytest

from civic.areas import facts
from civic.insights.csvio import read_csv

WARD_CSV = (
    "地区名,年度,人口総数,世帯数,高齢化率(%),外国人住民数,男0-9歳,女0-9歳,町会加入率(%),基準日\n"
    "本町地区,令和6年度,\"12,345\",6789,23.4,512,450,430,54.2,2024年1月1日\n"
    "青葉台地区,2023,9876,4567,,-,300,310,48.0,2023/1/1\n"
)


def _rows(text: str):
    table = read_csv(text.encode())
    return facts.read_rows(table.columns, table.rows)


def test_a_ward_table_becomes_facts_with_unknown_columns_kept():
    first, second = _rows(WARD_CSV)
    assert (first.area_name, first.year, first.as_of) == ("本町地区", 2024, date(2024, 1, 1))
    assert first.values["population"][1] == 12345
    assert first.values["ageing_rate"][1] == 23.4
    assert first.values["age_0-9_f"][1] == 430
    label, number, text, unit = first.values["x:町会加入率(%)"]
    assert (label, number, text, unit) == ("町会加入率(%)", 54.2, "54.2", "%")
    # An empty cell and "-" are not published: left out, not zero.
    assert "foreign" not in second.values
    assert second.year == 2023


def test_ageing_rate_is_worked_out_when_not_given():
    (row,) = _rows("地区,年,人口,老年人口\n本町,2024,1000,255\n")
    assert row.values["ageing_rate"][1] == 25.5


def test_every_problem_is_named_with_its_line_and_nothing_is_returned():
    with pytest.raises(facts.FactsError) as error:
        _rows("地区名,年,人口\n本町,2024,12a\n,2024,1\n本町,二千,5\n")
    reasons = [(line, reason) for line, reason, _details in error.value.problems]
    assert reasons == [(2, "bad_number"), (3, "no_area"), (4, "bad_year")]


def test_a_file_without_area_or_year_columns_is_refused():
    with pytest.raises(facts.FactsError) as error:
        _rows("名前,人口\n本町,5\n")
    assert [r for _l, r, _d in error.value.problems] == ["no_area_column", "no_year_column"]


def test_the_same_area_and_year_twice_is_refused():
    with pytest.raises(facts.FactsError) as error:
        _rows("地区コード,年\nhoncho,2024\nhoncho,2024\n")
    assert error.value.problems[0][:2] == (3, "duplicate")


@pytest.mark.parametrize(("raw", "year"), [("2024", 2024), ("2024年", 2024), ("令和6年度", 2024),
                                           ("R6", 2024), ("平成31年", 2019), ("令和元年", 2019),
                                           ("２０２２", 2022), ("24", None), ("3000", None)])
def test_years_western_and_japanese(raw, year):
    assert facts.parse_year(raw) == year


@pytest.mark.parametrize(("raw", "number"), [("1,234", 1234), ("23.4%", 23.4), ("▲12", -12),
                                             ("1 000", 1000), ("abc", None), ("nan", None)])
def test_numbers_as_japanese_tables_write_them(raw, number):
    assert facts.parse_number(raw) == number


def test_cp932_files_read_like_utf8():
    table = read_csv(WARD_CSV.encode("cp932"))
    assert facts.read_rows(table.columns, table.rows)[0].values["households"][1] == 6789


def test_rows_of_unknown_areas_are_problems_with_the_others():
    with pytest.raises(facts.FactsError) as error:
        _rows_known("地区名,年,人口\n本町,2024,1\nどこか,2024,abc\n")
    assert [(line, reason) for line, reason, _d in error.value.problems] == [
        (3, "unknown_area"), (3, "bad_number")]


def _rows_known(text):
    table = read_csv(text.encode())
    return facts.read_rows(table.columns, table.rows, is_known=lambda name, code: name == "本町")
