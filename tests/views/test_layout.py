"""The layout around every page: its header and footer, kept once per language by each worker
for anonymous visitors, still mark the current page and follow the reader."""

from __future__ import annotations


def header_of(page: str) -> str:
    return page.split('<header class="site-header">')[1].split("</header>")[0]


def test_the_header_marks_the_page_being_read_on_each_address(client):
    catalogue = header_of(client.get("/innovations").text)
    agenda = header_of(client.get("/events").text)
    assert '<a href="/innovations" aria-current="page">' in catalogue
    assert '<a href="/events">' in catalogue
    assert '<a href="/events" aria-current="page">' in agenda
    assert '<a href="/innovations">' in agenda


def test_the_layout_follows_the_language_of_each_request(client):
    french = client.get("/innovations").text
    english = client.get("/innovations?lang=en").text
    assert ">Se connecter</a>" in header_of(french)
    assert ">Log in</a>" in header_of(english)
    assert "Accessibilité\u00a0: partiellement conforme" in french.split("<footer")[1]
    assert "Accessibility: partially compliant" in english.split("<footer")[1]
    assert ">Données personnelles</a>" in french.split("<footer")[1]
    assert ">Privacy notice</a>" in english.split("<footer")[1]


def test_a_member_gets_their_own_header_after_anonymous_visitors_of_the_same_page(client, make):
    assert ">Se connecter</a>" in header_of(client.get("/events").text)
    make.user(email="alex@example.org")
    client.login("alex@example.org")
    header = header_of(client.get("/events").text)
    assert ">Se connecter</a>" not in header
    assert 'name="csrf_token" value="' in header
    assert ">Se déconnecter</button>" in header
