"""Calendar files (iCalendar) for events, and the check-in QR code of a registration.

icalendar and segno load on the first file asked for: import this module where it is used.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import date

import icalendar
import segno

from hub import links
from hub.models import Event, EventState, Registration, utcnow
from hub.timezones import in_zone

PRODUCT_ID = "-//Atelier Hub//Events//FR"


def event_calendar(events: Iterable[Event], name: str | None = None) -> bytes:
    """A valid iCalendar file with one VEVENT per event, in the venue's time zone.

    The VTIMEZONE definitions are included so every calendar reads the times right.
    """
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    if name:
        calendar.add("x-wr-calname", name)
    now = utcnow()
    years = set()
    for event in events:
        venue = event.space.venue
        item = icalendar.Event()
        item.add("uid", f"event-{event.id}@atelier-hub")
        item.add("dtstamp", now)
        item.add("dtstart", in_zone(event.starts_at, venue))
        item.add("dtend", in_zone(event.ends_at, venue))
        item.add("summary", event.title)
        item.add("description", event.description)
        item.add("location", f"{venue.name}, {event.space.name}, {venue.address}".strip(", "))
        item.add("url", links.url("events.detail", slug=event.slug))
        item.add("status", "CANCELLED" if event.state == EventState.CANCELLED else "CONFIRMED")
        item.add("last-modified", event.updated_at)
        calendar.add_component(item)
        years.update((event.starts_at.year, event.ends_at.year))
    if years:
        calendar.add_missing_timezones(
            first_date=date(min(years) - 1, 1, 1), last_date=date(max(years) + 1, 12, 31)
        )
    return calendar.to_ical()


def check_in_url(registration: Registration) -> str:
    return links.url("hosting.check_in_code", code=registration.token)


def registration_qr_svg(registration: Registration) -> str:
    """The QR code a host scans at the door: it carries the registration's token."""
    qr = segno.make(check_in_url(registration), error="m")
    buffer = io.BytesIO()
    qr.save(buffer, kind="svg", scale=6, border=2, xmldecl=False, title="QR code")
    return buffer.getvalue().decode()


def registration_qr_png(registration: Registration) -> bytes:
    """The same QR code as a PNG, the image kind every mail client shows."""
    qr = segno.make(check_in_url(registration), error="m")
    buffer = io.BytesIO()
    qr.save(buffer, kind="png", scale=6, border=2)
    return buffer.getvalue()
