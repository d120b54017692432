"""Which new passwords are too easy to guess (ASVS 2.1.7): zxcvbn's estimate, offline.

zxcvbn ships its frequency lists (common passwords, names, English words, keyboard patterns)
inside the package, so nothing is sent anywhere. Its scores run from 0 (guessed in seconds)
to 4; 3 means "safely unguessable" against an offline attack on a slow hash.
"""

import unicodedata

from zxcvbn import zxcvbn

MIN_SCORE = 3
# zxcvbn refuses longer input (its matching grows with the length); a password this long that
# is not one repeated pattern scores well anyway, so the rest need not be examined.
EXAMINED_LENGTH = 72


def _folded(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().replace(" ", "")


def is_personal(password: str, personal: tuple[str, ...]) -> bool:
    """Whether the password is one of the person's own details (email, its name part, name)."""
    folded = _folded(password)
    return any(folded == _folded(word) for word in personal if word)


def strength(password: str, personal: tuple[str, ...] = ()) -> int:
    """zxcvbn's score 0–4; the person's own details count as words anyone could guess."""
    if is_personal(password, personal):
        return 0
    words = [word for word in personal if word]
    return zxcvbn(password[:EXAMINED_LENGTH], user_inputs=words)["score"]


def personal_words(email: str | None, display_name: str | None) -> tuple[str, ...]:
    """The details of a person that a password must not be: the email, its name part, the name."""
    words = []
    if email:
        words += [email, email.partition("@")[0]]
    if display_name:
        words.append(display_name)
    return tuple(words)
