"""A forged Host header never ends up in a link the site sends out; with TRUSTED_HOSTS set,
a request for any other host is refused.

Every link of an email, a feed, the sitemap, a calendar file, a QR code or the API is built
from PUBLIC_URL (hub/links.py).
"""

from __future__ import annotations

import pytest

from hub.models import Registration
from tests.support import emails

FORGED = "forged-host.invalid"
PUBLIC = "https://atelier.example"


@pytest.fixture
def public_address(settings):
    # A forged host carries no session cookie: CSRF is not what these tests are about.
    settings(PUBLIC_URL=PUBLIC, WTF_CSRF_ENABLED=False)


@pytest.fixture
def published(make):
    partner = make.partner("Fabrique", slug="fabrique")
    startup = make.startup("ÉcoTrace", slug="ecotrace")
    make.innovation(startup, "Vélo cargo", slug="velo-cargo")
    event = make.event(organisation=partner, title="Atelier", slug="atelier")
    registration = make.registration(event, email="sam@example.org")
    make.slot()
    return {"event": event, "registration": registration}


def forged_post(client, path: str, data: dict):
    return client.post(path, data=data, base_url=f"http://{FORGED}")


def assert_public_links_only(text: str) -> None:
    assert FORGED not in text
    assert PUBLIC in text


@pytest.mark.usefixtures("public_address")
def test_a_sign_up_confirmation_links_to_the_public_address(app, client):
    data = {"name": "Alex", "email": "alex@example.org", "password": "correct horse battery"}
    assert forged_post(client, "/auth/register", data).status_code == 303
    [message] = emails(app, "alex@example.org")
    assert f"{PUBLIC}/auth/confirm/" in message.body_text
    assert FORGED not in message.body_text


@pytest.mark.usefixtures("public_address")
def test_a_registration_email_its_private_link_and_files_use_the_public_address(app, client, make):
    event = make.event(title="Atelier", slug="atelier")
    data = {"name": "Sam", "email": "sam@example.org", "consent": "y"}
    assert forged_post(client, f"/events/{event.slug}/register", data).status_code == 303
    [message] = emails(app, "sam@example.org")
    assert f"{PUBLIC}/r/" in message.body_text
    assert FORGED not in message.body_text
    for attachment in message.attachments:
        content = attachment["content"]
        assert (FORGED.encode() if isinstance(content, bytes) else FORGED) not in content
    calendar = next(a for a in message.attachments if a["filename"].endswith(".ics"))
    assert f"URL:{PUBLIC}/events/atelier" in calendar["content"]


@pytest.mark.usefixtures("public_address", "published")
@pytest.mark.parametrize(
    "path",
    [
        "/robots.txt",
        "/sitemap.xml",
        "/feed.atom",
        "/events.ics",
        "/events/atelier.ics",
        "/api/v1/events",
        "/api/v1/events/atelier",
        "/api/v1/innovations",
        "/api/v1/startups?page=1",
        "/api/v1/demo-days",
        "/api/openapi.json",
        "/embed/events?host=fabrique",
        "/events",
    ],
)
def test_what_the_site_publishes_links_to_the_public_address(client, path):
    response = client.get(path, headers={"Host": FORGED})
    assert response.status_code == 200
    assert_public_links_only(response.get_data(as_text=True))


@pytest.mark.usefixtures("public_address")
def test_a_registrations_calendar_file_and_qr_code_ignore_the_host(app, client, published):
    from hub.calendars import registration_qr_svg

    token = published["registration"].token
    calendar = client.get(f"/r/{token}.ics", headers={"Host": FORGED})
    assert_public_links_only(calendar.get_data(as_text=True))
    qr = client.get(f"/r/{token}/qr.svg", headers={"Host": FORGED})
    assert qr.status_code == 200
    # The code drawn in a request for a forged host is the one drawn outside any request.
    with app.app_context():
        from hub.extensions import db

        registration = db.session.get(Registration, published["registration"].id)
        assert qr.get_data(as_text=True) == registration_qr_svg(registration)


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/"), ("GET", "/events"), ("GET", "/feed.atom"), ("POST", "/auth/reset")],
)
def test_with_trusted_hosts_a_foreign_host_is_refused_and_nothing_is_sent(
    app, client, make, settings, method, path
):
    settings(TRUSTED_HOSTS=["atelier.example"], WTF_CSRF_ENABLED=False)
    make.user(email="alex@example.org")
    data = {"email": "alex@example.org"} if method == "POST" else None
    response = client.open(path, method=method, data=data, headers={"Host": FORGED})
    assert response.status_code == 400
    assert emails(app) == []
    allowed = client.open(path, method=method, data=data, headers={"Host": "atelier.example"})
    assert allowed.status_code in (200, 303)
