"""Fill a fresh database with a large, realistic amount of public content, fast.

Bulk inserts through SQLAlchemy Core, in chunks, in one transaction (never the ORM row by
row): for N innovations, N/2 startups and 200 partners; events and registrations as asked
(5,000 and 50,000 by default); demo days with confirmed startups, a dozen featured
innovations, and one staff account for pages that need a login.

Only hub.models is imported from the application (table and column names are the contract),
and the sketch functions of the figures (hub/domain/figures/people.py), whose bytes are too.
The kept counts of the figures (event_figures, innovation_interest_days) are written in bulk
from the same rows, as the domain would have counted them.
"""

from __future__ import annotations

import json
import random
import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from hub.domain.figures.people import add_to_sketch, person_hash, person_key
from hub.models import (
    Application,
    Event,
    EventFigures,
    Innovation,
    InnovationInterestDay,
    Organisation,
    Registration,
    ShowcaseSlot,
    Space,
    User,
    Venue,
)

PARTNERS = 200
FEATURED = 12
SPACES = 40
CHUNK = 5_000
# A word every tenth innovation has in its title: the "common word" of the search benchmark.
COMMON_WORD = "numérique"
STAFF_EMAIL = "bench-staff@example.org"
STAFF_PASSWORD = "bench staff password"  # a throwaway database, dropped after the run
SECRET_KEY = "benchmark-secret-key"  # the app's, in run.py: the sketches hash with it
ZONE = ZoneInfo("Europe/Paris")

CITIES = ["Saint-Étienne", "Rennes", "Montpellier", "Nancy", "Firminy", "Roanne", "Montbrison"]
VENUES = 4
STAGES = ["idea", "prototype", "launched", "scaling"]
EVENT_KINDS = ["training", "workshop", "conference", "meetup"]
AUDIENCES = ["residents", "professionals", "everyone"]
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
    "lorem", "ipsum", "écologie", "économie", "sobriété", "données", "réseau", "territoire",
    "usage", "public",
]  # fmt: skip


