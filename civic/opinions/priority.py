"""Which statement a participant sees next: Polis's comment priority (``conversation.clj``).

Polis weighs every statement by ``(importance × novelty)²`` and draws the next one at random
with those weights:

- importance ``(1 - p) · (E + 1) · a``, with ``p`` and ``a`` the pass and agree rates (with a
  +1/+2 prior) and ``E`` the statement's extremity on the map: statements that split the
  groups weigh more, and those everybody passes on weigh less;
- novelty ``1 + 8 · 2^(-S/5)`` for a statement seen ``S`` times: new statements come first.

Pure module: plain data in, an id out.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Tally:
    statement: int
    agrees: int
    disagrees: int
    passes: int
    extremity: float = 0.0

    @property
    def seen(self) -> int:
        return self.agrees + self.disagrees + self.passes


def priority(tally: Tally) -> float:
    seen = tally.seen
    p_pass = (tally.passes + 1) / (seen + 2)
    p_agree = (tally.agrees + 1) / (seen + 2)
    importance = (1 - p_pass) * (tally.extremity + 1) * p_agree
    novelty = 1 + 8 * 2 ** (-seen / 5)
    return (importance * novelty) ** 2


def choose(tallies: list[Tally], voted: set[int], seed: int) -> int | None:
    """The next statement among those not in ``voted``; the same seed draws the same one."""
    candidates = [t for t in tallies if t.statement not in voted]
    if not candidates:
        return None
    weights = [priority(t) for t in candidates]
    draw = random.Random(seed)  # noqa: S311 - not a secret: a reload draws the same statement  # nosec B311
    return draw.choices(candidates, weights=weights, k=1)[0].statement
