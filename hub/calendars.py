"""Calendar files (iCalendar) for events and demo days, and the QR codes of the site.

icalendar and segno load on the first file asked for: import this module where it is used.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import date, timedelta
from email.utils import parseaddr

import icalendar
import segno
from flask import current_app

from hub import links
from hub.models import (
    Application,
    Event,
    EventState,
    Placement,
    Registration,
    RegistrationState,
    ShowcaseSlot,
    SlotStatus,
    utcnow,
)
from hub.text import markdown_to_text
from hub.timezones import in_zone

PRODUCT_ID = "-//Atelier Hub//Events//FR"
UID_HOST = "@atelier-hub"


def event_calendar(events: Iterable[Event], name: str | None = None) -> bytes:
    """A valid iCalendar file with one VEVENT per event, in the venue's time zone.

    The VTIMEZONE definitions are included so every calendar reads the times right.
    """
    events = list(events)
    calendar = _calendar("PUBLISH", name)
    now = utcnow()
    for event in events:
        calendar.add_component(_vevent(event, now))
    return _with_time_zones(calendar, events)


def registration_calendar(registration: Registration, method: str = "PUBLISH") -> bytes:
    """The calendar file of one person's registration: the event while it holds, and once
    the registration is cancelled, the event's cancellation (same UID, a higher SEQUENCE,
    STATUS:CANCELLED) so that a calendar that imported it drops it.

    `method` "CANCEL" makes the iTIP message an email carries (RFC 5546: with the organiser
    and the attendee); a file downloaded from the page is published as it stands.
    """
    event = registration.event
    calendar = _calendar(method)
    item = _vevent(event, utcnow())
    if registration.state == RegistrationState.CANCELLED:
        item["status"] = icalendar.vText("CANCELLED")
        item["sequence"] = icalendar.vInt(cancellation_sequence(registration))
    if method == "CANCEL":
        sender = parseaddr(current_app.config["MAIL_FROM"])[1]
        item.add("organizer", f"mailto:{sender}", parameters={"cn": "Atelier Hub"})
        item.add("attendee", f"mailto:{registration.email}", parameters={"cn": registration.name})
    calendar.add_component(item)
    return _with_time_zones(calendar, [event])


def event_sequence(event: Event) -> int:
    """The VEVENT's revision: seconds from the event's creation to its last change, so that
    it only grows and a calendar takes each newer file as an update of the one it holds."""
    return max(0, int((event.updated_at - event.created_at).total_seconds()))


def cancellation_sequence(registration: Registration) -> int:
    """Above any revision of the event sent before the registration was cancelled."""
    event = registration.event
    cancelled_at = registration.cancelled_at or event.updated_at
    return max(event_sequence(event), int((cancelled_at - event.created_at).total_seconds())) + 1


def _calendar(method: str, name: str | None = None) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    return calendar


def _vevent(event: Event, now) -> icalendar.Event:
    venue = event.space.venue
    item = icalendar.Event()
    item.add("uid", f"event-{event.id}@atelier-hub")
    item.add("dtstamp", now)
    item.add("sequence", event_sequence(event))
    item.add("dtstart", in_zone(event.starts_at, venue))
    item.add("dtend", in_zone(event.ends_at, venue))
    item.add("summary", event.title)
    # Calendars show descriptions as they are: the Markdown's words, not its marks.
    item.add("description", markdown_to_text(event.description))
    item.add("location", f"{venue.name}, {event.space.name}, {venue.address}".strip(", "))
    item.add("url", links.url("events.detail", slug=event.slug))
    item.add("status", "CANCELLED" if event.state == EventState.CANCELLED else "CONFIRMED")
    item.add("last-modified", event.updated_at)
    return item


def _with_time_zones(calendar: icalendar.Calendar, events: list[Event]) -> bytes:
    return _finished(
        calendar, {moment.year for event in events for moment in (event.starts_at, event.ends_at)}
    )


def _finished(calendar: icalendar.Calendar, years: set[int]) -> bytes:
    if years:
        calendar.add_missing_timezones(
            first_date=date(min(years) - 1, 1, 1), last_date=date(max(years) + 1, 12, 31)
        )
    return calendar.to_ical()


def demo_day_calendar(
    slot: ShowcaseSlot,
    placements: Iterable[Placement] = (),
    *,
    application: Application | None = None,
    summary: str = "",
    description: str = "",
) -> bytes:
    """A demo day as iCalendar: the day itself, then one VEVENT per pitch given.

    For a startup (`application`), the day starts at its set-up time and the summary and
    description say where it stands and when it pitches.
    """
    venue = slot.space.venue
    calendar = _calendar("PUBLISH", slot.theme)
    now = utcnow()
    status = "CANCELLED" if slot.status == SlotStatus.CANCELLED else "CONFIRMED"
    location = f"{venue.name}, {slot.space.name}, {venue.address}".strip(", ")
    day = icalendar.Event()
    day.add("uid", f"demo-day-{slot.id}" + (f"-{application.id}" if application else "") + UID_HOST)
    day.add("dtstamp", now)
    day.add("dtstart", in_zone(slot.setup_at if application else slot.starts_at, venue))
    day.add("dtend", in_zone(slot.ends_at, venue))
    day.add("summary", summary or slot.theme)
    day.add("description", description or slot.description)
    day.add("location", location)
    day.add("url", links.url("showcase.slot", slot_id=slot.id))
    day.add("status", status)
    calendar.add_component(day)
    for placement in placements:
        if placement.pitch_at is None:
            continue
        innovation = placement.application.innovation
        pitch = icalendar.Event()
        pitch.add("uid", f"pitch-{slot.id}-{placement.application_id}{UID_HOST}")
        pitch.add("dtstamp", now)
        pitch.add("dtstart", in_zone(placement.pitch_at, venue))
        pitch.add(
            "dtend", in_zone(placement.pitch_at, venue) + timedelta(minutes=slot.pitch_minutes)
        )
        pitch.add(
            "summary", f"Pitch — {innovation.title} ({placement.application.organisation.name})"
        )
        pitch.add("location", location)
        pitch.add("url", links.url("innovations.detail", slug=innovation.slug))
        pitch.add("status", status)
        calendar.add_component(pitch)
    return _finished(calendar, {slot.starts_at.year, slot.ends_at.year})


def check_in_url(registration: Registration) -> str:
    return links.url("hosting.check_in_code", code=registration.check_in_code)


def registration_qr_svg(registration: Registration) -> str:
    """The QR code a host scans at the door: it carries the check-in code, never the private
    token (whoever sees the code can have the person checked in, not cancel them)."""
    return qr_svg(check_in_url(registration))


def qr_svg(address: str, title: str = "QR code") -> str:
    """An SVG QR code of an address of the site."""
    qr = segno.make(address, error="m")
    buffer = io.BytesIO()
    qr.save(buffer, kind="svg", scale=6, border=2, xmldecl=False, title=title)
    return buffer.getvalue().decode()


def registration_qr_png(registration: Registration) -> bytes:
    """The same QR code as a PNG, the image kind every mail client shows."""
    qr = segno.make(check_in_url(registration), error="m")
    buffer = io.BytesIO()
    qr.save(buffer, kind="png", scale=6, border=2)
    return buffer.getvalue()


def startup_demo_calendar(application: Application) -> bytes:
    """The demo day as the startup lives it: from its set-up time, with its stand and pitch."""
    from flask_babel import gettext as _

    from hub.dates import datetime_text

    def format_local_time(value, venue):
        return datetime_text(value, "short", venue=venue)

    slot, placement = application.slot, application.placement
    venue = slot.space.venue
    lines = [
        _("Set-up from %(time)s.", time=format_local_time(slot.setup_at, venue)),
        _("Stand: %(name)s.", name=placement.stand.name)
        if placement and placement.stand
        else _("Stand: to be announced."),
        _("Pitch at %(time)s.", time=format_local_time(placement.pitch_at, venue))
        if placement and placement.pitch_at
        else _("Pitch time: to be announced."),
        links.url(
            "showcase.application",
            slug=application.organisation.slug,
            application_id=application.id,
        ),
    ]
    return demo_day_calendar(
        slot,
        [placement] if placement else [],
        application=application,
        summary=_("%(theme)s — your demo", theme=slot.theme),
        description="\n".join(lines),
    )
