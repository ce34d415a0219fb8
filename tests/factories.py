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
    Application,
    ApplicationState,
    CoHostState,
    Event,
    EventHost,
    EventKind,
    EventState,
    Innovation,
    InnovationStatus,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
    Registration,
    RegistrationState,
    Role,
    ShowcaseSlot,
    SlotStatus,
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

    def space(
        self, capacity: int = 40, venue_slug: str = "saint-etienne", name: str | None = None
    ) -> Space:
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
                name=name or f"Salle {next(_sequence)}",
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

    # --- Organisations, innovations, demo slots -----------------------------------------

    def organisation(
        self,
        owner: User | None = None,
        kind: OrganisationKind = OrganisationKind.STARTUP,
        name: str | None = None,
        verified: bool = True,
        members: tuple[User, ...] = (),
        **fields,
    ) -> Organisation:
        """An organisation with its owner (a new user unless given) and members."""
        owner = owner or self.user()
        with self.app.app_context():
            number = next(_sequence)
            name = name or f"Startup {number}"
            organisation = Organisation(
                kind=kind,
                name=name,
                slug=fields.pop("slug", f"org-{number}"),
                verified_at=utcnow() if verified else None,
                **fields,
            )
            organisation.memberships.append(Membership(user_id=owner.id, role=MembershipRole.OWNER))
            for member in members:
                organisation.memberships.append(
                    Membership(user_id=member.id, role=MembershipRole.MEMBER)
                )
            return _keep(organisation)

    def startup(self, **kwargs) -> Organisation:
        return self.organisation(kind=OrganisationKind.STARTUP, **kwargs)

    def partner(self, **kwargs) -> Organisation:
        return self.organisation(kind=OrganisationKind.PARTNER, **kwargs)

    def innovation(
        self,
        organisation: Organisation,
        title: str | None = None,
        status: InnovationStatus = InnovationStatus.PUBLISHED,
        **fields,
    ) -> Innovation:
        with self.app.app_context():
            number = next(_sequence)
            innovation = Innovation(
                organisation_id=organisation.id,
                title=title or f"Innovation {number}",
                slug=fields.pop("slug", f"innovation-{number}"),
                summary=fields.pop("summary", "A useful thing."),
                status=status,
                published_at=utcnow() if status == InnovationStatus.PUBLISHED else None,
                **fields,
            )
            return _keep(innovation)

    def slot(
        self,
        seats: int = 3,
        space: Space | None = None,
        starts_in: timedelta = timedelta(days=20),
        deadline_in: timedelta = timedelta(days=10),
        hours: int = 3,
        status: SlotStatus = SlotStatus.OPEN,
        theme: str | None = None,
    ) -> ShowcaseSlot:
        space = space or self.space()
        with self.app.app_context():
            now = utcnow().replace(microsecond=0)
            slot = ShowcaseSlot(
                space_id=space.id,
                starts_at=now + starts_in,
                ends_at=now + starts_in + timedelta(hours=hours),
                application_deadline=now + deadline_in,
                seats=seats,
                theme=theme or f"Demo day {next(_sequence)}",
                status=status,
            )
            db.session.add(slot)
            db.session.commit()
            db.session.refresh(slot)
            slot.space.venue  # noqa: B018  (loaded for use outside the session)
            db.session.expunge_all()
            return slot

    def application(
        self,
        slot: ShowcaseSlot,
        organisation: Organisation | None = None,
        state: ApplicationState = ApplicationState.SUBMITTED,
        innovation: Innovation | None = None,
        pitch: str = "We will show a working prototype to visitors.",
        waitlisted_minutes_ago: int = 0,
    ) -> Application:
        organisation = organisation or self.startup()
        innovation = innovation or self.innovation(organisation)
        with self.app.app_context():
            now = utcnow()
            application = Application(
                slot_id=slot.id,
                organisation_id=organisation.id,
                innovation_id=innovation.id,
                pitch=pitch,
                state=state,
                submitted_at=None if state == ApplicationState.DRAFT else now,
                waitlisted_at=now - timedelta(minutes=waitlisted_minutes_ago)
                if state == ApplicationState.WAITLISTED
                else None,
            )
            return _keep(application)
