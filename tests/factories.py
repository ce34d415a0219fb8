"""Factories: real rows with sensible defaults. Each call commits and returns a detached,
fully loaded instance, usable outside an application context."""

from __future__ import annotations

import itertools
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import Flask

from hub.extensions import db
from hub.models import (
    CoHostState,
    Event,
    EventHost,
    EventKind,
    EventState,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
    Registration,
    RegistrationState,
    Role,
    Space,
    SpaceKind,
    User,
    Venue,
    utcnow,
)
from tests.support import DEFAULT_PASSWORD

_sequence = itertools.count(1)


def _keep(instance):
    db.session.add(instance)
    db.session.commit()
    db.session.refresh(instance)
    db.session.expunge(instance)
    return instance


class Factories:
    """`make.user(...)`, and the like: each area adds its own builders here."""

    def __init__(self, app: Flask):
        self.app = app

    def user(
        self,
        email: str | None = None,
        name: str = "Alex Martin",
        role: Role = Role.MEMBER,
        password: str = DEFAULT_PASSWORD,
        confirmed: bool = True,
        active: bool = True,
        locale: str = "fr",
    ) -> User:
        with self.app.app_context():
            user = User(
                email=email or f"person{next(_sequence)}@example.org",
                name=name,
                role=role,
                locale=locale,
                is_active=active,
                email_confirmed_at=utcnow() if confirmed else None,
            )
            user.set_password(password)
            return _keep(user)

    def staff(self, **kwargs) -> User:
        return self.user(role=Role.STAFF, name=kwargs.pop("name", "Camille Staff"), **kwargs)

    # --- Events ---------------------------------------------------------------------------

    def partner_org(
        self, name: str | None = None, verified: bool = True, member: User | None = None
    ) -> Organisation:
        """A partner organisation; `member` (a user) joins it as its owner."""
        number = next(_sequence)
        with self.app.app_context():
            organisation = Organisation(
                kind=OrganisationKind.PARTNER,
                name=name or f"Partenaire {number}",
                slug=f"partenaire-{number}",
                verified_at=utcnow() if verified else None,
            )
            if member is not None:
                organisation.memberships.append(
                    Membership(user_id=member.id, role=MembershipRole.OWNER)
                )
            return _keep(organisation)

    def space(self, capacity: int = 40, venue_slug: str = "saint-etienne") -> Space:
        with self.app.app_context():
            venue = db.session.scalar(sa.select(Venue).where(Venue.slug == venue_slug))
            if venue is None:
                venue = Venue(
                    slug=venue_slug,
                    name=f"Atelier numérique ({venue_slug})",
                    city=venue_slug.replace("-", " ").title(),
                    address="12 place de l'Hôtel de Ville, 42000 Saint-Étienne",
                )
            space = Space(
                venue=venue,
                name=f"Salle {next(_sequence)}",
                kind=SpaceKind.TRAINING_ROOM,
                capacity=capacity,
            )
            return _keep(space)

    def event(
        self,
        space: Space | None = None,
        organisation: Organisation | None = None,
        state: EventState = EventState.PUBLISHED,
        capacity: int = 10,
        starts_in: timedelta = timedelta(days=7),
        duration: timedelta = timedelta(hours=2),
        title: str | None = None,
        kind: EventKind = EventKind.WORKSHOP,
        **fields,
    ) -> Event:
        space = space or self.space()
        number = next(_sequence)
        starts_at = (utcnow() + starts_in).replace(second=0, microsecond=0)
        with self.app.app_context():
            event = Event(
                slug=f"atelier-{number}",
                title=title or f"Atelier numéro {number}",
                description="Un atelier pour **tous**.",
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
            return _keep(event)

    def cohost(
        self, event: Event, organisation: Organisation, state: CoHostState = CoHostState.ACCEPTED
    ) -> EventHost:
        with self.app.app_context():
            return _keep(EventHost(event_id=event.id, organisation_id=organisation.id, state=state))

    def registration(
        self,
        event: Event,
        email: str | None = None,
        name: str = "Sam Durand",
        state: RegistrationState = RegistrationState.CONFIRMED,
        locale: str = "fr",
    ) -> Registration:
        with self.app.app_context():
            return _keep(
                Registration(
                    event_id=event.id,
                    name=name,
                    email=email or f"visitor{next(_sequence)}@example.org",
                    consent=True,
                    locale=locale,
                    state=state,
                    token=secrets.token_urlsafe(32),
                    confirmed_at=utcnow() if state == RegistrationState.CONFIRMED else None,
                )
            )
