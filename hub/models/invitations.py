"""Invitations to join an organisation, sent by email to people who may not have an account."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.extensions import db
from hub.models.accounts import User
from hub.models.base import UTCDateTime, utcnow
from hub.models.organisations import Organisation

_pending_sql = "accepted_at IS NULL AND revoked_at IS NULL"


class Invitation(db.Model):
    __tablename__ = "invitations"
    __table_args__ = (
        # One pending invitation per organisation and address.
        sa.Index(
            "uq_invitations_pending_email",
            "organisation_id",
            "email",
            unique=True,
            sqlite_where=sa.text(_pending_sql),
            postgresql_where=sa.text(_pending_sql),
        ),
        sa.Index("ix_invitations_email", "email"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE")
    )
    email: Mapped[str] = mapped_column(sa.String(254))
    invited_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation] = relationship()
    invited_by: Mapped[User | None] = relationship()

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None

    def __repr__(self) -> str:
        return f"<Invitation {self.id} {self.email}>"
