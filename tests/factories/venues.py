"""Venues and their spaces."""

from __future__ import annotations

import sqlalchemy as sa

from hub.extensions import db
from hub.models import Space, SpaceKind, Venue
from tests.factories.base import Builder, keep, sequence

ADDRESSES = {"saint-etienne": "12 place de l'Hôtel de Ville, 42000 Saint-Étienne"}
CITIES = {"saint-etienne": "Saint-Étienne"}


class VenueFactories(Builder):
    def space(
        self,
        capacity: int = 40,
        venue_slug: str = "saint-etienne",
        name: str | None = None,
        kind: SpaceKind = SpaceKind.TRAINING_ROOM,
        timezone: str = "Europe/Paris",
        access_notes: str = "",
    ) -> Space:
        """A space in the venue `venue_slug`, which is created the first time it is named
        (with `timezone` and `access_notes`)."""
        with self.app.app_context():
            venue = db.session.scalar(sa.select(Venue).where(Venue.slug == venue_slug))
            if venue is None:
                city = CITIES.get(venue_slug, venue_slug.replace("-", " ").title())
                venue = Venue(
                    slug=venue_slug,
                    name=f"Atelier numérique de {city}",
                    city=city,
                    address=ADDRESSES.get(venue_slug, ""),
                    timezone=timezone,
                    access_notes=access_notes,
                )
            space = Space(
                venue=venue,
                name=name or f"Salle {next(sequence)}",
                kind=kind,
                capacity=capacity,
            )
            return keep(space, "venue")
