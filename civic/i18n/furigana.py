"""ふりがな: readings in ``<ruby>`` over kanji, for residents who read kanji with difficulty.

Pure functions, no Flask: :func:`annotate` splits Japanese text into (base, reading) pieces with
janome's readings (katakana turned into hiragana, okurigana left outside the ruby:
食べる → 食(た)べる); :func:`ruby_html` renders plain text; :func:`add_furigana` rewrites the text
nodes of an HTML document and leaves everything else byte for byte (tags, attributes, scripts,
code, ruby already there, and anything marked ``translate="no"`` or in another language; text
that is plainly Chinese gets no Japanese readings either).
"""

import re
import threading
from functools import lru_cache
from html import escape
from html.parser import HTMLParser

Piece = tuple[str, str | None]

# 々 (repeat mark) and ヶ/ヵ (as in 緑ヶ丘) are read as part of the kanji around them.
_KANJI = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3005\u3006\u30f5\u30f6"
_HAS_KANJI = re.compile(f"[{_KANJI}]")
_KANJI_RUNS = re.compile(f"([{_KANJI}]+)")
_KANJI_ONLY = re.compile(f"[{_KANJI}]+")
_KANA = re.compile("[\u3041-\u309f\u30a1-\u30fa\u30fc]+")

# janome reads a counter after a digit as a word on its own (4月 → ツキ); the counter readings.
_COUNTERS = {
    "月": "がつ", "日": "にち", "人": "にん", "年": "ねん", "時": "じ", "分": "ふん", "円": "えん",
    "回": "かい", "件": "けん", "歳": "さい", "階": "かい", "名": "めい", "票": "ひょう", "番": "ばん",
    "号": "ごう", "丁目": "ちょうめ", "週": "しゅう", "秒": "びょう", "個": "こ", "冊": "さつ",
}

_tokenizer = None
_tokenizer_lock = threading.Lock()


def to_hiragana(text: str) -> str:
    """Katakana → hiragana (ァ..ヶ shift by 0x60); everything else unchanged (ー stays)."""
    return "".join(chr(ord(c) - 0x60) if "\u30a1" <= c <= "\u30f6" else c for c in text)


def has_kanji(text: str) -> bool:
    return bool(_HAS_KANJI.search(text))


def looks_chinese(text: str) -> bool:
    """Chinese written where Japanese is expected (a resident's comment in 简体中文): no kana at
    all and a character that Japanese text encodings do not have (们, 这, 还 …)."""
    if _KANA.search(text):
        return False
    for char in _HAS_KANJI.findall(text):
        try:
            char.encode("cp932")
        except UnicodeEncodeError:
            return True
    return False


def split_okurigana(surface: str, reading: str) -> list[Piece]:
    """Give each run of kanji its part of ``reading``; kana in the surface stay bare.

    取り組み + とりくみ → [(取, と), (り, None), (組, く), (み, None)]. When the kana of the
    surface do not line up with the reading, the whole word gets the whole reading.
    """
    runs = [run for run in _KANJI_RUNS.split(surface) if run]
    pattern = "".join("(.+?)" if has_kanji(run) else f"({re.escape(to_hiragana(run))})" for run in runs)
    match = re.fullmatch(pattern, reading)
    if not match:
        return [(surface, reading)]
    return [(run, match.group(i + 1) if has_kanji(run) else None) for i, run in enumerate(runs)]


def _tokens(text: str):
    global _tokenizer
    with _tokenizer_lock:
        if _tokenizer is None:
            from janome.tokenizer import Tokenizer

            _tokenizer = Tokenizer()
        return list(_tokenizer.tokenize(text))


def _is_suffix(token) -> bool:
    return token.part_of_speech.startswith("名詞,接尾")


def _known_word(surface: str):
    """The token janome reads ``surface`` as, when it knows it as one word with a reading."""
    tokens = _tokens(surface)
    if len(tokens) == 1 and tokens[0].reading not in (None, "*"):
        return tokens[0]
    return None


def _words(text: str) -> list[tuple[str, str]]:
    """janome's (surface, reading) tokens, with its compound words kept whole.

    After a name janome may read a word it knows as a row of suffixes: 青葉台町会 comes out as
    青葉台 + 町 (まち) + 会 (かい), not 町会 (ちょうかい). Two or three kanji suffixes in a row are
    read as the one word janome has for them, when it has one. A kanji suffix then joins the
    kanji word before it (公開 + 中 → 公開中, こうかいちゅう): one ruby per word, whose kanji the
    browser keeps together.
    """
    tokens = _tokens(text)
    words = []
    i = 0
    while i < len(tokens):
        taken = 1
        for end in range(min(len(tokens), i + 3), i + 1, -1):
            run = tokens[i:end]
            if all(_is_suffix(t) and _KANJI_ONLY.fullmatch(t.surface) for t in run):
                word = _known_word("".join(t.surface for t in run))
                if word is not None:
                    words.append((word.surface, word.reading))
                    taken = end - i
                    break
        if taken == 1:
            surface, reading = tokens[i].surface, tokens[i].reading
            if (words and _is_suffix(tokens[i]) and _KANJI_ONLY.fullmatch(surface)
                    and _KANJI_ONLY.fullmatch(words[-1][0]) and reading not in (None, "*")
                    and words[-1][1] not in (None, "*")):
                words[-1] = (words[-1][0] + surface, words[-1][1] + reading)
            else:
                words.append((surface, reading))
        i += taken
    return words


