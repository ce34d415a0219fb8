"""One converter between the UTC kept in the database and the wall-clock time people use.

A time belongs to the venue where it happens: an event or a demo slot is typed and shown in
its venue's zone. Where there is no venue (a month of the agenda, the audit log), the
configured display zone (DISPLAY_TIMEZONE) is used.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from flask import current_app

if TYPE_CHECKING:
    from hub.models import Venue


def display_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def zone_of(venue: Venue | None) -> ZoneInfo:
    """The venue's time zone, or the display zone when there is no venue."""
    if venue is not None and venue.timezone:
        return ZoneInfo(venue.timezone)
    return display_zone()


def local_to_utc(value: datetime | None, venue: Venue | None = None) -> datetime | None:
    """A wall-clock time typed for the venue (naive, as forms give it), as UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=zone_of(venue)).astimezone(UTC)


def utc_to_local(value: datetime | None, venue: Venue | None = None) -> datetime | None:
    """A stored UTC time as the venue's wall-clock time (naive, as forms show it)."""
    if value is None:
        return None
    return value.astimezone(zone_of(venue)).replace(tzinfo=None)


def in_zone(value: datetime, venue: Venue | None = None) -> datetime:
    """A stored UTC time, aware, in the venue's zone (for display and calendar files)."""
    return value.astimezone(zone_of(venue))
