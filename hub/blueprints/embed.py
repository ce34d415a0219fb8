"""The events widget partners put on their own website, in an iframe."""

from __future__ import annotations

from flask import Blueprint, make_response, render_template

from hub.domain.events.queries import upcoming_events, upcoming_with_seats
from hub.domain.organisations.queries import verified_organisation
from hub.models import OrganisationKind
from hub.public_cache import cached_page
from hub.query_args import Args, Text, read_args

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


class WidgetArgs(Args):
    host = Text(140)


@bp.get("/events")
@cached_page(ttl=30, seats=True)
def events():
    """Upcoming events of a partner (as host or co-host), or of the whole venue."""
    slug = read_args(WidgetArgs())["host"]
    host = verified_organisation(OrganisationKind.PARTNER, slug) if slug else None
    query = upcoming_events(host=host).limit(WIDGET_EVENTS)
    body = render_template("embed/events.html", host=host, items=upcoming_with_seats(query))
    response = make_response(body)
    response.headers["Content-Security-Policy"] = WIDGET_POLICY
    response.headers["Cache-Control"] = "public, max-age=60"
    return response
