"""A small Markdown subset, rendered to HTML and then sanitised with nh3.

Supported: paragraphs, line breaks, ``## headings``, ``- `` and ``1. `` lists, ``> quotes``,
``**bold**``, ``*emphasis*``, ``[links](https://…)`` and bare https URLs. Everything else is text.
"""

import html
import re

import nh3

ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "h3", "h4", "blockquote"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}

_LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^\s)]+)\)")
_BARE_URL = re.compile(r"(?<![\"=>])(https?://[^\s<]+)")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_EM = re.compile(r"(?<!\*)\*(?!\s)(.+?)(?<!\s)\*(?!\*)")
_ITEM_UL = re.compile(r"^\s*[-*・]\s+(.*)$")
_ITEM_OL = re.compile(r"^\s*\d+[.)]\s+(.*)$")
_HEADING = re.compile(r"^(#{1,3})\s+(.*)$")


def _inline(text: str) -> str:
    text = html.escape(text, quote=True)
    placeholders: list[str] = []

    def keep(fragment: str) -> str:
        placeholders.append(fragment)
        return f"\x00{len(placeholders) - 1}\x00"

    text = _LINK.sub(lambda m: keep(f'<a href="{m.group(2)}">{m.group(1)}</a>'), text)
    text = _BARE_URL.sub(lambda m: keep(f'<a href="{m.group(1)}">{m.group(1)}</a>'), text)
    text = _BOLD.sub(r"<strong>\1</strong>", text)
    text = _EM.sub(r"<em>\1</em>", text)
    return re.sub(r"\x00(\d+)\x00", lambda m: placeholders[int(m.group(1))], text)


def render(source: str) -> str:
    """Markdown subset → safe HTML."""
    blocks = re.split(r"\n\s*\n", (source or "").replace("\r\n", "\n").strip())
    out = []
    for block in blocks:
        lines = [line for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        heading = _HEADING.match(lines[0])
        if heading and len(lines) == 1:
            level = min(len(heading.group(1)) + 2, 4)
            out.append(f"<h{level}>{_inline(heading.group(2))}</h{level}>")
        elif all(_ITEM_UL.match(line) for line in lines):
            items = "".join(f"<li>{_inline(_ITEM_UL.match(line).group(1))}</li>" for line in lines)
            out.append(f"<ul>{items}</ul>")
        elif all(_ITEM_OL.match(line) for line in lines):
            items = "".join(f"<li>{_inline(_ITEM_OL.match(line).group(1))}</li>" for line in lines)
            out.append(f"<ol>{items}</ol>")
        elif all(line.lstrip().startswith(">") for line in lines):
            inner = "<br>".join(_inline(line.lstrip()[1:].strip()) for line in lines)
            out.append(f"<blockquote><p>{inner}</p></blockquote>")
        else:
            out.append("<p>" + "<br>".join(_inline(line) for line in lines) + "</p>")
    return nh3.clean("".join(out), tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes={"http", "https"}, link_rel="nofollow noopener ugc")


_BLOCK_TAG = re.compile(r"</?(?:p|br|ul|ol|li|h3|h4|blockquote)\b[^>]*>")
_ANY_TAG = re.compile(r"<[^>]*>")


def plain(source: str, limit: int = 140) -> str:
    """The text a reader sees on the proposal's page, without markup, shortened for lists.

    Taken from the rendered, sanitised HTML, so an excerpt never shows Markdown syntax, and
    what someone typed that looks like HTML reads as it does on the page (as text). Blocks and
    line breaks become spaces; bold and links do not, or Japanese would gain gaps mid-sentence.
    """
    rendered = _ANY_TAG.sub("", _BLOCK_TAG.sub(" ", render(source)))
    text = re.sub(r"\s+", " ", html.unescape(rendered)).strip()
    return text if len(text) <= limit else text[:limit - 1] + "…"
