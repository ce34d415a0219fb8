"""Backstage: partners propose and co-host, staff decide, hosts see attendees and check in."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from hub.extensions import db
from hub.models import (
    AuditEntry,
    CoHostState,
    Event,
    EventHost,
    EventState,
    Registration,
    RegistrationState,
    ShowcaseSlot,
    SlotStatus,
    utcnow,
)
from hub.timezones import utc_to_local
from tests.support import counted_statements, emails


def local(days: int, hour: int) -> str:
    """A datetime-local form value, in the venue's time, some days from now."""
    day = (utcnow() + timedelta(days=days)).date()
    return f"{day.isoformat()}T{hour:02d}:00"


def proposal(space, organisation=None, **overrides):
    data = {
        "title": "Initiation à l'IA générative",
        "kind": "workshop",
        "audience": "professionals",
        "language": "fr",
        "description": "Découvrir les outils, **sans jargon**.",
        "space_id": str(space.id),
        "starts_at": local(10, 14),
        "ends_at": local(10, 16),
        "capacity": "12",
        "registration_opens_at": "",
        "registration_closes_at": "",
    }
    if organisation is not None:
        data["organisation"] = str(organisation.id)
    data.update(overrides)
    return data


def load(app, model, **where):
    with app.app_context():
        query = sa.select(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        rows = db.session.scalars(query.order_by(model.id)).all()
        db.session.expunge_all()
        return rows


def audit_actions(app):
    with app.app_context():
        return db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)).all()


@pytest.fixture
def world(make):
    """Two verified partners with a member each, an unverified one, staff, a room."""

    class World:
        pass

    w = World()
    w.alice = make.user(email="alice@cci.example", name="Alice Chambre")
    w.bruno = make.user(email="bruno@ecole.example", name="Bruno École", locale="en")
    w.carla = make.user(email="carla@asso.example", name="Carla Asso")
    w.dora = make.user(email="dora@example.org", name="Dora Membre")
    w.staff = make.staff(email="staff@atelier.example")
    w.chamber = make.partner("Chambre de commerce", owner=w.alice)
    w.school = make.partner("École de design", owner=w.bruno)
    w.pending = make.partner("Association en attente", verified=False, owner=w.carla)
    w.space = make.space(capacity=40)
    return w


def test_a_partner_member_proposes_an_event(client, app, world):
    client.login(world.alice.email)
    assert client.get("/account/events/new").status_code == 200
    response = client.submit("/account/events/new", proposal(world.space, world.chamber))
    assert response.status_code == 303
    (event,) = load(app, Event)
    assert response.headers["Location"] == f"/account/events/{event.id}"
    assert event.state == EventState.PROPOSED
    assert event.organisation_id == world.chamber.id
    # 14:00 in Paris, some days ahead: 13:00 or 12:00 UTC depending on the season.
    assert event.starts_at.hour in (12, 13)
    assert (event.ends_at - event.starts_at) == timedelta(hours=2)
    assert audit_actions(app) == ["event.proposed"]
    dashboard = client.get("/account/").get_data(as_text=True)
    assert "Initiation à l&#39;IA générative" in dashboard and "En attente d'examen" in dashboard


def test_a_proposal_is_checked_and_shown_again_with_errors(client, app, world):
    client.login(world.alice.email)
    response = client.submit(
        "/account/events/new",
        proposal(world.space, world.chamber, ends_at=local(10, 13), capacity="500"),
    )
    assert response.status_code == 422
    assert "L&#39;événement doit finir après son début." in response.get_data(as_text=True)
    assert load(app, Event) == []


def test_members_of_unverified_partners_and_others_cannot_propose(client, world):
    client.login(world.carla.email)
    assert client.get("/account/events/new").status_code == 404
    client.logout()
    client.login(world.dora.email)
    assert client.get("/account/events/new").status_code == 404
    assert client.submit("/account/events/new", proposal(world.space)).status_code == 404


