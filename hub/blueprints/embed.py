"""The events widget partners put on their own website, in an iframe."""

from __future__ import annotations

from flask import Blueprint, abort, make_response, render_template, request

from hub.domain.discovery import partner_by_slug, upcoming_events
from hub.public_cache import cached_page

bp = Blueprint("embed", __name__)
WIDGET_EVENTS = 8

# Framing is allowed here only; the rest of the policy is as strict as everywhere else.
WIDGET_POLICY = "; ".join(
    [
        "default-src 'none'",
        "style-src 'self'",
        "img-src 'self' data:",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors *",
    ]
)


@bp.get("/events")
@cached_page(ttl=30, seats=True)
def events():
    """Upcoming events of a partner (as host or co-host), or of the whole venue."""
    slug = request.args.get("host", "").strip()
    host = partner_by_slug(slug) if slug else None
    if slug and host is None:
        abort(404)
    body = render_template(
        "embed/events.html", host=host, items=upcoming_events(limit=WIDGET_EVENTS, host=host)
    )
    response = make_response(body)
    response.headers["Content-Security-Policy"] = WIDGET_POLICY
    response.headers["Cache-Control"] = "public, max-age=60"
    return response
