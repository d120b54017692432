"""The 協働事業提案 lifecycle as plain data: which step may follow which, and who takes it.

draft → submitted → consultation (事前相談) → published → evaluation (審査) → accepted / rejected,
or withdrawn by the proposer; accepted → in_progress (協定) → interim (中間報告) → completed (結果報告).
"""

from dataclasses import dataclass

STATES = ("draft", "submitted", "consultation", "published", "evaluation", "accepted",
          "rejected", "withdrawn", "in_progress", "interim", "completed")
# Seen by everyone (unless moderation hid it); the earlier states only by the proposer and staff.
PUBLIC_STATES = ("published", "evaluation", "accepted", "rejected", "in_progress", "interim",
                 "completed")
# Seen by the staff who run the process: every state from submission on, never a draft.
STAFF_STATES = STATES[1:]
EDITABLE_STATES = ("draft", "submitted", "consultation")
ANSWERED_STATES = ("accepted", "rejected")
ACCOUNTABLE_STATES = ("accepted", "in_progress", "interim", "completed")
# The end of the road without a project: comments close unless the process keeps them open.
CLOSED_STATES = ("rejected", "withdrawn")


@dataclass(frozen=True)
class Step:
    name: str
    sources: tuple[str, ...]
    target: str
    by: str  # "author" or "staff"


STEPS = {step.name: step for step in (
    Step("submit", ("draft",), "submitted", "author"),
    Step("consult", ("submitted",), "consultation", "staff"),
    Step("publish", ("submitted", "consultation"), "published", "staff"),
    Step("evaluate", ("published",), "evaluation", "staff"),
    Step("accept", ("evaluation",), "accepted", "staff"),
    Step("reject", ("evaluation",), "rejected", "staff"),
    Step("withdraw", ("draft", "submitted", "consultation", "published", "evaluation"),
         "withdrawn", "author"),
    Step("start", ("accepted",), "in_progress", "staff"),
    Step("interim_report", ("in_progress",), "interim", "author"),
    Step("final_report", ("in_progress", "interim"), "completed", "author"),
)}


def step(name: str) -> Step:
    try:
        return STEPS[name]
    except KeyError:
        raise LookupError(f"no lifecycle step {name!r}") from None


def allowed(name: str, state: str, *, is_author: bool, is_staff: bool) -> bool:
    """May someone in this position take step ``name`` from ``state``?

    Staff may also file the reports on the proposer's behalf (協働: the ward co-signs them).
    """
    current = STEPS.get(name)
    if current is None or state not in current.sources:
        return False
    if current.by == "staff":
        return is_staff
    if name in ("interim_report", "final_report"):
        return is_author or is_staff
    return is_author


def next_steps(state: str, *, is_author: bool, is_staff: bool) -> list[str]:
    return [name for name in STEPS
            if allowed(name, state, is_author=is_author, is_staff=is_staff)]
