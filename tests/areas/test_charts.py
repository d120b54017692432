"""The SVG charts alone: well-formed, escaped, accessible, and nothing without data."""

import xml.etree.ElementTree as ET

from civic.areas import charts

SVG = "{http://www.w3.org/2000/svg}"


def test_the_pyramid_has_a_bar_per_band_and_sex_youngest_at_the_bottom():
    bands = [charts.Band("0-9", 100, 90), charts.Band("10-19", 50, 60)]
    svg = charts.age_pyramid(bands, title="年齢別 <人口>", male_label="男", female_label="女")
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "年齢別 <人口>"
    rects = root.findall(f"{SVG}rect")
    assert len(rects) == 4
    # The widest bar (100 men aged 0-9) ends at the middle and is the lowest row.
    widths = [float(r.get("width")) for r in rects]
    assert widths[2] == max(widths)
    assert float(rects[2].get("y")) > float(rects[0].get("y"))
    assert "style=" not in svg and "<script" not in svg


def test_labels_are_escaped():
    svg = charts.trend({"<b>人口</b>": [(2022, 1), (2023, 2)]}, title="a&b")
    assert "<b>" not in svg and "&lt;b&gt;" in svg
    ET.fromstring(svg)


def test_trend_has_a_line_per_series_and_a_point_per_year():
    svg = charts.trend({"人口": [(2024, 12000), (2022, 11500), (2023, 11800)],
                        "世帯": [(2022, 6000), (2024, 6400)]}, title="推移")
    root = ET.fromstring(svg)
    lines = root.findall(f"{SVG}polyline")
    assert len(lines) == 2
    assert len(root.findall(f"{SVG}circle")) == 5
    # Points go left to right by year whatever order they came in.
    xs = [float(p.split(",")[0]) for p in lines[0].get("points").split()]
    assert xs == sorted(xs)
    assert "2022" in svg and "2024" in svg


def test_nothing_to_draw_gives_no_chart():
    assert charts.trend({"人口": [(2024, 1)]}, title="t") == ""
    assert charts.age_pyramid([], title="t", male_label="m", female_label="f") == ""
    assert charts.age_pyramid([charts.Band("0-9", 0, 0)], title="t", male_label="m",
                              female_label="f") == ""
