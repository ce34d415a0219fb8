"""Places where things happen: venues and their spaces."""

from __future__ import annotations

from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.extensions import db
from hub.models.base import enum_type


class SpaceKind(StrEnum):
    STAND = "stand"
    CONFERENCE_ROOM = "conference_room"
    TRAINING_ROOM = "training_room"


class Venue(db.Model):
    __tablename__ = "venues"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    city: Mapped[str] = mapped_column(sa.String(80))
    address: Mapped[str] = mapped_column(sa.String(200), default="")
    timezone: Mapped[str] = mapped_column(sa.String(40), default="Europe/Paris")
    # How to get there: public transport, parking, the entrance, step-free access.
    access_notes: Mapped[str] = mapped_column(sa.Text, default="", server_default="")

    spaces: Mapped[list[Space]] = relationship(
        back_populates="venue", order_by="Space.name", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Venue {self.slug}>"


class Space(db.Model):
    __tablename__ = "spaces"
    __table_args__ = (
        sa.UniqueConstraint("venue_id", "name"),
        sa.CheckConstraint("capacity > 0", name="capacity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    venue_id: Mapped[int] = mapped_column(sa.ForeignKey("venues.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.String(120))
    kind: Mapped[SpaceKind] = mapped_column(enum_type(SpaceKind))
    capacity: Mapped[int]

    venue: Mapped[Venue] = relationship(back_populates="spaces")

    def __repr__(self) -> str:
        return f"<Space {self.id} {self.name}>"
