"""Which groups work with which: links from shared projects and shared activities, laid out on a
circle for a plain SVG drawing. Pure data in, data out; no Flask, no database.
"""

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import combinations


@dataclass
class Link:
    a: int
    b: int
    projects: set = field(default_factory=set)  # proposal ids
    activities: set = field(default_factory=set)  # activity ids

    @property
    def weight(self) -> int:
        return len(self.projects) + len(self.activities)


def links(project_members: Mapping[int, Iterable[int]],
          activity_members: Mapping[int, Iterable[int]]) -> list[Link]:
    """``project_members``: proposal id → the groups in it; ``activity_members``: activity id →
    the host and partner groups. Every pair of groups sharing one is linked; heaviest first."""
    found: dict[tuple[int, int], Link] = {}

    def add(kind: str, key: int, members: Iterable[int]) -> None:
        for a, b in combinations(sorted(set(members)), 2):
            link = found.setdefault((a, b), Link(a, b))
            getattr(link, kind).add(key)

    for key, members in project_members.items():
        add("projects", key, members)
    for key, members in activity_members.items():
        add("activities", key, members)
    return sorted(found.values(), key=lambda link: (-link.weight, link.a, link.b))


def degrees(found: Iterable[Link]) -> dict[int, int]:
    counts: dict[int, int] = defaultdict(int)
    for link in found:
        counts[link.a] += 1
        counts[link.b] += 1
    return dict(counts)


def circular_layout(node_ids: list[int], size: float, margin: float) -> dict[int, tuple[float,
                                                                                        float]]:
    """Nodes evenly on a circle in the given order, the first at the top, clockwise."""
    if not node_ids:
        return {}
    centre = size / 2
    radius = max(centre - margin, 0)
    if len(node_ids) == 1:
        return {node_ids[0]: (centre, centre)}
    step = 2 * math.pi / len(node_ids)
    return {node: (round(centre + radius * math.sin(i * step), 1),
                   round(centre - radius * math.cos(i * step), 1))
            for i, node in enumerate(node_ids)}


def label_anchor(x: float, centre: float) -> str:
    """SVG text-anchor that keeps a label outside the circle."""
    if abs(x - centre) < 1:
        return "middle"
    return "start" if x > centre else "end"
