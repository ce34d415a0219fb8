"""Demo slots and the startups' applications for them."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.extensions import db
from hub.models.accounts import User
from hub.models.base import LabelledEnum, UTCDateTime, enum_type, utcnow
from hub.models.innovations import Innovation
from hub.models.organisations import Organisation
from hub.models.venues import Space


class SlotStatus(LabelledEnum):
    OPEN = "open", _l("open for applications")
    CLOSED = "closed", _l("applications closed")
    CANCELLED = "cancelled", _l("cancelled by the venue")


class ApplicationState(LabelledEnum):
    DRAFT = "draft", _l("draft")
    SUBMITTED = "submitted", _l("submitted")
    ACCEPTED = "accepted", _l("accepted")
    WAITLISTED = "waitlisted", _l("waitlisted")
    REJECTED = "rejected", _l("rejected")
    CONFIRMED = "confirmed", _l("confirmed")
    WITHDRAWN = "withdrawn", _l("withdrawn")
    CANCELLED = "cancelled", _l("cancelled")


LIVE_APPLICATION_STATES = (
    ApplicationState.DRAFT,
    ApplicationState.SUBMITTED,
    ApplicationState.ACCEPTED,
    ApplicationState.WAITLISTED,
    ApplicationState.CONFIRMED,
)
_live_states_sql = "state IN ({})".format(
    ", ".join(f"'{s.value}'" for s in LIVE_APPLICATION_STATES)
)


class ShowcaseSlot(db.Model):
    __tablename__ = "showcase_slots"
    __table_args__ = (
        sa.CheckConstraint("seats > 0", name="seats_positive"),
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.Index("ix_showcase_slots_space_time", "space_id", "starts_at", "ends_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(sa.ForeignKey("spaces.id", ondelete="RESTRICT"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    seats: Mapped[int]
    application_deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    theme: Mapped[str] = mapped_column(sa.String(160))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[SlotStatus] = mapped_column(enum_type(SlotStatus), default=SlotStatus.OPEN)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The pitch schedule: pitches one after another from the first, each so many minutes.
    first_pitch_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    pitch_minutes: Mapped[int] = mapped_column(default=5, server_default="5")
    # Startups set up their stand this many minutes before the slot opens.
    setup_minutes: Mapped[int] = mapped_column(default=30, server_default="30")

    space: Mapped[Space] = relationship()

    def pitch_time(self, number: int) -> datetime | None:
        """When the pitch numbered `number` (from 1) starts, if the schedule is set."""
        if self.first_pitch_at is None:
            return None
        return self.first_pitch_at + timedelta(minutes=self.pitch_minutes * (number - 1))

    @property
    def setup_at(self) -> datetime:
        return self.starts_at - timedelta(minutes=self.setup_minutes)

    def __repr__(self) -> str:
        return f"<ShowcaseSlot {self.id} {self.theme}>"


class Application(db.Model):
    __tablename__ = "applications"
    __table_args__ = (
        # One live application per startup and slot.
        sa.Index(
            "uq_applications_live_per_slot",
            "slot_id",
            "organisation_id",
            unique=True,
            sqlite_where=sa.text(_live_states_sql),
            postgresql_where=sa.text(_live_states_sql),
        ),
        sa.Index("ix_applications_slot_state", "slot_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int] = mapped_column(sa.ForeignKey("showcase_slots.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    innovation_id: Mapped[int] = mapped_column(sa.ForeignKey("innovations.id", ondelete="RESTRICT"))
    pitch: Mapped[str] = mapped_column(sa.Text, default="")
    needs: Mapped[str] = mapped_column(sa.Text, default="")
    state: Mapped[ApplicationState] = mapped_column(
        enum_type(ApplicationState), default=ApplicationState.DRAFT
    )
    decision_message: Mapped[str] = mapped_column(sa.Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    waitlisted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    # What the startup asks for at its stand, besides the free text of `needs`.
    wants_power: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    wants_table: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    slot: Mapped[ShowcaseSlot] = relationship()
    organisation: Mapped[Organisation] = relationship()
    innovation: Mapped[Innovation] = relationship()
    placement: Mapped[Placement | None] = relationship(
        back_populates="application", uselist=False, passive_deletes=True
    )

    @property
    def asks(self) -> list[str]:
        """What the startup asked for at its stand, as a list to show: power, table, the rest."""
        asked = [_l("power")] if self.wants_power else []
        asked += [_l("table")] if self.wants_table else []
        return [str(item) for item in asked] + ([self.needs] if self.needs else [])

    def __repr__(self) -> str:
        return f"<Application {self.id} {self.state}>"


class Stand(db.Model):
    """A spot in a space where a startup shows: a name or number, in an order, maybe on a grid."""

    __tablename__ = "stands"
    __table_args__ = (
        sa.UniqueConstraint("space_id", "name"),
        sa.CheckConstraint("grid_row IS NULL OR grid_row BETWEEN 1 AND 50", name="grid_row_range"),
        sa.CheckConstraint(
            "grid_column IS NULL OR grid_column BETWEEN 1 AND 50", name="grid_column_range"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(sa.ForeignKey("spaces.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.String(40))
    position: Mapped[int] = mapped_column(default=0)
    grid_row: Mapped[int | None]
    grid_column: Mapped[int | None]

    space: Mapped[Space] = relationship()

    def __repr__(self) -> str:
        return f"<Stand {self.id} {self.name}>"


class Placement(db.Model):
    """Where and when an accepted startup shows on a demo day: its stand and pitch number.

    The unique indexes are the guard: never two applications on one stand, nor on one
    pitch, of a slot, whatever two staff members save at the same moment.
    """

    __tablename__ = "placements"
    __table_args__ = (
        # Unique indexes (not constraints) so that the race test's control can drop them.
        sa.Index("uq_placements_one_per_stand", "slot_id", "stand_id", unique=True),
        sa.Index("uq_placements_one_per_pitch", "slot_id", "pitch_number", unique=True),
        sa.CheckConstraint("pitch_number IS NULL OR pitch_number > 0", name="pitch_positive"),
    )

    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("applications.id", ondelete="CASCADE"), primary_key=True
    )
    slot_id: Mapped[int] = mapped_column(sa.ForeignKey("showcase_slots.id", ondelete="CASCADE"))
    stand_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stands.id", ondelete="SET NULL"))
    pitch_number: Mapped[int | None]
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    application: Mapped[Application] = relationship(back_populates="placement")
    stand: Mapped[Stand | None] = relationship()

    @property
    def pitch_at(self) -> datetime | None:
        if self.pitch_number is None:
            return None
        return self.application.slot.pitch_time(self.pitch_number)

    def __repr__(self) -> str:
        return f"<Placement {self.application_id} {self.stand_id} {self.pitch_number}>"


class Lead(db.Model):
    """A visitor of a demo day who chose to leave their email for one startup.

    Kept LEAD_RETENTION_DAYS after the demo day, then erased by a periodic job.
    """

    __tablename__ = "leads"
    __table_args__ = (
        # One lead per email and startup on a demo day: leaving it twice changes nothing.
        sa.UniqueConstraint("application_id", "email", name="uq_leads_one_per_email"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    slot_id: Mapped[int] = mapped_column(
        sa.ForeignKey("showcase_slots.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(sa.String(254))
    # The sentence the visitor agreed to, as shown to them (in their language).
    consent: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    application: Mapped[Application] = relationship()

    def __repr__(self) -> str:
        return f"<Lead {self.id}>"


class Review(db.Model):
    """A staff member's score of an application (1 to 5), with a comment for the team only."""

    __tablename__ = "reviews"
    __table_args__ = (
        sa.UniqueConstraint("application_id", "reviewer_id", name="uq_reviews_one_per_reviewer"),
        sa.CheckConstraint("score BETWEEN 1 AND 5", name="score_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    reviewer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    score: Mapped[int]
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    application: Mapped[Application] = relationship()
    reviewer: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<Review {self.application_id} {self.score}>"
