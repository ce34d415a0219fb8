"""The outbox: every email, written in the transaction of the change that caused it,
rendered and sent afterwards."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from hub.extensions import db
from hub.models.base import UTCDateTime, enum_type, utcnow


class MessageStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class OutboxMessage(db.Model):
    __tablename__ = "outbox"
    __table_args__ = (sa.Index("ix_outbox_status_next_attempt", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(sa.String(254), index=True)
    # The template (mail/<kind>.txt) and what it is about: rendered when delivered.
    kind: Mapped[str] = mapped_column(sa.String(60), default="")
    context: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    locale: Mapped[str] = mapped_column(sa.String(5), default="fr")
    # What was sent, kept once delivered.
    subject: Mapped[str] = mapped_column(sa.String(250), default="")
    body_text: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[MessageStatus] = mapped_column(
        enum_type(MessageStatus), default=MessageStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(sa.Text, default="")
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # While "sending": since when and by which process (host:pid). A claim older than
    # MAIL_SENDING_TIMEOUT belongs to a process that died and is taken back.
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str] = mapped_column(sa.String(120), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
