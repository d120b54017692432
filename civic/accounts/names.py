"""Display names that cannot pass for ward staff or a ward office (なりすまし対策).

Plain data in, plain data out: the caller brings the names of staff and offices.
"""

import unicodedata

# Control characters (Cc) and format characters (Cf): among them the zero-width ones
# (U+200B–U+200D, U+2060, U+FEFF) that make two different names look the same, and the bidi
# controls (U+202A–U+202E, U+2066–U+2069) that reorder what is shown after them.
INVISIBLE_CATEGORIES = ("Cc", "Cf")


def normalise(name: str) -> str:
    """NFKC, so full-width letters and half-width katakana become their usual forms; trimmed."""
    return unicodedata.normalize("NFKC", name).strip() if isinstance(name, str) else name


def has_invisible(name: str) -> bool:
    return any(unicodedata.category(ch) in INVISIBLE_CATEGORIES for ch in name)


def fold(name: str) -> str:
    """The name as compared with others: no case, no spaces or punctuation (山田・花子 = 山田 花子)."""
    text = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())
    return "".join(ch for ch in text if unicodedata.category(ch)[0] not in "ZP"
                   and unicodedata.category(ch) not in INVISIBLE_CATEGORIES)


def collides(name: str, others) -> bool:
    """Whether ``name`` folds to the same text as one of ``others``."""
    folded = fold(name)
    return bool(folded) and any(folded == fold(other) for other in others if other)


def office_in(name: str, offices) -> str | None:
    """The office whose name appears in ``name``, if any (区民協働課 in 「区民協働課 田中」)."""
    folded = fold(name)
    return next((office for office in offices if office and fold(office) and fold(office) in folded),
                None)
