"""Counts kept for the impact figures: written when something happens, never recomputed.

Names and email addresses are erased after their retention period; these rows hold no
personal data (counts, and sketches of keyed hashes for the distinct people), so the figures
of a past year stay the same after its registrations are anonymised or deleted. Every
count is changed by hub/domain/figures/counters.py, in the transaction of what caused it.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from hub.extensions import db
from hub.models.base import LabelledEnum, UTCDateTime, enum_type, utcnow
from hub.models.events import Audience, EventKind, EventState

EVENT_COUNTS = (
    "registrations",
    "waitlisted",
    "promoted",
    "cancelled",
    "holding",
    "attended",
    "returning_attendances",
    "feedback_count",
    "rating_sum",
)


class PeriodKind(LabelledEnum):
    """The periods the figures pages offer."""

    MONTH = "month", _l("This month")
    QUARTER = "quarter", _l("This quarter")
    YEAR = "year", _l("This year")
    CUSTOM = "custom", _l("Chosen dates")


class EventFigures(db.Model):
    """One event's counts, kept from its publication on, beside a copy of what the figures
    filter on (its day, times, state, venue, kind, audience, proposer, seats), so that the
    figures read this one narrow table."""

    __tablename__ = "event_figures"
    __table_args__ = (
        sa.Index("ix_event_figures_local_date_state", "local_date", "state"),
        *(sa.CheckConstraint(f"{name} >= 0", name=f"{name}_not_negative") for name in EVENT_COUNTS),
        sa.CheckConstraint(
            "rating_sum BETWEEN feedback_count AND 5 * feedback_count", name="ratings_one_to_five"
        ),
    )

    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    # The day the event starts, in its venue's time zone: periods and months are read on it.
    local_date: Mapped[date] = mapped_column(sa.Date)
    # The event's facts, copied by counters.record_event() whenever they change.
    state: Mapped[EventState] = mapped_column(enum_type(EventState))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    venue_id: Mapped[int] = mapped_column(sa.ForeignKey("venues.id", ondelete="CASCADE"))
    kind: Mapped[EventKind] = mapped_column(enum_type(EventKind))
    audience: Mapped[Audience] = mapped_column(enum_type(Audience))
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="SET NULL")
    )
    capacity: Mapped[int]
    # Every registration made (a seat at once, or the waiting list).
    registrations: Mapped[int] = mapped_column(default=0)
    # People who joined the waiting list, and how many of them were given a seat later.
    waitlisted: Mapped[int] = mapped_column(default=0)
    promoted: Mapped[int] = mapped_column(default=0)
    cancelled: Mapped[int] = mapped_column(default=0)
    # Seats held now by people not (yet) checked in: after the event, the no-shows.
    holding: Mapped[int] = mapped_column(default=0)
    attended: Mapped[int] = mapped_column(default=0)
    # Check-ins of people who had come to an earlier event (within the data still held).
    returning_attendances: Mapped[int] = mapped_column(default=0)
    feedback_count: Mapped[int] = mapped_column(default=0)
    rating_sum: Mapped[int] = mapped_column(default=0)
    # HyperLogLog sketches (Apache DataSketches) of keyed hashes of the attendees' addresses,
    # all of them and those who had come before: merged for a period, they count distinct people.
    people_sketch: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    returning_sketch: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class InnovationInterestDay(db.Model):
    """ "I'm interested" clicks on an innovation, per day (in the display time zone)."""

    __tablename__ = "innovation_interest_days"
    __table_args__ = (sa.CheckConstraint("clicks > 0", name="clicks_positive"),)

    innovation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("innovations.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(sa.Date, primary_key=True, index=True)
    clicks: Mapped[int] = mapped_column(default=0)
