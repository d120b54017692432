"""How far a vision's goal has come (pure, no Flask): from the proposals and activities linked to it.

A linked proposal counts with its reported progress (完了 counts as 100); a group activity counts
as done once it has taken place. A goal's progress is the mean of its links; a goal with no
links has none to show (None), which the page says instead of a 0 % that would read as failure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Step:
    kind: str  # "proposal" | "activity"
    progress: int  # 0–100


def proposal_step(state: str, progress: int) -> Step:
    return Step("proposal", 100 if state == "completed" else max(0, min(100, progress)))


def activity_step(starts_at: datetime, now: datetime) -> Step:
    return Step("activity", 100 if starts_at <= now else 0)


def goal_progress(steps: list[Step]) -> int | None:
    if not steps:
        return None
    return round(sum(step.progress for step in steps) / len(steps))
