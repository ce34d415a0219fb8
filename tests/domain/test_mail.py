"""The outbox: queued with the change that caused it, rendered and delivered afterwards."""

from __future__ import annotations

import email
import email.policy
from datetime import timedelta

import pytest
import sqlalchemy as sa

from hub.domain import outbox
from hub.extensions import db
from hub.mail.compose import compose
from hub.mail.delivery import (
    build_email,
    claim_next_message,
    deliver_pending,
    mail_was_queued,
    take_back_stale_claims,
)
from hub.models import MessageStatus, OutboxMessage, utcnow
from tests.support import emails, free_port


@pytest.fixture
def user(make):
    return make.user(email="alex@example.org", name="Alex")


def queue_reset_email(user, locale="fr", **extra):
    return outbox.queue(
        "alex@example.org", "password_reset", locale, user=user, token="x", minutes=60, **extra
    )


def pending_count() -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.status == MessageStatus.PENDING)
    )


def test_a_queued_email_belongs_to_the_callers_transaction(ctx, user):
    queue_reset_email(user)
    db.session.rollback()
    assert pending_count() == 0
    queue_reset_email(user)
    db.session.commit()
    assert pending_count() == 1
    assert mail_was_queued(db.session) is True
    assert mail_was_queued(db.session) is False  # told once


def test_the_outbox_keeps_references_not_rendered_text(ctx, user):
    message = queue_reset_email(user)
    db.session.commit()
    assert message.context == {
        "user": {"$row": "users", "id": user.id},
        "token": "x",
        "minutes": 60,
    }
    assert (message.subject, message.body_text) == ("", "")


def test_an_email_is_rendered_in_the_recipients_language_with_links_on_the_public_address(
    app, ctx, user, settings
):
    settings(PUBLIC_URL="https://atelier.example")
    french, english = queue_reset_email(user, "fr"), queue_reset_email(user, "en")
    assert compose(french).subject == "Choisissez un nouveau mot de passe Atelier Hub"
    assert compose(french).text.startswith("Bonjour Alex,")
    assert compose(english).subject == "Choose a new Atelier Hub password"
    assert compose(english).text.startswith("Hello Alex,")
    assert "https://atelier.example/auth/reset/x" in compose(english).text


def test_delivery_writes_an_eml_file_with_its_attachments_and_marks_it_sent(
    app, ctx, make, tmp_path, monkeypatch
):
    monkeypatch.setitem(app.config, "MAIL_DIR", str(tmp_path))
    event = make.event(title="Atelier tableur")
    registration = make.registration(event, email="alex@example.org")
    outbox.queue(
        "alex@example.org",
        "event_registration_confirmed",
        "fr",
        registration=db.session.get(type(registration), registration.id),
        event=db.session.get(type(event), event.id),
        with_files=True,
        position=None,
    )
    db.session.commit()
    assert deliver_pending(app) == (1, 0)
    [path] = tmp_path.glob("*.eml")
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert message["To"] == "alex@example.org"
    assert message["Subject"] == "Votre inscription est confirmée\u00a0: Atelier tableur"
    attached = {part.get_filename() for part in message.walk() if part.get_filename()}
    assert attached == {f"{event.slug}.ics", "check-in-qr-code.png"}
    sent = db.session.scalar(sa.select(OutboxMessage))
    assert (sent.status, sent.attempts) == (MessageStatus.SENT, 1)
    assert sent.subject == "Votre inscription est confirmée\u00a0: Atelier tableur"
    assert deliver_pending(app) == (0, 0)  # never sent twice


def _registration_email(app, make, tmp_path, monkeypatch, locale="fr"):
    """A confirmation with its files, delivered to a folder and read back as a mail client."""
    monkeypatch.setitem(app.config, "MAIL_DIR", str(tmp_path))
    event = make.event(title="Atelier <tableur> & co")
    registration = make.registration(event, email="alex@example.org", name="Alex")
    outbox.queue(
        "alex@example.org",
        "event_registration_confirmed",
        locale,
        registration=db.session.get(type(registration), registration.id),
        event=db.session.get(type(event), event.id),
        with_files=True,
        position=None,
    )
    db.session.commit()
    assert deliver_pending(app) == (1, 0)
    [path] = tmp_path.glob("*.eml")
    return email.message_from_bytes(path.read_bytes(), policy=email.policy.default), event


def structure(part, depth=0) -> list[str]:
    line = "  " * depth + part.get_content_type()
    if part.get_filename():
        line += f" {part.get_content_disposition()} {part.get_filename()}"
    lines = [line]
    if part.is_multipart():
        for child in part.iter_parts():
            lines += structure(child, depth + 1)
    return lines


def test_a_registration_email_is_text_and_html_with_the_qr_code_inside_the_html(
    app, ctx, make, tmp_path, monkeypatch
):
    message, event = _registration_email(app, make, tmp_path, monkeypatch)
    assert structure(message) == [
        "multipart/mixed",
        "  multipart/alternative",
        "    text/plain",
        "    multipart/related",
        "      text/html",
        "      image/png inline check-in-qr-code.png",
        f"  text/calendar attachment {event.slug}.ics",
    ]
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert text.startswith("Bonjour Alex,")
    # The same words in both parts, the event's title escaped once in the HTML.
    assert "Votre place est réservée pour" in text and "Votre place est réservée pour" in html
    assert "Atelier &lt;tableur&gt; &amp; co" in html and "<tableur>" not in html
    link = f"http://localhost/events/{event.slug}"
    assert f'<a href="{link}" style="' in html and f">{link}</a>" in html
    assert '<html lang="fr">' in html and "<title>Votre inscription est confirmée" in html
    assert "<style" not in html and "<link" not in html  # inline CSS only
    assert '<img src="cid:check-in-qr-code@atelier-hub" width="200" height="200"' in html
    assert 'alt="QR code à présenter à l\'entrée"' in html
    qr = next(part for part in message.walk() if part.get_content_type() == "image/png")
    assert qr["Content-ID"] == "<check-in-qr-code@atelier-hub>"
    assert qr.get_content().startswith(b"\x89PNG\r\n\x1a\n")


