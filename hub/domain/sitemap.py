"""What the public can reach: every public page, for the sitemap, and the newest, for feeds."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import sqlalchemy as sa

from hub.domain.events.queries import upcoming_events
from hub.domain.innovations.queries import public_innovations
from hub.extensions import db
from hub.models import (
    Event,
    EventSeries,
    EventState,
    Innovation,
    Organisation,
    OrganisationKind,
)

# Lists a visitor reaches from the navigation, by endpoint.
LIST_PAGES = (
    "main.home",
    "innovations.catalogue",
    "startups.directory",
    "partners.directory",
    "events.agenda",
    "showcase.demo_days",
    # The pages a public service must publish, linked from every page's footer.
    "privacy.notice",
    "privacy.accessibility",
)


def public_pages() -> Iterator[tuple[str, str, datetime | None]]:
    """(endpoint, slug, last change) of every public innovation, organisation, event and
    series, read in batches: tens of thousands of rows never sit in memory at once."""
    innovations = (
        public_innovations()
        .order_by(None)
        .with_only_columns(sa.literal("innovations.detail"), Innovation.slug, Innovation.updated_at)
    )
    organisations = (
        sa.select(
            sa.case(
                (Organisation.kind == OrganisationKind.STARTUP, "startups.profile"),
                else_="partners.profile",
            ),
            Organisation.slug,
            Organisation.updated_at,
        )
        .where(Organisation.verified_at.is_not(None))
        .order_by(Organisation.id)
    )
    events = (
        sa.select(sa.literal("events.detail"), Event.slug, Event.updated_at)
        .where(Event.state.in_((EventState.PUBLISHED, EventState.CANCELLED)))
        .order_by(Event.id)
    )
    # A series' page answers while one of its dates is published (series.public_series).
    series = (
        sa.select(sa.literal("events.series_page"), EventSeries.slug, sa.func.max(Event.updated_at))
        .join(EventSeries.events)
        .where(Event.state == EventState.PUBLISHED)
        .group_by(EventSeries.id, EventSeries.slug)
        .order_by(EventSeries.id)
    )
    for query in (innovations, organisations, events, series):
        yield from db.session.execute(query.execution_options(yield_per=1000))


def newest_innovations(limit: int) -> list[Innovation]:
    return list(
        db.session.scalars(
            public_innovations()
            .order_by(None)
            .order_by(sa.nulls_last(Innovation.published_at.desc()), Innovation.id.desc())
            .options(sa.orm.contains_eager(Innovation.organisation))
            .limit(limit)
        )
    )


def newest_events(limit: int) -> list[Event]:
    """Upcoming published events, the latest published first."""
    return list(
        db.session.scalars(
            upcoming_events()
            .order_by(None)
            .order_by(sa.nulls_last(Event.published_at.desc()), Event.id.desc())
            .limit(limit)
        ).unique()
    )
