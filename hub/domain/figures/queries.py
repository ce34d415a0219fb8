"""The impact figures, read from the kept counts by SQL aggregates.

Every figure of events comes from EventFigures alone (one narrow row per event, indexed by
the local day the event starts, with a copy of the event's facts the filters need): a few
thousand rows a year, summed by the database; no registration or event row is read.
Distinct people come from merging the events' sketches (hub/domain/figures/people.py).
Demo days, innovations and interest are read from their own tables (no personal data there).

Events counted: published ones that have started by `now`, in the period. Attendance and
no-shows are read on the events that have ended.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from hub.domain.figures import people
from hub.domain.figures.periods import Period
from hub.extensions import db
from hub.models import (
    Application,
    ApplicationState,
    Audience,
    CoHostState,
    EventFigures,
    EventHost,
    EventKind,
    EventState,
    Innovation,
    InnovationInterestDay,
    InnovationStatus,
    Organisation,
    ShowcaseSlot,
    SlotStatus,
    Space,
    utcnow,
)


@dataclass(frozen=True)
class FigureFilters:
    """What the figures are read over: a period, and optionally a venue, a kind of event,
    an audience and a hosting partner (events it proposed or co-hosts)."""

    period: Period
    venue_id: int | None = None
    kind: EventKind | None = None
    audience: Audience | None = None
    partner_id: int | None = None


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True)
class EventTotals:
    events: int = 0
    upcoming: int = 0
    seats: int = 0
    registrations: int = 0
    waitlisted: int = 0
    promoted: int = 0
    cancelled: int = 0
    attended: int = 0
    no_shows: int = 0
    returning_attendances: int = 0
    feedback_count: int = 0
    rating_sum: int = 0
    people: int = 0
    returning_people: int = 0

    @property
    def attendance_rate(self) -> float | None:
        """Of the seats still held when the events ended, the share checked in."""
        return _rate(self.attended, self.attended + self.no_shows)

    @property
    def no_show_rate(self) -> float | None:
        return _rate(self.no_shows, self.attended + self.no_shows)

    @property
    def waitlist_seated_rate(self) -> float | None:
        return _rate(self.promoted, self.waitlisted)

    @property
    def fill_rate(self) -> float | None:
        return _rate(self.attended + self.no_shows, self.seats)

    @property
    def feedback_average(self) -> float | None:
        return round(self.rating_sum / self.feedback_count, 2) if self.feedback_count else None


@dataclass(frozen=True)
class Figures:
    """Everything the figures page shows for one choice of filters."""

    filters: FigureFilters
    totals: EventTotals
    months: list[MonthRow]
    audiences: list[GroupRow]
    partners: list[GroupRow]
    demo_days: int
    startups_shown: int
    innovations_published: int
    interest_total: int = 0
    interest: list[InterestRow] = field(default_factory=list)


@dataclass(frozen=True)
class MonthRow:
    year: int
    month: int
    registrations: int
    attended: int

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@dataclass(frozen=True)
class GroupRow:
    """Registrations and attendance of one audience or one partner."""

    key: str  # the audience's value, or the partner's slug ("" for the venue team)
    name: str
    events: int
    registrations: int
    attended: int


@dataclass(frozen=True)
class InterestRow:
    slug: str
    title: str
    startup: str
    clicks: int


def _held(filters: FigureFilters, now: datetime) -> list:
    """The conditions on EventFigures that select the events the figures cover."""
    period = filters.period
    conditions = [
        EventFigures.state == EventState.PUBLISHED,
        EventFigures.local_date >= period.first,
        EventFigures.local_date <= period.last,
    ]
    if filters.venue_id is not None:
        conditions.append(EventFigures.venue_id == filters.venue_id)
    if filters.kind is not None:
        conditions.append(EventFigures.kind == filters.kind)
    if filters.audience is not None:
        conditions.append(EventFigures.audience == filters.audience)
    if filters.partner_id is not None:
        conditions.append(
            sa.or_(
                EventFigures.organisation_id == filters.partner_id,
                EventFigures.event_id.in_(
                    sa.select(EventHost.event_id).where(
                        EventHost.organisation_id == filters.partner_id,
                        EventHost.state == CoHostState.ACCEPTED,
                    )
                ),
            )
        )
    return conditions


def _counted(query: sa.Select, filters: FigureFilters, now: datetime, started: bool = True):
    query = query.select_from(EventFigures).where(*_held(filters, now))
    return query.where(EventFigures.starts_at <= now) if started else query


def _sum(column) -> sa.ColumnElement:
    return sa.func.coalesce(sa.func.sum(column), 0)


@dataclass(frozen=True)
class _Group:
    """The sums of the events of one month and audience, started or not yet."""

    year: int
    month: int
    audience: Audience
    started: bool
    events: int
    seats: int
    registrations: int
    waitlisted: int
    promoted: int
    cancelled: int
    attended: int  # all check-ins
    attended_ended: int  # check-ins of the events that have ended
    no_shows: int  # seats still held when the events ended
    returning_attendances: int
    feedback_count: int
    rating_sum: int


def _groups(filters: FigureFilters, now: datetime) -> list[_Group]:
    """One aggregate query: the period's events summed per month, audience and whether they
    have started (a few dozen rows), from which the totals and both charts are read."""
    year = sa.extract("year", EventFigures.local_date)
    month = sa.extract("month", EventFigures.local_date)
    started = EventFigures.starts_at <= now
    ended = EventFigures.ends_at <= now
    query = _counted(
        sa.select(
            year,
            month,
            EventFigures.audience,
            started,
            sa.func.count(),
            _sum(EventFigures.capacity),
            _sum(EventFigures.registrations),
            _sum(EventFigures.waitlisted),
            _sum(EventFigures.promoted),
            _sum(EventFigures.cancelled),
            _sum(EventFigures.attended),
            _sum(sa.case((ended, EventFigures.attended), else_=0)),
            _sum(sa.case((ended, EventFigures.holding), else_=0)),
            _sum(EventFigures.returning_attendances),
            _sum(EventFigures.feedback_count),
            _sum(EventFigures.rating_sum),
        ).group_by(year, month, EventFigures.audience, started),
        filters,
        now,
        started=False,
    )
    return [
        _Group(int(y), int(m), Audience(audience), bool(flag), *sums)
        for y, m, audience, flag, *sums in db.session.execute(query)
    ]


def _people(filters: FigureFilters, now: datetime) -> tuple[int, int]:
    """Distinct people checked in, and those of them who had come before: the events'
    sketches merged."""
    sketches = db.session.execute(
        _counted(
            sa.select(EventFigures.people_sketch, EventFigures.returning_sketch).where(
                EventFigures.people_sketch.is_not(None)
            ),
            filters,
            now,
        )
    ).all()
    return (
        people.distinct_people(sketch for sketch, _ in sketches),
        people.distinct_people(sketch for _, sketch in sketches),
    )


def _totals(groups: list[_Group], reached: tuple[int, int]) -> EventTotals:
    held = [group for group in groups if group.started]

    def total(name: str) -> int:
        return sum(getattr(group, name) for group in held)

    return EventTotals(
        events=total("events"),
        upcoming=sum(group.events for group in groups if not group.started),
        seats=total("seats"),
        registrations=total("registrations"),
        waitlisted=total("waitlisted"),
        promoted=total("promoted"),
        cancelled=total("cancelled"),
        attended=total("attended_ended"),
        no_shows=total("no_shows"),
        returning_attendances=total("returning_attendances"),
        feedback_count=total("feedback_count"),
        rating_sum=total("rating_sum"),
        people=reached[0],
        returning_people=reached[1],
    )


def _months(groups: list[_Group], period: Period) -> list[MonthRow]:
    found: dict[tuple[int, int], list[int]] = {}
    for group in groups:
        if group.started:
            sums = found.setdefault((group.year, group.month), [0, 0])
            sums[0] += group.registrations
            sums[1] += group.attended
    return [MonthRow(y, m, *found.get((y, m), (0, 0))) for y, m in period.months]


def _audiences(groups: list[_Group]) -> list[GroupRow]:
    found: dict[Audience, list[int]] = {}
    for group in groups:
        if group.started:
            sums = found.setdefault(group.audience, [0, 0, 0])
            sums[0] += group.events
            sums[1] += group.registrations
            sums[2] += group.attended
    return [
        GroupRow(audience.value, str(audience.label), *found.get(audience, (0, 0, 0)))
        for audience in Audience
    ]


def event_totals(filters: FigureFilters, now: datetime | None = None) -> EventTotals:
    """The period's event figures (events held, seats, registrations, attendance…)."""
    now = now or utcnow()
    return _totals(_groups(filters, now), _people(filters, now))


