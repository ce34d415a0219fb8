"""Factories: real rows with sensible defaults. Each call commits and returns a detached,
fully loaded instance, usable outside an application context."""

from __future__ import annotations

import itertools
from datetime import timedelta

from flask import Flask

from hub.extensions import db
from hub.models import (
    Application,
    ApplicationState,
    Innovation,
    InnovationStatus,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
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

    def space(self, name: str | None = None, capacity: int = 6) -> Space:
        with self.app.app_context():
            number = next(_sequence)
            venue = Venue(
                slug=f"venue-{number}",
                name=f"Atelier {number}",
                city="Saint-Étienne",
                address="1 place de l'Hôtel de Ville",
            )
            venue.spaces.append(
                Space(name=name or f"Stand {number}", kind=SpaceKind.STAND, capacity=capacity)
            )
            db.session.add(venue)
            db.session.commit()
            return _keep(venue.spaces[0])

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