@lru_cache(maxsize=8192)
def annotate(text: str) -> tuple[Piece, ...]:
    """``text`` as (base, reading) pieces; reading is None where no ruby is wanted.

    Only bases with kanji get a reading; words janome does not know (reading ``*``) stay bare.
    Joining the bases always gives ``text`` back.
    """
    if not has_kanji(text) or looks_chinese(text):
        return ((text, None),)
    pieces: list[Piece] = []
    after_digit = False
    for surface, reading in _words(text):
        if after_digit and surface in _COUNTERS:
            reading = _COUNTERS[surface]
        after_digit = surface.isdigit()
        reading = to_hiragana(reading or "")
        if not has_kanji(surface) or not _KANA.fullmatch(reading):
            pieces.append((surface, None))
            continue
        pieces.extend(split_okurigana(surface, reading))
    if "".join(base for base, _ in pieces) != text:  # never lose a character
        return ((text, None),)
    return tuple(_merge_bare(pieces))


def _merge_bare(pieces: list[Piece]) -> list[Piece]:
    merged: list[Piece] = []
    for base, reading in pieces:
        if reading is None and merged and merged[-1][1] is None:
            merged[-1] = (merged[-1][0] + base, None)
        else:
            merged.append((base, reading))
    return merged


def _render(pieces, bare=escape) -> str:
    return "".join(
        bare(base) if reading is None else f"<ruby>{bare(base)}<rt>{escape(reading)}</rt></ruby>"
        for base, reading in pieces
    )


def ruby_html(text: str) -> str:
    """Plain text → escaped HTML with ``<ruby>`` readings over its kanji."""
    return _render(annotate(text))


def _raw(text: str) -> str:
    return text


# Elements whose text must stay as it is: not prose (script, style, code), ruby already there,
# text-only contexts where markup would show or break (title, option, textarea), foreign content.
_SKIP = {"head", "title", "script", "style", "template", "noscript", "textarea", "select", "option",
         "optgroup", "datalist", "ruby", "rt", "rp", "code", "kbd", "samp", "pre", "svg", "math"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
         "track", "wbr"}


class _FuriganaWriter(HTMLParser):
    def __init__(self, japanese: bool):
        # Character references come through handle_entityref/charref and are written back as
        # they were, so text data never holds "<" or "&" and is written back unescaped.
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        self.stack: list[tuple[str, bool, bool]] = [("#root", False, japanese)]

    def _annotating(self) -> bool:
        _tag, skip, japanese = self.stack[-1]
        return japanese and not skip

    def handle_starttag(self, tag, attrs):
        self.out.append(self.get_starttag_text())
        if tag in _VOID:
            return
        _parent, skip, japanese = self.stack[-1]
        values = dict(attrs)
        skip = skip or tag in _SKIP or (values.get("translate") or "").lower() == "no"
        if "lang" in values:
            japanese = (values["lang"] or "").lower().split("-")[0] == "ja"
        self.stack.append((tag, skip, japanese))

    def handle_startendtag(self, tag, attrs):
        self.out.append(self.get_starttag_text())

    def handle_endtag(self, tag):
        self.out.append(f"</{tag}>")
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth][0] == tag:
                del self.stack[depth:]
                break

    def handle_data(self, data):
        if self._annotating() and has_kanji(data):
            # Leading and trailing whitespace stays outside the tokenizer (better cache hits).
            core = data.strip()
            start = data.index(core)
            data = data[:start] + _render(annotate(core), bare=_raw) + data[start + len(core):]
        self.out.append(data)

    def handle_entityref(self, name):
        self.out.append(f"&{name};")

    def handle_charref(self, name):
        self.out.append(f"&#{name};")

    def handle_comment(self, data):
        self.out.append(f"<!--{data}-->")

    def handle_decl(self, decl):
        self.out.append(f"<!{decl}>")

    def handle_pi(self, data):
        self.out.append(f"<?{data}>")

    def unknown_decl(self, data):
        self.out.append(f"<![{data}]>")


def add_furigana(html: str, japanese: bool = True) -> str:
    """Add ``<ruby>`` readings to the kanji in the Japanese text nodes of an HTML document.

    ``japanese`` says whether text outside any ``lang`` attribute is Japanese (the page's own
    language); elements with another ``lang`` are left alone, and so are their children unless
    one says ``lang="ja"`` again.
    """
    if not has_kanji(html):
        return html
    writer = _FuriganaWriter(japanese)
    writer.feed(html)
    writer.close()
    return "".join(writer.out)
