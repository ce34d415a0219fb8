"""Input no person types never answers 500: ids and numbers beyond any column, Unicode digits,
NUL bytes, bytes that are not UTF-8, a forged preference cookie. Each is a 404 or a 400,
changes nothing and logs nothing at ERROR level."""

from __future__ import annotations

import logging
import warnings

import pytest
import sqlalchemy as sa

from hub.extensions import db
from hub.models import Application, Registration, User


@pytest.fixture
def no_error_logged(caplog):
    caplog.set_level(logging.WARNING)
    yield
    assert [
        record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR
    ] == []


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


@pytest.mark.usefixtures("no_error_logged")
@pytest.mark.parametrize(
    "path",
    [
        "/demo-days/100000000000000000000",
        "/demo-days/99999999999",  # over PostgreSQL's INTEGER
        "/demo-days/2147483648",
        "/demo-days/%C2%B2",  # ²
        "/demo-days/%D9%A3",  # an Arabic-Indic 3, a digit to Python's int()
        "/demo-days/" + "9" * 5000,
    ],
)
def test_an_id_beyond_any_row_is_not_found(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.usefixtures("no_error_logged")
def test_the_largest_id_a_column_holds_is_still_looked_up(client):
    assert client.get("/demo-days/2147483647").status_code == 404


@pytest.mark.usefixtures("no_error_logged")
@pytest.mark.parametrize("event_id", ["100000000000000000000", "99999999999", "%C2%B2"])
@pytest.mark.parametrize("suffix", ["", "/edit", "/attendees", "/attendees.csv"])
def test_an_event_id_beyond_any_row_is_not_found_for_its_host(client, make, event_id, suffix):
    user = make.user(email="host@example.org")
    make.partner("Fabrique", owner=user)
    client.login("host@example.org")
    assert client.get(f"/account/events/{event_id}{suffix}").status_code == 404


@pytest.mark.usefixtures("no_error_logged")
@pytest.mark.parametrize(
    "query",
    ["page=100000000000000000000", "page=%C2%B2", "per_page=%C2%B2", "per_page=" + "9" * 5000],
)
@pytest.mark.parametrize(
    "path", ["/events", "/innovations", "/startups", "/partners", "/demo-days"]
)
def test_a_page_number_beyond_any_page_shows_the_first(client, path, query):
    assert client.get(f"{path}?{query}").status_code == 200


@pytest.mark.usefixtures("no_error_logged")
@pytest.mark.parametrize("query", ["page=100000000000000000000", "per_page=%C2%B2"])
def test_the_api_refuses_a_page_number_it_cannot_read(client, query):
    assert client.get(f"/api/v1/events?{query}").status_code == 400


@pytest.mark.usefixtures("no_error_logged")
@pytest.mark.parametrize(
    "path",
    [
        "/startups?q=%00",
        "/events?q=a%00b",
        "/embed/events?host=%00",
        "/events/%00",
        "/innovations/a%00b",
        "/events?q=%FF%FE",  # not UTF-8
        "/api/v1/startups?q=%00",
        "/api/v1/partners?q=a%0A",  # a final newline too, which a Python `$` lets through
        "/api/v1/startups?q=%0A",
    ],
)
def test_a_nul_byte_or_bytes_that_are_not_text_are_a_bad_request(client, path):
    assert client.get(path).status_code == 400


@pytest.mark.usefixtures("no_error_logged")
def test_a_path_that_is_not_utf_8_is_a_bad_request(client):
    # As a server passes /startups/%C3%28 on: its bytes, as latin-1 (the test client would
    # have replaced them already).
    response = client.get("/startups/x", environ_overrides={"PATH_INFO": "/startups/\xc3("})
    assert response.status_code == 400


@pytest.mark.usefixtures("no_error_logged")
def test_a_nul_byte_in_a_registration_is_refused_and_registers_no_one(app, client, make):
    event = make.event(title="Atelier NUL")
    response = client.submit(
        f"/events/{event.slug}/register",
        {"name": "Sam\x00", "email": "sam@example.org", "consent": "y"},
    )
    assert response.status_code == 400
    assert count(app, Registration) == 0


@pytest.mark.usefixtures("no_error_logged")
@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/auth/login", {"email": "alex@example.org\x00", "password": "x"}),
        ("/auth/register", {"name": "Alex", "email": "a\x00@example.org", "password": "x" * 12}),
        ("/auth/reset", {"email": "\x00"}),
    ],
)
def test_a_nul_byte_in_an_account_form_is_refused(app, client, path, data):
    assert client.submit(path, data).status_code == 400
    assert count(app, User) == 0


@pytest.mark.usefixtures("no_error_logged")
@pytest.mark.parametrize("cookie", ["9" * 5000, "²", "0.².-3." + "7" * 30, "." * 5000, "%00"])
def test_a_forged_interest_cookie_is_ignored(client, make, cookie):
    innovation = make.innovation(title="ÉcoTrace")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the test client's "cookie too large"
        client.set_cookie("hub_interested", cookie)
    assert client.get(f"/innovations/{innovation.slug}").status_code == 200
    response = client.submit(f"/innovations/{innovation.slug}/interest")
    assert response.status_code == 303
    assert client.get_cookie("hub_interested").value == str(innovation.id)


@pytest.mark.usefixtures("no_error_logged")
@pytest.mark.parametrize("number", ["100000000000000000000", "99999999999", "-99999999999"])
def test_a_number_beyond_the_database_in_a_form_is_an_error_beside_its_field(
    app, client, make, number
):
    owner = make.user(email="owner@example.org")
    startup = make.startup("ÉcoTrace", owner=owner)
    make.innovation(startup, "Vélo cargo")
    slot = make.slot()
    client.login(owner.email)
    response = client.submit(
        f"/manage/{startup.slug}/applications/new?slot={slot.id}",
        {"slot_id": str(slot.id), "innovation_id": number, "pitch": "Une démo."},
    )
    assert response.status_code == 422
    assert "Ce nombre est trop grand." in response.text
    assert count(app, Application) == 0
