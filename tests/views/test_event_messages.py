"""Writing to an event's registrants: preview and count, confirmation, with or without htmx.

Who may open the page is in the permission matrix of test_event_hosting.py.
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from hub.extensions import db
from hub.models import AuditEntry, EventMessage, RegistrationState
from tests.support import emails

TEXTS = {
    "audience": "confirmed",
    "subject_fr": "Salle changée",
    "body_fr": "Rendez-vous salle Jacquard.",
    "subject_en": "",
    "body_en": "",
}


@pytest.fixture
def event(make, client):
    host = make.user(email="host@cci.example")
    event = make.event(organisation=make.partner(owner=host), title="Atelier tableur")
    make.registration(event, email="ana@example.org")
    make.registration(event, email="ben@example.org", locale="en")
    make.registration(event, email="dan@example.org", state=RegistrationState.WAITLISTED)
    client.login(host.email)
    return event


def url(event) -> str:
    return f"/account/events/{event.id}/message"


def recipients_shown(html: str) -> int:
    match = re.search(r'name="recipients" value="(\d+)"', html)
    assert match, html
    return int(match.group(1))


def test_the_page_offers_each_group_with_its_number_of_people(client, event):
    html = client.get(url(event)).get_data(as_text=True)

    assert 'value="all">Tous les inscrits (avec une place ou en liste d&#39;attente) (3)' in html
    assert 'value="confirmed">Confirmés, pas encore accueillis (2)' in html
    assert 'value="waitlisted">En liste d&#39;attente (1)' in html
    assert 'value="attended">Présents (accueillis à l&#39;entrée) (0)' in html
    assert 'name="step" value="send"' not in html  # sending comes after a preview


def test_without_javascript_a_preview_shows_the_count_then_sending_needs_that_count(
    app, client, event
):
    preview = client.submit(url(event), {**TEXTS, "step": "preview"})

    html = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "Ce message partira vers 2 personnes." in html
    assert "Salle changée — Atelier tableur" in html
    assert "Bonjour [son nom]," in html
    assert "Envoyer à 2 personnes" in html
    assert emails(app) == []

    sent = client.submit(url(event), {**TEXTS, "step": "send", "recipients": "2"})

    assert sent.status_code == 303
    assert sent.headers["Location"] == f"/account/events/{event.id}"
    assert sorted(email.recipient for email in emails(app, kind="event_message")) == [
        "ana@example.org",
        "ben@example.org",
    ]
    assert "Votre message part vers 2 personnes." in client.get(sent.headers["Location"]).text
    assert "<td>Salle changée</td>" in client.get(url(event)).text  # among the messages sent


def test_htmx_previews_while_typing_and_answers_only_the_preview(client, event):
    response = client.hx("POST", url(event), target="message-preview", data=TEXTS)

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="message-preview"')
    assert "<html" not in html
    assert recipients_shown(html) == 2
    assert response.headers["Vary"] == "HX-Request, Cookie"


def test_a_half_written_message_shows_the_count_but_no_preview_yet(client, event):
    response = client.hx(
        "POST",
        url(event),
        target="message-preview",
        data={**TEXTS, "audience": "all", "body_fr": ""},
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 200  # not a refusal: the host is still typing
    assert "Ce message partira vers 3 personnes." in html
    assert "L'aperçu apparaît dès qu'un objet et un texte sont écrits" in html
    assert 'name="step" value="send"' not in html


def test_a_refused_message_says_why_beside_the_field_and_keeps_what_was_typed(client, event):
    response = client.submit(url(event), {**TEXTS, "body_fr": "", "step": "send", "recipients": 2})

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert (
        'id="body_fr-error" class="field-error">Écrivez le texte qui accompagne cet objet.' in html
    )
    assert 'value="Salle changée"' in html
    assert db_count(client.application, EventMessage) == 0


def test_if_people_registered_since_the_preview_the_new_count_is_asked_for(
    app, client, event, make
):
    make.registration(event, email="late@example.org")

    response = client.submit(url(event), {**TEXTS, "step": "send", "recipients": "2"})

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "il est maintenant de 3" in html
    assert recipients_shown(html) == 3
    assert emails(app) == []


def test_sending_is_audited_and_needs_the_csrf_token(app, client, event):
    data = {**TEXTS, "step": "send", "recipients": "2"}
    assert client.post(url(event), data=data).status_code == 400

    client.submit(url(event), data)

    with app.app_context():
        actions = db.session.scalars(sa.select(AuditEntry.action)).all()
    assert actions.count("event.message_sent") == 1


def test_an_unknown_group_is_refused_on_its_field(client, event):
    response = client.submit(url(event), {**TEXTS, "audience": "everybody", "step": "preview"})

    assert response.status_code == 422
    assert 'id="audience-error"' in response.get_data(as_text=True)


def db_count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))
