"""Japanese-aware search terms: NFKC, katakana folded to hiragana, bigrams of CJK runs, words.

「学童保育の定員」 → 「学童」「童保」「保育」「育の」「の定」「定員」 plus the single last character
of each run, so a one-character query still finds something. Latin words and
numbers are kept whole (lower-cased). Pure functions: no Flask, no database.
"""

import re
import unicodedata
from collections import Counter

_KATAKANA = {code: code - 0x60 for code in range(0x30A1, 0x30F7)}
_RUNS = re.compile(r"[0-9a-z]+|[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\u30fc々〆ヶ]+")
MAX_TERM = 40


def fold(text: str) -> str:
    """The form both documents and queries are compared in (全角/半角, カタカナ/ひらがな, case)."""
    return unicodedata.normalize("NFKC", text or "").lower().translate(_KATAKANA)


def _is_word(run: str) -> bool:
    return run[0].isascii()


def terms(text: str) -> Counter:
    """Index terms of a document with their frequency."""
    found: Counter = Counter()
    for run in _RUNS.findall(fold(text)):
        if _is_word(run):
            found[run[:MAX_TERM]] += 1
            continue
        for i in range(len(run) - 1):
            found[run[i:i + 2]] += 1
        found[run[-1]] += 1
    return found


def query_terms(query: str) -> tuple[list[str], list[str]]:
    """(exact terms, prefixes) every matching document must contain.

    A one-character Japanese run becomes a prefix: it matches any bigram starting with it or the
    run-final unigram.
    """
    exact: list[str] = []
    prefixes: list[str] = []
    for run in _RUNS.findall(fold(query)):
        if _is_word(run):
            exact.append(run[:MAX_TERM])
        elif len(run) == 1:
            prefixes.append(run)
        else:
            exact.extend(run[i:i + 2] for i in range(len(run) - 1))
    return list(dict.fromkeys(exact)), list(dict.fromkeys(prefixes))


def highlight(text: str, query: str) -> list[tuple[str, bool]]:
    """Split ``text`` into (fragment, matched) pieces, matching the query's runs after folding.

    Folding is done character by character so positions map back to the original text.
    """
    needles = [run for run in _RUNS.findall(fold(query)) if run]
    if not text or not needles:
        return [(text or "", False)]
    folded_chars = [fold(ch) for ch in text]
    folded = "".join(folded_chars)
    starts = []
    position = 0
    for piece in folded_chars:
        starts.append(position)
        position += len(piece)
    marks = [False] * len(folded)
    for needle in needles:
        for match in re.finditer(re.escape(needle), folded):
            for i in range(match.start(), match.end()):
                marks[i] = True
    pieces: list[tuple[str, bool]] = []
    for ch, start, piece in zip(text, starts, folded_chars, strict=True):
        matched = bool(piece) and marks[start]
        if pieces and pieces[-1][1] == matched:
            pieces[-1] = (pieces[-1][0] + ch, matched)
        else:
            pieces.append((ch, matched))
    return pieces


def snippet(text: str, query: str, width: int = 80) -> str:
    """A window of ``text`` around the first match (or its start)."""
    folded = fold(text)
    needles = [run for run in _RUNS.findall(fold(query)) if run]
    at = min((folded.find(n) for n in needles if folded.find(n) >= 0), default=0)
    start = max(0, min(at - width // 4, len(text) - width))
    piece = text[start:start + width]
    return ("…" if start > 0 else "") + piece + ("…" if start + width < len(text) else "")