def test_a_partner_edits_its_proposal_but_not_once_published(client, app, make, world):
    event = make.event(world.space, world.chamber, state=EventState.PROPOSED)
    client.login(world.alice.email)
    data = proposal(world.space, title="Titre revu")
    data.pop("organisation", None)
    assert client.submit(f"/account/events/{event.id}/edit", data).status_code == 303
    assert load(app, Event)[0].title == "Titre revu"
    published = make.event(world.space, world.chamber, starts_in=timedelta(days=20))
    assert client.get(f"/account/events/{published.id}/edit").status_code == 404


def test_invite_a_cohost_who_accepts_inline(client, app, make, world):
    event = make.event(world.space, world.chamber, state=EventState.PROPOSED)
    client.login(world.alice.email)
    response = client.submit(
        f"/account/events/{event.id}/cohosts", {"organisation": str(world.school.id)}
    )
    assert response.status_code == 303
    (host,) = load(app, EventHost)
    assert host.state == CoHostState.INVITED
    (invitation,) = emails(app, recipient=world.bruno.email)
    assert invitation.kind == "event_cohost_invitation" and invitation.locale == "en"
    assert invitation.subject.startswith("Invitation to co-host")
    unverified = client.submit(
        f"/account/events/{event.id}/cohosts", {"organisation": str(world.pending.id)}
    )
    assert unverified.status_code == 422
    client.logout()

    client.login(world.bruno.email)
    # Invited, not yet accepted: the event is visible, its attendees are not.
    assert client.get(f"/account/events/{event.id}").status_code == 200
    assert client.get(f"/account/events/{event.id}/attendees").status_code == 404
    assert f"invitation-{host.id}" in client.get("/account/").get_data(as_text=True)
    answer = client.hx(
        "POST",
        f"/account/invitations/{host.id}",
        target=f"invitation-{host.id}",
        data={"answer": "accept"},
    )
    assert answer.status_code == 200
    body = answer.get_data(as_text=True)
    assert body.strip().startswith(f'<div id="invitation-{host.id}"')
    assert "You now co-host" in body
    assert load(app, EventHost)[0].state == CoHostState.ACCEPTED
    assert client.get(f"/account/events/{event.id}/attendees").status_code == 200
    again = client.hx("POST", f"/account/invitations/{host.id}", data={"answer": "decline"})
    assert again.status_code == 200
    assert "This invitation has already been answered." in again.get_data(as_text=True)
    assert load(app, EventHost)[0].state == CoHostState.ACCEPTED
    assert audit_actions(app) == ["event.cohost_invited", "event.cohost_accepted"]


def test_accepting_an_invitation_adds_the_event_to_the_dashboards_table(client, make, world):
    event = make.event(world.space, world.chamber, title="Atelier tableur")
    host = make.cohost(event, world.school, state=CoHostState.INVITED)
    client.login(world.bruno.email)
    assert (
        "Atelier tableur"
        not in client.get("/account/").get_data(as_text=True).split('id="my-events"')[1]
    )
    answer = client.hx(
        "POST",
        f"/account/invitations/{host.id}",
        target=f"invitation-{host.id}",
        data={"answer": "accept"},
    ).get_data(as_text=True)
    table = answer.split('<div id="my-events" hx-swap-oob="true">')[1]
    assert f'<a href="/account/events/{event.id}">Atelier tableur</a>' in table


def test_accepting_on_the_events_page_loads_it_again(client, make, world):
    event = make.event(world.space, world.chamber, state=EventState.PROPOSED)
    host = make.cohost(event, world.school, state=CoHostState.INVITED)
    client.login(world.bruno.email)
    answer = client.hx(
        "POST",
        f"/account/invitations/{host.id}",
        target=f"invitation-{host.id}",
        data={"answer": "accept", "back": "event"},
    )
    assert answer.status_code == 200
    assert answer.headers["HX-Location"] == f"/account/events/{event.id}"


