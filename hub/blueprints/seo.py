"""What search engines and feed readers read: sitemap, robots.txt and the Atom feed."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from flask import Blueprint, Response, make_response, render_template, stream_with_context, url_for
from markupsafe import escape

from hub.domain.discovery import public_events
from hub.domain.innovations import public_innovations
from hub.extensions import db
from hub.models import Event, EventState, Innovation, Organisation, OrganisationKind
from hub.public_cache import cached_page

bp = Blueprint("seo", __name__)
FEED_ENTRIES = 30
# Lists a visitor can reach from the navigation; plain paths for areas built elsewhere.
LIST_PAGES = ("/", "/innovations", "/startups", "/partners", "/events", "/demo-days")
PRIVATE_PREFIXES = ("/staff/", "/account/", "/auth/", "/r/", "/embed/", "/language/")


def _xml(body: str, mimetype: str):
    response = make_response(body)
    response.mimetype = mimetype
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.get("/robots.txt")
def robots():
    lines = ["User-agent: *", *(f"Disallow: {prefix}" for prefix in PRIVATE_PREFIXES)]
    lines += ["", f"Sitemap: {url_for('seo.sitemap', _external=True)}", ""]
    response = make_response("\n".join(lines))
    response.mimetype = "text/plain"
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@bp.get("/sitemap.xml")
def sitemap():
    """Every public address, streamed: tens of thousands of rows never sit in memory at once."""
    root = url_for("main.home", _external=True).rstrip("/")
    innovations = (
        public_innovations()
        .order_by(None)
        .with_only_columns(sa.literal("innovations"), Innovation.slug, Innovation.updated_at)
    )
    organisations = (
        sa.select(
            sa.case((Organisation.kind == OrganisationKind.STARTUP, "startups"), else_="partners"),
            Organisation.slug,
            Organisation.updated_at,
        )
        .where(Organisation.verified_at.is_not(None))
        .order_by(Organisation.id)
    )
    events = (
        sa.select(sa.literal("events"), Event.slug, Event.updated_at)
        .where(Event.state.in_((EventState.PUBLISHED, EventState.CANCELLED)))
        .order_by(Event.id)
    )

    def lines():
        yield '<?xml version="1.0" encoding="UTF-8"?>\n'
        yield '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        for path in LIST_PAGES:
            yield f"<url><loc>{escape(root + path)}</loc></url>\n"
        for query in (innovations, organisations, events):
            rows = db.session.execute(query.execution_options(yield_per=1000))
            for section, slug, updated in rows:
                lastmod = f"<lastmod>{updated:%Y-%m-%d}</lastmod>" if updated else ""
                yield f"<url><loc>{escape(f'{root}/{section}/{slug}')}</loc>{lastmod}</url>\n"
        yield "</urlset>\n"

    response = Response(stream_with_context(lines()), mimetype="application/xml")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@bp.get("/feed.atom")
@cached_page(ttl=300)
def feed():
    innovations = db.session.scalars(
        public_innovations()
        .order_by(None)
        .order_by(sa.nulls_last(Innovation.published_at.desc()), Innovation.id.desc())
        .options(sa.orm.contains_eager(Innovation.organisation))
        .limit(FEED_ENTRIES)
    ).all()
    events = db.session.scalars(
        public_events()
        .order_by(None)
        .order_by(sa.nulls_last(Event.published_at.desc()), Event.id.desc())
        .limit(FEED_ENTRIES)
    ).all()
    entries = [
        {
            "title": innovation.title,
            "url": url_for("innovations.detail", slug=innovation.slug, _external=True),
            "published": innovation.published_at or innovation.created_at,
            "updated": innovation.updated_at,
            "summary": innovation.summary,
            "author": innovation.organisation.name,
            "category": "innovation",
        }
        for innovation in innovations
    ]
    root = url_for("main.home", _external=True).rstrip("/")
    entries += [
        {
            "title": event.title,
            "url": f"{root}/events/{event.slug}",
            "published": event.published_at or event.created_at,
            "updated": event.updated_at,
            "summary": event.description[:300],
            "author": "Atelier Hub",
            "category": "event",
        }
        for event in events
    ]
    entries.sort(key=lambda entry: entry["published"], reverse=True)
    entries = entries[:FEED_ENTRIES]
    updated = max((entry["updated"] for entry in entries), default=datetime(2026, 1, 1, tzinfo=UTC))
    body = render_template("seo/feed.xml", entries=entries, updated=updated, root=root)
    return _xml(body, "application/atom+xml")
