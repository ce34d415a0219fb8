"""The outbox: queued with the change that caused it, delivered afterwards, retried."""

from __future__ import annotations

import email
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import g

from hub.domain.mail import deliver_pending, queue_email
from hub.extensions import db
from hub.models import MessageStatus, OutboxMessage, utcnow
from tests.support import free_port


@pytest.fixture
def request_ctx(app):
    with app.test_request_context("/"):
        yield
        db.session.rollback()
        db.session.remove()


def queue_reset_email(locale="fr", **extra):
    return queue_email(
        "alex@example.org", "password_reset", locale,
        user={"name": "Alex"}, reset_url="https://hub.example/r/x", minutes=60, **extra,
    )  # fmt: skip


def pending_count() -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.status == MessageStatus.PENDING)
    )


def test_a_queued_email_belongs_to_the_callers_transaction(request_ctx):
    queue_reset_email()
    db.session.rollback()
    assert pending_count() == 0
    queue_reset_email()
    db.session.commit()
    assert pending_count() == 1
    assert g.outbox_dirty is True


def test_an_email_is_rendered_in_the_recipients_language(request_ctx):
    french, english = queue_reset_email("fr"), queue_reset_email("en")
    assert french.subject == "Choisissez un nouveau mot de passe Atelier Hub"
    assert french.body_text.startswith("Bonjour Alex,")
    assert english.subject == "Choose a new Atelier Hub password"
    assert english.body_text.startswith("Hello Alex,")


def test_delivery_writes_an_eml_file_with_its_attachment_and_marks_it_sent(
    app, request_ctx, tmp_path, monkeypatch
):
    monkeypatch.setitem(app.config, "MAIL_DIR", str(tmp_path))
    queue_reset_email(
        attachments=[
            {"filename": "event.ics", "content_type": "text/calendar", "content": "BEGIN:VCALENDAR"}
        ]
    )
    db.session.commit()
    assert deliver_pending(app) == (1, 0)
    [path] = tmp_path.glob("*.eml")
    message = email.message_from_bytes(path.read_bytes())
    assert message["To"] == "alex@example.org"
    assert message["Subject"] == "Choisissez un nouveau mot de passe Atelier Hub"
    attachment = next(part for part in message.walk() if part.get_filename() == "event.ics")
    assert attachment.get_payload(decode=True) == b"BEGIN:VCALENDAR"
    sent = db.session.scalar(sa.select(OutboxMessage))
    assert (sent.status, sent.attempts) == (MessageStatus.SENT, 1)
    assert deliver_pending(app) == (0, 0)  # never sent twice


def test_a_failed_delivery_is_kept_and_retried_later_then_given_up(app, request_ctx, settings):
    queue_reset_email()
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


def test_the_outbox_send_command_delivers_what_is_due(
    app, runner, request_ctx, tmp_path, monkeypatch
):
    monkeypatch.setitem(app.config, "MAIL_DIR", str(tmp_path))
    queue_reset_email()
    queue_reset_email("en")
    db.session.commit()
    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "2 sent, 0 failed (kept for a retry)."
    assert len(list(tmp_path.glob("*.eml"))) == 2