def test_a_cohost_declines_without_javascript(client, app, make, world):
    event = make.event(world.space, world.chamber, state=EventState.PROPOSED)
    host = make.cohost(event, world.school, state=CoHostState.INVITED)
    client.login(world.bruno.email)
    response = client.submit(f"/account/invitations/{host.id}", {"answer": "decline"})
    assert response.status_code == 303 and response.headers["Location"] == "/account/"
    assert load(app, EventHost)[0].state == CoHostState.DECLINED
    assert client.get(f"/account/events/{event.id}/attendees").status_code == 404


def test_staff_publish_a_proposal_and_the_hosts_are_told(client, app, make, world):
    event = make.event(world.space, world.chamber, state=EventState.PROPOSED)
    make.cohost(event, world.school)
    client.login(world.staff.email)
    assert event.title in client.get("/staff/").get_data(as_text=True)
    response = client.submit(f"/staff/events/{event.id}/publish")
    assert response.status_code == 303
    (published,) = load(app, Event)
    assert published.state == EventState.PUBLISHED and published.published_at is not None
    mails = emails(app)
    assert sorted((m.recipient, m.kind, m.locale) for m in mails) == [
        ("alice@cci.example", "event_published", "fr"),
        ("bruno@ecole.example", "event_published", "en"),
    ]
    assert client.get(f"/events/{event.slug}").status_code == 200


def test_publication_is_refused_when_the_room_is_taken(client, app, make, world):
    other = make.event(world.space, title="Conférence déjà là")
    clash = make.event(
        world.space,
        world.chamber,
        state=EventState.PROPOSED,
        starts_in=timedelta(days=7, hours=1),
    )
    client.login(world.staff.email)
    response = client.submit(f"/staff/events/{clash.id}/publish")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert '<div class="form-errors" role="alert">' in page
    assert "La salle est déjà réservée pour « Conférence déjà là »" in page
    assert [e.state for e in load(app, Event)] == [other.state, EventState.PROPOSED]


