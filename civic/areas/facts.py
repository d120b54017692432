"""地域カルテ facts: which columns a ward's statistics CSV has and what they mean (pure, no Flask).

Wards publish one row per area and year: the area's name or code, the year, then one column per
figure (人口, 世帯数, 年齢別人口 …). ``read_rows`` turns such a table into :class:`FactRow` values;
columns it does not know are kept as extra facts under their own heading. Every problem is
collected with its line, and nothing is returned unless the whole table is right.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

# Age bands of the pyramid (10-year bands, as most wards' 年齢別人口 tables group them).
AGE_BANDS = ("0-9", "10-19", "20-29", "30-39", "40-49", "50-59", "60-69", "70-79", "80+")


@dataclass(frozen=True)
class Fact:
    key: str
    unit: str
    aliases: tuple[str, ...]


# The facts the area page knows (and shows in this order). Aliases are compared after
# ``normalise``: full-width characters folded, spaces removed, 〜/～/– turned into "-".
KNOWN = (
    Fact("population", "人", ("population", "人口", "総人口", "人口総数", "人口計")),
    Fact("households", "世帯", ("households", "世帯数", "世帯")),
    Fact("male", "人", ("male", "男", "男性", "男性人口", "人口男")),
    Fact("female", "人", ("female", "女", "女性", "女性人口", "人口女")),
    Fact("children", "人", ("children", "年少人口", "0-14歳", "年少人口(0-14歳)", "15歳未満")),
    Fact("working_age", "人", ("working_age", "生産年齢人口", "15-64歳",
                              "生産年齢人口(15-64歳)")),
    Fact("elderly", "人", ("elderly", "老年人口", "65歳以上", "老年人口(65歳以上)",
                          "高齢者人口")),
    Fact("ageing_rate", "%", ("ageing_rate", "aging_rate", "高齢化率", "高齢化率(%)")),
    Fact("foreign", "人", ("foreign", "foreign_residents", "外国人住民", "外国人", "外国人人口",
                          "外国人住民数")),
    *[Fact(f"age_{band}_{sex}", "人",
           (f"age_{band}_{sex}", f"{word}{band}歳", f"{band}歳{word}", f"{band}歳({word})"))
      for band in AGE_BANDS for sex, word in (("m", "男"), ("f", "女"))],
)
KNOWN_BY_KEY = {fact.key: fact for fact in KNOWN}
ORDER = {fact.key: n for n, fact in enumerate(KNOWN)}
# The facts shown in the table and compared between areas (the age bands go into the pyramid).
HEADLINE = ("population", "households", "male", "female", "children", "working_age", "elderly",
            "ageing_rate", "foreign")
TRENDS = ("population", "households", "elderly", "foreign")

AREA_NAME = ("area", "地区", "地区名", "地域", "地域名", "町丁名", "住区", "住区名", "名称")
AREA_CODE = ("code", "area_code", "地区コード", "地域コード", "コード", "住区コード")
YEAR = ("year", "年", "年度", "調査年", "集計年")
SOURCE = ("source", "出典", "資料", "出所")
AS_OF = ("date", "as_of", "基準日", "時点", "調査日", "集計日")

MAX_EXTRA = 30  # extra columns kept per file: a file with hundreds is not a karte
MAX_TEXT = 200  # characters of a text value, a source or a heading


def normalise(heading: str) -> str:
    text = unicodedata.normalize("NFKC", heading).strip().lower()
    text = re.sub(r"\s+", "", text)
    return re.sub(r"[〜～~–—−]", "-", text)


_ALIASES = {normalise(alias): fact.key for fact in KNOWN for alias in fact.aliases}


@dataclass
class FactRow:
    """One row of the file: an area (as written), a year and its facts."""

    line: int
    area_name: str
    area_code: str
    year: int
    source: str
    as_of: date | None
    # key → (heading as written, number or None, text as written, unit)
    values: dict[str, tuple[str, float | None, str, str]] = field(default_factory=dict)


class FactsError(ValueError):
    """Problems of a file, each ``(line, reason, details)``; ``reason`` is a key of REASONS."""

    def __init__(self, problems: list[tuple[int | None, str, dict]]):
        self.problems = problems
        super().__init__("; ".join(f"line {line}: {REASONS[reason].format(**details)}"
                                   for line, reason, details in problems))


REASONS = {
    "no_area_column": "no column names the area (地区名 or 地区コード)",
    "no_year_column": "no column names the year (年 or 年度)",
    "no_area": "the area is empty",
    "bad_year": "{value!r} is not a year",
    "bad_date": "{value!r} is not a date",
    "bad_number": "{column}: {value!r} is not a number",
    "duplicate": "{area} {year} appears twice",
    "unknown_area": "no area {area!r}",
    "not_your_area": "{area} is not one of the importer's areas",
    "too_many_columns": "more than {limit} columns that are not known facts",
}

_ERA = {"令和": 2018, "平成": 1988, "昭和": 1925}


def parse_year(raw: str) -> int | None:
    """2024, 2024年, 2024年度, R6, 令和6年(度), 平成31年 → the Western year."""
    text = normalise(raw).removesuffix("度").removesuffix("年")
    if re.fullmatch(r"\d{4}", text):
        year = int(text)
        return year if 1900 <= year <= 2200 else None
    match = re.fullmatch(r"(令和|平成|昭和|r|h|s)(元|\d{1,2})", text)
    if not match:
        return None
    era = {"r": "令和", "h": "平成", "s": "昭和"}.get(match.group(1), match.group(1))
    number = 1 if match.group(2) == "元" else int(match.group(2))
    return _ERA[era] + number


def parse_date(raw: str) -> date | None:
    """2024-01-01, 2024/1/1, 2024年1月1日, 2024.1.1; None if it is none of these."""
    text = normalise(raw)
    match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", text)
    if not match:
        return None
    try:
        return date(*map(int, match.groups()))
    except ValueError:
        return None


def parse_number(raw: str) -> float | None:
    """12,345 / 12 345 / 23.4% / ▲12 (the minus sign of Japanese tables); None if not a number."""
    text = normalise(raw).replace(",", "").removesuffix("%").removesuffix("人")
    text = text.removesuffix("世帯")
    if text.startswith(("▲", "△")):
        text = "-" + text[1:]
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value == value and abs(value) < 1e15 else None  # not NaN, not inf


def _find(columns: list[str], names: tuple[str, ...]) -> str | None:
    wanted = {normalise(name) for name in names}
    return next((c for c in columns if normalise(c) in wanted), None)


def read_rows(columns: list[str], rows: list[dict[str, str]], first_line: int = 2,
              is_known: Callable[[str, str], bool] | None = None) -> list[FactRow]:
    """The facts of a table read by ``civic.insights.csvio.read_csv`` (header on line 1).

    Raises :class:`FactsError` with every problem found. Empty cells are left out (a ward that
    does not publish a figure for an area). ``ageing_rate`` is worked out from ``elderly`` and
    ``population`` when the file does not give it. ``is_known(name, code)`` says whether an
    area exists; rows of unknown areas are problems too.
    """
    problems: list[tuple[int | None, str, dict]] = []
    name_col, code_col = _find(columns, AREA_NAME), _find(columns, AREA_CODE)
    year_col = _find(columns, YEAR)
    source_col, date_col = _find(columns, SOURCE), _find(columns, AS_OF)
    if name_col is None and code_col is None:
        problems.append((1, "no_area_column", {}))
    if year_col is None:
        problems.append((1, "no_year_column", {}))
    if problems:
        raise FactsError(problems)
    special = {name_col, code_col, year_col, source_col, date_col}
    keys = {}
    for column in columns:
        if column in special:
            continue
        keys[column] = _ALIASES.get(normalise(column)) or "x:" + column.strip()[:MAX_TEXT - 2]
    extras = [c for c, key in keys.items() if key.startswith("x:")]
    if len(extras) > MAX_EXTRA:
        raise FactsError([(1, "too_many_columns", {"limit": MAX_EXTRA})])

    result, seen = [], {}
    for n, row in enumerate(rows):
        line = first_line + n
        if not any((value or "").strip() for value in row.values()):
            continue  # blank lines at the end of an Excel export
        name = (row.get(name_col) or "").strip() if name_col else ""
        code = (row.get(code_col) or "").strip() if code_col else ""
        raw_year = (row.get(year_col) or "").strip()
        year = parse_year(raw_year)
        if not name and not code:
            problems.append((line, "no_area", {}))
        elif is_known is not None and not is_known(name, code):
            problems.append((line, "unknown_area", {"area": code or name}))
        if year is None:
            problems.append((line, "bad_year", {"value": raw_year[:40]}))
        as_of = None
        if date_col and (raw_date := (row.get(date_col) or "").strip()):
            as_of = parse_date(raw_date)
            if as_of is None:
                problems.append((line, "bad_date", {"value": raw_date[:40]}))
        values = {}
        for column, key in keys.items():
            raw = (row.get(column) or "").strip()
            if not raw or raw in ("-", "－", "…", "x", "X", "*"):
                continue  # not published (秘匿 or 該当なし)
            number = parse_number(raw)
            if number is None and not key.startswith("x:"):
                problems.append((line, "bad_number", {"column": column, "value": raw[:40]}))
                continue
            unit = KNOWN_BY_KEY[key].unit if key in KNOWN_BY_KEY else _unit_of(column)
            values[key] = (column.strip()[:MAX_TEXT], number, raw[:MAX_TEXT], unit)
        _add_ageing_rate(values)
        who = code or name
        if year is not None and who:
            if (who, year) in seen:
                problems.append((line, "duplicate", {"area": who, "year": year}))
            seen[(who, year)] = line
        result.append(FactRow(line, name, code, year or 0,
                              (row.get(source_col) or "").strip()[:MAX_TEXT] if source_col else "",
                              as_of, values))
    if problems:
        raise FactsError(problems)
    return result


def _unit_of(heading: str) -> str:
    match = re.search(r"[（(]([^()（）]{1,10})[)）]\s*$", heading)
    return match.group(1) if match else ""


def _add_ageing_rate(values: dict) -> None:
    if "ageing_rate" in values:
        return
    elderly, population = values.get("elderly"), values.get("population")
    if elderly and population and elderly[1] is not None and population[1]:
        rate = round(100 * elderly[1] / population[1], 1)
        values["ageing_rate"] = ("高齢化率", rate, f"{rate}", "%")


def sort_key(key: str) -> tuple[int, str]:
    """Known facts in their order, then extra facts by heading."""
    return (ORDER.get(key, len(ORDER)), key)
