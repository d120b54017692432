"""多活動マッチング: rank a group's needs for a person, and people for a need, with reasons.

Plain data in, plain data out. A time slot is a code "<day>-<part>" (``sat-am``: Saturday
morning); skills and languages are free tags, compared after normalisation (NFKC, case, spaces),
so 「手話」 typed in full-width or with a trailing space still meets 「手話」.

A pair is suggested when it shares a time slot (or one side named none) and either a skill, or
the need asks for no skill in particular. Ranked by shared skills, then the same area, then shared
time slots; ties keep the order given (e.g. the newest need first).
"""

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PARTS = ("am", "pm", "eve")
SLOTS = tuple(f"{day}-{part}" for day in DAYS for part in PARTS)


@dataclass(frozen=True)
class Profile:
    """What one side brings: an offer (a person) or a need (a group's task)."""

    key: int
    area_id: int | None
    skills: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    slots: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Reason:
    """Why a pair was suggested: ("area", None), ("slot", "sat-am"), ("skill", "手話"),
    ("language", "英語"). Shown translated, in this order."""

    kind: str
    value: str | None = None


@dataclass(frozen=True)
class Suggestion:
    key: int
    score: tuple[int, int, int]
    reasons: tuple[Reason, ...] = field(default_factory=tuple)


def normalise(tag: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", tag).casefold().split())


def tags(text: str | Iterable[str]) -> frozenset[str]:
    """Tags from a comma/読点/newline separated string (or a list), normalised, empties dropped."""
    if isinstance(text, str):
        for separator in ("、", "，", "\n", "・"):
            text = text.replace(separator, ",")
        text = text.split(",")
    return frozenset(t for t in (normalise(part) for part in text) if t)


def _slot_order(slot: str) -> int:
    return SLOTS.index(slot) if slot in SLOTS else len(SLOTS)


def explain(offer: Profile, need: Profile) -> Suggestion | None:
    """The suggestion for this pair, or None when they do not fit."""
    slots = offer.slots & need.slots
    if offer.slots and need.slots and not slots:
        return None
    skills = offer.skills & need.skills
    if need.skills and not skills:
        return None
    languages = offer.languages & need.languages
    if need.languages and not languages:
        return None
    same_area = offer.area_id is not None and offer.area_id == need.area_id
    reasons = [Reason("area")] if same_area else []
    reasons += [Reason("slot", s) for s in sorted(slots, key=_slot_order)]
    reasons += [Reason("skill", s) for s in sorted(skills)]
    reasons += [Reason("language", s) for s in sorted(languages)]
    score = (len(skills) + len(languages), int(same_area), len(slots))
    return Suggestion(key=0, score=score, reasons=tuple(reasons))


def _ranked(pairs: Iterable[tuple[int, Suggestion | None]], limit: int | None) -> list[Suggestion]:
    found = [Suggestion(key, s.score, s.reasons) for key, s in pairs if s is not None]
    found.sort(key=lambda s: s.score, reverse=True)  # stable: ties keep the given order
    return found[:limit] if limit is not None else found


def needs_for(offer: Profile, needs: Sequence[Profile], limit: int | None = None) -> list[Suggestion]:
    """A person's offer against open needs: the best-fitting needs first."""
    return _ranked(((need.key, explain(offer, need)) for need in needs), limit)


def people_for(need: Profile, offers: Sequence[Profile], limit: int | None = None) -> list[Suggestion]:
    """A need against people's offers: the best-fitting people first (keys are offer keys)."""
    return _ranked(((offer.key, explain(offer, need)) for offer in offers), limit)
