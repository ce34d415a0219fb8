"""Simultaneous accepts and confirmations against real server processes never overbook.

The app runs under gunicorn (two worker processes, four threads each) on the suite's
database, SQLite file or PostgreSQL, and every request is fired at once from threads. The
control runs the same race on the tests' entry point without the locks, to prove the race
is real.
"""

from __future__ import annotations

import threading
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.cookiejar import CookieJar

import pytest
import sqlalchemy as sa

from hub.extensions import db
from hub.models import Application, ApplicationState
from tests.support import DEFAULT_PASSWORD, UNGUARDED_APP, csrf_from, gunicorn_server

pytestmark = pytest.mark.slow
HOLDING = (ApplicationState.ACCEPTED, ApplicationState.CONFIRMED)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Session:
    """One person's browser: cookies, CSRF token, no redirects followed."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()), _NoRedirect()
        )
        self.token = ""

    def request(self, method: str, path: str, data: dict | None = None, htmx: bool = False):
        body = urllib.parse.urlencode(data or {}).encode() if method == "POST" else None
        request = urllib.request.Request(  # noqa: S310  (our own local server)
            self.base_url + path, data=body, method=method
        )
        if htmx:
            request.add_header("HX-Request", "true")
            request.add_header("X-CSRFToken", self.token)
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.read().decode()

    def login(self, email: str) -> Session:
        _status, page = self.request("GET", "/auth/login")
        status, _ = self.request(
            "POST",
            "/auth/login",
            {"csrf_token": csrf_from(page), "email": email, "password": DEFAULT_PASSWORD},
        )
        assert status == 303, f"login failed for {email}"
        _status, page = self.request("GET", "/account/")
        self.token = csrf_from(page)
        return self


def fire_together(calls) -> list[tuple[int, str]]:
    """Run the calls at the same instant, one thread each; returns their answers in order."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait()
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def holding_seats(app, slot_id: int) -> int:
    with app.app_context():
        count = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Application)
            .where(Application.slot_id == slot_id, Application.state.in_(HOLDING))
        )
        db.session.remove()
        return count


def accept(staff: Session, application_id: int):
    return lambda: staff.request(
        "POST",
        f"/staff/showcase/applications/{application_id}/decide",
        {"decision": "accept", "message": ""},
        htmx=True,
    )


def test_simultaneous_accepts_fill_exactly_the_seats(make, app, database_url):
    seats = 3
    staff_user = make.staff()
    slot = make.slot(seats=seats)
    applications = [make.application(slot) for _ in range(12)]
    with gunicorn_server(database_url) as base_url:
        staff = Session(base_url).login(staff_user.email)
        answers = fire_together([accept(staff, a.id) for a in applications])

    statuses = sorted(status for status, _ in answers)
    assert statuses == [200] * seats + [409] * (len(applications) - seats)
    refusals = [body for status, body in answers if status == 409]
    assert all("Toutes les places de ce créneau (3) sont prises" in body for body in refusals)
    assert holding_seats(app, slot.id) == seats


def test_simultaneous_confirmations_withdrawals_and_accepts_keep_the_seat_count(
    make, app, database_url
):
    seats = 3
    staff_user = make.staff()
    slot = make.slot(seats=seats)
    owners = [make.user() for _ in range(3)]
    startups = [make.startup(owner=owner) for owner in owners]
    seated = [
        make.application(slot, startup, state=ApplicationState.ACCEPTED) for startup in startups
    ]
    waitlisted = [
        make.application(slot, state=ApplicationState.WAITLISTED, waitlisted_minutes_ago=10 - i)
        for i in range(4)
    ]
    submitted = [make.application(slot) for _ in range(6)]
    with gunicorn_server(database_url) as base_url:
        staff = Session(base_url).login(staff_user.email)
        members = [Session(base_url).login(owner.email) for owner in owners]
        slugs = [startup.slug for startup in startups]

        def startup_action(index: int, action: str):
            return lambda: members[index].request(
                "POST",
                f"/manage/{slugs[index]}/applications/{seated[index].id}/{action}",
                {"csrf_token": members[index].token},
            )

        calls = [
            startup_action(0, "confirm"),
            startup_action(0, "confirm"),  # a double click
            startup_action(1, "confirm"),
            startup_action(2, "withdraw"),
            *[accept(staff, a.id) for a in waitlisted + submitted],
        ]
        answers = fire_together(calls)

    assert all(status < 500 for status, _ in answers), [s for s, _ in answers]
    assert holding_seats(app, slot.id) == seats
    with app.app_context():
        state = {a.id: db.session.get(Application, a.id).state for a in seated}
        db.session.remove()
    assert state == {
        seated[0].id: ApplicationState.CONFIRMED,
        seated[1].id: ApplicationState.CONFIRMED,
        seated[2].id: ApplicationState.WITHDRAWN,
    }


def test_control_without_the_guard_the_same_race_overbooks(make, app, database_url):
    """Proves the test above can fail: without the slot's lock, the seats counted in a
    transaction of their own and a pause before taking one, seats are overbooked."""
    staff_user = make.staff()
    overbooked = []
    with gunicorn_server(database_url, app=UNGUARDED_APP, RACE_PAUSE="0.3") as base_url:
        staff = Session(base_url).login(staff_user.email)
        for _attempt in range(5):
            slot = make.slot(seats=1)
            applications = [make.application(slot) for _ in range(6)]
            answers = fire_together([accept(staff, a.id) for a in applications])
            assert all(status < 500 for status, _ in answers)
            overbooked.append(holding_seats(app, slot.id))
            if overbooked[-1] > 1:
                break
    print(f"control: seats held per attempt for a 1-seat slot: {overbooked}")
    assert max(overbooked) > 1, f"seats held per attempt: {overbooked}"
