"""Events, their co-hosts and the people registered."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from hub.domain.figures import counters
from hub.extensions import db
from hub.models import (
    CoHostState,
    Event,
    EventHost,
    EventKind,
    EventState,
    Feedback,
    Organisation,
    QuestionKind,
    Registration,
    RegistrationQuestion,
    RegistrationState,
    Space,
    utcnow,
)
from tests.factories.base import Builder, keep, sequence


class EventFactories(Builder):
    def event(
        self,
        space: Space | None = None,
        organisation: Organisation | None = None,
        *,
        title: str | None = None,
        state: EventState = EventState.PUBLISHED,
        capacity: int = 10,
        starts_in: timedelta = timedelta(days=7),
        starts_at: datetime | None = None,
        duration: timedelta = timedelta(hours=2),
        kind: EventKind = EventKind.WORKSHOP,
        **fields,
    ) -> Event:
        """An event (published by default) starting `starts_in` from now, or at `starts_at`."""
        space = space or self.space()
        number = next(sequence)
        starts_at = starts_at or (utcnow() + starts_in).replace(second=0, microsecond=0)
        with self.app.app_context():
            event = Event(
                slug=fields.pop("slug", f"atelier-{number}"),
                title=title or f"Atelier numéro {number}",
                description=fields.pop("description", "Un atelier pour **tous**."),
                kind=kind,
                space_id=space.id,
                starts_at=starts_at,
                ends_at=starts_at + duration,
                capacity=capacity,
                state=state,
                organisation_id=organisation.id if organisation else None,
                published_at=utcnow() if state == EventState.PUBLISHED else None,
                **fields,
            )
            event = keep(event)
        self.recount(event.id)
        return event

    def recount(self, event_id: int) -> None:
        """Set the event's kept counts from its rows, as if every change had been recorded."""
        with self.app.app_context():
            counters.rebuild_event_figures([db.session.get(Event, event_id)])
            db.session.commit()

    def cohost(
        self, event: Event, organisation: Organisation, state: CoHostState = CoHostState.ACCEPTED
    ) -> EventHost:
        with self.app.app_context():
            return keep(EventHost(event_id=event.id, organisation_id=organisation.id, state=state))

    def registration(
        self,
        event: Event,
        email: str | None = None,
        name: str = "Sam Durand",
        state: RegistrationState = RegistrationState.CONFIRMED,
        locale: str = "fr",
        attended_at: datetime | None = None,
        confirmed_at: datetime | None = None,
    ) -> Registration:
        """A registration row (a confirmed one was confirmed at `confirmed_at`, default now);
        the event's kept counts are set again from its rows."""
        seated = state in (RegistrationState.CONFIRMED, RegistrationState.ATTENDED)
        if state == RegistrationState.ATTENDED:
            attended_at = attended_at or utcnow()
        with self.app.app_context():
            registration = keep(
                Registration(
                    event_id=event.id,
                    name=name,
                    email=email or f"visitor{next(sequence)}@example.org",
                    consent=True,
                    locale=locale,
                    state=state,
                    token=secrets.token_urlsafe(32),
                    confirmed_at=confirmed_at or (utcnow() if seated else None),
                    attended_at=attended_at,
                )
            )
        self.recount(event.id)
        return registration

    def question(
        self,
        event: Event,
        label: str,
        kind: QuestionKind = QuestionKind.TEXT,
        purpose: str = "Pour préparer l'atelier",
        position: int = 1,
        required: bool = False,
        choices: list[str] | None = None,
    ) -> RegistrationQuestion:
        """A question the event asks when people register, with the reason it is asked."""
        with self.app.app_context():
            return keep(
                RegistrationQuestion(
                    event_id=event.id, position=position, label=label, kind=kind,
                    purpose=purpose, required=required, choices=choices or [],
                )
            )  # fmt: skip

    def feedback(self, registration: Registration, rating: int = 4, comment: str = "") -> Feedback:
        with self.app.app_context():
            feedback = keep(
                Feedback(
                    event_id=registration.event_id,
                    registration_id=registration.id,
                    rating=rating,
                    comment=comment,
                )
            )
        self.recount(registration.event_id)
        return feedback
