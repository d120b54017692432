"""The language of user-written content (proposals, comments): codes, detection, ``lang`` tags.

Pure, no Flask. Detection is :func:`civic.insights.normalize.detect_language` (script and a few
cheap heuristics, kana → Japanese); this module only maps its codes to the content codes stored
on rows: ``ja``, ``en``, ``zh_Hans``, ``ko``, ``vi`` and ``other`` (Thai, Russian, anything else).
"""

from civic.insights.normalize import detect_language, normalize

CONTENT_LANGUAGES = ("ja", "en", "zh_Hans", "ko", "vi", "other")
DEFAULT = "ja"
# The CHECK constraint of every ``language`` column.
SQL_KNOWN = "language IN ({})".format(", ".join(f"'{code}'" for code in CONTENT_LANGUAGES))

_FROM_DETECTOR = {"ja": "ja", "en": "en", "zh": "zh_Hans", "ko": "ko", "vi": "vi"}


def detect(*texts: str | None) -> str:
    """The content language of the given pieces of one text (title, body …), as a content code.

    Text with no letters at all (empty, only numbers or emoji) counts as Japanese, the ward's
    language.
    """
    joined = normalize(" ".join(t for t in texts if t))
    if not joined:
        return DEFAULT
    return _FROM_DETECTOR.get(detect_language(joined), "other")


def known(code: str | None) -> str | None:
    """``code`` when it is a content language, else ``None`` (for untrusted form and URL input)."""
    return code if code in CONTENT_LANGUAGES else None


def lang_tag(code: str | None) -> str | None:
    """BCP 47 tag for a ``lang`` attribute (``zh_Hans`` → ``zh-Hans``); ``None`` for ``other``."""
    if code not in CONTENT_LANGUAGES or code == "other":
        return None
    return code.replace("_", "-")


def family(code: str) -> str:
    """The language family a reader reads: ``ja_easy`` → ``ja``, ``zh_Hans`` → ``zh``."""
    return code.split("_", 1)[0].split("-", 1)[0].lower()


def differs(content_code: str | None, reader_code: str) -> bool:
    """Whether content needs a "written in …" note for a reader of ``reader_code``'s UI."""
    if content_code not in CONTENT_LANGUAGES:
        return False
    return content_code == "other" or family(content_code) != family(reader_code)
