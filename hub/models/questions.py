"""Questions the hosts ask at registration, and the answers, which live and die with the
registration they belong to."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.extensions import db
from hub.models.base import LabelledEnum, UTCDateTime, enum_type, utcnow


class QuestionKind(LabelledEnum):
    TEXT = "text", _l("Short text")
    CHOICE = "choice", _l("One choice from a list")
    YES_NO = "yes_no", _l("Yes or no")


class RegistrationQuestion(db.Model):
    __tablename__ = "registration_questions"
    __table_args__ = (sa.Index("ix_registration_questions_event", "event_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    label: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[QuestionKind] = mapped_column(enum_type(QuestionKind))
    # For a choice: the options, in order.
    choices: Mapped[list] = mapped_column(sa.JSON, default=list)
    # Why it is asked, shown beside the question ("to prepare the room").
    purpose: Mapped[str] = mapped_column(sa.String(300))
    required: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def field_name(self) -> str:
        return f"question_{self.id}"


class RegistrationAnswer(db.Model):
    __tablename__ = "registration_answers"
    __table_args__ = (sa.UniqueConstraint("registration_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[int] = mapped_column(
        sa.ForeignKey("registration_questions.id", ondelete="CASCADE"), index=True
    )
    value: Mapped[str] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    question: Mapped[RegistrationQuestion] = relationship()
