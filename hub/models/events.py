"""Events, their co-hosts, and the people registered for them."""

from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.extensions import db
from hub.models.base import LabelledEnum, UTCDateTime, enum_type, utcnow
from hub.models.organisations import Organisation
from hub.models.venues import Space


class EventKind(LabelledEnum):
    TRAINING = "training", _l("Training")
    WORKSHOP = "workshop", _l("Workshop")
    CONFERENCE = "conference", _l("Conference")
    MEETUP = "meetup", _l("Meetup")
    DEMO_DAY = "demo_day", _l("Demo day")


class Audience(LabelledEnum):
    RESIDENTS = "residents", _l("Residents")
    PROFESSIONALS = "professionals", _l("Professionals")
    EVERYONE = "everyone", _l("Everyone")


class EventState(LabelledEnum):
    DRAFT = "draft", _l("Draft")
    PROPOSED = "proposed", _l("Waiting for review")
    PUBLISHED = "published", _l("Published")
    REJECTED = "rejected", _l("Rejected")
    CANCELLED = "cancelled", _l("Cancelled")


class CoHostState(LabelledEnum):
    INVITED = "invited", _l("Invited")
    ACCEPTED = "accepted", _l("Accepted")
    DECLINED = "declined", _l("Declined")


class RegistrationState(LabelledEnum):
    CONFIRMED = "confirmed", _l("Confirmed")
    WAITLISTED = "waitlisted", _l("Waiting list")
    CANCELLED = "cancelled", _l("Cancelled")
    ATTENDED = "attended", _l("Attended")


class EventSeries(db.Model):
    """Events made from one rule or a list of dates, each its own event with its own seats.

    A course (`is_course`) is registered for as a whole: a seat in every session, or the
    waiting list of every session, never some of them.
    """

    __tablename__ = "event_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(180), unique=True)
    title: Mapped[str] = mapped_column(sa.String(160))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    is_course: Mapped[bool] = mapped_column(default=False)
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation | None] = relationship()
    events: Mapped[list[Event]] = relationship(
        secondary="event_series_dates", back_populates="series", order_by="Event.starts_at"
    )

    def __repr__(self) -> str:
        return f"<EventSeries {self.slug}>"


