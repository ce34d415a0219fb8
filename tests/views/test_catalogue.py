"""The catalogue, the innovation page and its "I'm interested" button."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from hub.extensions import db
from hub.models import ApplicationState, AuditEntry, Innovation, utcnow


def titles(html: str) -> list[str]:
    return re.findall(r'<h2><a href="/innovations/[^"]+">([^<]+)</a></h2>', html)


@pytest.fixture
def thirty(make):
    """Thirty innovations, "Capteur 01" the oldest; every third one is about energy."""
    startup = make.startup("ÉcoTrace", slug="ecotrace")
    start = utcnow() - timedelta(days=2)
    for n in range(1, 31):
        make.innovation(
            startup,
            slug=f"capteur-{n:02d}",
            title=f"Capteur {n:02d}" + (" d'énergie" if n % 3 == 0 else ""),
            tags=["Énergie"] if n % 3 == 0 else ["Climat"],
            published_at=start + timedelta(minutes=n),
        )


def test_the_catalogue_lists_24_innovations_with_plain_links_to_the_next_page(client, thirty):
    response = client.get("/innovations")
    assert response.status_code == 200
    html = response.text
    assert titles(html)[:2] == ["Capteur 30 d&#39;énergie", "Capteur 29"]
    assert len(titles(html)) == 24
    assert '<p id="result-count" class="result-count" role="status" aria-live="polite"' in html
    assert "30 innovations." in html
    assert 'href="/innovations?page=2" rel="next"' in html
    assert 'hx-trigger="revealed"' in html
    second = client.get("/innovations?page=2").text
    assert titles(second) == [f"Capteur {n:02d}" + (" d&#39;énergie" if n % 3 == 0 else "")
                              for n in range(6, 0, -1)]  # fmt: skip
    assert 'rel="prev"' in second
    assert 'hx-trigger="revealed"' not in second


def test_a_search_without_javascript_is_a_plain_get_form(client, thirty):
    html = client.get("/innovations?q=ENERGIE").text
    assert '<search>\n  <form class="catalogue-search" method="get" action="/innovations"' in html
    assert 'value="ENERGIE"' in html
    assert len(titles(html)) == 10
    assert "10 innovations correspondent à votre recherche." in html
    assert '<meta name="robots" content="noindex, follow">' in html


def test_the_live_search_follows_typing_pasting_and_autofill(client):
    html = client.get("/innovations").text
    assert 'hx-trigger="input changed delay:200ms, search"' in html
    assert "keyup" not in html


def test_the_live_search_answers_with_the_results_and_the_count_only(client, thirty):
    response = client.get(
        "/innovations?q=energie", headers={"HX-Request": "true", "HX-Target": "search-results"}
    )
    html = response.text
    assert "<html" not in html
    assert '<span id="result-count" hx-swap-oob="innerHTML">' in html
    assert "10 innovations correspondent à votre recherche." in html
    assert len(titles(html)) == 10
    assert "HX-Request" in response.headers["Vary"]


def test_scrolling_loads_the_next_items_and_a_new_trigger(client, thirty):
    html = client.get(
        "/innovations?page=2&sort=az", headers={"HX-Request": "true", "HX-Target": "load-more"}
    ).text
    assert html.lstrip().startswith("<li>")
    assert "result-count" not in html
    assert len(titles(html)) == 6
    assert "load-more" not in html  # the last page has no next one
    first = client.get(
        "/innovations?sort=az&q=capteur", headers={"HX-Request": "true", "HX-Target": "load-more"}
    ).text
    assert 'hx-get="/innovations?page=2&amp;q=capteur&amp;sort=az"' in first


def test_filters_combine_and_show_in_the_form(client, make, thirty):
    other = make.startup("Cyclopolis", slug="cyclopolis", city="Rennes")
    make.innovation(other, slug="velo", title="Vélo d'énergie", tags=["Énergie"])
    html = client.get("/innovations?q=energie&tag=Énergie&city=Rennes").text
    assert titles(html) == ["Vélo d&#39;énergie"]
    assert '<option value="Rennes" selected>' in html
    assert '<option value="Énergie" selected>' in html
    assert "1 innovation correspond à votre recherche." in html


def test_an_empty_search_says_what_to_try(client, thirty):
    html = client.get("/innovations?q=introuvable").text
    assert "Aucune innovation ne correspond à cette recherche" in html
    assert 'href="/innovations">Voir toutes les innovations' in html
    assert "Aucune innovation ne correspond à votre recherche." in html


def test_the_catalogue_is_empty_before_anything_is_published(client):
    html = client.get("/innovations").text
    assert "Aucune innovation n’est encore publiée" in html


def test_public_pages_create_no_session_and_carry_no_csrf_token(client, make, thirty):
    for path in ("/", "/innovations", "/innovations?q=eco", "/api/v1/innovations"):
        response = client.get(path)
        assert "Set-Cookie" not in response.headers, path
        assert "csrf" not in response.text.lower(), path


def test_the_innovation_page_shows_its_startup_and_demo_days(client, make):
    startup = make.startup("Cyclopolis", slug="cyclopolis", tagline="Des vélos partagés")
    innovation = make.innovation(
        startup, slug="velo-cargo", title="Vélo cargo", description="**Robuste**."
    )
    slot = make.slot(theme="Journée démo mobilité")
    make.application(slot, innovation=innovation, state=ApplicationState.CONFIRMED)
    html = client.get("/innovations/velo-cargo").text
    assert "<h1>Vélo cargo</h1>" in html
    assert "<strong>Robuste</strong>" in html
    assert '<a href="/startups/cyclopolis"><strong>Cyclopolis</strong></a>' in html
    assert "Journée démo mobilité" in html
    assert '<meta property="og:type" content="article">' in html
    assert "Soyez la première personne à dire que cela vous intéresse." in html


@pytest.mark.parametrize("status", ["draft", "archived"])
def test_an_unpublished_innovation_is_not_found(client, make, status):
    make.innovation(slug="secret", status=status)
    assert client.get("/innovations/secret").status_code == 404
    assert client.get("/innovations/nope").status_code == 404


def test_interest_counts_once_per_browser(client, make, app):
    innovation = make.innovation(slug="velo-cargo", title="Vélo cargo")
    page = client.get("/innovations/velo-cargo")
    assert "Set-Cookie" not in page.headers  # its form's token needs no session
    response = client.hx("POST", "/innovations/velo-cargo/interest", target="interest")
    assert response.status_code == 200
    assert "1 personne est intéressée." in response.text
    assert "Vous êtes intéressé·e" in response.text
    assert "hub_interested=" in response.headers["Set-Cookie"]
    again = client.hx("POST", "/innovations/velo-cargo/interest", target="interest")
    assert "1 personne est intéressée." in again.text
    assert "Vous êtes intéressé·e" in client.get("/innovations/velo-cargo").text
    with app.app_context():
        assert db.session.get(Innovation, innovation.id).interest_count == 1
        actions = db.session.scalars(sa.select(AuditEntry.action)).all()
        assert actions == ["innovation.interest"]


def test_interest_without_javascript_redirects_back_with_a_message(client, make):
    make.innovation(slug="velo-cargo")
    response = client.submit("/innovations/velo-cargo/interest")
    assert response.status_code == 303
    assert response.headers["Location"] == "/innovations/velo-cargo"
    html = client.get("/innovations/velo-cargo").text
    assert "Merci\u202f! La startup saura que vous êtes intéressé·e." in html
    assert "1 personne est intéressée." in html


def test_interest_needs_the_csrf_token(client, make, app):
    innovation = make.innovation(slug="velo-cargo")
    assert client.post("/innovations/velo-cargo/interest").status_code == 400
    with app.app_context():
        assert db.session.get(Innovation, innovation.id).interest_count == 0


def test_interest_is_rate_limited(client, make, settings):
    make.innovation(slug="velo-cargo")
    settings(RATELIMIT_INTEREST="3/minute")
    codes = []
    for _ in range(4):
        client.delete_cookie("hub_interested")
        codes.append(client.submit("/innovations/velo-cargo/interest").status_code)
    assert codes == [303, 303, 303, 429]


def test_interest_changes_only_that_innovations_count_not_the_content_version(client, make, app):
    innovation = make.innovation(slug="velo-cargo", title="Vélo cargo")
    catalogue = client.get("/innovations")
    versions = sa.text("SELECT id, value FROM content_version ORDER BY id")
    with app.app_context():
        before = db.session.execute(versions).all()
        updated_at = db.session.get(Innovation, innovation.id).updated_at
    client.get("/innovations/velo-cargo")
    response = client.hx("POST", "/innovations/velo-cargo/interest", target="interest")
    assert response.status_code == 200
    with app.app_context():
        assert db.session.execute(versions).all() == before
        again = db.session.get(Innovation, innovation.id)
        assert (again.interest_count, again.updated_at) == (1, updated_at)
    # The cached catalogue is still served as it was; the innovation's page shows the count.
    assert client.get("/innovations").headers["ETag"] == catalogue.headers["ETag"]
    assert "1 personne est intéressée." in client.get("/innovations/velo-cargo").text
    with app.app_context():
        db.session.execute(
            sa.update(Innovation).where(Innovation.id == innovation.id).values(title="Vélo")
        )
        db.session.commit()
        assert db.session.execute(versions).all()[0][1] == before[0][1] + 1


def form_token_of(html: str) -> str:
    return re.search(r'name="form_token" value="([^"]+)"', html).group(1)


def test_an_anonymous_visitor_gets_no_cookie_and_a_form_token_that_only_this_site_can_use(
    client, make, app
):
    make.innovation(slug="velo-cargo")
    other = make.innovation(slug="autre")
    page = client.get("/innovations/velo-cargo")
    assert "Set-Cookie" not in page.headers
    assert 'name="csrf_token"' not in page.text and "X-CSRFToken" not in page.text
    token = form_token_of(page.text)
    other_token = form_token_of(client.get("/innovations/autre").text)
    url = "/innovations/velo-cargo/interest"
    same = {"Sec-Fetch-Site": "same-origin"}
    refused = [
        client.post(url, data={"form_token": token}),  # no sign of where it comes from
        client.post(url, data={"form_token": token}, headers={"Sec-Fetch-Site": "cross-site"}),
        client.post(url, data={"form_token": token}, headers={"Origin": "https://evil.example"}),
        client.post(url, data={"form_token": token}, headers={"Referer": "https://evil.example/"}),
        client.post(url, data={"form_token": other_token}, headers=same),
        client.post(url, data={"form_token": token + "x"}, headers=same),
    ]  # fmt: skip
    assert [response.status_code for response in refused] == [400] * 6
    with app.app_context():
        assert db.session.get(Innovation, other.id).interest_count == 0
    origin = app.config["PUBLIC_URL"].rstrip("/")
    accepted = client.post(
        url, data={"form_token": token}, headers={"Origin": origin, "HX-Request": "true"}
    )
    assert accepted.status_code == 200
    assert "1 personne est intéressée." in accepted.text
    assert "hub_session" not in accepted.headers.get("Set-Cookie", "")
    client.delete_cookie("hub_interested")
    again = client.post(url, data={"form_token": token}, headers={"Sec-Fetch-Site": "same-origin"})
    assert again.status_code == 303


def test_a_form_token_expires(client, make, settings):
    make.innovation(slug="velo-cargo")
    token = form_token_of(client.get("/innovations/velo-cargo").text)
    settings(FORM_TOKEN_MAX_AGE=-1)
    response = client.post(
        "/innovations/velo-cargo/interest",
        data={"form_token": token},
        headers={"Sec-Fetch-Site": "same-origin"},
    )
    assert response.status_code == 400


def test_public_pages_set_no_cookie_for_an_anonymous_visitor(client, make):
    startup = make.startup("Cyclopolis", slug="cyclopolis")
    make.innovation(startup, slug="velo-cargo")
    event_slug = make.event(title="Atelier").slug
    for path in (
        "/",
        "/innovations",
        "/innovations/velo-cargo",
        "/startups/cyclopolis",
        "/events",
        f"/events/{event_slug}",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "Set-Cookie" not in response.headers, path
