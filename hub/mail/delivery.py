"""Delivering the outbox: render each due email and send it, with retries.

Nothing is lost when the mail server is down: a failed delivery is retried later with a
growing delay, and given up (status "failed") after MAIL_MAX_ATTEMPTS.

Several processes deliver at once (the worker on each machine, the web app after a
response), and none sends a message another has taken:

- a message is claimed before it is sent: pending → sending, by one conditional update.
  On PostgreSQL the pick uses FOR UPDATE SKIP LOCKED, so each process takes a different
  message instead of queueing behind another's; SQLite admits one writer at a time (every
  delivery transaction begins IMMEDIATE), so its claims are already taken one by one;
- nothing is held while the mail server is talked to: the claim is committed first;
- a process killed mid-send leaves its claim behind: after MAIL_SENDING_TIMEOUT it is
  taken back and the message is sent again. Delivery is therefore at least once: if the
  kill fell between the server accepting the message and the "sent" commit (a few
  milliseconds), the person gets it twice, with the same Message-ID, which lets mail
  clients show it once.
"""

from __future__ import annotations

import logging
import os
import smtplib
import socket
from collections.abc import Callable
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import parseaddr
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
MAIL_QUEUED = "hub.mail_queued"


@event.listens_for(Session, "after_flush")
def _note_queued_mail(session: Session, _context) -> None:
    # The edge learns here that a change queued mail, to deliver it after the response.
    if any(isinstance(instance, OutboxMessage) for instance in session.new):
        session.info[MAIL_QUEUED] = True


def mail_was_queued(session: Session) -> bool:
    """Whether the transaction just committed queued mail (and forget it)."""
    return session.info.pop(MAIL_QUEUED, False)


def process_name() -> str:
    """Who holds a claim: this machine and process."""
    return f"{socket.gethostname()}:{os.getpid()}"[:120]


