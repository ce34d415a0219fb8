"""Headers, cookies, CSRF and rate limits on every kind of response."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from hub.extensions import db
from hub.models import User
from hub.security import CONTENT_SECURITY_POLICY
from tests.support import DEFAULT_PASSWORD

STATIC_FILE = "/static/vendor/htmx-2.0.11.min.js"


@pytest.mark.parametrize("path", ["/", "/auth/login", STATIC_FILE, "/no-such-page"])
def test_every_response_carries_the_security_headers(client, path):
    with client.get(path) as response:
        headers = response.headers
    assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in headers  # plain HTTP here


def test_the_content_security_policy_is_strict():
    directives = dict(
        directive.strip().split(" ", 1) for directive in CONTENT_SECURITY_POLICY.split(";")
    )
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY
    assert "unsafe-eval" not in CONTENT_SECURITY_POLICY


def test_over_https_responses_add_hsts_and_secure_cookies(client, make):
    make.user(email="alex@example.org")
    response = client.submit(
        "/auth/login",
        {"email": "alex@example.org", "password": DEFAULT_PASSWORD, "remember": "y"},
        base_url="https://localhost",
        # Over HTTPS the CSRF check also wants a same-origin Referer, as browsers send.
        headers={"Referer": "https://localhost/auth/login"},
    )
    assert response.status_code == 303
    assert response.headers["Strict-Transport-Security"].startswith("max-age=63072000")
    cookies = response.headers.getlist("Set-Cookie")
    assert {cookie.split("=")[0] for cookie in cookies} == {"hub_session", "hub_remember"}
    for cookie in cookies:
        assert "; Secure" in cookie
        assert "; HttpOnly" in cookie
        assert "SameSite=Lax" in cookie
    with client.get(STATIC_FILE, base_url="https://localhost") as static:
        assert "Strict-Transport-Security" in static.headers


def test_pages_for_a_logged_in_person_are_not_stored(client, make):
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")
    make.user(email="alex@example.org")
    client.login("alex@example.org")
    assert client.get("/").headers["Cache-Control"] == "no-store"


def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(client, app):
    response = client.post(
        "/auth/register",
        data={"name": "Eve", "email": "eve@example.org", "password": "long enough secret"},
    )
    assert response.status_code == 400
    assert "Ce formulaire a expiré" in response.text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_a_stale_csrf_token_is_refused(client, app):
    client.csrf_token()
    stale = client.csrf_token().replace(".", "x", 1)
    response = client.post("/auth/reset", data={"email": "a@example.org", "csrf_token": stale})
    assert response.status_code == 400


def test_an_htmx_post_without_the_token_shows_the_message_in_the_live_region(client, make):
    make.user(email="alex@example.org")
    client.login("alex@example.org")
    response = client.post("/auth/logout", headers={"HX-Request": "true"})
    assert response.status_code == 400
    assert response.headers["HX-Retarget"] == "#flash-messages"
    assert response.headers["HX-Reswap"] == "innerHTML"
    assert "<html" not in response.text
    assert "Ce formulaire a expiré" in response.text
    assert client.get("/account/").status_code == 200  # still logged in


def test_an_htmx_post_with_the_token_in_its_header_is_accepted(client, make):
    make.user(email="alex@example.org")
    client.login("alex@example.org")
    response = client.hx("POST", "/auth/logout")
    assert response.status_code == 303
    assert client.get("/account/").status_code == 302


def test_pages_carry_the_csrf_header_for_htmx_once_logged_in(client, make):
    assert "X-CSRFToken" not in client.get("/").text  # public pages keep no session
    assert client.get("/").headers.get("Set-Cookie") is None
    make.user(email="alex@example.org")
    client.login("alex@example.org")
    assert 'hx-headers=\'{"X-CSRFToken": "' in client.get("/").text


def test_the_sixth_failed_login_within_a_minute_is_answered_429(client, make):
    make.user(email="alex@example.org")
    for _attempt in range(5):
        response = client.submit(
            "/auth/login", {"email": "alex@example.org", "password": "wrong!!!"}
        )
        assert response.status_code == 422
    response = client.submit(
        "/auth/login", {"email": "alex@example.org", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 429
    assert "Trop de tentatives" in response.text
    assert "Retry-After" in response.headers


def test_successful_logins_do_not_count_towards_the_limit(client, make):
    make.user(email="alex@example.org")
    for _attempt in range(7):
        client.login("alex@example.org")
        client.logout()


def test_sign_up_and_reset_are_rate_limited(client, app):
    limit = int(app.config["RATELIMIT_PUBLIC_FORM"].split()[0])
    for attempt in range(limit):
        response = client.submit("/auth/reset", {"email": f"p{attempt}@example.org"})
        assert response.status_code == 303
    assert client.submit("/auth/reset", {"email": "last@example.org"}).status_code == 429


def test_responses_say_they_vary_on_htmx(client):
    assert "HX-Request" in client.get("/").headers["Vary"]


def test_an_htmx_request_gets_only_the_block_it_targets(client, make):
    staff = make.staff(email="staff@example.org")
    client.login(staff.email)
    fragment = client.hx("GET", "/staff/users?q=staff", target="user-list")
    assert fragment.status_code == 200
    assert "<html" not in fragment.text
    assert "staff@example.org" in fragment.text
    assert "HX-Request" in fragment.headers["Vary"]
    for header in ("HX-Boosted", "HX-History-Restore-Request"):
        whole = client.hx("GET", "/staff/users", target="user-list", headers={header: "true"})
        assert "<html" in whole.text
