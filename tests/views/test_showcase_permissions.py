"""Who may open what: roles × URLs × objects. Another startup's objects answer 404."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from hub.models import ApplicationState

ROLES = ("anonymous", "other", "member", "owner", "staff")
LOGIN = 302  # anonymous visitors are sent to the login page


@dataclass
class World:
    users: dict
    ids: dict


@pytest.fixture
def world(make) -> World:
    owner, member, other, staff = make.user(), make.user(), make.user(), make.staff()
    ours = make.startup(owner=owner, members=(member,), slug="ours")
    theirs = make.startup(owner=other, slug="theirs")
    unverified = make.startup(verified=False, slug="unverified")
    slot = make.slot()
    our_innovation = make.innovation(ours)
    their_innovation = make.innovation(theirs)
    our_application = make.application(slot, ours, innovation=our_innovation)
    their_application = make.application(slot, theirs, innovation=their_innovation)
    return World(
        users={"owner": owner, "member": member, "other": other, "staff": staff},
        ids={
            "slot": slot.id,
            "our_innovation": our_innovation.id,
            "their_innovation": their_innovation.id,
            "our_application": our_application.id,
            "their_application": their_application.id,
            "unverified": unverified.slug,
        },
    )


def expect(anonymous, other, member, owner, staff) -> dict:
    return dict(zip(ROLES, (anonymous, other, member, owner, staff), strict=True))


MEMBERS_ONLY = expect(LOGIN, 404, 200, 200, 404)
MEMBERS_POST = expect(LOGIN, 404, 303, 303, 404)
NOT_OURS = expect(LOGIN, 404, 404, 404, 404)
STAFF_POST = expect(LOGIN, 404, 404, 404, 303)
STAFF_ONLY = expect(LOGIN, 404, 404, 404, 200)
EVERYONE = expect(200, 200, 200, 200, 200)
NOBODY = expect(404, 404, 404, 404, 404)
CASES = [
    ("GET", "/manage/ours", MEMBERS_ONLY),
    ("GET", "/manage/ours/profile", MEMBERS_ONLY),
    ("GET", "/manage/ours/innovations/new", MEMBERS_ONLY),
    ("GET", "/manage/ours/innovations/{our_innovation}", MEMBERS_ONLY),
    ("GET", "/manage/ours/applications/{our_application}", MEMBERS_ONLY),
    ("GET", "/manage/ours/applications/new?slot={slot}", expect(LOGIN, 404, 303, 303, 404)),
    # Another startup's objects through our own address: 404, never 403.
    ("GET", "/manage/ours/innovations/{their_innovation}", NOT_OURS),
    ("GET", "/manage/ours/applications/{their_application}", NOT_OURS),
    ("POST", "/manage/ours/innovations/{their_innovation}/status", NOT_OURS),
    ("POST", "/manage/ours/applications/{their_application}/withdraw", NOT_OURS),
    ("POST", "/manage/ours/applications/{our_application}/withdraw", MEMBERS_POST),
    ("POST", "/manage/ours/members/invite", expect(LOGIN, 404, 303, 303, 404)),
    ("GET", "/manage/theirs", expect(LOGIN, 200, 404, 404, 404)),
    ("GET", "/staff/showcase/applications", STAFF_ONLY),
    ("GET", "/staff/showcase/slots", STAFF_ONLY),
    ("GET", "/staff/showcase/slots/new", STAFF_ONLY),
    ("GET", "/staff/showcase/slots/{slot}/edit", STAFF_ONLY),
    ("GET", "/staff/organisations", STAFF_ONLY),
    ("POST", "/staff/showcase/applications/{their_application}/decide", STAFF_POST),
    ("POST", "/staff/showcase/slots/{slot}/close", STAFF_POST),
    # Stands, pitches, cards and reviews are the venue team's.
    ("GET", "/staff/showcase/slots/{slot}/programme", STAFF_ONLY),
    ("GET", "/staff/showcase/slots/{slot}/programme/cards", STAFF_ONLY),
    ("POST", "/staff/showcase/slots/{slot}/programme/place-all", STAFF_POST),
    ("POST", "/staff/showcase/applications/{their_application}/review", STAFF_POST),
    ("POST", "/staff/showcase/applications/bulk", STAFF_POST),
    # A submitted application holds no seat: no calendar of the day, no leads.
    ("GET", "/manage/ours/applications/{our_application}/demo-day.ics", NOT_OURS),
    ("GET", "/manage/ours/applications/{their_application}/leads.csv", NOT_OURS),
    ("GET", "/startups", EVERYONE),
    ("GET", "/startups/ours", EVERYONE),
    ("GET", "/startups/{unverified}", NOBODY),
    ("GET", "/demo-days", EVERYONE),
    ("GET", "/demo-days/{slot}", EVERYONE),
    ("GET", "/account/", expect(LOGIN, 200, 200, 200, 200)),
]  # fmt: skip


@pytest.mark.parametrize(
    ("method", "url", "expected"), CASES, ids=[f"{m} {u}" for m, u, _ in CASES]
)
def test_permission_matrix(client, world, method, url, expected):
    address = url.format(**world.ids)
    answers = {}
    for role in ROLES:
        client.logout()
        if role != "anonymous":
            client.login(world.users[role].email)
        if method == "GET":
            response = client.get(address)
        else:
            response = client.submit(address, {"decision": "waitlist", "email": "x@example.org"})
        answers[role] = response.status_code
    assert answers == expected


def test_another_startups_application_is_left_untouched(client, world, app):
    from hub.extensions import db
    from hub.models import Application

    client.login(world.users["owner"].email)
    client.submit(f"/manage/ours/applications/{world.ids['their_application']}/withdraw")
    with app.app_context():
        state = db.session.get(Application, world.ids["their_application"]).state
    assert state == ApplicationState.SUBMITTED
