"""Error pages in the layout, as messages for htmx, and as JSON where JSON is wanted."""

from __future__ import annotations

import pytest

from hub import create_app
from tests.support import HubClient


def test_an_unknown_page_answers_404_in_the_layout(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "<h1>Page introuvable</h1>" in response.text
    assert 'href="#main"' in response.text  # the whole layout, skip link included


def test_an_htmx_request_for_an_unknown_page_gets_a_message_for_the_live_region(client):
    response = client.hx("GET", "/no-such-page", target="user-list")
    assert response.status_code == 404
    assert response.headers["HX-Retarget"] == "#flash-messages"
    assert response.text.strip().startswith('<p class="flash flash-error" role="alert">')


def test_a_json_client_gets_json_errors(client):
    response = client.get("/no-such-page", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.get_json()["error"]["status"] == 404


def test_a_method_not_allowed_keeps_the_allow_header(client):
    response = client.put("/healthz")  # exempt from CSRF, so routing answers
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


@pytest.fixture
def failing_app(app):
    """A separate app on the same database, with a view that crashes."""
    broken = create_app({**app.config, "TESTING": False, "PROPAGATE_EXCEPTIONS": False})
    broken.test_client_class = HubClient

    @broken.get("/boom")
    def boom():
        raise RuntimeError("kaboom")

    return broken


def test_an_unexpected_error_answers_a_friendly_500(failing_app):
    response = failing_app.test_client().get("/boom")
    assert response.status_code == 500
    assert "Un problème est survenu" in response.text
    assert "kaboom" not in response.text
