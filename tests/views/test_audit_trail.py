"""The audit trail for staff: a sentence per entry in the reader's language, with links,
filters by who, kind and date, and pages."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from hub.audit_sentences import SENTENCES
from hub.domain import audit
from hub.extensions import db
from hub.models import ApplicationState, AuditEntry, Event, User
from tests.support import ROOT


def recorded_codes() -> set[str]:
    """Every action code the code records, the f-string ones expanded."""
    codes = set()
    for path in (ROOT / "hub").rglob("*.py"):
        text = path.read_text()
        codes |= set(re.findall(r'(?:record|apply_changes)\(\s*\w+,\s*"([a-z_]+\.[a-z_]+)"', text))
        codes |= set(re.findall(r'"(event\.cohost_(?:accepted|declined))"', text))
        codes |= set(re.findall(r'"(user\.(?:activated|deactivated))"', text))
        codes |= set(re.findall(r'"(feedback\.(?:changed|given))"', text))
        codes |= set(re.findall(r'audit\.record\(\s*\w+,\s*"([a-z_]+\.[a-z_]+)"', text))
        codes |= set(re.findall(r'^\s+"([a-z]+\.[a-z_]+)",\s*$', text, re.MULTILINE)) & {
            "event.message_sent",
            "event.cancelled",
            "innovation.featured_moved",
            "organisation.invitation_revoked",
            "organisation.member_removed",
            "organisation.ownership_transferred",
        }
    codes |= {f"innovation.{state}" for state in ("published", "archived", "draft")}
    codes |= {f"application.{state.value}" for state in ApplicationState} - {"application.draft"}
    codes |= {"registration.confirmed", "registration.waitlisted"}
    return codes


def test_every_recorded_action_has_its_sentence():
    codes = recorded_codes()
    assert len(codes) > 50
    assert sorted(codes - set(SENTENCES)) == []


@pytest.fixture
def trail(app, make):
    """Marie accepts to co-host an event; a visitor registers; staff publish the event."""
    marie = make.user(email="marie@ecole.example", name="Marie Dupont")
    staff = make.staff(email="staff@atelier.example", name="Camille Staff")
    event = make.event(title="Atelier <tableur>")
    registration = make.registration(event, name="Ana Lima", email="ana@example.org")
    with app.app_context():
        marie, staff = db.session.get(User, marie.id), db.session.get(User, staff.id)
        event = db.session.get(Event, event.id)
        registration = db.session.get(type(registration), registration.id)
        moments = [datetime(2027, 1, day, 9, 0, tzinfo=UTC) for day in (5, 6, 7)]
        entries = [
            audit.record(marie, "event.cohost_accepted", event, organisation="ecole"),
            audit.record(None, "registration.confirmed", registration, event=event.id),
            audit.record(staff, "event.published", event),
        ]
        for entry, moment in zip(entries, moments, strict=True):
            entry.created_at = moment
        db.session.commit()
        return {"staff_id": staff.id, "event_id": event.id}


TITLE = "«\u00a0Atelier &lt;tableur&gt;\u00a0»"


def sentences(html: str) -> list[str]:
    found = re.findall(r"<li>\s*<time[^>]*>[^<]*</time>\s*<p>(.*?)</p>", html, re.DOTALL)
    return [re.sub(r"[ \t\n]+", " ", sentence).strip() for sentence in found]


def test_each_entry_reads_as_a_sentence_with_links_in_french(client, trail):
    client.login("staff@atelier.example")
    html = client.get("/staff/audit").text
    event_id = trail["event_id"]
    assert sentences(html) == [
        '<a href="/staff/users?q=staff@atelier.example">Camille Staff</a> a publié '
        f'<a href="/account/events/{event_id}">{TITLE}</a>.',
        "Une personne a inscrit "
        f'<a href="/account/events/{event_id}/attendees?q=ana@example.org">Ana Lima</a> '
        f'à <a href="/account/events/{event_id}">{TITLE}</a>, avec une place.',
        '<a href="/staff/users?q=marie@ecole.example">Marie Dupont</a> a accepté de '
        f'co-organiser <a href="/account/events/{event_id}">{TITLE}</a>.',
    ]
    assert "event.cohost_accepted" not in html and "removed:" not in html
    assert "5 janv. 2027, 10 h 00" in html  # the short style, in the display zone


def test_the_trail_speaks_english_to_an_english_reader(client, trail):
    client.login("staff@atelier.example")
    html = client.get("/staff/audit?lang=en").text
    event_link = f'<a href="/account/events/{trail["event_id"]}">“Atelier &lt;tableur&gt;”</a>'
    assert sentences(html)[0].endswith(f"</a> published {event_link}.")
    assert "accepted to co-host" in sentences(html)[2]


def test_filters_by_who_kind_and_date(client, trail):
    client.login("staff@atelier.example")

    def count(query: str) -> int:
        response = client.get(f"/staff/audit?{query}")
        assert response.status_code == 200
        return len(sentences(response.text))

    assert count("actor=marie") == 1
    assert count("actor=MARIE%40ECOLE") == 1
    assert count("kind=registration") == 1
    assert count("kind=event") == 2
    assert count("first=2027-01-06") == 2
    assert count("first=2027-01-06&last=2027-01-06") == 1
    assert count("kind=event&actor=camille&last=2027-01-06") == 0
    # Hostile or broken input is ignored, never a 500.
    assert count("kind=nonsense&first=yesterday&actor=") == 3  # NUL bytes: 400 before any view
    page = client.get("/staff/audit?kind=event&actor=marie").text
    assert '<option value="event" selected>Événements</option>' in page
    assert 'value="marie"' in page


def test_the_trail_is_paged_and_keeps_its_filters(client, app, make, trail):
    with app.app_context():
        staff = db.session.get(User, trail["staff_id"])
        for _ in range(52):
            audit.record(staff, "user.activated", staff)
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id))) == 55
    client.login("staff@atelier.example")
    first = client.get("/staff/audit?kind=user").text
    assert len(sentences(first)) == 50
    assert 'href="/staff/audit?page=2&amp;kind=user" rel="next"' in first
    assert len(sentences(client.get("/staff/audit?page=2&kind=user").text)) == 2
    second = client.get("/staff/audit?page=2").text
    assert len(sentences(second)) == 5


def test_only_staff_read_the_trail(client, make, trail):
    member = make.user(email="member@example.org")
    assert client.get("/staff/audit").status_code == 302
    client.login(member.email)
    assert client.get("/staff/audit").status_code == 404
