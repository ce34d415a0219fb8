"""What `make bench` measures: probes, each a name, the addresses it requests and its target.

Two tables:
- cached: the same address every time, as a crowd of visitors asks for the public pages
  (served from the per-worker page cache after the first request);
- cold: every request different, so that it misses any cache: a different word, page,
  filter or object each time, and a unique `bench` parameter on top.

Targets are ratios of requests per second to the minimal Flask app's, in the same run (issue 14).

To measure another page, add a Probe to `logged_in_probes` below, or a builder to
EXTRA_PROBES, as figures_probes does for the staff figures page of issue 11 (a year of past
events, its p95 target 300 ms),
and seed what it needs with BENCH_EVENTS / BENCH_REGISTRATIONS / BENCH_FIRST_EVENT_DAYS
(see run.py): e.g. 5,000 events and 200,000 registrations over the past year.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from benchmarks.seed import (
    AUDIENCES,
    CITIES,
    EVENT_KINDS,
    NOUNS,
    TAGS,
    TOPICS,
    WORDS,
    SeedFacts,
)

# A probe cycles through at most this many addresses (a unique parameter keeps each miss).
MAX_PATHS = 5_000
PAGE_SIZE = 24  # the catalogue's
STAFF_PAGE_SIZE = 50  # /staff/events
# Words no innovation has (the search must answer "nothing found" fast too).
NO_MATCH = ["zygomorphe", "quokka", "xylophage", "wombat", "kwyjibo", "fjord", "pétaure"]


@dataclass(frozen=True)
class Probe:
    name: str
    table: str  # "cached" or "cold"
    paths: tuple[str, ...]  # requested in turn; one path: the same request every time
    target: float | None = None  # least ratio to the minimal Flask app
    unique: bool = False  # add `bench=<unique>` to every request
    login: str | None = None  # "staff": requests carry a logged-in staff session
    p95_limit_ms: float | None = None  # a latency target, where the issue states one


def _plain(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _vocabulary() -> list[str]:
    words = {
        word
        for phrase in [*NOUNS, *TOPICS, *WORDS, *TAGS, *CITIES]
        for word in phrase.replace("'", " ").replace("-", " ").lower().split()
        if len(word) > 3
    }
    return sorted(words)


def search_queries(rng: random.Random, count: int) -> list[str]:
    """Varied searches: one word, several, prefixes, accents or not, no match, a page."""
    vocabulary = _vocabulary()
    queries = []
    for n in range(count):
        shape = n % 6
        if shape == 0:
            q = rng.choice(vocabulary)
        elif shape == 1:
            q = _plain(rng.choice(vocabulary))  # "energie" must find "énergie"
        elif shape == 2:
            q = " ".join(rng.sample(vocabulary, rng.randint(2, 3)))
        elif shape == 3:
            word = rng.choice(vocabulary)
            q = word[: rng.randint(3, min(5, len(word)))]  # a prefix, as typed so far
        elif shape == 4:
            q = f"{rng.choice(NO_MATCH)}{rng.randint(1, 999)}"
        else:
            q = f"{rng.choice(vocabulary)} {rng.choice(NO_MATCH)}"
        page = 1 if n % 3 else rng.randint(2, 12)
        queries.append("/innovations?" + urlencode({"q": q, "page": page}))
    return queries


def agenda_queries(rng: random.Random, facts: SeedFacts, count: int) -> list[str]:
    """The agenda with varied filters: kind, audience, venue, month, page."""
    today = date.today()
    months = [
        f"{today.year + (today.month - 1 + k) // 12:04d}-{(today.month - 1 + k) % 12 + 1:02d}"
        for k in range(6)
    ]
    queries = []
    for _ in range(count):
        args = {}
        for name, values in (
            ("kind", EVENT_KINDS),
            ("audience", AUDIENCES),
            ("venue", facts.venue_slugs),
            ("month", months),
        ):
            if rng.random() < 0.5:
                args[name] = rng.choice(values)
        if len(args) <= 1 and rng.random() < 0.3:  # narrower filters have a single page
            args["page"] = rng.randint(2, 5)
        queries.append("/events" + (f"?{urlencode(args)}" if args else ""))
    return queries


def _each_once(rng: random.Random, prefix: str, slugs: list[str]) -> tuple[str, ...]:
    chosen = rng.sample(slugs, min(len(slugs), MAX_PATHS))
    return tuple(f"{prefix}{slug}" for slug in chosen)


def cached_probes(facts: SeedFacts) -> list[Probe]:
    page, search = 0.5, 0.25
    return [
        Probe("/", "cached", ("/",), page),
        Probe("/innovations", "cached", ("/innovations",), page),
        Probe(f"/innovations?q={facts.common_word}", "cached",
              (f"/innovations?{urlencode({'q': facts.common_word})}",), search),
        Probe("/events", "cached", ("/events",), page),
        Probe(f"/events/{facts.upcoming_event_slug}", "cached",
              (f"/events/{facts.upcoming_event_slug}",), page),
        Probe("/api/v1/innovations", "cached", ("/api/v1/innovations",), page),
    ]  # fmt: skip


def cold_probes(facts: SeedFacts, rng: random.Random) -> list[Probe]:
    pages = max(len(facts.innovation_slugs) // PAGE_SIZE, 1)
    deep = [f"/innovations?page={rng.randint(max(pages // 2, 1), pages)}" for _ in range(MAX_PATHS)]
    return [
        Probe("search, varied words and pages", "cold",
              tuple(search_queries(rng, MAX_PATHS)), 0.15, unique=True),
        Probe("catalogue, first page", "cold", ("/innovations?page=1",), 0.25, unique=True),
        Probe("catalogue, deep pages", "cold", tuple(deep), 0.25, unique=True),
        Probe("innovation pages, each once", "cold",
              _each_once(rng, "/innovations/", facts.innovation_slugs), 0.4, unique=True),
        Probe("startup pages, each once", "cold",
              _each_once(rng, "/startups/", facts.startup_slugs), 0.4, unique=True),
        Probe("event pages, each once", "cold",
              _each_once(rng, "/events/", facts.event_slugs), 0.4, unique=True),
        Probe("/events, varied filters", "cold",
              tuple(agenda_queries(rng, facts, MAX_PATHS)), 0.25, unique=True),
    ]  # fmt: skip


def logged_in_probes(facts: SeedFacts, rng: random.Random) -> list[Probe]:
    """Back-office pages, measured with a staff session (no target yet: a reference)."""
    events_pages = max(len(facts.event_slugs) // STAFF_PAGE_SIZE, 1)
    staff_events = [f"/staff/events?page={rng.randint(1, events_pages)}" for _ in range(500)]
    return [
        Probe("staff events list, varied pages", "cold", tuple(staff_events),
              unique=True, login="staff"),
    ]  # fmt: skip


def figures_probes(facts: SeedFacts, rng: random.Random) -> list[Probe]:
    """The staff figures page over the past year, with and without filters (issue 11)."""
    today = date.today()
    year = {"period": "custom", "first": today.replace(year=today.year - 1).isoformat(),
            "last": today.isoformat()}  # fmt: skip
    filters = [{}, {"audience": "residents"}, {"kind": "training"}, {"partner": "partenaire-7"}]
    filters += [{"venue": slug} for slug in facts.venue_slugs]
    paths = tuple(f"/staff/figures?{urlencode({**year, **choice})}" for choice in filters)
    return [
        Probe("staff figures, a year", "cold", paths, unique=True, login="staff",
              p95_limit_ms=300),
    ]  # fmt: skip


ProbeBuilder = Callable[[SeedFacts, random.Random], list[Probe]]
EXTRA_PROBES: list[ProbeBuilder] = [figures_probes]


def all_probes(facts: SeedFacts, seed_value: int = 7) -> list[Probe]:
    rng = random.Random(seed_value)
    probes = [*cached_probes(facts), *cold_probes(facts, rng), *logged_in_probes(facts, rng)]
    for build in EXTRA_PROBES:
        probes += build(facts, rng)
    return probes
