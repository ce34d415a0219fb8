"""Delivering the outbox: render each due email and send it, with retries.

Nothing is lost when the mail server is down: a failed delivery is retried later with a
growing delay, and given up (status "failed") after MAIL_MAX_ATTEMPTS. Several processes
may deliver at once: each message is claimed by a conditional update first.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from sqlalchemy import event
from sqlalchemy.orm import Session

from hub.database import write_intent
from hub.extensions import db
from hub.mail.compose import ComposedEmail, compose
from hub.models import MessageStatus, OutboxMessage, utcnow

log = logging.getLogger(__name__)
STALE_SENDING = timedelta(minutes=10)
MAIL_QUEUED = "hub.mail_queued"


@event.listens_for(Session, "after_flush")
def _note_queued_mail(session: Session, _context) -> None:
    # The edge learns here that a change queued mail, to deliver it after the response.
    if any(isinstance(instance, OutboxMessage) for instance in session.new):
        session.info[MAIL_QUEUED] = True


def mail_was_queued(session: Session) -> bool:
    """Whether the transaction just committed queued mail (and forget it)."""
    return session.info.pop(MAIL_QUEUED, False)


def build_email(message: OutboxMessage, composed: ComposedEmail, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = composed.recipient
    email["Subject"] = composed.subject
    email["Message-ID"] = make_msgid(idstring=f"outbox{message.id}")
    email["Content-Language"] = composed.locale
    email.set_content(composed.text)
    for attachment in composed.attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        email.add_attachment(
            attachment.content.encode(),
            maintype=maintype,
            subtype=subtype.split(";")[0],
            filename=attachment.filename,
        )
    return email


def send_email(app: Flask, email: EmailMessage, message: OutboxMessage) -> None:
    backend = app.config["MAIL_BACKEND"] or ("smtp" if app.config["SMTP_HOST"] else "file")
    if backend == "smtp":
        with smtplib.SMTP(app.config["SMTP_HOST"], app.config["SMTP_PORT"], timeout=20) as smtp:
            if app.config["SMTP_STARTTLS"]:
                smtp.starttls()
            if app.config["SMTP_USERNAME"]:
                smtp.login(app.config["SMTP_USERNAME"], app.config["SMTP_PASSWORD"])
            smtp.send_message(email)
        return
    folder = Path(app.config["MAIL_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    stamp = utcnow().strftime("%Y%m%dT%H%M%S")
    (folder / f"{stamp}-{message.id:06d}.eml").write_bytes(bytes(email))
    log.info("Mail to %s: %s", message.recipient, email["Subject"])


def deliver_pending(app: Flask, limit: int = 100) -> tuple[int, int]:
    """Render and send the messages that are due. Returns (sent, failed attempts).

    Each message is claimed by a conditional update first, so two workers delivering at
    the same time never send one message twice.
    """
    sent = failed = 0
    with write_intent(True):
        now = utcnow()
        db.session.execute(
            sa.update(OutboxMessage)
            .where(
                OutboxMessage.status == MessageStatus.SENDING,
                OutboxMessage.next_attempt_at < now - STALE_SENDING,
            )
            .values(status=MessageStatus.PENDING)
        )
        due = db.session.scalars(
            sa.select(OutboxMessage.id)
            .where(
                OutboxMessage.status == MessageStatus.PENDING,
                OutboxMessage.next_attempt_at <= now,
            )
            .order_by(OutboxMessage.id)
            .limit(limit)
        ).all()
        db.session.commit()
        for message_id in due:
            claimed = db.session.execute(
                sa.update(OutboxMessage)
                .where(
                    OutboxMessage.id == message_id,
                    OutboxMessage.status == MessageStatus.PENDING,
                )
                .values(
                    status=MessageStatus.SENDING,
                    attempts=OutboxMessage.attempts + 1,
                    next_attempt_at=utcnow(),
                )
            ).rowcount
            db.session.commit()
            if not claimed:
                continue
            message = db.session.get(OutboxMessage, message_id)
            try:
                composed = compose(message)
                send_email(app, build_email(message, composed, app.config["MAIL_FROM"]), message)
            except Exception as error:  # any rendering or transport failure: retry later
                db.session.rollback()
                failed += 1
                message.last_error = f"{type(error).__name__}: {error}"[:2000]
                if message.attempts >= app.config["MAIL_MAX_ATTEMPTS"]:
                    message.status = MessageStatus.FAILED
                else:
                    message.status = MessageStatus.PENDING
                    message.next_attempt_at = utcnow() + timedelta(minutes=2**message.attempts)
                log.warning("Mail %s to %s not sent: %s", message.id, message.recipient, error)
            else:
                sent += 1
                message.status = MessageStatus.SENT
                message.sent_at = utcnow()
                message.subject, message.body_text = composed.subject, composed.text
            db.session.commit()
    return sent, failed


def deliver_after_response(app: Flask, response) -> None:
    """Deliver what this request queued once the response has gone to the client."""

    def deliver() -> None:
        with app.app_context():
            try:
                deliver_pending(app)
            except Exception:
                log.exception("Mail delivery after the response failed; the outbox keeps it")
            finally:
                db.session.remove()

    response.call_on_close(deliver)