def test_a_proposal_that_double_books_the_room_is_refused_beside_the_room(client, app, make, world):
    other = make.event(world.space, title="Conférence déjà là", starts_in=timedelta(days=10))
    client.login(world.alice.email)
    with app.app_context():
        taken = db.session.get(Event, other.id)
        start = utc_to_local(taken.starts_at, taken.space.venue)
    data = proposal(
        world.space,
        world.chamber,
        starts_at=start.strftime("%Y-%m-%dT%H:%M"),
        ends_at=(start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
    )
    response = client.submit("/account/events/new", data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    error = page.split('id="space_id-error" class="field-error">')[1].split("</small>")[0]
    assert error.startswith("La salle est déjà réservée pour « Conférence déjà là » du ")
    assert 'value="Initiation à l&#39;IA générative"' in page  # what was typed is kept
    assert len(load(app, Event)) == 1
    # Another room, or another time, is accepted.
    later = dict(data, starts_at=local(11, 14), ends_at=local(11, 16))
    assert client.submit("/account/events/new", later).status_code == 303


def test_publication_is_refused_when_a_demo_slot_holds_the_room(client, app, make, world):
    event = make.event(world.space, world.chamber, state=EventState.PROPOSED)
    with app.app_context():
        db.session.add(
            ShowcaseSlot(
                space_id=world.space.id,
                starts_at=event.starts_at - timedelta(minutes=30),
                ends_at=event.starts_at + timedelta(minutes=30),
                seats=4,
                application_deadline=event.starts_at - timedelta(days=2),
                theme="Santé connectée",
                status=SlotStatus.OPEN,
            )
        )
        db.session.commit()
    client.login(world.staff.email)
    response = client.submit(f"/staff/events/{event.id}/publish")
    assert response.status_code == 422
    assert "Santé connectée" in response.get_data(as_text=True)
    assert load(app, Event)[0].state == EventState.PROPOSED


def test_staff_reject_with_a_message(client, app, make, world):
    event = make.event(world.space, world.chamber, state=EventState.PROPOSED)
    client.login(world.staff.email)
    empty = client.submit(f"/staff/events/{event.id}/reject", {"message": " "})
    assert empty.status_code == 422
    response = client.submit(
        f"/staff/events/{event.id}/reject", {"message": "La salle est en travaux."}
    )
    assert response.status_code == 303
    (rejected,) = load(app, Event)
    assert rejected.state == EventState.REJECTED
    assert rejected.decision_message == "La salle est en travaux."
    (mail,) = emails(app)
    assert mail.kind == "event_rejected" and "La salle est en travaux." in mail.body_text


def test_staff_cancel_a_published_event_and_every_registrant_is_told(client, app, make, world):
    event = make.event(world.space, world.chamber, capacity=1)
    make.registration(event, email="one@example.org")
    make.registration(event, email="two@example.org", state=RegistrationState.WAITLISTED)
    make.registration(event, email="gone@example.org", state=RegistrationState.CANCELLED)
    client.login(world.staff.email)
    response = client.submit(f"/staff/events/{event.id}/cancel", {"message": "Grève des bus."})
    assert response.status_code == 303
    assert load(app, Event)[0].state == EventState.CANCELLED
    mails = emails(app, kind="event_cancelled")
    assert [m.recipient for m in mails] == ["one@example.org", "two@example.org"]
    assert all("Grève des bus." in m.body_text for m in mails)
    assert [m.recipient for m in emails(app, kind="event_cancelled_hosts")] == ["alice@cci.example"]
    page = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert "Cet événement est annulé." in page


def test_staff_create_an_event_directly(client, app, world):
    client.login(world.staff.email)
    data = proposal(world.space, organisation=world.school)
    response = client.submit("/staff/events/new", data)
    assert response.status_code == 303
    (event,) = load(app, Event)
    assert event.state == EventState.PUBLISHED
    assert event.organisation_id == world.school.id
    assert audit_actions(app) == ["event.created"]


def test_staff_move_a_published_event_and_registrants_are_told(client, app, make, world):
    event = make.event(world.space, world.chamber, capacity=1)
    make.registration(event, email="one@example.org")
    make.registration(event, email="two@example.org", state=RegistrationState.WAITLISTED)
    client.login(world.staff.email)
    data = proposal(world.space, starts_at=local(12, 9), ends_at=local(12, 11), capacity="2")
    response = client.submit(f"/account/events/{event.id}/edit", data)
    assert response.status_code == 303
    assert [r.state for r in load(app, Registration)] == [
        RegistrationState.CONFIRMED,
        RegistrationState.CONFIRMED,
    ]
    kinds = sorted((m.recipient, m.kind) for m in emails(app))
    assert kinds == [
        ("one@example.org", "event_moved"),
        ("two@example.org", "event_moved"),
        ("two@example.org", "event_registration_promoted"),
    ]


def test_attendee_list_searches_and_filters(client, make, world):
    event = make.event(world.space, world.chamber, capacity=2)
    make.registration(event, name="Zoé Martin", email="zoe@example.org")
    make.registration(event, name="Yanis Petit", email="yanis@example.org")
    make.registration(
        event, name="Xavier Roux", email="x@example.org", state=RegistrationState.WAITLISTED
    )
    client.login(world.alice.email)
    page = client.get(f"/account/events/{event.id}/attendees").get_data(as_text=True)
    assert all(name in page for name in ("Zoé Martin", "Yanis Petit", "Xavier Roux"))
    found = client.hx(
        "GET", f"/account/events/{event.id}/attendees?q=zoé", target="attendee-list"
    ).get_data(as_text=True)
    assert "Zoé Martin" in found and "Yanis Petit" not in found and "<html" not in found
    waiting = client.get(f"/account/events/{event.id}/attendees?state=waitlisted")
    assert "Xavier Roux" in waiting.get_data(as_text=True)
    assert "Zoé Martin" not in waiting.get_data(as_text=True)


def test_csv_export_neutralises_formulas(client, make, world):
    event = make.event(world.space, world.chamber, capacity=10)
    hostile = ['=HYPERLINK("http://x")', "+33 6 12", "-2+3", "@SUM(A1)", "\tTab", "\rCR"]
    for index, name in enumerate(hostile):
        make.registration(event, name=name, email=f"p{index}@example.org")
    client.login(world.alice.email)
    response = client.get(f"/account/events/{event.id}/attendees.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")  # so that spreadsheets read it as UTF-8
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"), newline="")))
    assert rows[0] == [
        "Nom",
        "E-mail",
        "Statut",
        "Inscrit·e le",
        "Arrivé·e à",
        "Souhaite des nouvelles",
    ]
    assert [row[0] for row in rows[1:]] == ["'" + name for name in hostile]
    assert [row[2] for row in rows[1:]] == ["Confirmée"] * 6


def test_the_attendee_export_speaks_the_readers_language_on_the_venues_clock(
    client, app, make, world
):
    event = make.event(world.space, world.chamber, capacity=10)
    ana = make.registration(event, name="Ana Lima", email="ana@example.org")
    make.registration(event, name="Zoé Martin", state=RegistrationState.WAITLISTED)
    with app.app_context():
        row = db.session.get(Registration, ana.id)
        # 13:05 UTC in January is 14:05 in Saint-Étienne.
        row.created_at = datetime(2027, 1, 8, 13, 5, tzinfo=UTC)
        row.attended_at = datetime(2027, 1, 9, 8, 30, tzinfo=UTC)
        row.state = RegistrationState.ATTENDED
        db.session.commit()
    client.login(world.alice.email)
    french = client.get(f"/account/events/{event.id}/attendees.csv")
    assert french.headers["Content-Disposition"] == (
        f'attachment; filename="{event.slug}-attendees.csv"'
    )
    rows = list(csv.reader(io.StringIO(french.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[1] == [
        "Ana Lima", "ana@example.org", "Venu·e", "08/01/2027 14:05", "09/01/2027 09:30", "non",
    ]  # fmt: skip
    assert rows[2][2:4] == ["Liste d'attente", rows[2][3]] and rows[2][4] == ""
    english = client.get(f"/account/events/{event.id}/attendees.csv?lang=en")
    rows = list(csv.reader(io.StringIO(english.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:3] == ["Name", "Email", "State"]
    assert rows[1][2:] == ["Attended", "08/01/2027 14:05", "09/01/2027 09:30", "no"]


def test_the_attendee_export_as_a_workbook_keeps_dates_and_booleans_typed(client, app, make, world):
    event = make.event(world.space, world.chamber, capacity=10)
    make.registration(event, name="=1+1", email="ana@example.org")
    client.login(world.alice.email)
    response = client.get(f"/account/events/{event.id}/attendees.xlsx")
    assert response.status_code == 200
    assert response.mimetype == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    workbook = zipfile.ZipFile(io.BytesIO(response.data))
    assert 'name="Participants"' in workbook.read("xl/workbook.xml").decode()
    sheet = workbook.read("xl/worksheets/sheet1.xml").decode()
    strings = workbook.read("xl/sharedStrings.xml").decode()
    assert "=1+1" in strings and "<f>" not in sheet
    assert '<c r="D2" s="' in sheet  # a date with its number format, not text
    assert '<c r="F2" t="b"><v>0</v></c>' in sheet  # no news of future trainings asked
    attendees_page = client.get(f"/account/events/{event.id}/attendees").text
    assert f'href="/account/events/{event.id}/attendees.xlsx"' in attendees_page
    assert client.get(f"/account/events/{event.id}/attendees.xlsx?lang=en").status_code == 200


def test_check_in_by_search_and_by_qr_code(client, app, make, world):
    event = make.event(world.space, world.chamber, capacity=2)
    zoe = make.registration(event, name="Zoé Martin")
    yan = make.registration(event, name="Yanis Petit")
    waiting = make.registration(event, name="Xavier", state=RegistrationState.WAITLISTED)
    client.login(world.alice.email)
    row = client.hx(
        "POST",
        f"/account/events/{event.id}/attendees/{zoe.id}/check-in",
        target=f"registration-{zoe.id}",
    )
    assert row.status_code == 200
    assert row.get_data(as_text=True).strip().startswith(f'<li id="registration-{zoe.id}"')
    # The QR code carries the check-in address with the check-in code.
    scanned = f"http://localhost/account/check-in?code={yan.check_in_code}"
    page = client.get(f"/account/check-in?code={scanned}")
    assert "Yanis Petit" in page.get_data(as_text=True)
    checked_in = client.submit("/account/check-in", {"code": yan.check_in_code})
    assert checked_in.status_code == 303
    assert checked_in.location == f"/account/check-in?code={yan.check_in_code}"
    assert client.submit("/account/check-in", {"code": "nope"}).status_code == 404
    refused = client.submit(f"/account/events/{event.id}/attendees/{waiting.id}/check-in")
    assert refused.status_code == 303
    states = {r.name: r.state for r in load(app, Registration)}
    assert states == {
        "Zoé Martin": RegistrationState.ATTENDED,
        "Yanis Petit": RegistrationState.ATTENDED,
        "Xavier": RegistrationState.WAITLISTED,
    }
    assert audit_actions(app) == ["registration.attended", "registration.attended"]


def test_a_check_in_at_the_door_answers_beside_the_person_with_the_counts(client, make, world):
    event = make.event(world.space, world.chamber, capacity=3)
    zoe = make.registration(event, name="Zoé Martin")
    make.registration(event, name="Yanis Petit")
    client.login(world.alice.email)
    answer = client.hx(
        "POST",
        f"/account/events/{event.id}/attendees/{zoe.id}/check-in",
        target=f"registration-{zoe.id}",
    ).get_data(as_text=True)
    row, _, out_of_band = answer.partition("</li>")
    assert "Zoé Martin est enregistré·e à l&#39;entrée." in row
    assert "Arrivé·e à" in row and 'data-state="attended"' in row
    assert (
        '<p id="attendee-counts" class="attendee-counts" hx-swap-oob="true">'
        "1 confirmé·e, 0 en liste d'attente, 1 venu·e, 0 annulé·e.</p>"
    ) in out_of_band
    assert 'id="check-in-announcement"' in out_of_band
    # Shown beside the person, so not again as a message on the next page.
    page = client.get(f"/account/events/{event.id}/attendees").get_data(as_text=True)
    assert "enregistré·e à l&#39;entrée" not in page

    again = client.hx(
        "POST",
        f"/account/events/{event.id}/attendees/{zoe.id}/check-in",
        target=f"registration-{zoe.id}",
    ).get_data(as_text=True)
    assert "Zoé Martin était déjà enregistré·e à l&#39;entrée." in again


def test_a_check_in_by_code_answers_in_place_with_the_counts(client, make, world):
    event = make.event(world.space, world.chamber, capacity=3)
    yan = make.registration(event, name="Yanis Petit")
    client.login(world.alice.email)
    page = client.get(f"/account/check-in?code={yan.token}").get_data(as_text=True)
    assert "1 confirmé·e, 0 en liste d'attente, 0 venu·e, 0 annulé·e." in page
    answer = client.hx(
        "POST", "/account/check-in", target="door-registration", data={"code": yan.token}
    ).get_data(as_text=True)
    assert answer.strip().startswith('<article id="door-registration"')
    assert "Yanis Petit est enregistré·e à l&#39;entrée." in answer
    assert "0 confirmé·e, 0 en liste d'attente, 1 venu·e, 0 annulé·e." in answer
    assert "<html" not in answer


def test_qr_code_of_another_partners_event_is_not_found(client, make, world):
    event = make.event(world.space, world.school)
    registration = make.registration(event, name="Personne Ailleurs")
    client.login(world.alice.email)
    for code in (registration.check_in_code, registration.token):
        page = client.get(f"/account/check-in?code={code}").get_data(as_text=True)
        assert "Personne Ailleurs" not in page
        assert "Aucune inscription à l'un de vos événements ne correspond à ce code." in page
        assert client.submit("/account/check-in", {"code": code}).status_code == 404


def test_qr_code_carries_the_check_in_code_and_never_the_private_token(client, app, make, world):
    import segno

    event = make.event(world.space, world.chamber)
    registration = make.registration(event, name="Inès Robert")
    assert len(registration.check_in_code) == 10 and registration.check_in_code.isalnum()
    assert registration.check_in_code not in registration.token
    served = client.get(f"/r/{registration.token}/qr.svg").get_data(as_text=True)

    def qr_of(text: str) -> str:
        buffer = io.BytesIO()
        segno.make(text, error="m").save(
            buffer, kind="svg", scale=6, border=2, xmldecl=False, title="QR code"
        )
        return buffer.getvalue().decode()

    by_code = f"http://localhost/account/check-in?code={registration.check_in_code}"
    assert served == qr_of(by_code)
    assert served != qr_of(f"http://localhost/account/check-in?code={registration.token}")
    assert registration.token not in by_code
    # The page shows the code under the QR code, and the private link still works.
    page = client.get(f"/r/{registration.token}").get_data(as_text=True)
    assert f"<code>{registration.check_in_code}</code>" in page
    assert "Inès Robert" in page
    assert client.submit(f"/r/{registration.token}/cancel").status_code == 303
    assert load(app, Registration)[0].state == RegistrationState.CANCELLED


def test_check_in_by_the_code_typed_at_the_door(client, app, make, world):
    event = make.event(world.space, world.chamber)
    registration = make.registration(event, name="Inès Robert")
    code = registration.check_in_code
    typed = f" {code[:5].lower()} {code[5:].lower()} "
    client.login(world.alice.email)
    page = client.get("/account/check-in", query_string={"code": typed}).get_data(as_text=True)
    assert "Inès Robert" in page
    assert f'name="code" value="{code}"' in page
    assert registration.token not in page
    assert client.submit("/account/check-in", {"code": typed}).status_code == 303
    assert load(app, Registration)[0].state == RegistrationState.ATTENDED
    assert audit_actions(app) == ["registration.attended"]


def test_the_staff_events_list_costs_the_same_queries_for_one_event_or_many(app, client, make):
    client.login(make.staff().email)
    make.event(title="La première")
    with counted_statements(app) as one:
        assert "La première" in client.get("/staff/events").text
    for number in range(12):
        make.event(make.space(venue_slug=f"lieu-{number}"), title=f"Atelier {number}")
    with counted_statements(app) as many:
        page = client.get("/staff/events").text
    assert "La première" in page and "Atelier 11" in page
    assert len(many) == len(one)


# --- Permission matrix: roles × addresses × objects ---------------------------------------

MANAGE = "/account/events/{id}"
ATTENDEES = "/account/events/{id}/attendees"
CSV = "/account/events/{id}/attendees.csv"
XLSX = "/account/events/{id}/attendees.xlsx"
EDIT = "/account/events/{id}/edit"
STAFF_EVENTS = "/staff/events"
STAFF_NEW = "/staff/events/new"
PROPOSE = "/account/events/new"
MESSAGE = "/account/events/{id}/message"

# who → {url: expected status} for an event of the chamber (proposed), co-hosted by the school.
MATRIX = {
    "anonymous": {
        MANAGE: 302, ATTENDEES: 302, CSV: 302, XLSX: 302, EDIT: 302, STAFF_EVENTS: 302,
        STAFF_NEW: 302, PROPOSE: 302, MESSAGE: 302,
    },
    "outsider": {
        MANAGE: 404, ATTENDEES: 404, CSV: 404, XLSX: 404, EDIT: 404, STAFF_EVENTS: 404,
        STAFF_NEW: 404, PROPOSE: 404, MESSAGE: 404,
    },
    "other_partner": {
        MANAGE: 404, ATTENDEES: 404, CSV: 404, XLSX: 404, EDIT: 404, STAFF_EVENTS: 404,
        STAFF_NEW: 404, PROPOSE: 200, MESSAGE: 404,
    },
    "invited_cohost": {
        MANAGE: 200, ATTENDEES: 404, CSV: 404, XLSX: 404, EDIT: 404, STAFF_EVENTS: 404,
        STAFF_NEW: 404, PROPOSE: 200, MESSAGE: 404,
    },
    "accepted_cohost": {
        MANAGE: 200, ATTENDEES: 200, CSV: 200, XLSX: 200, EDIT: 404, STAFF_EVENTS: 404,
        STAFF_NEW: 404, PROPOSE: 200, MESSAGE: 200,
    },
    "proposer": {
        MANAGE: 200, ATTENDEES: 200, CSV: 200, XLSX: 200, EDIT: 200, STAFF_EVENTS: 404,
        STAFF_NEW: 404, PROPOSE: 200, MESSAGE: 200,
    },
    "staff": {
        MANAGE: 200, ATTENDEES: 200, CSV: 200, XLSX: 200, EDIT: 200, STAFF_EVENTS: 200,
        STAFF_NEW: 200, PROPOSE: 404, MESSAGE: 200,
    },
}  # fmt: skip


@pytest.mark.parametrize(
    ("role", "url", "expected"),
    [(role, url, status) for role, row in MATRIX.items() for url, status in row.items()],
)
def test_permission_matrix(client, make, role, url, expected):
    chamber_member = make.user(email="chamber@example.org")
    invited_member = make.user(email="invited@example.org")
    accepted_member = make.user(email="accepted@example.org")
    other_member = make.user(email="other@example.org")
    outsider = make.user(email="outsider@example.org")
    staff = make.staff(email="staff@example.org")
    chamber = make.partner(owner=chamber_member)
    invited = make.partner(owner=invited_member)
    accepted = make.partner(owner=accepted_member)
    make.partner(owner=other_member)
    event = make.event(organisation=chamber, state=EventState.PROPOSED)
    make.cohost(event, invited, state=CoHostState.INVITED)
    make.cohost(event, accepted, state=CoHostState.ACCEPTED)
    who = {
        "outsider": outsider,
        "other_partner": other_member,
        "invited_cohost": invited_member,
        "accepted_cohost": accepted_member,
        "proposer": chamber_member,
        "staff": staff,
    }
    if role != "anonymous":
        client.login(who[role].email)
    assert client.get(url.format(id=event.id)).status_code == expected


@pytest.mark.parametrize(
    "path",
    [
        "/account/events/{id}/cohosts",
        "/account/events/{id}/attendees/{registration}/check-in",
        "/account/events/{id}/edit",
        "/account/events/{id}/message",
    ],
)
def test_another_partners_event_answers_404_to_changes(client, make, path):
    member = make.user(email="member@example.org")
    make.partner(owner=member)
    event = make.event(organisation=make.partner(), state=EventState.PROPOSED)
    registration = make.registration(event)
    client.login(member.email)
    url = path.format(id=event.id, registration=registration.id)
    assert client.submit(url, {"organisation": "1"}).status_code == 404


@pytest.mark.parametrize("action", ["publish", "reject", "cancel"])
def test_only_staff_take_decisions(client, make, action):
    member = make.user(email="member@example.org")
    chamber = make.partner(owner=member)
    event = make.event(organisation=chamber, state=EventState.PROPOSED)
    client.login(member.email)
    assert client.submit(f"/staff/events/{event.id}/{action}", {"message": "x"}).status_code == 404


def test_someone_elses_invitation_answers_404(client, make):
    member = make.user(email="member@example.org")
    make.partner(owner=member)
    event = make.event(organisation=make.partner(), state=EventState.PROPOSED)
    host = make.cohost(event, make.partner(), state=CoHostState.INVITED)
    client.login(member.email)
    assert client.submit(f"/account/invitations/{host.id}", {"answer": "accept"}).status_code == 404