def message_id_header(message: OutboxMessage, sender: str) -> str:
    """The same Message-ID each time one outbox message is sent, so that a message sent
    twice (a kill after the server took it) reads as one in the person's mail client."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "atelier-hub.localhost"
    return f"<outbox.{message.id}.{message.created_at:%Y%m%d%H%M%S}@{domain}>"


def build_email(message: OutboxMessage, composed: ComposedEmail, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = composed.recipient
    email["Subject"] = composed.subject
    email["Message-ID"] = message_id_header(message, sender)
    email["Content-Language"] = composed.locale
    email.set_content(composed.text)
    # multipart/alternative: the text, then the HTML with the images it shows (related).
    if composed.html:
        email.add_alternative(composed.html, subtype="html")
        html_part = email.get_payload()[-1]
        for image in (a for a in composed.attachments if a.content_id):
            html_part.add_related(
                _bytes(image.content),
                *_type(image.content_type),
                cid=f"<{image.content_id}>",
                filename=image.filename,
                disposition="inline",
            )
    for attachment in composed.attachments:
        if composed.html and attachment.content_id:
            continue
        maintype, subtype = _type(attachment.content_type)
        parameters = [part.strip() for part in attachment.content_type.split(";")[1:]]
        email.add_attachment(
            _bytes(attachment.content),
            maintype=maintype,
            subtype=subtype,
            filename=attachment.filename,
            # e.g. method=CANCEL, which tells a mail reader the calendar file is a cancellation.
            params=dict(part.partition("=")[::2] for part in parameters if part),
        )
    return email


def _bytes(content: str | bytes) -> bytes:
    return content if isinstance(content, bytes) else content.encode()


def _type(content_type: str) -> tuple[str, str]:
    maintype, _, subtype = content_type.partition("/")
    return maintype, subtype.split(";")[0]


def send_email(app: Flask, email: EmailMessage, message_id: int) -> None:
    backend = app.config["MAIL_BACKEND"] or ("smtp" if app.config["SMTP_HOST"] else "file")
    if backend == "smtp":
        with smtplib.SMTP(
            app.config["SMTP_HOST"], app.config["SMTP_PORT"], timeout=app.config["SMTP_TIMEOUT"]
        ) as smtp:
            if app.config["SMTP_STARTTLS"]:
                smtp.starttls()
            if app.config["SMTP_USERNAME"]:
                smtp.login(app.config["SMTP_USERNAME"], app.config["SMTP_PASSWORD"])
            smtp.send_message(email)
        return
    folder = Path(app.config["MAIL_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    stamp = utcnow().strftime("%Y%m%dT%H%M%S")
    (folder / f"{stamp}-{message_id:06d}.eml").write_bytes(bytes(email))
    log.info("Mail to %s: %s", email["To"], email["Subject"])


def take_back_stale_claims(app: Flask, now: datetime) -> int:
    """Put back in the queue the messages whose sender stopped mid-send (killed, crashed)."""
    cutoff = now - timedelta(seconds=app.config["MAIL_SENDING_TIMEOUT"])
    with write_intent(True):
        taken_back = db.session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.status == MessageStatus.SENDING, OutboxMessage.claimed_at < cutoff)
            .values(status=MessageStatus.PENDING, next_attempt_at=now)
        ).rowcount
        db.session.commit()
    if taken_back:
        log.warning(
            "%d message(s) left sending by a stopped process are queued again "
            "(one may already have reached its server and arrive twice)",
            taken_back,
        )
    return taken_back


def next_due_message(now: datetime) -> sa.Select:
    """The id of the message to send next: pending and due, the longest due first."""
    return (
        sa.select(OutboxMessage.id)
        .where(OutboxMessage.status == MessageStatus.PENDING, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(1)
    )


def claim_next_message(holder: str, now: datetime) -> int | None:
    """Take the next due message for `holder`; its id, or None when none is due."""
    with write_intent(True):
        while True:
            due = next_due_message(now)
            if db.engine.dialect.name == "postgresql":
                # Skip the rows another process is claiming instead of waiting for them.
                due = due.with_for_update(skip_locked=True)
            message_id = db.session.scalar(due)
            if message_id is None:
                db.session.commit()
                return None
            claimed = db.session.execute(
                sa.update(OutboxMessage)
                .where(
                    OutboxMessage.id == message_id,
                    OutboxMessage.status == MessageStatus.PENDING,
                )
                .values(
                    status=MessageStatus.SENDING,
                    attempts=OutboxMessage.attempts + 1,
                    claimed_at=now,
                    claimed_by=holder,
                )
            ).rowcount
            db.session.commit()
            if claimed:
                return message_id


def deliver_claimed(app: Flask, message_id: int) -> bool:
    """Render and send one claimed message, then record how it went. True when sent."""
    # Read and render in a read-only transaction, ended before the mail server is called:
    # on SQLite no write lock is held while the network is slow.
    with write_intent(False):
        message = db.session.get(OutboxMessage, message_id)
        attempts, recipient = message.attempts, message.recipient
        try:
            composed = compose(message)
            email = build_email(message, composed, app.config["MAIL_FROM"])
        except Exception as error:  # a template or a row that went missing: retry later
            db.session.rollback()
            return _record_failure(app, message_id, recipient, attempts, error)
        db.session.rollback()
    try:
        send_email(app, email, message_id)
    except Exception as error:  # any transport failure: retry later
        return _record_failure(app, message_id, recipient, attempts, error)
    # Recorded at once: this commit closes the window in which a kill means a second copy.
    with write_intent(True):
        db.session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.id == message_id)
            .values(
                status=MessageStatus.SENT,
                sent_at=utcnow(),
                subject=composed.subject,
                body_text=composed.text,
            )
        )
        db.session.commit()
    return True


def _record_failure(
    app: Flask, message_id: int, recipient: str, attempts: int, error: Exception
) -> bool:
    given_up = attempts >= app.config["MAIL_MAX_ATTEMPTS"]
    values: dict = {
        "status": MessageStatus.FAILED if given_up else MessageStatus.PENDING,
        "last_error": f"{type(error).__name__}: {error}"[:2000],
    }
    if not given_up:
        values["next_attempt_at"] = utcnow() + timedelta(minutes=2**attempts)
    with write_intent(True):
        db.session.execute(
            sa.update(OutboxMessage).where(OutboxMessage.id == message_id).values(**values)
        )
        db.session.commit()
    log.warning("Mail %s to %s not sent: %s", message_id, recipient, error)
    return False


def deliver_pending(
    app: Flask, limit: int = 100, should_stop: Callable[[], bool] | None = None
) -> tuple[int, int]:
    """Send the messages that are due, one claim at a time. Returns (sent, failed attempts).

    Stops after `limit` messages, when none is due, or as soon as `should_stop()` says so
    between two messages (the worker's graceful shutdown).
    """
    holder = process_name()
    sent = failed = 0
    take_back_stale_claims(app, utcnow())
    for _ in range(limit):
        if should_stop is not None and should_stop():
            break
        message_id = claim_next_message(holder, utcnow())
        if message_id is None:
            break
        if deliver_claimed(app, message_id):
            sent += 1
        else:
            failed += 1
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
