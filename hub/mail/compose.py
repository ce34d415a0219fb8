"""Rendering a queued email: subject, text and HTML bodies and attachments, at delivery time.

Rendering happens in an app context without a request (the worker, the outbox command, or
after the response has gone), in the recipient's language; links come from PUBLIC_URL
(`link(...)` in the templates, hub/links.py). The first line of `mail/<kind>.txt` is the
subject. This is the one place that turns an outbox row into what is sent, so an HTML part
or another attachment is added here.

The HTML part is made from the same rendered text, so the two never say different things:
`mail/_layout.html` sets its paragraphs in a simple, accessible page (inline CSS only, as
mail clients drop style sheets; nothing needs an image to be read). A registration's QR
code is a PNG shown inside the HTML part (an attachment with a Content-ID).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from flask import render_template
from flask_babel import force_locale
from markupsafe import Markup, escape

from hub.domain.outbox import ROW
from hub.extensions import db
from hub.models import OutboxMessage, RegistrationState
from hub.text import one_line

QR_CODE_ID = "check-in-qr-code@atelier-hub"
ADDRESS = re.compile(r"https?://[^\s<>\"]+")


@dataclass
class Attachment:
    filename: str
    content_type: str
    content: str | bytes
    # Set for an image the HTML part shows (`<img src="cid:…">`): it travels beside it.
    content_id: str | None = None


@dataclass
class ComposedEmail:
    recipient: str
    subject: str
    text: str
    locale: str
    attachments: list[Attachment] = field(default_factory=list)
    html: str = ""


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
        html = render_html(subject, text, message.locale, attachments)
    return ComposedEmail(
        recipient=message.recipient,
        subject=subject,
        text=text,
        locale=message.locale,
        attachments=attachments,
        html=html,
    )


def render_email(kind: str, locale: str, context: dict) -> tuple[str, str]:
    """Subject and text of `mail/<kind>.txt` in `locale` (also what a preview shows)."""
    with force_locale(locale):
        rendered = render_template(f"mail/{kind}.txt", **context)
    subject, _, body = rendered.strip().partition("\n")
    # A header is one line: a title stored with a vertical tab or U+2028 must not stop
    # the email from being sent.
    return one_line(subject)[:250], body.strip() + "\n"


def render_html(subject: str, text: str, locale: str, attachments: list[Attachment]) -> str:
    """The HTML part: the text's paragraphs, with its addresses as links, and inline images."""
    paragraphs = [_paragraph(block) for block in re.split(r"\n\s*\n", text.strip()) if block]
    images = [attachment for attachment in attachments if attachment.content_id]
    return render_template(
        "mail/_layout.html", subject=subject, paragraphs=paragraphs, images=images, locale=locale
    )


def _paragraph(block: str) -> Markup:
    """One paragraph of the text: lines kept, addresses made links (their text stays)."""
    lines = []
    for line in block.strip().splitlines():
        parts, position = [], 0
        for match in ADDRESS.finditer(line):
            address = match.group().rstrip(".,;:!?)")
            parts.append(escape(line[position : match.start()]))
            parts.append(Markup('<a href="{0}" style="{1}">{0}</a>').format(address, LINK_STYLE))
            position = match.start() + len(address)
        parts.append(escape(line[position:]))
        lines.append(Markup("").join(parts))
    return Markup("<br>\n").join(lines)


LINK_STYLE = "color:#0b4fa8;text-decoration:underline;word-break:break-all;"


def _attachments(context: dict) -> list[Attachment]:
    """The calendar file of the event and the check-in QR code of the registration; for a
    cancelled registration (or course booking), the cancellation of the event (or of each
    session) for the person's calendar."""
    from hub.calendars import registration_calendar, registration_qr_png

    registration = context["registration"]
    if registration.state == RegistrationState.CANCELLED:
        # A course booking is cancelled as a whole: every session leaves the calendar.
        return [
            Attachment(
                f"{cancelled.event.slug}.ics",
                "text/calendar; charset=utf-8; method=CANCEL",
                registration_calendar(cancelled, method="CANCEL").decode(),
            )
            for cancelled in context.get("registrations", [registration])
        ]
    event = context["event"]
    return [
        Attachment(
            f"{event.slug}.ics",
            "text/calendar; charset=utf-8",
            registration_calendar(registration).decode(),
        ),
        Attachment(
            "check-in-qr-code.png",
            "image/png",
            registration_qr_png(registration),
            content_id=QR_CODE_ID,
        ),
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
