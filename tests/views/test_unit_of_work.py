"""One unit of work per request: the edge commits or rolls back, and answers a refusal."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import request

from hub import create_app
from hub.domain.errors import Conflict
from hub.extensions import db
from hub.models import User
from tests.support import HubClient


@pytest.fixture(scope="module")
def refusing_app(app):
    """A separate app on the same database whose views write, then are refused."""
    refusing = create_app({**app.config, "WTF_CSRF_ENABLED": False})
    refusing.test_client_class = HubClient

    @refusing.route("/refuse", methods=["GET", "POST"])
    def refuse():
        # A page view never writes (tests/views/test_read_only_pages.py): only a form does.
        if request.method == "POST":
            db.session.add(User(email="half@example.org", name="Half", password_hash="x"))
            db.session.flush()
        raise Conflict("Nope, not now.")

    @refusing.post("/accept")
    def accept():
        db.session.add(User(email="whole@example.org", name="Whole", password_hash="x"))
        return "", 204

    yield refusing
    with refusing.app_context():
        db.session.remove()
        db.engine.dispose()


def stored_emails(app) -> list[str]:
    with app.app_context():
        return db.session.scalars(sa.select(User.email).order_by(User.email)).all()


def test_a_successful_post_is_committed_once_the_view_returns(refusing_app):
    assert refusing_app.test_client().post("/accept").status_code == 204
    assert stored_emails(refusing_app) == ["whole@example.org"]


def test_a_refused_form_post_goes_back_with_the_message_and_nothing_half_saved(refusing_app):
    client = refusing_app.test_client()
    response = client.post("/refuse", headers={"Referer": "http://localhost/events?kind=talk"})
    assert (response.status_code, response.headers["Location"]) == (303, "/events?kind=talk")
    assert "Nope, not now." in client.get("/events").text
    assert stored_emails(refusing_app) == []


def test_a_refused_htmx_request_gets_the_message_in_the_live_region(refusing_app):
    response = refusing_app.test_client().post("/refuse", headers={"HX-Request": "true"})
    assert response.status_code == 409
    assert response.headers["HX-Retarget"] == "#flash-messages"
    assert "Nope, not now." in response.text
    assert stored_emails(refusing_app) == []


def test_a_refusal_answers_json_to_a_json_client_and_a_page_to_a_get(refusing_app):
    client = refusing_app.test_client()
    answer = client.post("/refuse", headers={"Accept": "application/json"})
    assert answer.status_code == 409
    assert answer.get_json()["error"]["message"] == "Nope, not now."
    page = client.get("/refuse")
    assert page.status_code == 409 and "Nope, not now." in page.text
    assert stored_emails(refusing_app) == []


def test_the_language_link_changes_no_stored_data_the_next_change_keeps_it(client, app, make):
    user = make.user(email="alex@example.org", locale="fr")
    event = make.event(capacity=5)
    client.login(user.email)
    client.get("/language/en")
    with app.app_context():
        assert db.session.get(User, user.id).locale == "fr"
    response = client.submit(
        f"/events/{event.slug}/register",
        {"name": "Alex", "email": "alex@example.org", "consent": "y"},
    )
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(User, user.id).locale == "en"
