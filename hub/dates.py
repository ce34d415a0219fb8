"""Dates and times as people read them: the one place that writes them, for pages and emails.

Two styles, one per kind of page:
- "long" on a page or an email about one thing (an event, a demo day, a registration):
  "vendredi 1 janvier 2027, 14 h 00", "Friday 1 January 2027, 14:00";
- "short" in lists and tables: "1 janv. 2027, 14 h 00", "1 Jan 2027, 14:00".
Never the numeric "01/01/2027 14:00" (downloads write their own cells: hub/exports.py).
Times are in the venue's zone (`venue=`, hub/timezones.py), else the display zone; French
writes hours "14 h 00". The template filters `datetime`, `date` and `time` are these.
"""

from __future__ import annotations

from datetime import date, datetime, time
from functools import lru_cache

from babel import dates as babel_dates

from hub.i18n import locale_name
from hub.timezones import in_zone

DATE_PATTERNS = {"long": "EEEE d MMMM y", "short": "d MMM y"}
# Older names of the two styles, as templates wrote them before.
ALIASES = {"full": "long", "medium": "short"}
TIME_PATTERNS = {"fr": "HH' h 'mm"}
TIME_PATTERN = "HH:mm"


def _style(style: str) -> str:
    style = ALIASES.get(style, style)
    if style not in DATE_PATTERNS:
        raise ValueError(f"unknown date style {style!r}: long or short")
    return style


def date_text(value: date | datetime | None, style: str = "long", venue=None) -> str:
    """The day of `value` (a datetime is first put in the venue's zone)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = in_zone(value, venue).date()
    return _day(value, DATE_PATTERNS[_style(style)], locale_name())


def time_text(value: datetime | None, venue=None) -> str:
    """The hour and minute of `value` in the venue's zone: "14 h 00", "14:00"."""
    if value is None:
        return ""
    locale = locale_name()
    pattern = TIME_PATTERNS.get(locale.partition("_")[0], TIME_PATTERN)
    local = in_zone(value, venue)
    return _clock(time(local.hour, local.minute), pattern, locale)


def datetime_text(value: datetime | None, style: str = "short", venue=None) -> str:
    """Day and time: "vendredi 1 janvier 2027, 14 h 00" (long), "1 janv. 2027, 14 h 00"."""
    if value is None:
        return ""
    return f"{date_text(value, style, venue)}, {time_text(value, venue)}"


def month_text(value: date) -> str:
    """A month as a heading or a choice says it: "mars 2026", "March 2026"."""
    return _day(value, "LLLL y", locale_name())


# A list shows the same days and hours again and again, and Babel takes about 10 µs to
# write each: what it wrote is kept, per day or hour, pattern and language.
@lru_cache(maxsize=4096)
def _day(day: date, pattern: str, locale: str) -> str:
    return babel_dates.format_date(day, pattern, locale=locale)


@lru_cache(maxsize=1024)
def _clock(moment: time, pattern: str, locale: str) -> str:
    return babel_dates.format_time(moment, pattern, locale=locale)
