"""The outbox: emails are queued in the caller's transaction and delivered afterwards.

Nothing is lost when the mail server is down: a failed delivery is retried later with a
growing delay, and given up (status "failed") after MAIL_MAX_ATTEMPTS.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask, g, render_template
from flask_babel import force_locale

from hub.database import write_intent
from hub.extensions import db
from hub.models import MessageStatus, OutboxMessage, utcnow

log = logging.getLogger(__name__)
STALE_SENDING = timedelta(minutes=10)


def queue_email(
    recipient: str,
    template: str,
    locale: str = "fr",
    attachments: list[dict[str, str]] | None = None,
    **context: Any,
) -> OutboxMessage:
    """Render `mail/<template>.txt` in the recipient's language and add it to the outbox.

    The template's first line is the subject. Attachments are dicts with filename,
    content_type and (text) content.
    """
    with force_locale(locale):
        rendered = render_template(f"mail/{template}.txt", **context)
    subject, _, body = rendered.strip().partition("\n")
    message = OutboxMessage(
        recipient=recipient,
        subject=subject.strip()[:250],
        body_text=body.strip() + "\n",
        attachments=list(attachments or []),
        locale=locale,
        kind=template,
    )
    db.session.add(message)
    g.outbox_dirty = True
    return message


def build_email(message: OutboxMessage, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Message-ID"] = make_msgid(idstring=f"outbox{message.id}")
    email["Content-Language"] = message.locale
    email.set_content(message.body_text)
    for attachment in message.attachments or []:
        maintype, _, subtype = attachment["content_type"].partition("/")
        email.add_attachment(
            attachment["content"].encode(),
            maintype=maintype,
            subtype=subtype.split(";")[0],
            filename=attachment["filename"],
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
    log.info("Mail to %s: %s", message.recipient, message.subject)


def deliver_pending(app: Flask, limit: int = 100) -> tuple[int, int]:
    """Send the messages that are due. Returns (sent, failed attempts).

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
                send_email(app, build_email(message, app.config["MAIL_FROM"]), message)
            except Exception as error:  # any transport failure: keep it for a retry
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