# Link tables rather than columns: the events and registrations tables keep their triggers
# (SQLite cannot add or drop a referencing column without rebuilding the table).
event_series_dates = sa.Table(
    "event_series_dates",
    db.metadata,
    sa.Column("event_id", sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    sa.Column(
        "series_id",
        sa.ForeignKey("event_series.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
)
course_registrations = sa.Table(
    "course_registrations",
    db.metadata,
    sa.Column(
        "registration_id", sa.ForeignKey("registrations.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column(
        "course_id",
        sa.ForeignKey("event_series.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
)


class Event(db.Model):
    __tablename__ = "events"
    __table_args__ = (
        sa.CheckConstraint("capacity > 0", name="capacity_positive"),
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.Index("ix_events_state_starts_at", "state", "starts_at"),
        sa.Index("ix_events_space_time", "space_id", "starts_at", "ends_at"),
        # The staff's list, every event latest first, read in this order (no sort).
        sa.Index("ix_events_starts_at_id", "starts_at", "id"),
        # The agenda's filters and order, read from the index alone (count and page keys).
        sa.Index(
            "ix_events_agenda", "state", "starts_at", "ends_at", "kind", "audience", "space_id"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(180), unique=True)
    title: Mapped[str] = mapped_column(sa.String(160))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    kind: Mapped[EventKind] = mapped_column(enum_type(EventKind))
    audience: Mapped[Audience] = mapped_column(enum_type(Audience), default=Audience.EVERYONE)
    language: Mapped[str] = mapped_column(sa.String(5), default="fr")
    space_id: Mapped[int] = mapped_column(sa.ForeignKey("spaces.id", ondelete="RESTRICT"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    capacity: Mapped[int]
    registration_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registration_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A freed seat: NULL gives it at once to the next person waiting; a number of hours
    # offers it to them until a deadline (shorter as the event nears), then passes it on.
    offer_hours: Mapped[int | None]
    # How many places one person may book (themself and others they name); 1: just themself.
    max_places: Mapped[int] = mapped_column(default=1, server_default="1")
    state: Mapped[EventState] = mapped_column(enum_type(EventState), default=EventState.DRAFT)
    # The proposing partner; NULL for an event the venue staff created themselves.
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    decision_message: Mapped[str] = mapped_column(sa.Text, default="")
    image: Mapped[str | None] = mapped_column(sa.String(80))
    image_alt: Mapped[str] = mapped_column(sa.String(300), default="", server_default="")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    space: Mapped[Space] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    # The series the event is one date of, if any.
    series: Mapped[EventSeries | None] = relationship(
        secondary="event_series_dates", back_populates="events", uselist=False
    )
    hosts: Mapped[list[EventHost]] = relationship(
        back_populates="event", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Event {self.slug}>"

    @property
    def offers_seats(self) -> bool:
        """Whether a freed seat is offered with a deadline rather than given at once."""
        return self.offer_hours is not None


class EventHost(db.Model):
    """A partner invited to co-host an event."""

    __tablename__ = "event_hosts"
    __table_args__ = (sa.UniqueConstraint("event_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    state: Mapped[CoHostState] = mapped_column(enum_type(CoHostState), default=CoHostState.INVITED)
    invited_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship(back_populates="hosts")
    organisation: Mapped[Organisation] = relationship()


# A walk-in who gave no email is not "a live registration of that email".
_live_registration_sql = "state <> 'cancelled' AND email <> ''"

# Letters and digits that read and type unambiguously (Crockford's base 32: no I, L, O, U).
CHECK_IN_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CHECK_IN_CODE_LENGTH = 10


def new_check_in_code() -> str:
    """A random code for the door: 50 bits, short enough to type from under the QR code."""
    return "".join(secrets.choice(CHECK_IN_ALPHABET) for _ in range(CHECK_IN_CODE_LENGTH))


class Registration(db.Model):
    __tablename__ = "registrations"
    __table_args__ = (
        # One live registration per email and event.
        sa.Index(
            "uq_registrations_live_email",
            "event_id",
            "email",
            unique=True,
            sqlite_where=sa.text(_live_registration_sql),
            postgresql_where=sa.text(_live_registration_sql),
        ),
        sa.Index("ix_registrations_event_state", "event_id", "state"),
        # Whether a person came before (figures) and what is held under an address.
        sa.Index("ix_registrations_email_state", "email", "state"),
        sa.Index("uq_registrations_check_in_code", "check_in_code", unique=True),
        # The offers whose deadline has passed, for the worker.
        sa.Index("ix_registrations_offer_expires_at", "offer_expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(120))
    email: Mapped[str] = mapped_column(sa.String(254))
    # Asked before registration became a public-interest task; no longer collected.
    consent: Mapped[bool] = mapped_column(default=False)
    # The optional consent, unticked by default: news of future trainings and workshops.
    wants_news: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    locale: Mapped[str] = mapped_column(sa.String(5), default="fr")
    state: Mapped[RegistrationState] = mapped_column(enum_type(RegistrationState))
    # The private link's secret: /r/<token>.
    token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # What the QR code shows at the door: it checks the person in, and cannot cancel.
    check_in_code: Mapped[str] = mapped_column(
        sa.String(16), default=new_check_in_code, server_default=""
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The event's start that the reminder announced: a moved event is announced again.
    reminded_for: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the name and address were erased (retention or the person's request): the row
    # stays, anonymous, for what the event's counts and check-in history need.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A seat offered to this waitlisted person until offer_expires_at (holding the seat);
    # both are cleared once the person answers or the deadline passes.
    offered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    offer_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Added at the door by the hosts, without registering beforehand (email optional: "").
    walk_in: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Seats this registration holds or waits for, together: the person and those named.
    places: Mapped[int] = mapped_column(default=1, server_default="1")
    companions: Mapped[str] = mapped_column(sa.Text, default="", server_default="")

    event: Mapped[Event] = relationship()
    # Booked with the whole course: cancelled together, promoted together.
    course: Mapped[EventSeries | None] = relationship(
        secondary="course_registrations", uselist=False
    )

    def __repr__(self) -> str:
        return f"<Registration {self.id} {self.state}>"

    @property
    def companion_names(self) -> list[str]:
        """The names of the others this person booked for, one per line."""
        return [line for line in self.companions.splitlines() if line.strip()]

    @property
    def holds_offer(self) -> bool:
        """A waitlisted person who was offered a freed seat and has not answered yet."""
        return self.state == RegistrationState.WAITLISTED and self.offer_expires_at is not None


class Feedback(db.Model):
    """An attendee's answer to "how did it go?": one per registration, changeable for a while."""

    __tablename__ = "feedback"
    __table_args__ = (
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name="rating_one_to_five"),
        sa.Index("ix_feedback_event_updated", "event_id", "updated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    # One answer per attendee: the database refuses a second one.
    registration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("registrations.id", ondelete="CASCADE"), unique=True
    )
    rating: Mapped[int]
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    registration: Mapped[Registration] = relationship()


class MessageAudience(LabelledEnum):
    """Whom the hosts write to, by registration state."""

    ALL = "all", _l("Everyone registered (a seat or the waiting list)")
    CONFIRMED = "confirmed", _l("Confirmed, not yet checked in")
    WAITLISTED = "waitlisted", _l("On the waiting list")
    ATTENDED = "attended", _l("Checked in (came)")


class EventMessage(db.Model):
    """A message the hosts or staff wrote to an event's registrants, in French, English or
    both; each person gets the version in their registration's language where both exist."""

    __tablename__ = "event_messages"
    __table_args__ = (
        sa.CheckConstraint(
            "(subject_fr <> '' AND body_fr <> '') OR (subject_en <> '' AND body_en <> '')",
            name="written_in_one_language_at_least",
        ),
        sa.Index("ix_event_messages_event_created", "event_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    audience: Mapped[MessageAudience] = mapped_column(enum_type(MessageAudience))
    subject_fr: Mapped[str] = mapped_column(sa.String(150), default="")
    body_fr: Mapped[str] = mapped_column(sa.Text, default="")
    subject_en: Mapped[str] = mapped_column(sa.String(150), default="")
    body_en: Mapped[str] = mapped_column(sa.Text, default="")
    recipients: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[Event] = relationship()

    @property
    def languages(self) -> list[str]:
        """The languages the message is written in (subject and text), French first."""
        return [
            language
            for language in ("fr", "en")
            if getattr(self, f"subject_{language}") and getattr(self, f"body_{language}")
        ]

    def language_for(self, locale: str) -> str:
        """The version a person reading `locale` gets: theirs if written, else the first."""
        languages = self.languages
        return locale if locale in languages else languages[0]

    def subject_in(self, language: str) -> str:
        return getattr(self, f"subject_{language}")

    def body_in(self, language: str) -> str:
        return getattr(self, f"body_{language}")