def test_every_email_has_an_html_part_saying_what_its_text_says(app, ctx, user):
    message = queue_reset_email(user, "en")
    composed = compose(message)
    assert composed.html.startswith("<!doctype html>")
    assert '<html lang="en">' in composed.html
    assert "<h1" in composed.html and "Choose a new Atelier Hub password</h1>" in composed.html
    paragraphs = [block for block in composed.text.strip().split("\n\n") if block.strip()]
    assert composed.html.count('<p style="margin:0 0 16px;">') == len(paragraphs)
    built = build_email(message, composed, "Atelier Hub <hub@example.org>")
    assert [part.get_content_type() for part in built.walk()] == [
        "multipart/alternative",
        "text/plain",
        "text/html",
    ]


def test_a_failed_delivery_is_kept_and_retried_later_then_given_up(app, ctx, user, settings):
    queue_reset_email(user)
    db.session.commit()
    settings(MAIL_BACKEND="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=free_port())
    assert deliver_pending(app) == (0, 1)
    message = db.session.scalar(sa.select(OutboxMessage))
    assert (message.status, message.attempts) == (MessageStatus.PENDING, 1)
    assert message.next_attempt_at > utcnow() + timedelta(seconds=90)
    assert "ConnectionRefusedError" in message.last_error
    assert deliver_pending(app) == (0, 0)  # not due yet

    for attempt in range(2, app.config["MAIL_MAX_ATTEMPTS"] + 1):
        message.next_attempt_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
        assert deliver_pending(app) == (0, 1)
        db.session.refresh(message)
        assert message.attempts == attempt
    assert message.status == MessageStatus.FAILED


def test_the_outbox_send_command_delivers_what_is_due(app, runner, ctx, user, tmp_path, settings):
    settings(MAIL_DIR=str(tmp_path))
    queue_reset_email(user)
    queue_reset_email(user, "en")
    db.session.commit()
    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "2 sent, 0 failed (kept for a retry)."
    assert len(list(tmp_path.glob("*.eml"))) == 2


def test_tests_read_emails_rendered_as_they_will_be_sent(app, ctx, user):
    queue_reset_email(user, "en")
    [message] = emails(app)
    assert (message.kind, message.subject) == (
        "password_reset",
        "Choose a new Atelier Hub password",
    )


def test_an_email_scheduled_for_later_waits_until_its_time(ctx, app, user):
    later = queue_reset_email(user, send_at=utcnow() + timedelta(hours=20))
    now = queue_reset_email(user)
    db.session.commit()

    assert deliver_pending(app) == (1, 0)
    assert db.session.get(OutboxMessage, now.id).status == MessageStatus.SENT
    assert db.session.get(OutboxMessage, later.id).status == MessageStatus.PENDING

    db.session.get(OutboxMessage, later.id).next_attempt_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert deliver_pending(app) == (1, 0)
    assert db.session.get(OutboxMessage, later.id).status == MessageStatus.SENT


def test_a_claim_left_by_a_stopped_process_is_taken_back_after_the_sending_timeout(
    ctx, app, user, settings
):
    settings(MAIL_SENDING_TIMEOUT=300)
    queue_reset_email(user)
    db.session.commit()
    claimed_at = utcnow()
    message_id = claim_next_message("host-a:41", claimed_at)  # then host-a:41 is killed
    assert claim_next_message("host-b:7", claimed_at) is None

    assert take_back_stale_claims(app, claimed_at + timedelta(seconds=299)) == 0
    assert take_back_stale_claims(app, claimed_at + timedelta(seconds=301)) == 1
    assert claim_next_message("host-b:7", claimed_at + timedelta(seconds=302)) == message_id
    message = db.session.get(OutboxMessage, message_id)
    assert (message.status, message.attempts, message.claimed_by) == (
        MessageStatus.SENDING,
        2,
        "host-b:7",
    )


def test_each_process_claims_a_different_message(ctx, user):
    for _ in range(3):
        queue_reset_email(user)
    db.session.commit()

    claims = [claim_next_message(f"host:{pid}", utcnow()) for pid in (1, 2, 3, 4)]

    assert claims[3] is None
    assert sorted(claims[:3]) == sorted(db.session.scalars(sa.select(OutboxMessage.id)))


def test_a_message_keeps_one_message_id_however_often_it_is_sent(ctx, app, user):
    message = queue_reset_email(user)
    db.session.commit()
    composed = compose(message)

    first = build_email(message, composed, app.config["MAIL_FROM"])
    again = build_email(message, composed, app.config["MAIL_FROM"])

    assert first["Message-ID"] == again["Message-ID"]
    assert first["Message-ID"].startswith(f"<outbox.{message.id}.")
    assert first["Message-ID"].endswith("@atelier-hub.localhost>")
