"""Races on real server processes (gunicorn, two workers), on SQLite and on PostgreSQL.

Each guarded race has a control: the same requests served by the tests' entry point without
the locks, with a pause between the check and the write, which must show the race is real.
"""

from __future__ import annotations

import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from http.cookiejar import CookieJar

import pytest
import sqlalchemy as sa

from hub.extensions import db
from hub.models import Event, EventState, Registration, RegistrationState
from tests.support import DEFAULT_PASSWORD, UNGUARDED_APP, csrf_from, gunicorn_server

pytestmark = pytest.mark.slow

PEOPLE, SEATS = 50, 10


class Browser:
    """One visitor: its own cookies and CSRF token, like a separate browser."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()), NoRedirect()
        )
        self.token = ""

    def get(self, path: str) -> tuple[int, str]:
        return self._open(urllib.request.Request(self.base_url + path))  # noqa: S310

    def open_form(self, path: str) -> None:
        status, body = self.get(path)
        assert status == 200, (path, status)
        self.token = csrf_from(body)

    def post(self, path: str, data: dict, htmx_target: str | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode({"csrf_token": self.token, **data}).encode()
        request = urllib.request.Request(  # noqa: S310 (a local test server)
            self.base_url + path, data=body, method="POST"
        )
        if htmx_target:
            request.add_header("HX-Request", "true")
            request.add_header("HX-Target", htmx_target)
        return self._open(request)

    def _open(self, request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def all_at_once(calls):
    """Run the calls in parallel threads, released together by a barrier."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait()
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def register_everyone(base_url: str, slug: str, emails: list[str]):
    browsers = []
    for email in emails:
        browser = Browser(base_url)
        browser.open_form(f"/events/{slug}/register")
        browsers.append((browser, email))
    calls = [
        (lambda b=browser, e=email: b.post(
            f"/events/{slug}/register",
            {"name": e.split("@")[0], "email": e, "consent": "y"},
            htmx_target="registration",
        ))
        for browser, email in browsers
    ]  # fmt: skip
    return all_at_once(calls)


def registrations(app, event_id):
    with app.app_context():
        rows = db.session.scalars(
            sa.select(Registration)
            .where(Registration.event_id == event_id)
            .order_by(Registration.id)
        ).all()
        db.session.expunge_all()
        return rows


def test_fifty_people_for_ten_seats_end_ten_confirmed_and_forty_waitlisted_in_order(
    app, make, database_url
):
    event = make.event(capacity=SEATS, title="Atelier très demandé")
    emails = [f"person{index:02d}@example.org" for index in range(PEOPLE)]
    with gunicorn_server(database_url, workers=2) as url:
        responses = register_everyone(url, event.slug, emails)
    assert [status for status, _body in responses].count(200) == PEOPLE
    outcomes = {}
    for email, (_status, body) in zip(emails, responses, strict=True):
        match = re.search(r'data-state="(\w+)"(?: data-position="(\d+)")?', body)
        assert match, body[:500]
        outcomes[email] = (match.group(1), int(match.group(2) or 0))
    rows = registrations(app, event.id)
    assert len(rows) == PEOPLE
    assert [r.state for r in rows] == [RegistrationState.CONFIRMED] * SEATS + [
        RegistrationState.WAITLISTED
    ] * (PEOPLE - SEATS)
    # Each waitlisted person was told their true place in the queue, in arrival order.
    waitlisted = [r for r in rows if r.state == RegistrationState.WAITLISTED]
    assert [outcomes[r.email] for r in waitlisted] == [
        ("waitlisted", position) for position in range(1, PEOPLE - SEATS + 1)
    ]
    assert sorted(r.created_at for r in waitlisted) == [r.created_at for r in waitlisted]
    assert sorted(outcomes[r.email][0] for r in rows[:SEATS]) == ["confirmed"] * SEATS


def test_control_without_the_lock_seats_are_overbooked(app, make, database_url):
    # Requests handled in lockstep pairs could land exactly on the capacity by chance, so the
    # control gets a few rounds to show the race; one over-booking proves it is real.
    confirmed_per_round = []
    with gunicorn_server(database_url, workers=2, app=UNGUARDED_APP, RACE_PAUSE="0.2") as url:
        for round_ in range(3):
            event = make.event(capacity=SEATS, title=f"Contrôle {round_}")
            emails = [f"person{index:02d}.{round_}@example.org" for index in range(PEOPLE)]
            register_everyone(url, event.slug, emails)
            rows = registrations(app, event.id)
            confirmed_per_round.append(sum(r.state == RegistrationState.CONFIRMED for r in rows))
            if confirmed_per_round[-1] > SEATS:
                break
    assert max(confirmed_per_round) > SEATS, confirmed_per_round


def test_simultaneous_registrations_with_one_email_keep_one(app, make, database_url):
    event = make.event(capacity=SEATS)
    with gunicorn_server(database_url, workers=2) as url:
        responses = register_everyone(url, event.slug, ["same@example.org"] * 12)
    assert [status for status, _body in responses] == [200] * 12
    bodies = [body for _status, body in responses]
    assert sum("déjà inscrite" in body for body in bodies) == 11
    assert [(r.email, r.state) for r in registrations(app, event.id)] == [
        ("same@example.org", RegistrationState.CONFIRMED)
    ]


def publish_both(app, make, database_url, app_module="wsgi:app", **env):
    staff = make.staff(email="staff@atelier.example")
    space = make.space()
    first = make.event(space, state=EventState.PROPOSED, title="Premier")
    second = make.event(
        space, state=EventState.PROPOSED, title="Second", starts_in=timedelta(days=7, hours=1)
    )
    with gunicorn_server(database_url, workers=2, app=app_module, **env) as url:
        browser = Browser(url)
        browser.open_form("/auth/login")
        status, _body = browser.post(
            "/auth/login", {"email": staff.email, "password": DEFAULT_PASSWORD}
        )
        assert status == 303
        browser.open_form(f"/account/events/{first.id}")
        responses = all_at_once(
            [
                lambda: browser.post(f"/staff/events/{first.id}/publish", {}),
                lambda: browser.post(f"/staff/events/{second.id}/publish", {}),
            ]
        )
    with app.app_context():
        states = db.session.scalars(sa.select(Event.state).order_by(Event.id)).all()
    return sorted(status for status, _body in responses), states


def test_two_clashing_events_published_at_once_leave_one_published(app, make, database_url):
    statuses, states = publish_both(app, make, database_url)
    assert statuses == [303, 422]
    assert sorted(states) == [EventState.PROPOSED, EventState.PUBLISHED]


def test_control_without_the_room_lock_both_are_published(app, make, database_url):
    statuses, states = publish_both(
        app, make, database_url, app_module=UNGUARDED_APP, RACE_PAUSE="0.3"
    )
    assert statuses == [303, 303]
    assert states == [EventState.PUBLISHED, EventState.PUBLISHED]
