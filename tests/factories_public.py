"""Builders for the public showcase's tests: organisations with their content, venues,
events and demo days shaped for search, listings and feeds.

Modules that want them set `FACTORIES = PublicFactories`; the `make` fixture then builds
with these instead of the journeys' own builders of the same names.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from hub.extensions import db
from hub.models import (
    Application,
    ApplicationState,
    Event,
    EventKind,
    EventState,
    Innovation,
    InnovationStatus,
    Organisation,
    OrganisationKind,
    Registration,
    RegistrationState,
    ShowcaseSlot,
    Space,
    SpaceKind,
    StartupStage,
    Venue,
    utcnow,
)
from hub.text import slugify
from tests.factories import Factories, _keep, _sequence


class PublicFactories(Factories):
    # Public showcase: organisations, innovations, venues, events, demo days.

    def organisation(
        self,
        name: str = "ÉcoTrace",
        kind: OrganisationKind = OrganisationKind.STARTUP,
        slug: str | None = None,
        city: str = "Saint-Étienne",
        sectors: list[str] | None = None,
        stage: StartupStage | None = StartupStage.LAUNCHED,
        verified: bool = True,
        **fields,
    ) -> Organisation:
        with self.app.app_context():
            organisation = Organisation(
                kind=kind,
                name=name,
                slug=slug or f"{slugify(name)}-{next(_sequence)}",
                city=city,
                sectors=sectors if sectors is not None else [],
                stage=stage if kind == OrganisationKind.STARTUP else None,
                verified_at=utcnow() if verified else None,
                **fields,
            )
            return _keep(organisation)

    def startup(self, name: str = "ÉcoTrace", **kwargs) -> Organisation:
        return self.organisation(name=name, kind=OrganisationKind.STARTUP, **kwargs)

    def partner(self, name: str = "French Tech Saint-Étienne", **kwargs) -> Organisation:
        return self.organisation(name=name, kind=OrganisationKind.PARTNER, **kwargs)

    def innovation(
        self,
        startup: Organisation | None = None,
        title: str = "Éco-conception de sites web",
        summary: str = "Des sites plus légers et plus sobres.",
        description: str = "",
        tags: list[str] | None = None,
        status: InnovationStatus = InnovationStatus.PUBLISHED,
        published_at: datetime | None = None,
        featured_rank: int | None = None,
        slug: str | None = None,
        **fields,
    ) -> Innovation:
        startup = startup or self.startup()
        with self.app.app_context():
            innovation = Innovation(
                organisation_id=startup.id,
                title=title,
                slug=slug or f"{slugify(title)}-{next(_sequence)}",
                summary=summary,
                description=description,
                tags=tags if tags is not None else [],
                status=status,
                published_at=published_at
                or (utcnow() if status == InnovationStatus.PUBLISHED else None),
                featured_rank=featured_rank,
                **fields,
            )
            return _keep(innovation)

    def space(
        self,
        venue_slug: str = "saint-etienne",
        name: str | None = None,
        kind: SpaceKind = SpaceKind.CONFERENCE_ROOM,
        capacity: int = 80,
    ) -> Space:
        with self.app.app_context():
            venue = db.session.scalar(db.select(Venue).where(Venue.slug == venue_slug))
            if venue is None:
                city = "Saint-Étienne" if venue_slug == "saint-etienne" else venue_slug.title()
                venue = Venue(slug=venue_slug, name=f"Atelier numérique de {city}", city=city)
                db.session.add(venue)
            space = Space(
                venue=venue, name=name or f"Salle {next(_sequence)}", kind=kind, capacity=capacity
            )
            db.session.add(space)
            db.session.commit()
            db.session.refresh(space)
            db.session.refresh(venue)
            db.session.expunge_all()
            return space

    def event(
        self,
        title: str = "Atelier : sécuriser son smartphone",
        starts_at: datetime | None = None,
        hours: int = 2,
        capacity: int = 12,
        state: EventState = EventState.PUBLISHED,
        kind: EventKind = EventKind.WORKSHOP,
        space: Space | None = None,
        organisation: Organisation | None = None,
        **fields,
    ) -> Event:
        space = space or self.space()
        starts_at = starts_at or utcnow() + timedelta(days=7)
        with self.app.app_context():
            event = Event(
                title=title,
                slug=f"{slugify(title)}-{next(_sequence)}",
                kind=kind,
                space_id=space.id,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=hours),
                capacity=capacity,
                state=state,
                organisation_id=organisation.id if organisation else None,
                published_at=utcnow() if state == EventState.PUBLISHED else None,
                **fields,
            )
            return _keep(event)

    def registration(
        self,
        event: Event,
        email: str | None = None,
        state: RegistrationState = RegistrationState.CONFIRMED,
    ) -> Registration:
        number = next(_sequence)
        with self.app.app_context():
            registration = Registration(
                event_id=event.id,
                name=f"Personne {number}",
                email=email or f"visitor{number}@example.org",
                state=state,
                token=f"token-{number}-{utcnow().timestamp()}",
                confirmed_at=utcnow() if state == RegistrationState.CONFIRMED else None,
            )
            return _keep(registration)

    def showcase_slot(
        self,
        theme: str = "Journée démo : la ville durable",
        starts_at: datetime | None = None,
        seats: int = 4,
        space: Space | None = None,
        **fields,
    ) -> ShowcaseSlot:
        space = space or self.space(kind=SpaceKind.STAND, capacity=6)
        starts_at = starts_at or utcnow() + timedelta(days=14)
        with self.app.app_context():
            slot = ShowcaseSlot(
                space_id=space.id,
                theme=theme,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=3),
                seats=seats,
                application_deadline=starts_at - timedelta(days=7),
                **fields,
            )
            return _keep(slot)

    def application(
        self,
        slot: ShowcaseSlot,
        innovation: Innovation,
        state: ApplicationState = ApplicationState.CONFIRMED,
    ) -> Application:
        with self.app.app_context():
            application = Application(
                slot_id=slot.id,
                organisation_id=innovation.organisation_id,
                innovation_id=innovation.id,
                state=state,
                pitch="Une démonstration en cinq minutes.",
            )
            return _keep(application)
