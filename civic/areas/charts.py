"""Plain SVG charts of an area's facts (pure, no Flask): an age pyramid and trend lines.

The SVG is a string to put into the page as it is: no script, no style attributes (the CSP
forbids them), colours from presentation attributes and classes of civic.css. Every text in
it is escaped here; callers pass translated labels in. Each chart has a <title> and a
<desc> for screen readers, and the page shows the same figures in a table.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

MALE, FEMALE = "#1f5fa8", "#b3365b"  # 4.5:1 against white; told apart by position as well
LINES = ("#1f5fa8", "#b3365b", "#2b7a3d", "#7a4fa3", "#8a5a00")


@dataclass(frozen=True)
class Band:
    label: str
    male: float
    female: float


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 or value == int(value) else f"{value:,.1f}"


def _svg(width: int, height: int, title: str, desc: str, body: list[str], ident: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
            f'class="chart" role="img" aria-labelledby="{ident}-t {ident}-d">'
            f'<title id="{ident}-t">{escape(title)}</title>'
            f'<desc id="{ident}-d">{escape(desc)}</desc>{"".join(body)}</svg>')


def age_pyramid(bands: list[Band], *, title: str, male_label: str, female_label: str,
                ident: str = "pyramid") -> str:
    """Bars to the left (male) and right (female) of a middle column of band labels, the
    youngest at the bottom. An empty string when there is nothing to draw."""
    if not bands or not any(b.male or b.female for b in bands):
        return ""
    width, label_w, row_h, top = 320, 56, 18, 22
    half = (width - label_w) / 2
    most = max(max(b.male, b.female) for b in bands) or 1
    height = top + row_h * len(bands) + 4
    body = [f'<text x="{half / 2:.0f}" y="14" text-anchor="middle" class="chart-label">'
            f'{escape(male_label)}</text>',
            f'<text x="{half + label_w + half / 2:.0f}" y="14" text-anchor="middle" '
            f'class="chart-label">{escape(female_label)}</text>']
    desc = []
    for n, band in enumerate(reversed(bands)):
        y = top + n * row_h
        male_w, female_w = half * band.male / most, half * band.female / most
        body.append(f'<rect x="{half - male_w:.1f}" y="{y}" width="{male_w:.1f}" '
                    f'height="{row_h - 3}" fill="{MALE}"><title>{escape(male_label)} '
                    f'{escape(band.label)}: {_number(band.male)}</title></rect>')
        body.append(f'<rect x="{half + label_w:.1f}" y="{y}" width="{female_w:.1f}" '
                    f'height="{row_h - 3}" fill="{FEMALE}"><title>{escape(female_label)} '
                    f'{escape(band.label)}: {_number(band.female)}</title></rect>')
        body.append(f'<text x="{half + label_w / 2:.1f}" y="{y + row_h - 6}" '
                    f'text-anchor="middle" class="chart-label">{escape(band.label)}</text>')
        desc.append(f"{band.label}: {male_label} {_number(band.male)}, "
                    f"{female_label} {_number(band.female)}")
    return _svg(width, height, title, "; ".join(reversed(desc)), body, ident)


def trend(series: dict[str, list[tuple[int, float]]], *, title: str,
          ident: str = "trend") -> str:
    """One line per series over the years (x: year, y: value, the axis from 0 unless the
    values lie far from it). An empty string with fewer than two years to draw."""
    series = {name: sorted(points) for name, points in series.items() if points}
    years = sorted({year for points in series.values() for year, _v in points})
    if len(years) < 2:
        return ""
    values = [v for points in series.values() for _y, v in points]
    low, high = min(values), max(values)
    if low >= 0 and low < high * 0.5:
        low = 0.0
    if high == low:
        high = low + 1
    width, height, left, right, top, bottom = 320, 160, 52, 20, 12, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    legend_h = 16 * len(series)
    height += legend_h

    def x(year: int) -> float:
        return left + plot_w * (year - years[0]) / (years[-1] - years[0])

    def y(value: float) -> float:
        return top + plot_h * (1 - (value - low) / (high - low))

    body = [f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" '
            f'class="chart-axis" stroke="#767676"/>',
            f'<text x="{left - 4}" y="{y(high) + 4:.1f}" text-anchor="end" class="chart-label">'
            f'{_number(high)}</text>',
            f'<text x="{left - 4}" y="{y(low) + 4:.1f}" text-anchor="end" class="chart-label">'
            f'{_number(low)}</text>']
    for year in years:
        body.append(f'<text x="{x(year):.1f}" y="{top + plot_h + 16}" text-anchor="middle" '
                    f'class="chart-label">{year}</text>')
    desc = []
    for n, (name, points) in enumerate(series.items()):
        colour = LINES[n % len(LINES)]
        coords = " ".join(f"{x(year):.1f},{y(value):.1f}" for year, value in points)
        body.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" '
                    f'stroke-width="2"/>')
        for year, value in points:
            body.append(f'<circle cx="{x(year):.1f}" cy="{y(value):.1f}" r="3" fill="{colour}">'
                        f'<title>{escape(name)} {year}: {_number(value)}</title></circle>')
        legend_y = height - legend_h + 16 * n + 8
        body.append(f'<rect x="{left}" y="{legend_y - 8}" width="12" height="4" '
                    f'fill="{colour}"/><text x="{left + 18}" y="{legend_y}" '
                    f'class="chart-label">{escape(name)}</text>')
        desc.append(f"{name}: " + ", ".join(f"{year} {_number(v)}" for year, v in points))
    return _svg(width, height, title, "; ".join(desc), body, ident)

