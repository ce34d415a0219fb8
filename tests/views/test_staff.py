"""The back office: who may enter, the audit trail, the accounts list."""

from __future__ import annotations

import pytest

from hub.domain import audit
from hub.extensions import db
from hub.models import User

STAFF_PAGES = ["/staff/", "/staff/audit", "/staff/users"]


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_anonymous_visitors_are_asked_to_log_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login?next=")


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_members_do_not_see_the_back_office(client, make, path):
    make.user(email="alex@example.org")
    client.login("alex@example.org")
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_staff_see_the_back_office(client, make, path):
    make.staff(email="staff@example.org")
    client.login("staff@example.org")
    assert client.get(path).status_code == 200


def test_members_cannot_deactivate_anyone(client, make):
    make.user(email="alex@example.org")
    other = make.user(email="sam@example.org")
    client.login("alex@example.org")
    assert client.submit(f"/staff/users/{other.id}/active", {"active": "0"}).status_code == 404


def test_staff_cannot_deactivate_themselves(client, make):
    staff = make.staff(email="staff@example.org")
    client.login(staff.email)
    response = client.submit(
        f"/staff/users/{staff.id}/active", {"active": "0"}, follow_redirects=True
    )
    assert "Vous ne pouvez pas désactiver votre propre compte." in response.text
    assert client.get("/staff/").status_code == 200


def test_the_audit_trail_lists_and_filters_entries(app, client, make):
    staff = make.staff(email="staff@example.org")
    member = make.user(email="alex@example.org")
    with app.app_context():
        target = db.session.get(User, member.id)
        audit.record(target, "user.confirmed", target)
        audit.record(None, "demo.seeded", target, members=3)
        db.session.commit()
    client.login(staff.email)
    everything = client.get("/staff/audit").text
    assert "a confirmé son adresse e-mail." in everything
    assert "Atelier Hub a chargé le contenu de démonstration." in everything
    filtered = client.get("/staff/audit?action=demo.").text
    assert "a chargé le contenu de démonstration." in filtered
    assert "a confirmé son adresse e-mail." not in filtered
