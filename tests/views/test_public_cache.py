"""Public pages are cached per worker, dropped when content changes, in few queries."""

from __future__ import annotations

import gzip
from datetime import timedelta

import pytest
import sqlalchemy as sa

from hub.models import ApplicationState, Innovation, SpaceKind, utcnow
from hub.public_cache import public_cache
from tests.support import counted_statements


@pytest.fixture
def uncached(settings):
    settings(PUBLIC_CACHE_ENABLED=False)


def showcase(make, size: int) -> dict:
    """Public content in `size` copies: innovations, events with people, demo days."""
    partner = make.partner("French Tech", slug=f"french-tech-{size}")
    room = make.space()
    stand = make.space(kind=SpaceKind.STAND, capacity=6)
    first = None
    for n in range(size):
        startup = make.startup(f"Startup {n}", city=["Rennes", "Nancy"][n % 2])
        innovation = make.innovation(
            startup, title=f"Éco-innovation {n}", tags=[f"Thème {n % 3}"],
            featured_rank=n + 1,
        )  # fmt: skip
        first = first or innovation
        event_ = make.event(
            title=f"Atelier {n}", space=room, organisation=partner,
            starts_at=utcnow() + timedelta(days=n + 1),
        )  # fmt: skip
        for _ in range(n % 3):
            make.registration(event_)
        slot = make.slot(space=stand, starts_at=utcnow() + timedelta(days=30 + n))
        make.application(slot, innovation=innovation, state=ApplicationState.CONFIRMED)
    return {"innovation": first.slug, "partner": partner.slug}


PAGES = [
    "/",
    "/innovations",
    "/innovations?q=eco&sort=az",
    "/innovations?tag=Th%C3%A8me+0&city=Rennes",
    "/innovations/{innovation}",
    "/embed/events?host={partner}",
    "/api/v1/innovations?q=eco",
    "/api/v1/events",
    "/api/v1/demo-days",
    "/api/v1/startups",
    "/feed.atom",
]


def test_the_number_of_queries_per_page_does_not_grow_with_the_data(app, client, make, uncached):
    def statements_per_page(facts) -> dict[str, int]:
        counts = {}
        for page in PAGES:
            path = page.format(**facts)
            with counted_statements(app) as statements:
                assert client.get(path).status_code == 200, path
            counts[page] = len(statements)
        return counts

    small = statements_per_page(showcase(make, 2))
    large = statements_per_page(showcase(make, 12))
    assert small == large
    assert max(small.values()) <= 6, small


def test_a_cached_page_is_served_without_queries_until_content_changes(app, client, make):
    make.innovation(title="Vélo cargo", featured_rank=1)
    client.get("/")
    with counted_statements(app) as statements:
        assert "Vélo cargo" in client.get("/").text
    assert statements == []  # the counter was read less than a second ago
    make.innovation(title="Capteur d'air", featured_rank=2)  # a commit in this process
    assert "Capteur d&#39;air" in client.get("/").text


def test_a_change_made_by_another_process_shows_within_the_check_interval(
    app, client, make, database_url, monkeypatch
):
    innovation = make.innovation(title="Vélo cargo", featured_rank=1)
    with app.app_context():
        cache = public_cache()
    now = [1000.0]
    monkeypatch.setattr(cache, "clock", lambda: now[0])
    assert "Vélo cargo" in client.get("/").text
    # Another process: its own engine, whose commits this worker does not hear about.
    other = sa.create_engine(database_url)
    with other.begin() as connection:
        connection.execute(
            sa.update(Innovation.__table__)
            .where(Innovation.__table__.c.id == innovation.id)
            .values(title="Vélo cargo électrique")
        )
    other.dispose()
    now[0] += cache.check_seconds / 2
    assert "Vélo cargo électrique" not in client.get("/").text  # not checked again yet
    now[0] += cache.check_seconds
    assert "Vélo cargo électrique" in client.get("/").text


def test_seat_counts_on_the_home_page_follow_registrations(client, make):
    event_ = make.event(title="Atelier smartphone", capacity=3)
    assert "3 places restantes" in client.get("/").text
    make.registration(event_)
    assert "2 places restantes" in client.get("/").text
    make.registration(event_)
    make.registration(event_)
    html = client.get("/").text
    assert "Atelier smartphone" not in html  # full: no longer among events with seats left


def test_pages_answer_304_to_a_matching_etag_and_gzip_to_browsers(client, make):
    make.innovation(title="Vélo cargo", featured_rank=1)
    first = client.get("/innovations")
    etag = first.headers["ETag"]
    again = client.get("/innovations", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    zipped = client.get("/innovations", headers={"Accept-Encoding": "gzip, br"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["Vary"]
    assert gzip.decompress(zipped.data) == first.data
    assert zipped.headers["ETag"] != etag


def test_logged_in_people_and_pending_messages_bypass_the_cache(client, make, app):
    make.innovation(title="Vélo cargo", featured_rank=1)
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "Message pour vous seul")]
    assert "Message pour vous seul" in client.get("/").text
    assert "Message pour vous seul" not in app.test_client().get("/").text
    make.user(email="alex@example.org", name="Alex Martin")
    client.login("alex@example.org")
    response = client.get("/innovations")
    assert response.headers["Cache-Control"] == "no-store"
    assert "Se déconnecter" in response.text
    assert "Se déconnecter" not in app.test_client().get("/innovations").text


def test_each_language_has_its_own_cached_page(app, make):
    make.innovation(title="Vélo cargo", featured_rank=1)
    french, english = app.test_client(), app.test_client()
    english.set_cookie("hub_lang", "en")
    for _ in range(2):
        assert '<html lang="fr">' in french.get("/").text
        assert '<html lang="en">' in english.get("/").text
        assert '<html lang="en">' in french.get("/?lang=en").text
    assert english.head("/").status_code == 200


def test_a_cached_page_keeps_the_security_headers(client, make):
    make.innovation(title="Vélo cargo", featured_rank=1)
    client.get("/innovations")
    response = client.get("/innovations")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["Vary"] == "Accept-Encoding, Cookie, HX-Request"


def test_demo_days_are_asked_for_only_of_what_was_shown_at_one_and_follow_changes(
    app, client, make
):
    startup = make.startup("Cyclopolis", slug="cyclopolis")
    innovation = make.innovation(startup, slug="velo-cargo", title="Vélo cargo")
    shown = make.innovation(slug="capteur", title="Capteur d'air")
    slot = make.slot(theme="Journée démo mobilité")
    make.application(slot, innovation=shown, state=ApplicationState.CONFIRMED)
    client.get("/innovations/velo-cargo")  # the worker learns who was shown at a demo day

    def statements_for(path: str) -> int:
        with counted_statements(app) as statements:
            assert client.get(path).status_code == 200
        return len(statements)

    assert statements_for("/innovations/capteur") == statements_for("/innovations/velo-cargo") + 1
    assert "Journée démo mobilité" not in client.get("/innovations/velo-cargo").text
    assert "Journée démo mobilité" not in client.get("/startups/cyclopolis").text
    make.application(slot, innovation=innovation, state=ApplicationState.CONFIRMED)
    assert "Journée démo mobilité" in client.get("/innovations/velo-cargo").text
    assert "Journée démo mobilité" in client.get("/startups/cyclopolis").text
