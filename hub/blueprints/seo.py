"""What search engines and feed readers read: sitemap, robots.txt and the Atom feed."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, Response, make_response, render_template, stream_with_context
from flask_babel import gettext as _
from markupsafe import escape

from hub import links
from hub.domain import sitemap as public_addresses
from hub.public_cache import cached_page
from hub.text import xml_safe

bp = Blueprint("seo", __name__)
FEED_ENTRIES = 30
PRIVATE_PREFIXES = ("/staff/", "/account/", "/auth/", "/r/", "/embed/", "/language/")


def _xml(body: str, mimetype: str):
    response = make_response(xml_safe(body))
    response.mimetype = mimetype
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.get("/robots.txt")
def robots():
    lines = ["User-agent: *", *(f"Disallow: {prefix}" for prefix in PRIVATE_PREFIXES)]
    lines += ["", f"Sitemap: {links.url('seo.sitemap')}", ""]
    response = make_response("\n".join(lines))
    response.mimetype = "text/plain"
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@bp.get("/sitemap.xml")
def sitemap():
    """Every public address, streamed: tens of thousands of rows never sit in memory at once."""

    def lines():
        yield '<?xml version="1.0" encoding="UTF-8"?>\n'
        yield '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        for endpoint in public_addresses.LIST_PAGES:
            yield f"<url><loc>{escape(links.url(endpoint))}</loc></url>\n"
        for endpoint, slug, updated in public_addresses.public_pages():
            lastmod = f"<lastmod>{updated:%Y-%m-%d}</lastmod>" if updated else ""
            loc = links.url(endpoint, slug=slug)
            yield xml_safe(f"<url><loc>{escape(loc)}</loc>{lastmod}</url>\n")
        yield "</urlset>\n"

    response = Response(stream_with_context(lines()), mimetype="application/xml")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@bp.get("/feed.atom")
@cached_page(ttl=300)
def feed():
    entries = [
        {
            "title": innovation.title,
            "url": links.url("innovations.detail", slug=innovation.slug),
            "published": innovation.published_at or innovation.created_at,
            "updated": innovation.updated_at,
            "summary": innovation.summary,
            "author": innovation.organisation.name,
            "category": "innovation",
            "image": innovation.image or innovation.organisation.logo,
            "image_alt": innovation.image_alt or innovation.title
            if innovation.image
            else _("Logo of %(name)s", name=innovation.organisation.name),
        }
        for innovation in public_addresses.newest_innovations(FEED_ENTRIES)
    ]
    entries += [
        {
            "title": event.title,
            "url": links.url("events.detail", slug=event.slug),
            "published": event.published_at or event.created_at,
            "updated": event.updated_at,
            "summary": event.description[:300],
            "author": "Atelier Hub",
            "category": "event",
            "image": event.image,
            "image_alt": event.image_alt or event.title,
        }
        for event in public_addresses.newest_events(FEED_ENTRIES)
    ]
    entries.sort(key=lambda entry: entry["published"], reverse=True)
    entries = entries[:FEED_ENTRIES]
    updated = max((entry["updated"] for entry in entries), default=datetime(2026, 1, 1, tzinfo=UTC))
    body = render_template("seo/feed.xml", entries=entries, updated=updated)
    return _xml(body, "application/atom+xml")
