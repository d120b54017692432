"""Text normalisation and set-aside classification (pure, no I/O).

``normalize`` applies NFKC and collapses whitespace.  ``classify`` decides whether
an answer should be clustered (``None``) or set aside with a reason:

* ``"empty"`` -- nothing but whitespace;
* ``"no_content"`` -- 「特になし」「なし」…, only punctuation/symbols/emoji, or only URLs;
* ``"language:<code>"`` -- written in another language (``en``, ``zh``, ``ko``, ``vi``,
  ``th``, ``ru``, ``other``), detected by script and a few cheap heuristics.
"""

from __future__ import annotations

import re
import unicodedata

_WS = re.compile(r"\s+")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.-]+\b")

# Answers that only say "nothing in particular".  Matched after stripping punctuation,
# symbols and spaces, so 「特になし。」「とくになし!」「ー」 all count.
_NO_CONTENT = {
    "なし", "無し", "ナシ", "特になし", "特に無し", "とくになし", "特にナシ", "特にない", "特に無い",
    "ない", "無い", "ありません", "特にありません", "特にございません", "ございません",
    "特にありませんでした", "特に意見はありません", "意見なし", "意見はありません", "特になしです",
    "なしです", "特に無しです", "以上", "以上です", "わからない", "分からない", "わかりません",
    "分かりません", "不明", "特記事項なし", "特になし以上", "なにもない", "何もない", "何もありません",
    "とくにない", "とくにありません", "無回答", "未回答", "回答なし", "同上", "上記", "上記の通り",
    "none", "nothing", "no", "na", "n/a", "nil", "null", "nothingspecial", "nocomment", "nocomments",
    "x", "test", "テスト",
}
_NO_CONTENT_CF = {s.casefold() for s in _NO_CONTENT}


def normalize(text: object) -> str:
    """NFKC-normalise, unify line breaks and collapse runs of whitespace to one space."""
    if text is None:
        return ""
    s = unicodedata.normalize("NFKC", str(text))
    s = s.replace("\u200b", "").replace("\ufeff", "")
    return _WS.sub(" ", s).strip()


_NON_WORD = re.compile(r"[\W_]+")


def _letters(s: str) -> str:
    """Keep only letters, digits and marks (drops punctuation, symbols, emoji, spaces)."""
    return _NON_WORD.sub("", s)


def is_no_content(text: str) -> bool:
    """True for 「特になし」-style answers, bare URLs/e-mails, or symbol/emoji-only text."""
    s = _EMAIL.sub(" ", _URL.sub(" ", text)) if ("@" in text or "/" in text or "www" in text) \
        else text
    core = _letters(s)
    if not core:
        return True
    if core.isdigit() or not core.strip("ーｰ〜~々ゝゞヽヾ"):
        return True
    return core.casefold() in _NO_CONTENT_CF


# --- language detection by script ----------------------------------------------------

_VI_CHARS = set("ăâđêôơưĂÂĐÊÔƠƯạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ")
# Characters frequent in Chinese but rare or absent in Japanese running text
# (simplified forms and function words).
_ZH_MARKERS = set("的了是们这个们么吗呢吧说还没对为会过进时来们东车门问间长开关发经动电见现样应该给让")
_KANA = re.compile(r"[\u3040-\u30ff]")
_EN_WORDS = {
    "the", "and", "to", "of", "is", "in", "for", "that", "it", "please", "we", "i", "you",
    "this", "be", "are", "with", "not", "should", "more", "would", "have", "there", "city",
}


def script_counts(s: str) -> dict[str, int]:
    c = {"kana": 0, "han": 0, "hangul": 0, "latin": 0, "thai": 0, "cyrillic": 0, "other": 0}
    for ch in s:
        o = ord(ch)
        if 0x3040 <= o <= 0x30FF or 0x31F0 <= o <= 0x31FF or 0xFF66 <= o <= 0xFF9D:
            c["kana"] += 1
        elif 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF or o == 0x3005:
            c["han"] += 1
        elif 0xAC00 <= o <= 0xD7AF or 0x1100 <= o <= 0x11FF or 0x3130 <= o <= 0x318F:
            c["hangul"] += 1
        elif ch.isalpha() and o < 0x0250 or 0x1E00 <= o <= 0x1EFF:
            c["latin"] += 1
        elif 0x0E00 <= o <= 0x0E7F:
            c["thai"] += 1
        elif 0x0400 <= o <= 0x04FF:
            c["cyrillic"] += 1
        elif ch.isalpha():
            c["other"] += 1
    return c


def detect_language(text: str) -> str:
    """Best-effort language code: ``ja``, ``en``, ``zh``, ``ko``, ``vi``, ``th``, ``ru``, ``other``.

    Japanese is assumed whenever kana make up a visible share of the letters, so Japanese
    text quoting English words or place names stays ``ja``.
    """
    s = _EMAIL.sub(" ", _URL.sub(" ", text))
    kana = len(_KANA.findall(s))
    if kana >= 4 and kana >= 0.15 * len(s):  # fast path: plainly Japanese
        return "ja"
    c = script_counts(s)
    total = sum(c.values())
    if total == 0:
        return "ja"
    cjk = c["kana"] + c["han"]
    if c["kana"] >= 2 and c["kana"] >= 0.05 * total and cjk >= 0.3 * total:
        return "ja"
    if c["kana"] >= 1 and cjk >= 0.5 * total:
        return "ja"
    top = max(c, key=lambda k: c[k])
    if top == "hangul":
        return "ko"
    if top == "thai":
        return "th"
    if top == "cyrillic":
        return "ru"
    if top == "han":
        han_chars = [ch for ch in s if 0x4E00 <= ord(ch) <= 0x9FFF]
        markers = sum(ch in _ZH_MARKERS for ch in han_chars)
        # Kanji-only Japanese (e.g. 「駐輪場増設希望」) is short and has no Chinese markers.
        if markers >= 1 and (markers >= 2 or len(han_chars) >= 8):
            return "zh"
        if len(han_chars) >= 25 and cjk >= 0.8 * total:
            return "zh"
        return "ja"
    if top == "latin":
        if any(ch in _VI_CHARS for ch in s):
            return "vi"
        words = re.findall(r"[a-z']+", s.casefold())
        if words and sum(w in _EN_WORDS for w in words) >= max(1, 0.1 * len(words)):
            return "en"
        if words and all(w.isascii() for w in words):
            return "en" if len(words) <= 3 else "other"
        return "other"
    return "other"


def classify(normalized: str) -> str | None:
    """Return the set-aside reason for an already normalised text, or ``None`` to keep it."""
    if not normalized:
        return "empty"
    if is_no_content(normalized):
        return "no_content"
    lang = detect_language(normalized)
    if lang != "ja":
        return f"language:{lang}"
    return None