@dataclass(frozen=True)
class SeedSize:
    """How much to insert. `first_event_in_days` < 0 puts the first events in the past
    (e.g. -365 with 5,000 events and 200,000 registrations: a year of figures)."""

    innovations: int = 20_000
    events: int = 5_000
    registrations: int = 50_000
    first_event_in_days: int = 1

    @property
    def startups(self) -> int:
        return max(self.innovations // 2, 1)


@dataclass(frozen=True)
class SeedFacts:
    """What the probes need to build their addresses."""

    size: SeedSize
    innovation_slugs: list[str]
    startup_slugs: list[str]
    event_slugs: list[str]  # in start order
    upcoming_event_slug: str  # the next event (the cached table's event page)
    venue_slugs: list[str]
    common_word: str = COMMON_WORD
    staff_email: str = STAFF_EMAIL
    staff_password: str = STAFF_PASSWORD


def _insert(connection, table: sa.Table, rows: list[dict]) -> None:
    if not rows:
        return
    if connection.dialect.name == "postgresql":
        _copy(connection, table, rows)
        return
    for start in range(0, len(rows), CHUNK):
        connection.execute(sa.insert(table), rows[start : start + CHUNK])


def _copy(connection, table: sa.Table, rows: list[dict]) -> None:
    """PostgreSQL's COPY: one statement, so statement triggers fire once, not once a row
    (executemany sends a statement a row, and 100,000 bumps of one counter row crawl)."""
    columns = list(rows[0])
    cursor = connection.connection.dbapi_connection.cursor()
    with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(
                [json.dumps(v) if isinstance(v, list | dict) else v for v in row.values()]
            )


def _ids(connection, table: sa.Table) -> list[int]:
    return list(connection.scalars(sa.select(table.c.id).order_by(table.c.id)))


def seed(engine: sa.Engine, size: SeedSize = SeedSize(), seed_value: int = 42) -> SeedFacts:
    """Insert everything in one transaction; returns what the probes need."""
    rng = random.Random(seed_value)
    now = datetime.now(UTC).replace(microsecond=0)
    with engine.begin() as connection:
        venue_slugs = [f"venue-{index}" for index in range(VENUES)]
        _insert(connection, Venue.__table__, [
            {"slug": slug, "name": f"Atelier numérique de {city}", "city": city,
             "address": f"{index + 1} place centrale", "timezone": "Europe/Paris"}
            for index, (slug, city) in enumerate(zip(venue_slugs, CITIES, strict=False))
        ])  # fmt: skip
        venue_ids = _ids(connection, Venue.__table__)
        _insert(connection, Space.__table__, [
            {"venue_id": venue_ids[i % VENUES], "name": f"Salle {i}",
             "kind": "stand" if i % 5 == 0 else "training_room", "capacity": 30}
            for i in range(SPACES)
        ])  # fmt: skip
        space_ids = _ids(connection, Space.__table__)

        startup_ids, partner_ids = _organisations(connection, rng, size.startups, now)
        _innovations(connection, rng, size.innovations, startup_ids, now)
        event_rows = _events(connection, rng, size, space_ids, partner_ids, now)
        _registrations(connection, rng, size.registrations, event_rows, now)
        _interest_days(connection, rng, size.innovations, now)
        _demo_days(connection, space_ids, now)
        _staff(connection, now)
        upcoming = connection.scalar(
            sa.select(Event.__table__.c.slug)
            .where(Event.__table__.c.starts_at > now)
            .order_by(Event.__table__.c.starts_at)
            .limit(1)
        )
    return SeedFacts(
        size=size,
        innovation_slugs=[f"innovation-{i}" for i in range(size.innovations)],
        startup_slugs=[f"startup-{i}" for i in range(size.startups)],
        event_slugs=[slug for slug, *_ in event_rows],
        upcoming_event_slug=upcoming or event_rows[-1][0],  # all past: the latest one
        venue_slugs=venue_slugs,
    )


def _organisations(connection, rng, startups: int, now) -> tuple[list[int], list[int]]:
    created = now - timedelta(days=400)
    rows = []
    for i in range(startups + PARTNERS):
        startup = i < startups
        number = i if startup else i - startups
        rows.append(
            {"kind": "startup" if startup else "partner",
             "name": f"{'Startup' if startup else 'Partenaire'} {rng.choice(TOPICS).capitalize()} {number}",
             "slug": f"{'startup' if startup else 'partenaire'}-{number}",
             "tagline": f"{rng.choice(NOUNS).capitalize()} pour la {rng.choice(TOPICS)}",
             "description": " ".join(rng.choices(WORDS, k=40)), "website": "",
             "city": rng.choice(CITIES), "sectors": rng.sample(TAGS, 2),
             "stage": rng.choice(STAGES) if startup else None,
             "verified_at": created, "created_at": created, "updated_at": created}
        )  # fmt: skip
    _insert(connection, Organisation.__table__, rows)
    ids = _ids(connection, Organisation.__table__)
    return ids[:startups], ids[startups:]


def _innovations(connection, rng, count: int, startup_ids: list[int], now) -> None:
    rows = []
    for i in range(count):
        topic = rng.choice(TOPICS)
        title = f"{rng.choice(NOUNS).capitalize()} de {topic} {i}"
        if i % 10 == 0:
            title = f"{title} {COMMON_WORD}"
        published = now - timedelta(minutes=i * 7)
        rows.append(
            {"organisation_id": startup_ids[i % len(startup_ids)], "slug": f"innovation-{i}",
             "title": title,
             "summary": f"Un {rng.choice(NOUNS)} pour la {rng.choice(TOPICS)} à {rng.choice(CITIES)}.",
             "description": " ".join(rng.choices(WORDS, k=60)),
             "tags": rng.sample(TAGS, 3), "status": "published",
             "featured_rank": i + 1 if i < FEATURED else None, "interest_count": rng.randint(0, 90),
             "published_at": published, "created_at": published, "updated_at": published}
        )  # fmt: skip
    _insert(connection, Innovation.__table__, rows)


def _events(connection, rng, size: SeedSize, space_ids, partner_ids, now) -> list[tuple]:
    """Each space gets its events one after another, every other day: no two overlap."""
    rows = []
    for i in range(size.events):
        space_index = i % len(space_ids)
        starts = now + timedelta(
            days=size.first_event_in_days + (i // len(space_ids)) * 2, hours=space_index % 8
        )
        rows.append(
            {"slug": f"evenement-{i}", "title": f"{rng.choice(EVENT_TITLES)} ({i})",
             "description": " ".join(rng.choices(WORDS, k=50)),
             "kind": rng.choice(EVENT_KINDS), "audience": rng.choice(AUDIENCES), "language": "fr",
             "space_id": space_ids[space_index], "starts_at": starts,
             "ends_at": starts + timedelta(hours=2), "capacity": rng.choice([10, 12, 20, 30]),
             "state": "published", "organisation_id": rng.choice(partner_ids),
             "decision_message": "", "published_at": starts - timedelta(days=30),
             "created_at": starts - timedelta(days=35), "updated_at": starts - timedelta(days=30)}
        )  # fmt: skip
    _insert(connection, Event.__table__, rows)
    table = Event.__table__
    venue_of = dict(
        connection.execute(sa.select(Space.__table__.c.id, Space.__table__.c.venue_id)).all()
    )
    return [
        (slug, event_id, capacity, starts_at, {
            "state": "published", "starts_at": starts_at, "ends_at": ends_at,
            "venue_id": venue_of[space_id], "kind": kind, "audience": audience,
            "organisation_id": organisation_id, "capacity": capacity})
        for slug, event_id, capacity, starts_at, ends_at, space_id, kind, audience, organisation_id
        in connection.execute(
            sa.select(table.c.slug, table.c.id, table.c.capacity, table.c.starts_at,
                      table.c.ends_at, table.c.space_id, table.c.kind, table.c.audience,
                      table.c.organisation_id).order_by(table.c.starts_at, table.c.id)
        )
    ]  # fmt: skip


def _registrations(connection, rng, count: int, event_rows, now) -> None:
    """Spread evenly; beyond capacity people wait. Past events' people mostly came.

    Each event's kept counts follow (people's addresses repeat across events, so that some
    come back), with some feedback from those who came."""
    rows, figures = [], []
    key = person_key(SECRET_KEY)
    per_event, extra = divmod(count, max(len(event_rows), 1))
    for index, (_slug, event_id, capacity, starts_at, facts) in enumerate(event_rows):
        past = starts_at < now
        counts, attendees = Counter(), []
        for n in range(per_event + (1 if index < extra else 0)):
            seated = n < capacity
            state = "confirmed" if seated else "waitlisted"
            if past and seated and n % 4 != 3:
                state = "attended"
            rows.append(
                {"event_id": event_id, "name": f"Personne {n}",
                 "email": f"personne{n}.{event_id % 500}@example.org", "consent": True, "locale": "fr",
                 "state": state, "token": f"bench-{event_id:07d}-{n:06d}",
                 "check_in_code": f"B{event_id:07d}{n:06d}",
                 "created_at": min(now, starts_at) - timedelta(days=7),
                 "confirmed_at": now if seated else None,
                 "attended_at": starts_at if state == "attended" else None}
            )  # fmt: skip
            counts[state] += 1
            if state == "attended":
                attendees.append(person_hash(rows[-1]["email"], key))
            if len(rows) >= CHUNK:
                _insert(connection, Registration.__table__, rows)
                rows.clear()
        answers = counts["attended"] // 2
        figures.append(
            {"event_id": event_id, "local_date": starts_at.astimezone(ZONE).date(), **facts,
             "registrations": sum(counts.values()), "waitlisted": counts["waitlisted"],
             "promoted": 0, "cancelled": 0, "holding": counts["confirmed"],
             "attended": counts["attended"], "returning_attendances": counts["attended"] // 3,
             "feedback_count": answers, "rating_sum": answers * rng.randint(3, 5),
             "people_sketch": add_to_sketch(None, attendees) if attendees else None,
             "returning_sketch": add_to_sketch(None, attendees[::3]) if attendees else None,
             "updated_at": now}
        )  # fmt: skip
    _insert(connection, Registration.__table__, rows)
    for start in range(0, len(figures), CHUNK):
        connection.execute(sa.insert(EventFigures.__table__), figures[start : start + CHUNK])


def _interest_days(connection, rng, innovations: int, now) -> None:
    """ "I'm interested" clicks on every tenth innovation, on a few days of the past year."""
    rows = [
        {"innovation_id": innovation_id, "day": (now - timedelta(days=days)).date(),
         "clicks": rng.randint(1, 9)}
        for innovation_id in _ids(connection, Innovation.__table__)[::10]
        for days in sorted(rng.sample(range(1, 365), 6))
    ]  # fmt: skip
    _insert(connection, InnovationInterestDay.__table__, rows)


def _demo_days(connection, space_ids, now) -> None:
    stand_ids = space_ids[::5]
    slots = []
    for i in range(6):
        starts = now + timedelta(days=10 + 30 * i, hours=1)
        slots.append(
            {"space_id": stand_ids[i % len(stand_ids)], "starts_at": starts,
             "ends_at": starts + timedelta(hours=3), "seats": 6,
             "application_deadline": starts - timedelta(days=7),
             "theme": f"Journée démo : {TOPICS[i]}", "description": "", "status": "open",
             "created_at": now}
        )  # fmt: skip
    _insert(connection, ShowcaseSlot.__table__, slots)
    slot_ids = _ids(connection, ShowcaseSlot.__table__)
    innovations = Innovation.__table__
    confirmed = connection.execute(
        sa.select(innovations.c.id, innovations.c.organisation_id)
        .order_by(innovations.c.id)
        .limit(36)
    ).all()
    _insert(connection, Application.__table__, [
        {"slot_id": slot_ids[n // 6], "organisation_id": organisation_id,
         "innovation_id": innovation_id, "pitch": "", "needs": "", "state": "confirmed",
         "decision_message": "", "created_at": now, "updated_at": now}
        for n, (innovation_id, organisation_id) in enumerate(confirmed)
    ])  # fmt: skip


def _staff(connection, now) -> None:
    connection.execute(
        sa.insert(User.__table__),
        {"email": STAFF_EMAIL, "name": "Équipe du banc d'essai",
         "password_hash": generate_password_hash(STAFF_PASSWORD), "role": "staff",
         "locale": "fr", "is_active": True, "email_confirmed_at": now,
         "session_token": secrets.token_hex(16), "created_at": now},
    )  # fmt: skip
