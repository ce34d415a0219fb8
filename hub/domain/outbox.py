"""The outbox: an email is queued in the transaction of the change that caused it.

The domain only says who gets which email, in which language, about what: the template's
name and its context, made of plain values and references to rows ({"$row": table, "id":
…}). hub/mail renders the email when it is delivered, outside any request, with its links
built from PUBLIC_URL; nothing is lost if the mail server is down.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from hub.extensions import db
from hub.models import OutboxMessage

ROW = "$row"


def queue(
    recipient: str,
    template: str,
    locale: str = "fr",
    *,
    send_at: datetime | None = None,
    **context: Any,
) -> OutboxMessage:
    """Add the email `mail/<template>.txt` for `recipient` to the current transaction.

    `context` holds plain values (text, numbers, lists, dicts) and model rows, which are
    kept as references and read again when the email is rendered. `send_at` schedules it
    for later (a reminder, a feedback request); by default it goes as soon as possible.
    """
    message = OutboxMessage(
        recipient=recipient, kind=template, locale=locale, context=_plain(context)
    )
    if send_at is not None:
        message.next_attempt_at = send_at
    db.session.add(message)
    return message


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    table = getattr(value, "__tablename__", None)
    if table is None:
        raise TypeError(f"an email's context cannot keep {type(value).__name__}")
    if value.id is None:
        db.session.flush()
    return {ROW: table, "id": value.id}
