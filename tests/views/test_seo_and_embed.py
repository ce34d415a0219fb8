"""Sitemap, robots.txt, the Atom feed, page metadata, and the embeddable events widget."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest

from hub.models import EventState, utcnow
from hub.security import CONTENT_SECURITY_POLICY

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def published(make):
    startup = make.startup("ÉcoTrace", slug="ecotrace")
    partner = make.partner("French Tech", slug="french-tech")
    make.innovation(
        startup, slug="velo-cargo", title="Vélo cargo & co",
        summary="Des sites plus légers et plus sobres.",
    )  # fmt: skip
    make.innovation(startup, slug="brouillon", title="Brouillon", status="draft")
    event = make.event(title="Atelier <smartphone>", organisation=partner, capacity=12)
    make.event(title="Proposé", state=EventState.PROPOSED)
    return {"event": event, "partner": partner}


def test_the_sitemap_lists_every_public_address(client, published):
    response = client.get("/sitemap.xml")
    assert response.mimetype == "application/xml"
    root = ET.fromstring(response.data)  # noqa: S314 (our own output)
    assert root.tag == f"{SITEMAP}urlset"
    locations = [url.find(f"{SITEMAP}loc").text for url in root]
    assert locations[:8] == [
        "http://localhost/",
        "http://localhost/innovations",
        "http://localhost/startups",
        "http://localhost/partners",
        "http://localhost/events",
        "http://localhost/demo-days",
        "http://localhost/privacy",
        "http://localhost/accessibility",
    ]
    assert sorted(locations[8:]) == sorted(
        [
            "http://localhost/innovations/velo-cargo",
            "http://localhost/startups/ecotrace",
            "http://localhost/partners/french-tech",
            f"http://localhost/events/{published['event'].slug}",
        ]
    )
    lastmods = [url.find(f"{SITEMAP}lastmod") for url in root][8:]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d", lastmod.text) for lastmod in lastmods)


def test_robots_txt_points_to_the_sitemap_and_keeps_private_areas_out(client):
    response = client.get("/robots.txt")
    assert response.mimetype == "text/plain"
    lines = response.text.splitlines()
    assert lines[0] == "User-agent: *"
    for prefix in ("/staff/", "/account/", "/auth/", "/r/", "/embed/"):
        assert f"Disallow: {prefix}" in lines
    assert "Sitemap: http://localhost/sitemap.xml" in lines


def test_the_feed_is_atom_with_new_innovations_and_events(client, published):
    response = client.get("/feed.atom")
    assert response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.data)  # noqa: S314 (our own output)
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{required}") is not None
    entries = feed.findall(f"{ATOM}entry")
    titles = sorted(entry.find(f"{ATOM}title").text for entry in entries)
    assert titles == ["Atelier <smartphone>", "Vélo cargo & co"]
    for entry in entries:
        for required in ("id", "title", "updated", "link", "author"):
            assert entry.find(f"{ATOM}{required}") is not None
        assert entry.find(f"{ATOM}link").get("href").startswith("http://localhost/")


def test_public_pages_carry_their_metadata_and_language_alternates(client, published):
    html = client.get("/innovations/velo-cargo").text
    assert "<title>Vélo cargo &amp; co — ÉcoTrace · Atelier Hub</title>" in html
    assert '<meta name="description" content="Des sites plus légers et plus sobres.">' in html
    assert '<link rel="canonical" href="http://localhost/innovations/velo-cargo">' in html
    assert (
        '<link rel="alternate" hreflang="en" href="http://localhost/innovations/velo-cargo?lang=en">'
        in html
    )
    assert '<link rel="alternate" hreflang="x-default"' in html
    assert '<meta property="og:title" content="Vélo cargo &amp; co — ÉcoTrace">' in html
    assert '<meta property="og:url" content="http://localhost/innovations/velo-cargo">' in html
    assert '<meta property="og:locale" content="fr_FR">' in html
    for path in ("/", "/innovations"):
        page = client.get(path).text
        assert f'<link rel="canonical" href="http://localhost{path}">' in page
        assert '<meta property="og:description" content="' in page


def test_lang_in_the_address_chooses_the_language_without_a_cookie(client, published):
    response = client.get("/innovations?lang=en")
    assert '<html lang="en">' in response.text
    assert "Search innovations" in response.text
    assert '<link rel="canonical" href="http://localhost/innovations?lang=en">' in response.text
    assert "Set-Cookie" not in response.headers
    assert '<html lang="fr">' in client.get("/innovations").text


def test_the_widget_lists_a_partners_upcoming_events_and_may_be_framed(client, make, published):
    make.event(title="Autre atelier")  # hosted by nobody: not in this partner's widget
    make.event(
        title="Passé", organisation=published["partner"], starts_at=utcnow() - timedelta(days=3)
    )
    response = client.get("/embed/events?host=french-tech")
    assert response.status_code == 200
    html = response.text
    assert "Atelier &lt;smartphone&gt;" in html
    assert "Autre atelier" not in html and "Passé" not in html
    assert f'href="http://localhost/events/{published["event"].slug}" target="_blank"' in html
    assert "12 places restantes" in html
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors *" in policy
    assert "script-src" not in policy  # no script at all
    assert "X-Frame-Options" not in response.headers
    assert "Set-Cookie" not in response.headers
    assert "<script" not in html
    everything = client.get("/embed/events").text
    assert "Autre atelier" in everything


def test_an_unknown_or_startup_host_is_not_found(client, make, published):
    make.startup("ÉcoTrace bis", slug="startup-host")
    assert client.get("/embed/events?host=nobody").status_code == 404
    assert client.get("/embed/events?host=startup-host").status_code == 404


@pytest.mark.parametrize(
    "path", ["/", "/innovations", "/innovations/velo-cargo", "/api/v1/innovations", "/feed.atom"]
)
def test_no_other_page_may_be_framed(client, published, path):
    response = client.get(path)
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