def per_month(filters: FigureFilters, now: datetime | None = None) -> list[MonthRow]:
    """Registrations and attendance per month of the period (months without events: 0)."""
    return _months(_groups(filters, now or utcnow()), filters.period)


def per_audience(filters: FigureFilters, now: datetime | None = None) -> list[GroupRow]:
    """Events, registrations and attendance per audience, every audience listed."""
    return _audiences(_groups(filters, now or utcnow()))


def per_partner(
    filters: FigureFilters, now: datetime | None = None, limit: int = 10
) -> list[GroupRow]:
    """The partners whose events drew the most registrations: proposer and accepted co-hosts
    each count the event (so the rows may add up to more than the total); the venue team's
    own events under the key "". Two aggregate queries (proposers, co-hosts) merged."""
    now = now or utcnow()
    sums = (sa.func.count(), _sum(EventFigures.registrations), _sum(EventFigures.attended))
    proposers = _counted(
        sa.select(EventFigures.organisation_id, *sums).group_by(EventFigures.organisation_id),
        filters,
        now,
    )
    cohosts = _counted(
        sa.select(EventHost.organisation_id, *sums)
        .join(EventHost, EventHost.event_id == EventFigures.event_id)
        .where(EventHost.state == CoHostState.ACCEPTED)
        .group_by(EventHost.organisation_id),
        filters,
        now,
    )
    found: dict[int | None, list[int]] = {}
    for query in (proposers, cohosts):
        for organisation_id, *values in db.session.execute(query):
            found[organisation_id] = [
                a + b for a, b in zip(found.get(organisation_id, [0, 0, 0]), values, strict=True)
            ]
    known = [key for key in found if key is not None]
    names = {
        organisation_id: (slug, name)
        for organisation_id, slug, name in db.session.execute(
            sa.select(Organisation.id, Organisation.slug, Organisation.name).where(
                Organisation.id.in_(known)
            )
        )
    }
    rows = [
        GroupRow(*(names[key] if key is not None else ("", "")), *values)
        for key, values in found.items()
    ]
    rows.sort(key=lambda row: (-row.registrations, row.key == "", row.name))
    return rows[:limit]


