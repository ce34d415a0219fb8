"""Text written by users: Markdown rendered to safe HTML, slugs, lines cleaned, XML made safe."""

from __future__ import annotations

import re

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup
from slugify import slugify as transliterated_slug

# Raw HTML is off in the parser, and nh3 cleans whatever the Markdown produces.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
ALLOWED_TAGS = {
    "p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li",
    "h2", "h3", "h4", "a", "hr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}


def render_markdown(source: str | None) -> Markup:
    """Markdown to HTML with only harmless tags; links open as ordinary, untrusted links."""
    html = _markdown.render(source or "")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener ugc",
    )
    return Markup(clean)  # noqa: S704 (cleaned by nh3 just above)


def markdown_to_text(source: str | None) -> str:
    """Markdown as plain text, for what shows no HTML (calendar files): the words without the
    marks, a link as "text (address)", list items on their own lines, a blank line between
    paragraphs."""
    blocks: list[tuple[str, bool]] = []  # (text, inside a list)
    lists: list[int | None] = []  # the next number of each open ordered list, None if bulleted
    bullet = ""
    for token in _markdown.parse(source or ""):
        if token.type == "bullet_list_open":
            lists.append(None)
        elif token.type == "ordered_list_open":
            lists.append(int(token.attrGet("start") or 1))
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif token.type == "list_item_open":
            number = lists[-1] if lists else None
            bullet = "  " * (len(lists) - 1) + ("- " if number is None else f"{number}. ")
            if number is not None:
                lists[-1] = number + 1
        elif token.type in ("fence", "code_block"):
            blocks.append((token.content.rstrip("\n"), bool(lists)))
        elif token.type == "inline":
            blocks.append((bullet + _inline_text(token.children or []), bool(lists)))
            bullet = ""
    text = ""
    for index, (block, in_list) in enumerate(blocks):
        if index:
            text += "\n" if in_list and blocks[index - 1][1] else "\n\n"
        text += block
    return text


def _inline_text(tokens) -> str:
    parts: list[str] = []
    link_start, href = 0, ""
    for token in tokens:
        if token.type in ("text", "code_inline"):
            parts.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif token.type == "image":
            parts.append(token.content)
        elif token.type == "link_open":
            link_start, href = len(parts), str(token.attrGet("href") or "")
        elif token.type == "link_close" and href and "".join(parts[link_start:]) != href:
            parts.append(f" ({href})")
    return "".join(parts)


# Letters are spelt in ASCII by anyascii: it reads the table of each block of Unicode it
# meets, where text-unidecode (slugify's default) holds all of them, 4 MiB in every worker.
TRANSLITERATION = "anyascii"


def slugify(text: str, max_length: int = 80) -> str:
    """A URL-safe ASCII slug: "Œuvres numériques à Lyon" → "oeuvres-numeriques-a-lyon".

    Ligatures are spelt out and every dash separates words ("Café—Tech" → "cafe-tech").
    """
    return transliterated_slug(text, max_length=max_length, backend=TRANSLITERATION) or "item"


def sort_key(text: str) -> str:
    """Alphabetical order as a French reader expects it: accents, ligatures and case folded
    the way slugs fold them ("Œuvres" sorts as "oeuvres"), ties kept apart by the text."""
    folded = transliterated_slug(text, separator=" ", backend=TRANSLITERATION)
    return f"{folded}\x00{text}"


def parse_tags(text: str | None, limit: int = 12) -> list[str]:
    """Comma-separated tags, trimmed, de-duplicated case-insensitively, in order."""
    seen: dict[str, str] = {}
    for raw in (text or "").split(","):
        tag = " ".join(raw.split())[:40]
        if tag and tag.casefold() not in seen:
            seen[tag.casefold()] = tag
    return list(seen.values())[:limit]


# C0 and C1 control characters, and the Unicode line and paragraph separators: what a
# carriage return, a vertical tab (Word's soft break) or U+2028 would break on one line.
LINE_BREAKS = re.compile(r"\r\n|[\r\n\x0b\x0c\x85\u2028\u2029]")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
ONE_LINE_BREAKS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
# What XML 1.0 forbids: control characters but tab and line breaks, surrogates, U+FFFE/FFFF.
XML_FORBIDDEN = re.compile(r"[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def one_line(value):
    """Text on one line (a title, a name, a subject): each line break or control character
    becomes a space. Anything other than text is returned as it is."""
    if not isinstance(value, str):
        return value
    return ONE_LINE_BREAKS.sub(" ", value).strip()


def clean_lines(value):
    """Text of several lines: every line break is "\\n", other control characters go."""
    if not isinstance(value, str):
        return value
    return CONTROL.sub("", LINE_BREAKS.sub("\n", value))


def xml_safe(text: str) -> str:
    """`text` without the characters XML 1.0 forbids (a feed reader refuses the document)."""
    return XML_FORBIDDEN.sub("", text)
