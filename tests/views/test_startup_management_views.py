"""A startup's innovations and applications, and the staff's demo slots, through the web."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image

from hub.extensions import db
from hub.models import (
    Application,
    ApplicationState,
    AuditEntry,
    Innovation,
    InnovationStatus,
    OutboxMessage,
    ShowcaseSlot,
    SlotStatus,
)
from tests.support import emails


@pytest.fixture(autouse=True)
def _empty_upload_dir(app):
    yield
    folder = Path(app.config["UPLOAD_DIR"])
    for path in folder.glob("*") if folder.exists() else []:
        path.unlink()


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (2400, 1200), "orange").save(buffer, format="PNG")
    return buffer.getvalue()


def the_innovation(app) -> Innovation:
    with app.app_context():
        innovation = db.session.scalar(sa.select(Innovation))
        db.session.expunge(innovation)
        return innovation


def test_a_member_creates_edits_publishes_and_archives_an_innovation(client, make, app):
    owner = make.user()
    member = make.user()
    startup = make.startup(owner=owner, members=(member,))
    client.login(member.email)
    created = client.submit(
        f"/manage/{startup.slug}/innovations/new",
        {
            "title": "Sonde d'humidité",
            "summary": "Quand arroser.",
            "description": "Voir <script>alert(1)</script> **ici**",
            "tags": "Agriculture, Capteurs",
            "image": (io.BytesIO(png()), "photo.png"),
        },
        content_type="multipart/form-data",
    )
    assert created.status_code == 303
    innovation = the_innovation(app)
    assert created.headers["Location"] == f"/manage/{startup.slug}/innovations/{innovation.id}"
    assert (innovation.slug, innovation.status) == ("sonde-d-humidite", InnovationStatus.DRAFT)
    assert innovation.tags == ["Agriculture", "Capteurs"]
    with Image.open(Path(app.config["UPLOAD_DIR"]) / innovation.image) as stored:
        assert (stored.format, stored.size) == ("WEBP", (1600, 800))

    edit_url = f"/manage/{startup.slug}/innovations/{innovation.id}"
    assert client.submit(edit_url, {"title": "Sonde d'humidité solaire"}).status_code == 303
    assert the_innovation(app).title == "Sonde d'humidité solaire"

    status_url = f"{edit_url}/status"
    assert client.submit(status_url, {"action": "publish"}).status_code == 303
    assert the_innovation(app).status == InnovationStatus.PUBLISHED
    public = client.get(f"/startups/{startup.slug}")
    assert (
        "Sonde d&#39;humidité solaire" in public.text or "Sonde d'humidité solaire" in public.text
    )
    assert client.submit(status_url, {"action": "archive"}).status_code == 303
    assert the_innovation(app).status == InnovationStatus.ARCHIVED
    refused = client.submit(status_url, {"action": "archive"})
    assert "ne peut pas être modifiée ainsi" in client.get(refused.headers["Location"]).text
    with app.app_context():
        actions = db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == [
        "innovation.created",
        "innovation.image_changed",
        "innovation.updated",
        "innovation.published",
        "innovation.archived",
    ]


def test_an_innovation_without_a_title_is_refused(client, make, app):
    owner = make.user()
    startup = make.startup(owner=owner)
    client.login(owner.email)
    response = client.submit(f"/manage/{startup.slug}/innovations/new", {"title": ""})
    assert response.status_code == 422
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Innovation)) == 0


def test_partners_have_no_innovations(client, make):
    owner = make.user()
    partner = make.partner(owner=owner)
    client.login(owner.email)
    assert client.get(f"/manage/{partner.slug}/innovations/new").status_code == 404


def test_a_foreign_innovation_id_in_an_application_is_refused_clearly(client, make, app):
    owner = make.user()
    startup = make.startup(owner=owner)
    make.innovation(startup)
    foreign = make.innovation(make.startup())
    slot = make.slot()
    client.login(owner.email)
    response = client.submit(
        f"/manage/{startup.slug}/applications/new?slot={slot.id}",
        {"innovation_id": foreign.id, "pitch": "Une démonstration de notre produit.",
         "intent": "submit"},
    )  # fmt: skip
    assert response.status_code == 422
    assert "Choisissez une des innovations de votre startup" in response.text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Application)) == 0


def test_after_the_deadline_the_form_says_so_and_nothing_is_saved(client, make, app):
    owner = make.user()
    startup = make.startup(owner=owner)
    innovation = make.innovation(startup)
    slot = make.slot(starts_in=timedelta(days=3), deadline_in=timedelta(minutes=-5))
    client.login(owner.email)
    page = client.get(f"/manage/{startup.slug}/applications/new?slot={slot.id}")
    assert "Ce créneau de démonstration n’accepte plus de candidatures." in page.text
    response = client.submit(
        f"/manage/{startup.slug}/applications/new?slot={slot.id}",
        {"innovation_id": innovation.id, "pitch": "Une démonstration de notre produit.",
         "intent": "submit"},
    )  # fmt: skip
    assert response.status_code == 422
    assert "La date limite de candidature pour ce créneau est passée." in response.text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Application)) == 0


def test_a_decision_on_a_withdrawn_application_is_refused_with_the_reason(client, make, app):
    staff = make.staff()
    slot = make.slot()
    application = make.application(slot, state=ApplicationState.WITHDRAWN)
    client.login(staff.email)
    response = client.hx(
        "POST",
        f"/staff/showcase/applications/{application.id}/decide",
        target=f"application-{application.id}",
        data={"decision": "accept"},
    )
    assert response.status_code == 422
    assert "Cette candidature est à l’état « retirée »\u00a0: elle ne peut pas être acceptée." in (
        response.text
    )
    with app.app_context():
        assert db.session.get(Application, application.id).state == ApplicationState.WITHDRAWN
        assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0


def slot_form(space_id: int, **overrides) -> dict:
    return {
        "theme": "Énergie",
        "description": "",
        "space_id": space_id,
        "starts_at": "2031-03-12T14:00",
        "ends_at": "2031-03-12T18:00",
        "application_deadline": "2031-02-28T18:00",
        "seats": 4,
        **overrides,
    }


def test_staff_publish_a_slot_in_local_time(client, make, app):
    staff = make.staff()
    space = make.space()
    client.login(staff.email)
    response = client.submit("/staff/showcase/slots/new", slot_form(space.id))
    assert response.status_code == 303
    with app.app_context():
        slot = db.session.scalar(sa.select(ShowcaseSlot))
        assert slot.starts_at.isoformat() == "2031-03-12T13:00:00+00:00"  # 14:00 in Paris
        assert (slot.seats, slot.status) == (4, SlotStatus.OPEN)
    listing = client.get("/staff/showcase/slots")
    assert "Énergie" in listing.text
    edit = client.get(f"/staff/showcase/slots/{slot.id}/edit")
    assert 'value="2031-03-12T14:00"' in edit.text


def test_a_room_clash_or_a_past_deadline_is_shown_on_the_form(client, make, app):
    staff = make.staff()
    space = make.space()
    client.login(staff.email)
    client.submit("/staff/showcase/slots/new", slot_form(space.id, theme="Premier"))
    clash = client.submit(
        "/staff/showcase/slots/new",
        slot_form(space.id, theme="Second", starts_at="2031-03-12T17:00",
                  ends_at="2031-03-12T19:00"),
    )  # fmt: skip
    assert clash.status_code == 422
    assert "« Premier »" in clash.text
    past = client.submit(
        "/staff/showcase/slots/new",
        slot_form(space.id, theme="Passé", application_deadline="2020-01-01T10:00"),
    )
    assert past.status_code == 422
    assert "La date limite de candidature est déjà passée." in past.text
    with app.app_context():
        assert db.session.scalars(sa.select(ShowcaseSlot.theme)).all() == ["Premier"]


def test_staff_close_and_cancel_a_slot_and_applicants_are_told(client, make, app):
    staff = make.staff()
    slot = make.slot(theme="Mobilité")
    application = make.application(slot, state=ApplicationState.ACCEPTED)
    client.login(staff.email)
    assert client.submit(f"/staff/showcase/slots/{slot.id}/close").status_code == 303
    response = client.submit(
        f"/staff/showcase/slots/{slot.id}/cancel", {"message": "Salle inondée, désolés."}
    )
    page = client.get(response.headers["Location"])
    assert "« Mobilité » est annulé\u202f; 1 startup a été prévenue." in page.text
    with app.app_context():
        assert db.session.get(ShowcaseSlot, slot.id).status == SlotStatus.CANCELLED
        assert db.session.get(Application, application.id).state == ApplicationState.CANCELLED
        [message] = emails(app)
    assert message.kind == "slot_cancelled"
    assert "Salle inondée, désolés." in message.body_text
    assert client.get("/demo-days").text.count("Mobilité") == 0