def demo_day_figures(
    filters: FigureFilters, now: datetime | None = None, startup_id: int | None = None
) -> tuple[int, int]:
    """Demo days held in the period (at the venue chosen) and the startups confirmed in them;
    for one startup: the demo days it was shown at."""
    now = now or utcnow()
    start, end = filters.period.utc_bounds()
    confirmed = Application.state == ApplicationState.CONFIRMED
    conditions = [
        ShowcaseSlot.status != SlotStatus.CANCELLED,
        ShowcaseSlot.starts_at >= start,
        ShowcaseSlot.starts_at < end,
        ShowcaseSlot.starts_at <= now,
    ]
    if filters.venue_id is not None:
        conditions.append(
            ShowcaseSlot.space_id.in_(sa.select(Space.id).where(Space.venue_id == filters.venue_id))
        )
    if startup_id is not None:
        shown_in = sa.select(Application.slot_id).where(
            confirmed, Application.organisation_id == startup_id
        )
        held = db.session.scalar(
            sa.select(sa.func.count()).where(*conditions, ShowcaseSlot.id.in_(shown_in))
        )
        return held, int(held > 0)
    held = db.session.scalar(sa.select(sa.func.count()).where(*conditions))
    shown = db.session.scalar(
        sa.select(sa.func.count(sa.distinct(Application.organisation_id)))
        .join(ShowcaseSlot, ShowcaseSlot.id == Application.slot_id)
        .where(confirmed, *conditions)
    )
    return held, shown


