"""Markdown written by users, rendered to safe HTML."""

from __future__ import annotations

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


def slugify(text: str, max_length: int = 80) -> str:
    """A URL-safe ASCII slug: "Œuvres numériques à Lyon" → "oeuvres-numeriques-a-lyon".

    Ligatures are spelt out and every dash separates words ("Café—Tech" → "cafe-tech").
    """
    return transliterated_slug(text, max_length=max_length) or "item"


def sort_key(text: str) -> str:
    """Alphabetical order as a French reader expects it: accents, ligatures and case folded
    the way slugs fold them ("Œuvres" sorts as "oeuvres"), ties kept apart by the text."""
    return f"{transliterated_slug(text, separator=' ')}\x00{text}"


def parse_tags(text: str | None, limit: int = 12) -> list[str]:
    """Comma-separated tags, trimmed, de-duplicated case-insensitively, in order."""
    seen: dict[str, str] = {}
    for raw in (text or "").split(","):
        tag = " ".join(raw.split())[:40]
        if tag and tag.casefold() not in seen:
            seen[tag.casefold()] = tag
    return list(seen.values())[:limit]
