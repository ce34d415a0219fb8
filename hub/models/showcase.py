"""Demo slots and the startups' applications for them."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.extensions import db
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

    space: Mapped[Space] = relationship()

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

    slot: Mapped[ShowcaseSlot] = relationship()
    organisation: Mapped[Organisation] = relationship()
    innovation: Mapped[Innovation] = relationship()

    def __repr__(self) -> str:
        return f"<Application {self.id} {self.state}>"
