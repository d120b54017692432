"""The draft of a public comment, as text: cut into numbered sections, compared with the final text.

Pure: no Flask, no database. A section starts at a Markdown heading (``#``, ``##``, ``###``) or at
a line that begins with 第…章, 第…節 or 第…条 (digits, full-width digits or kanji numerals), the
way Japanese plans and ordinances are numbered; the number and the heading are kept apart so a
section can be named 「第3条（目的）」 in lists. Text before the first heading is the preamble.
"""

import difflib
import re
from dataclasses import dataclass
from datetime import date

# The usual standard for a public comment period (行政手続法 第39条: 30 days or more).
STANDARD_DAYS = 30

_NUMERAL = r"[0-9０-９一二三四五六七八九十百〇]+"
_ARTICLE = re.compile(rf"^(第{_NUMERAL}[章節条](?:の{_NUMERAL})?)[\s　]*(.*)$")
_HEADING = re.compile(r"^#{1,3}\s+(.*)$")
MAX_SECTIONS = 300


@dataclass(frozen=True)
class DraftSection:
    number: str
    heading: str
    body: str


def split(text: str) -> list[DraftSection]:
    """Cut a draft into sections, in order; an empty draft has none."""
    sections: list[DraftSection] = []
    number, heading, lines = "", "", []

    def close():
        body = "\n".join(lines).strip("\n")
        if number or heading or body.strip():
            sections.append(DraftSection(number, heading, body))

    for raw in (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.strip()
        title = _HEADING.match(line)
        candidate = title.group(1).strip() if title else line
        article = _ARTICLE.match(candidate)
        if title or article:
            close()
            lines = []
            if article:
                number, heading = article.group(1), article.group(2).strip()
            else:
                number, heading = "", candidate
            continue
        lines.append(raw.rstrip())
    close()
    return sections


def period_days(starts_on: date, ends_on: date) -> int:
    """Days opinions are taken, both ends included."""
    return (ends_on - starts_on).days + 1


def short_period(starts_on: date, ends_on: date) -> bool:
    """Whether the period is below the usual 30 days (the form warns, it does not refuse)."""
    return period_days(starts_on, ends_on) < STANDARD_DAYS


@dataclass(frozen=True)
class Change:
    kind: str  # "same" | "added" | "removed"
    text: str


def diff(before: str, after: str) -> list[Change]:
    """What changed between the draft and the final text of one section, line by line, with
    the changed lines compared again character by character (Japanese has no spaces to split
    words on)."""
    old = (before or "").splitlines()
    new = (after or "").splitlines()
    changes: list[Change] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            changes += [Change("same", line + "\n") for line in old[a0:a1]]
        elif op == "replace":
            # Lines changed in place are compared character by character; the rest of a
            # longer side was added or removed whole.
            paired = min(a1 - a0, b1 - b0)
            for left, right in zip(old[a0:a0 + paired], new[b0:b0 + paired], strict=True):
                changes += _chars(left, right)
            changes += [Change("removed", line + "\n") for line in old[a0 + paired:a1]]
            changes += [Change("added", line + "\n") for line in new[b0 + paired:b1]]
        else:
            changes += [Change("removed", line + "\n") for line in old[a0:a1]]
            changes += [Change("added", line + "\n") for line in new[b0:b1]]
    return changes


def _chars(left: str, right: str) -> list[Change]:
    """One changed line, character by character; the line break closes it."""
    matcher = difflib.SequenceMatcher(a=left, b=right, autojunk=False)
    out: list[Change] = []
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            out.append(Change("same", left[a0:a1]))
            continue
        if a1 > a0:
            out.append(Change("removed", left[a0:a1]))
        if b1 > b0:
            out.append(Change("added", right[b0:b1]))
    out.append(Change("same", "\n"))
    return out


def changed(before: str, after: str | None) -> bool:
    return after is not None and after.strip() != (before or "").strip()