def innovations_published(filters: FigureFilters, startup_id: int | None = None) -> int:
    """Innovations first published in the period (still public or archived since)."""
    start, end = filters.period.utc_bounds()
    query = sa.select(sa.func.count()).where(
        Innovation.status.in_((InnovationStatus.PUBLISHED, InnovationStatus.ARCHIVED)),
        Innovation.published_at >= start,
        Innovation.published_at < end,
    )
    if startup_id is not None:
        query = query.where(Innovation.organisation_id == startup_id)
    return db.session.scalar(query)


def interest_total(filters: FigureFilters, startup_id: int | None = None) -> int:
    """Every "I'm interested" click of the period (all innovations, or one startup's)."""
    period = filters.period
    query = sa.select(_sum(InnovationInterestDay.clicks)).where(
        InnovationInterestDay.day >= period.first, InnovationInterestDay.day <= period.last
    )
    if startup_id is not None:
        query = query.where(
            InnovationInterestDay.innovation_id.in_(
                sa.select(Innovation.id).where(Innovation.organisation_id == startup_id)
            )
        )
    return db.session.scalar(query)


def interest_per_innovation(
    filters: FigureFilters, startup_id: int | None = None, limit: int = 20
) -> list[InterestRow]:
    """ "I'm interested" clicks per innovation over the period, most first (daily counts)."""
    period = filters.period
    clicks = sa.func.sum(InnovationInterestDay.clicks)
    query = (
        sa.select(Innovation.slug, Innovation.title, Organisation.name, clicks)
        .select_from(InnovationInterestDay)
        .join(Innovation, Innovation.id == InnovationInterestDay.innovation_id)
        .join(Organisation, Organisation.id == Innovation.organisation_id)
        .where(InnovationInterestDay.day >= period.first, InnovationInterestDay.day <= period.last)
        .group_by(Innovation.id, Innovation.slug, Innovation.title, Organisation.name)
        .order_by(clicks.desc(), Innovation.title)
        .limit(limit)
    )
    if startup_id is not None:
        query = query.where(Innovation.organisation_id == startup_id)
    return [InterestRow(*row) for row in db.session.execute(query)]


def figures_for(filters: FigureFilters, now: datetime | None = None) -> Figures:
    """The whole figures page for the venue team (or a partner, with its partner_id)."""
    now = now or utcnow()
    demo_days, startups = demo_day_figures(filters, now)
    groups = _groups(filters, now)
    return Figures(
        filters=filters,
        totals=_totals(groups, _people(filters, now)),
        months=_months(groups, filters.period),
        audiences=_audiences(groups),
        partners=per_partner(filters, now),
        demo_days=demo_days,
        startups_shown=startups,
        innovations_published=innovations_published(filters),
        interest_total=interest_total(filters),
        interest=interest_per_innovation(filters),
    )


@dataclass(frozen=True)
class StartupFigures:
    """What a startup sees: its demo days and the interest its innovations drew."""

    filters: FigureFilters
    demo_days: int
    innovations_published: int
    interest_total: int
    interest: list[InterestRow]


def startup_figures(
    filters: FigureFilters, startup: Organisation, now: datetime | None = None
) -> StartupFigures:
    demo_days, _ = demo_day_figures(filters, now, startup_id=startup.id)
    return StartupFigures(
        filters=filters,
        demo_days=demo_days,
        innovations_published=innovations_published(filters, startup_id=startup.id),
        interest_total=interest_total(filters, startup_id=startup.id),
        interest=interest_per_innovation(filters, startup_id=startup.id, limit=100),
    )
