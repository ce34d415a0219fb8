"""Fill a fresh database with a large, realistic amount of public content, fast.

Bulk inserts through SQLAlchemy Core, in chunks, in one transaction per table: 10,000
startups (and 200 partners), 20,000 published innovations, 5,000 events, 50,000
registrations, plus demo days with confirmed startups and a dozen featured innovations.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from hub.models import (
    Application,
    Event,
    Innovation,
    Organisation,
    Registration,
    ShowcaseSlot,
    Space,
    Venue,
)

STARTUPS = 10_000
PARTNERS = 200
INNOVATIONS = 20_000
EVENTS = 5_000
REGISTRATIONS = 50_000
FEATURED = 12
CHUNK = 2_000
# A word every tenth innovation has in its title: the "common word" of the search benchmark.
COMMON_WORD = "numérique"

CITIES = ["Saint-Étienne", "Rennes", "Montpellier", "Nancy", "Firminy", "Roanne", "Montbrison"]
STAGES = ["idea", "prototype", "launched", "scaling"]
TAGS = [
    "Climat", "Commerce", "Santé", "Mobilité", "Agriculture", "Industrie", "Design",
    "Éducation", "Inclusion numérique", "Énergie", "Logistique", "Culture", "Tourisme",
    "Objets connectés", "Intelligence artificielle", "Économie circulaire", "Social",
]  # fmt: skip
NOUNS = [
    "plateforme", "capteur", "application", "service", "outil", "tableau de bord",
    "assistant", "réseau", "atelier", "marché", "carte", "boîte à outils",
]  # fmt: skip
TOPICS = [
    "éco-conception", "mobilité douce", "circuits courts", "santé connectée",
    "énergie solidaire", "réemploi", "accessibilité", "tourisme local", "agriculture urbaine",
    "qualité de l'air", "logistique urbaine", "formation", "démarches en ligne",
]  # fmt: skip
EVENT_TITLES = [
    "Atelier : sécuriser son smartphone", "Formation : créer son site web",
    "Conférence : l'IA au quotidien", "Rencontre : entreprendre dans le numérique",
    "Atelier : réparer son ordinateur", "Formation : tableur pour débutants",
]  # fmt: skip
WORDS = [
    "lorem",
    "ipsum",
    "écologie",
    "économie",
    "sobriété",
    "données",
    "réseau",
    "territoire",
    "usage",
    "public",
]


def _chunks(rows: list[dict]):
    for start in range(0, len(rows), CHUNK):
        yield rows[start : start + CHUNK]


def _insert(connection, table, rows: list[dict]) -> None:
    for chunk in _chunks(rows):
        connection.execute(sa.insert(table), chunk)


def seed(engine: sa.Engine, seed_value: int = 42) -> dict:
    """Insert everything; returns facts the benchmark needs (an event slug, the word)."""
    rng = random.Random(seed_value)
    now = datetime.now(UTC).replace(microsecond=0)
    with engine.begin() as connection:
        venue_ids = []
        for index, city in enumerate(CITIES[:4]):
            venue_ids.append(
                connection.execute(
                    sa.insert(Venue.__table__).returning(Venue.__table__.c.id),
                    {"slug": f"venue-{index}", "name": f"Atelier numérique de {city}",
                     "city": city, "address": f"{index + 1} place centrale", "timezone": "Europe/Paris"},
                ).scalar_one()
            )  # fmt: skip
        spaces = [
            {"venue_id": venue_ids[i % 4], "name": f"Salle {i}",
             "kind": "stand" if i % 5 == 0 else "training_room", "capacity": 30}
            for i in range(40)
        ]  # fmt: skip
        _insert(connection, Space.__table__, spaces)
        space_ids = list(connection.scalars(sa.select(Space.__table__.c.id).order_by("id")))

        organisations = []
        for i in range(STARTUPS + PARTNERS):
            startup = i < STARTUPS
            organisations.append(
                {"kind": "startup" if startup else "partner",
                 "name": f"{'Startup' if startup else 'Partenaire'} {rng.choice(TOPICS).capitalize()} {i}",
                 "slug": f"{'startup' if startup else 'partenaire'}-{i}",
                 "tagline": f"{rng.choice(NOUNS).capitalize()} pour la {rng.choice(TOPICS)}",
                 "description": " ".join(rng.choices(WORDS, k=40)), "website": "",
                 "city": rng.choice(CITIES), "sectors": rng.sample(TAGS, 2),
                 "stage": rng.choice(STAGES) if startup else None,
                 "verified_at": now - timedelta(days=400), "created_at": now - timedelta(days=400),
                 "updated_at": now - timedelta(days=400)}
            )  # fmt: skip
        _insert(connection, Organisation.__table__, organisations)
        org_ids = list(connection.scalars(sa.select(Organisation.__table__.c.id).order_by("id")))
        startup_ids, partner_ids = org_ids[:STARTUPS], org_ids[STARTUPS:]

        innovations = []
        for i in range(INNOVATIONS):
            topic = rng.choice(TOPICS)
            title = f"{rng.choice(NOUNS).capitalize()} de {topic} {i}"
            if i % 10 == 0:
                title = f"{title} {COMMON_WORD}"
            published = now - timedelta(minutes=i * 7)
            innovations.append(
                {"organisation_id": startup_ids[i % STARTUPS], "slug": f"innovation-{i}",
                 "title": title,
                 "summary": f"Un {rng.choice(NOUNS)} pour la {rng.choice(TOPICS)} à {rng.choice(CITIES)}.",
                 "description": " ".join(rng.choices(WORDS, k=60)),
                 "tags": rng.sample(TAGS, 3), "status": "published",
                 "featured_rank": i + 1 if i < FEATURED else None, "interest_count": rng.randint(0, 90),
                 "published_at": published, "created_at": published, "updated_at": published}
            )  # fmt: skip
        _insert(connection, Innovation.__table__, innovations)

        events = []
        for i in range(EVENTS):
            # Each space gets its events one after another: no two overlap.
            space_index = i % len(space_ids)
            starts = now + timedelta(days=1 + (i // len(space_ids)) * 2, hours=space_index % 8)
            events.append(
                {"slug": f"evenement-{i}", "title": f"{rng.choice(EVENT_TITLES)} ({i})",
                 "description": " ".join(rng.choices(WORDS, k=50)),
                 "kind": rng.choice(["training", "workshop", "conference", "meetup"]),
                 "audience": rng.choice(["residents", "professionals", "everyone"]), "language": "fr",
                 "space_id": space_ids[space_index], "starts_at": starts,
                 "ends_at": starts + timedelta(hours=2), "capacity": rng.choice([10, 12, 20, 30]),
                 "state": "published", "organisation_id": rng.choice(partner_ids),
                 "decision_message": "", "published_at": now - timedelta(days=3),
                 "created_at": now - timedelta(days=5), "updated_at": now - timedelta(days=3)}
            )  # fmt: skip
        _insert(connection, Event.__table__, events)
        event_rows = connection.execute(
            sa.select(Event.__table__.c.id, Event.__table__.c.capacity).order_by("id")
        ).all()

        registrations = []
        per_event = REGISTRATIONS // EVENTS
        for event_id, capacity in event_rows:
            for n in range(per_event):
                registrations.append(
                    {"event_id": event_id, "name": f"Personne {n}",
                     "email": f"personne{n}.{event_id}@example.org", "consent": True, "locale": "fr",
                     "state": "confirmed" if n < capacity else "waitlisted",
                     "token": f"{event_id:06d}{n:04d}" + "x" * 22, "created_at": now,
                     "confirmed_at": now if n < capacity else None}
                )  # fmt: skip
        _insert(connection, Registration.__table__, registrations)

        stand_ids = [space_ids[i] for i in range(0, len(space_ids), 5)]
        slot_ids = []
        for i in range(6):
            starts = now + timedelta(days=10 + 30 * i, hours=1)
            slot_ids.append(
                connection.execute(
                    sa.insert(ShowcaseSlot.__table__).returning(ShowcaseSlot.__table__.c.id),
                    {"space_id": stand_ids[i % len(stand_ids)], "starts_at": starts,
                     "ends_at": starts + timedelta(hours=3), "seats": 6,
                     "application_deadline": starts - timedelta(days=7),
                     "theme": f"Journée démo : {TOPICS[i]}", "description": "", "status": "open",
                     "created_at": now},
                ).scalar_one()
            )  # fmt: skip
        innovation_rows = connection.execute(
            sa.select(Innovation.__table__.c.id, Innovation.__table__.c.organisation_id)
            .order_by("id")
            .limit(36)
        ).all()
        applications = [
            {"slot_id": slot_ids[n // 6], "organisation_id": organisation_id,
             "innovation_id": innovation_id, "pitch": "", "needs": "", "state": "confirmed",
             "decision_message": "", "created_at": now, "updated_at": now}
            for n, (innovation_id, organisation_id) in enumerate(innovation_rows)
        ]  # fmt: skip
        _insert(connection, Application.__table__, applications)
        first_event = connection.scalar(
            sa.select(Event.__table__.c.slug).order_by(Event.__table__.c.starts_at).limit(1)
        )
    return {"event_slug": first_event, "common_word": COMMON_WORD}
