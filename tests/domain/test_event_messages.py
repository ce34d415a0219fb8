"""Messages from the hosts to an event's registrants: whom, in which language, how often."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from hub.domain.errors import Conflict, DomainError, NotFound
from hub.domain.events import queries
from hub.domain.events.messages import MessageDraft, prepare_message, send_message
from hub.extensions import db
from hub.models import (
    AuditEntry,
    CoHostState,
    Event,
    EventMessage,
    MessageAudience,
    Registration,
    RegistrationState,
    User,
    utcnow,
)
from tests.support import emails

FRENCH = {"subject_fr": "Salle changée", "body_fr": "Rendez-vous salle Jacquard.\nÀ demain !"}
ENGLISH = {"subject_en": "New room", "body_en": "Meet in the Jacquard room.\nSee you!"}


@pytest.fixture
def hosted(make):
    """An event of the chamber, co-hosted by the school, with people in every state."""
    host = make.user(email="host@cci.example")
    cohost = make.user(email="cohost@ecole.example")
    chamber = make.partner(owner=host)
    event = make.event(organisation=chamber, capacity=3)
    make.cohost(event, make.partner(owner=cohost), state=CoHostState.ACCEPTED)
    people = [
        ("ana@example.org", RegistrationState.CONFIRMED, "fr"),
        ("ben@example.org", RegistrationState.CONFIRMED, "en"),
        ("cleo@example.org", RegistrationState.ATTENDED, "fr"),
        ("dan@example.org", RegistrationState.WAITLISTED, "en"),
        ("eve@example.org", RegistrationState.CANCELLED, "fr"),
    ]
    for email, state, locale in people:
        make.registration(event, email=email, state=state, locale=locale)
    return event, host, cohost


def load(event, *users):
    return [db.session.get(Event, event.id)] + [db.session.get(User, user.id) for user in users]


def send(actor, event, audience, expected, **texts):
    draft = MessageDraft(MessageAudience(audience), **texts)
    message = send_message(actor, event, draft, expected)
    db.session.commit()
    return message


@pytest.mark.parametrize(
    ("audience", "recipients"),
    [
        ("all", ["ana@example.org", "ben@example.org", "cleo@example.org", "dan@example.org"]),
        ("confirmed", ["ana@example.org", "ben@example.org"]),
        ("waitlisted", ["dan@example.org"]),
        ("attended", ["cleo@example.org"]),
    ],
)
def test_each_choice_of_recipients_reaches_exactly_its_people(
    app, ctx, hosted, audience, recipients
):
    event, host = load(hosted[0], hosted[1])

    message = send(host, event, audience, len(recipients), **FRENCH)

    assert sorted(email.recipient for email in emails(app, kind="event_message")) == recipients
    assert message.recipients == len(recipients)
    assert queries.recipient_counts(event)[MessageAudience(audience)] == len(recipients)


def test_each_person_gets_the_version_in_their_language_with_their_private_link(app, ctx, hosted):
    event, host = load(hosted[0], hosted[1])
    send(host, event, "confirmed", 2, **FRENCH, **ENGLISH)

    ana, ben = emails(app, kind="event_message")

    assert (ana.recipient, ana.locale) == ("ana@example.org", "fr")
    assert ana.subject == f"Salle changée — {event.title}"
    assert "Rendez-vous salle Jacquard.\nÀ demain !" in ana.body_text
    assert (ben.recipient, ben.locale) == ("ben@example.org", "en")
    assert ben.subject == f"New room — {event.title}"
    assert "Meet in the Jacquard room.\nSee you!" in ben.body_text
    assert "You receive this message because you registered for this event." in ben.body_text
    for email in (ana, ben):
        token = db.session.scalar(
            sa.select(Registration.token).where(Registration.email == email.recipient)
        )
        assert f"http://localhost/r/{token}" in email.body_text


def test_a_message_written_in_one_language_goes_to_everyone_in_that_language(app, ctx, hosted):
    event, host = load(hosted[0], hosted[1])
    send(host, event, "confirmed", 2, **ENGLISH)

    assert [(email.recipient, email.locale) for email in emails(app, kind="event_message")] == [
        ("ana@example.org", "en"),
        ("ben@example.org", "en"),
    ]


def test_sending_is_recorded_in_the_audit_trail(app, ctx, hosted):
    event, _host, cohost = load(*hosted)

    message = send(cohost, event, "all", 4, **FRENCH, **ENGLISH)

    entry = db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "event.message_sent")
    )
    assert (entry.actor_id, entry.target_type, entry.target_id) == (cohost.id, "events", event.id)
    assert entry.details == {
        "message": message.id,
        "audience": "all",
        "recipients": 4,
        "languages": ["fr", "en"],
    }


def test_nothing_is_sent_when_the_number_of_recipients_changed_since_the_preview(
    app, ctx, hosted, make
):
    make.registration(hosted[0], email="late@example.org")  # after the preview said 2
    event, host = load(hosted[0], hosted[1])

    with pytest.raises(Conflict, match="il est maintenant de 3"):
        send(host, event, "confirmed", 2, **FRENCH)
    db.session.rollback()

    assert emails(app, kind="event_message") == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(EventMessage)) == 0


def test_a_group_with_nobody_in_it_is_refused(ctx, make):
    host = make.user()
    event = make.event(organisation=make.partner(owner=host))
    event, host = load(event, host)

    with pytest.raises(DomainError) as refusal:
        send(host, event, "attended", 0, **FRENCH)
    assert refusal.value.field == "audience"


def test_another_partner_cannot_write_to_the_registrants(ctx, hosted, make):
    outsider = make.user()
    make.partner(owner=outsider)
    event, outsider = load(hosted[0], outsider)

    with pytest.raises(NotFound):
        send(outsider, event, "all", 4, **FRENCH)


def test_staff_write_to_any_event(app, ctx, hosted, make):
    event, staff = load(hosted[0], make.staff())

    send(staff, event, "waitlisted", 1, **FRENCH)

    assert [email.recipient for email in emails(app, kind="event_message")] == ["dan@example.org"]


def test_at_most_so_many_messages_per_event_in_24_hours(app, ctx, hosted, settings):
    settings(EVENT_MESSAGES_PER_DAY=2)
    event, host = load(hosted[0], hosted[1])
    send(host, event, "attended", 1, **FRENCH)
    send(host, event, "attended", 1, **FRENCH)

    with pytest.raises(Conflict, match="2 messages ces dernières 24 heures"):
        send(host, event, "attended", 1, **FRENCH)
    db.session.rollback()

    tomorrow = utcnow() + timedelta(days=1, minutes=1)
    send_message(host, event, MessageDraft(MessageAudience.ATTENDED, **FRENCH), 1, now=tomorrow)


@pytest.mark.parametrize(
    ("texts", "field"),
    [
        ({}, "subject_fr"),
        ({"subject_fr": "Objet"}, "body_fr"),
        ({"body_en": "Text"}, "subject_en"),
        ({"subject_fr": "x" * 151, "body_fr": "Texte"}, "subject_fr"),
        ({"subject_fr": "Objet", "body_fr": "x" * 5001}, "body_fr"),
        ({"subject_fr": " \n\t ", "body_fr": "Texte"}, "subject_fr"),
    ],
)
def test_a_message_needs_a_subject_and_a_text_in_one_language_at_least(texts, field):
    with pytest.raises(DomainError) as refusal:
        prepare_message(MessageDraft(MessageAudience.ALL, **texts))

    assert refusal.value.field == field


def test_a_subject_stays_on_one_line_and_control_characters_are_dropped():
    message = prepare_message(
        MessageDraft(
            MessageAudience.ALL,
            subject_fr="Salle\r\nchangée\x00 ",
            body_fr="Ligne 1\r\nLigne 2\x07\r\n\r\n",
        )
    )

    assert message.subject_fr == "Salle changée"
    assert message.body_fr == "Ligne 1\nLigne 2"
    assert message.languages == ["fr"]
