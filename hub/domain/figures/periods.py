"""The periods figures are read over: this month, this quarter, this year, or chosen dates.

A period is a range of calendar days, first and last included. An event belongs to the day
it starts in its venue's time zone (EventFigures.local_date), so an evening event on the
31st is in that month wherever the server runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

from hub.domain.errors import DomainError
from hub.models import PeriodKind
from hub.timezones import display_zone

# A chart of more months than this would not be read at a glance.
MAX_MONTHS = 36


@dataclass(frozen=True)
class Period:
    kind: PeriodKind
    first: date
    last: date

    @property
    def months(self) -> list[tuple[int, int]]:
        """(year, month) of every month the period touches, in order."""
        months = []
        year, month = self.first.year, self.first.month
        while (year, month) <= (self.last.year, self.last.month):
            months.append((year, month))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return months

    def utc_bounds(self) -> tuple[datetime, datetime]:
        """The period as UTC instants, read in the display time zone (for what has no venue)."""
        zone = display_zone()
        start = datetime(self.first.year, self.first.month, self.first.day, tzinfo=zone)
        end_day = self.last + timedelta(days=1)
        end = datetime(end_day.year, end_day.month, end_day.day, tzinfo=zone)
        return start.astimezone(UTC), end.astimezone(UTC)


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def period_of(
    kind: PeriodKind | None,
    today: date,
    first: date | None = None,
    last: date | None = None,
) -> Period:
    """The period asked for, around `today` (the venue team's date); this month by default.

    Chosen dates must be in order and span at most MAX_MONTHS months (DomainError on the
    field otherwise).
    """
    kind = kind or PeriodKind.MONTH
    if kind == PeriodKind.CUSTOM:
        if first is None:
            raise DomainError(_l("Give the first day."), field="first")
        if last is None:
            raise DomainError(_l("Give the last day."), field="last")
        if last < first:
            raise DomainError(_l("The last day must come after the first."), field="last")
        period = Period(kind, first, last)
        if len(period.months) > MAX_MONTHS:
            raise DomainError(
                lazy_ngettext(
                    "Choose at most %(num)d month.", "Choose at most %(num)d months.", MAX_MONTHS
                ),
                field="last",
            )
        return period
    if kind == PeriodKind.YEAR:
        start = date(today.year, 1, 1)
        return Period(kind, start, date(today.year, 12, 31))
    if kind == PeriodKind.QUARTER:
        start = date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
        end = _next_month(_next_month(_next_month(start)))
        return Period(kind, start, end - timedelta(days=1))
    start = today.replace(day=1)
    return Period(kind, start, _next_month(start) - timedelta(days=1))
