"""Every catalog is complete and every user-visible template string goes through gettext.

When this fails after adding strings: ``make translations-update``, then translate what is new in
every ``translations/*/LC_MESSAGES/messages.po`` (ja, ja_easy, zh_Hans, ko, vi) and drop the
``fuzzy`` flags. English is the msgid language and has no catalog.
"""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "civic" / "templates"
CATALOG_LANGUAGES = ("ja", "ja_easy", "zh_Hans", "ko", "vi")
PLACEHOLDER = re.compile(r"%(?:\([a-z_]+\))?[sd]|%%")


def _catalog(lang: str):
    with open(ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po", "rb") as fh:
        return read_po(fh)


def _source_msgids() -> set[str]:
    method_map = [("civic/**.py", "python"), ("civic/templates/**.html", "jinja2")]
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, keywords={"_": None, "_l": None, "gettext": None, "lazy_gettext": None,
                                         "ngettext": (1, 2)},
        options_map={"civic/templates/**.html": {"extensions": "jinja2.ext.do"}},
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


@pytest.fixture(scope="module")
def source_msgids():
    return _source_msgids()


@pytest.mark.parametrize("lang", CATALOG_LANGUAGES)
def test_the_catalog_has_every_string_of_the_code(lang, source_msgids):
    catalog = _catalog(lang)
    msgids = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}
    missing = sorted(source_msgids - msgids)
    assert not missing, f"{lang}: run `make translations-update`; not in the catalog: {missing[:20]}"


@pytest.mark.parametrize("lang", CATALOG_LANGUAGES)
def test_every_entry_is_translated_and_not_fuzzy(lang):
    problems = []
    for message in _catalog(lang):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        if "fuzzy" in message.flags:
            problems.append(f"fuzzy: {message.id!r}")
        elif not all(strings):
            problems.append(f"untranslated: {message.id!r}")
        else:
            msgid = message.id if isinstance(message.id, str) else message.id[0]
            if sorted(PLACEHOLDER.findall(msgid)) != sorted(PLACEHOLDER.findall(strings[0])):
                problems.append(f"placeholders differ: {msgid!r} → {strings[0]!r}")
    assert not problems, f"{lang}: {len(problems)} entries to fix: {problems[:20]}"


# Template text outside {{ }}, {% %} and {# #} that a reader would see: letters, kana or kanji.
_JINJA = re.compile(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", re.S)
_RAW = re.compile(r"<(script|style)\b.*?</\1>", re.S | re.I)
_TAG = re.compile(r"<[^>]*>", re.S)
_VISIBLE_ATTR = re.compile(r'\b(?:alt|title|placeholder|aria-label|aria-description)="([^"]*)"')
_WORDS = re.compile(r"[A-Za-z]{2,}|[\u3040-\u30ff\u3400-\u9fff]")
# Not words for a reader: entity names, units and codes that read the same in every language.
_ALLOWED = {"nbsp", "amp", "lt", "gt", "quot", "JSON", "CSV", "QR", "PDF", "kB"}


def _unmarked_text(source: str) -> list[str]:
    source = _RAW.sub(" ", source)
    found = []
    for attr in _VISIBLE_ATTR.findall(source):
        found.append(_JINJA.sub(" ", attr))
    stripped = _JINJA.sub(" ", source)
    found += _TAG.split(stripped)
    out = []
    for text in found:
        words = [w for w in _WORDS.findall(text) if w not in _ALLOWED]
        for entity in re.findall(r"&([a-z]+);", text):
            if entity in words:
                words.remove(entity)
        if words:
            out.append(" ".join(text.split()))
    return out


def test_templates_have_no_text_outside_gettext():
    problems = {}
    for path in sorted(TEMPLATES.rglob("*.html")):
        unmarked = _unmarked_text(path.read_text(encoding="utf-8"))
        if unmarked:
            problems[str(path.relative_to(ROOT))] = unmarked[:5]
    assert not problems, f"user-visible text not marked for translation: {problems}"


def test_the_scan_finds_unmarked_text():
    assert _unmarked_text('<p>{{ _("Fine") }}</p><p>Not translated</p>') == ["Not translated"]
    assert _unmarked_text('<img alt="公園の写真">') == ["公園の写真"]
    assert _unmarked_text('<p>{{ x }} · {% if y %}–{% endif %} &nbsp;</p><script>var a = "b";</script>') == []
