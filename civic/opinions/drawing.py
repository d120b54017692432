"""The opinion map as a picture: points scaled into an SVG view box, groups outlined by hulls.

Pure module: lists of numbers in, lists of numbers out.
"""

from __future__ import annotations

VIEW = 100.0  # the view box is VIEW × VIEW
MARGIN = 6.0


def scale(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Map points into the view box, keeping their aspect ratio and centring them."""
    if not points:
        return []
    xs = [x for x, _ in points]
    ys = [y for _, y in points]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    factor = (VIEW - 2 * MARGIN) / span
    mid_x, mid_y = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    # SVG's y grows downwards; flip so the picture reads like a chart.
    return [(round(VIEW / 2 + (x - mid_x) * factor, 2), round(VIEW / 2 - (y - mid_y) * factor, 2))
            for x, y in points]


def _cross(o, a, b) -> float:
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])


def convex_hull(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Andrew's monotone chain; counter-clockwise, without repeating the first point."""
    unique = sorted(set(points))
    if len(unique) <= 2:
        return unique
    lower: list[tuple[float, float]] = []
    for p in unique:
        while len(lower) >= 2 and _cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    upper: list[tuple[float, float]] = []
    for p in reversed(unique):
        while len(upper) >= 2 and _cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]


def svg_points(hull: list[tuple[float, float]]) -> str:
    """The ``points`` attribute of an SVG polygon."""
    return " ".join(f"{x:g},{y:g}" for x, y in hull)
