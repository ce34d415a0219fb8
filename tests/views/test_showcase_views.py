"""Demo slots through the web: apply, review inline, confirm, public pages."""

from __future__ import annotations

import re

import sqlalchemy as sa

from hub.extensions import db
from hub.models import Application, ApplicationState, AuditEntry
from tests.support import emails


def _state(app, application_id: int) -> ApplicationState:
    with app.app_context():
        return db.session.get(Application, application_id).state


def test_a_member_applies_with_a_draft_then_submits(client, make, app):
    owner = make.user()
    startup = make.startup(owner=owner)
    innovation = make.innovation(startup, title="Capteur de sol")
    slot = make.slot()
    client.login(owner.email)

    page = client.get(f"/manage/{startup.slug}/applications/new?slot={slot.id}")
    assert page.status_code == 200
    assert "Capteur de sol" in page.text

    response = client.submit(
        f"/manage/{startup.slug}/applications/new?slot={slot.id}",
        {"innovation_id": innovation.id, "pitch": "short", "needs": "", "intent": "draft"},
    )
    assert response.status_code == 303
    with app.app_context():
        application = db.session.scalar(sa.select(Application))
        assert application.state == ApplicationState.DRAFT
        application_id = application.id

    url = f"/manage/{startup.slug}/applications/{application_id}"
    refused = client.submit(
        url, {"innovation_id": innovation.id, "pitch": "short", "intent": "submit"}
    )
    assert refused.status_code == 422
    assert "20 caractères au moins" in refused.text
    assert _state(app, application_id) == ApplicationState.DRAFT

    sent = client.submit(
        url,
        {
            "innovation_id": innovation.id,
            "pitch": "Nous montrerons notre capteur en fonctionnement.",
            "intent": "submit",
        },
    )
    assert sent.status_code == 303
    assert _state(app, application_id) == ApplicationState.SUBMITTED
    assert "soumise" in client.get(url).text


def test_the_review_queue_decides_inline_with_htmx(client, make, app):
    staff = make.staff()
    slot = make.slot(seats=1)
    first = make.application(slot)
    second = make.application(slot)
    client.login(staff.email)

    queue = client.get("/staff/showcase/applications")
    assert queue.status_code == 200
    assert f'id="application-{first.id}"' in queue.text

    response = client.hx(
        "POST",
        f"/staff/showcase/applications/{first.id}/decide",
        target=f"application-{first.id}",
        data={"decision": "accept", "message": "Bienvenue !"},
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith(f'<tr id="application-{first.id}"')
    assert "acceptée" in response.text
    assert 'id="review-counts"' in response.text and 'hx-swap-oob="true"' in response.text
    assert re.search(r'data-state="accepted">1<', response.text)
    assert re.search(r'data-state="submitted">1<', response.text)
    # Every row of the slot shows the seat now taken, the other application's included.
    assert re.search(
        rf'<span hx-swap-oob="innerHTML:\.slot-{slot.id}-seats">1 [^<]* 1</span>', response.text
    )

    full = client.hx(
        "POST",
        f"/staff/showcase/applications/{second.id}/decide",
        target=f"application-{second.id}",
        data={"decision": "accept"},
    )
    assert full.status_code == 409
    assert "L’unique place de ce créneau est prise\u00a0:" in full.text
    assert _state(app, second.id) == ApplicationState.SUBMITTED

    with app.app_context():
        [message] = emails(app)
        assert message.kind == "application_accepted"
        assert "Bienvenue !" in message.body_text
        actions = db.session.scalars(sa.select(AuditEntry.action)).all()
        assert "application.accepted" in actions


def test_without_javascript_a_decision_posts_and_reloads_the_queue(client, make, app):
    staff = make.staff()
    slot = make.slot()
    application = make.application(slot)
    client.login(staff.email)
    response = client.submit(
        f"/staff/showcase/applications/{application.id}/decide?slot={slot.id}",
        {"decision": "waitlist", "message": ""},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == f"/staff/showcase/applications?slot={slot.id}"
    assert _state(app, application.id) == ApplicationState.WAITLISTED
    page = client.get(response.headers["Location"])
    assert "est sur la liste d’attente" in page.text


def test_the_startup_confirms_and_the_demo_day_lists_it(client, make, app):
    owner = make.user()
    startup = make.startup(owner=owner, name="ÉcoTrace")
    innovation = make.innovation(startup, title="Compteur carbone")
    slot = make.slot(theme="Climat et commerce")
    application = make.application(
        slot, startup, state=ApplicationState.ACCEPTED, innovation=innovation
    )
    assert "ÉcoTrace" not in client.get("/demo-days").text

    client.login(owner.email)
    response = client.submit(f"/manage/{startup.slug}/applications/{application.id}/confirm")
    assert response.status_code == 303
    assert _state(app, application.id) == ApplicationState.CONFIRMED
    client.logout()

    page = client.get("/demo-days")
    assert page.status_code == 200
    assert "Climat et commerce" in page.text
    assert "ÉcoTrace" in page.text and "Compteur carbone" in page.text


def test_the_slot_page_shows_seats_left_and_polls_them(client, make):
    slot = make.slot(seats=2)
    make.application(slot, state=ApplicationState.CONFIRMED)
    page = client.get(f"/demo-days/{slot.id}")
    assert page.status_code == 200
    assert 'hx-trigger="every 15s"' in page.text
    assert "1 place de startup restante sur 2" in page.text
    fragment = client.hx("GET", f"/demo-days/{slot.id}", target="seats-left")
    assert fragment.status_code == 200
    assert "<html" not in fragment.text
    assert fragment.text.strip() == "1 place de startup restante sur 2."
    assert "HX-Request" in fragment.headers["Vary"]


def test_account_panels_list_my_startups_and_applications(client, make):
    owner = make.user()
    startup = make.startup(owner=owner, name="TextiLab")
    slot = make.slot(theme="Industrie du futur")
    make.application(slot, startup, state=ApplicationState.WAITLISTED)
    client.login(owner.email)
    page = client.get("/account/")
    assert "TextiLab" in page.text
    assert "Industrie du futur" in page.text
    assert "sur liste d’attente" in page.text


def test_staff_publish_a_slot_and_a_room_clash_is_refused(client, make, app):
    staff = make.staff()
    space = make.space()
    make.slot(space=space, starts_in=__import__("datetime").timedelta(days=30))
    client.login(staff.email)
    assert client.get("/staff/showcase/slots/new").status_code == 200


def test_the_review_queue_filters_by_slot_and_state(client, make):
    staff = make.staff()
    first = make.slot(theme="Premier créneau")
    second = make.slot(theme="Second créneau")
    waiting = make.application(
        first, make.startup(name="Attente"), state=ApplicationState.WAITLISTED
    )
    make.application(first, make.startup(name="Soumise"))
    make.application(second, make.startup(name="Ailleurs"))
    make.application(first, make.startup(name="Brouillon"), state=ApplicationState.DRAFT)
    client.login(staff.email)
    everything = client.get("/staff/showcase/applications")
    assert all(name in everything.text for name in ("Attente", "Soumise", "Ailleurs"))
    assert "Brouillon" not in everything.text  # drafts stay private to the startup
    page = client.get(f"/staff/showcase/applications?slot={first.id}&state=waitlisted")
    assert f'id="application-{waiting.id}"' in page.text
    assert page.text.count('<tr id="application-') == 1
    assert re.search(r'data-state="submitted">1<', page.text)
