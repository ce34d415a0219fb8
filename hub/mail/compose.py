"""Rendering a queued email: subject, text body and attachments, at delivery time.

Rendering happens in an app context without a request (the worker, the outbox command, or
after the response has gone), in the recipient's language; links come from PUBLIC_URL
(`link(...)` in the templates, hub/links.py). The first line of `mail/<kind>.txt` is the
subject. This is the one place that turns an outbox row into what is sent, so an HTML part
or another attachment is added here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import render_template
from flask_babel import force_locale

from hub.domain.outbox import ROW
from hub.extensions import db
from hub.models import OutboxMessage


@dataclass
class Attachment:
    filename: str
    content_type: str
    content: str


@dataclass
class ComposedEmail:
    recipient: str
    subject: str
    text: str
    locale: str
    attachments: list[Attachment] = field(default_factory=list)


def compose(message: OutboxMessage) -> ComposedEmail:
    """The email an outbox row stands for, rendered now in the recipient's language."""
    if not message.context and message.body_text:
        # Queued before emails were rendered at delivery: send what was rendered then.
        return ComposedEmail(message.recipient, message.subject, message.body_text, message.locale)
    context = _loaded(message.context or {})
    subject, text = render_email(message.kind, message.locale, context)
    with force_locale(message.locale):
        attachments = _attachments(context) if context.get("with_files") else []
        if context.get("with_calendar") and context.get("application") is not None:
            attachments = _demo_attachments(context["application"])
    return ComposedEmail(
        recipient=message.recipient,
        subject=subject,
        text=text,
        locale=message.locale,
        attachments=attachments,
    )


def render_email(kind: str, locale: str, context: dict) -> tuple[str, str]:
    """Subject and text of `mail/<kind>.txt` in `locale` (also what a preview shows)."""
    with force_locale(locale):
        rendered = render_template(f"mail/{kind}.txt", **context)
    subject, _, body = rendered.strip().partition("\n")
    return subject.strip()[:250], body.strip() + "\n"


def _attachments(context: dict) -> list[Attachment]:
    """The calendar file of the event and the check-in QR code of the registration."""
    from hub.calendars import event_calendar, registration_qr_svg

    event, registration = context["event"], context["registration"]
    return [
        Attachment(
            f"{event.slug}.ics",
            "text/calendar; charset=utf-8",
            event_calendar([event]).decode(),
        ),
        Attachment("check-in-qr-code.svg", "image/svg+xml", registration_qr_svg(registration)),
    ]


def _demo_attachments(application) -> list[Attachment]:
    """The demo day's calendar file, as the startup lives it (set-up, stand, pitch)."""
    from hub.calendars import startup_demo_calendar

    return [
        Attachment(
            f"demo-day-{application.slot_id}.ics",
            "text/calendar; charset=utf-8",
            startup_demo_calendar(application).decode(),
        )
    ]


def _models_by_table() -> dict[str, type]:
    return {
        mapper.class_.__tablename__: mapper.class_
        for mapper in db.Model.registry.mappers
        if hasattr(mapper.class_, "__tablename__")
    }


def _loaded(value: Any, models: dict[str, type] | None = None) -> Any:
    """The context with each row reference read again from the database."""
    models = models if models is not None else _models_by_table()
    if isinstance(value, dict):
        if ROW in value:
            return db.session.get(models[value[ROW]], value["id"])
        return {key: _loaded(item, models) for key, item in value.items()}
    if isinstance(value, list):
        return [_loaded(item, models) for item in value]
    return value
