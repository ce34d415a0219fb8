"""Messages to registrants: the hosts (proposing partner, accepted co-hosts) and staff write
to an event's registrants, chosen by the state of their registration.

The host sees the number of recipients and a preview, then confirms that number: if it
changed meanwhile (someone registered or cancelled), the message is not sent and the new
number is shown to confirm again. A message may be written in French, English or both;
each person gets the version in their registration's language where both exist. Every
email carries the person's private link (no unsubscribe: it is about an event they joined).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

from hub.domain import audit, locks, outbox
from hub.domain.errors import Conflict, DomainError, NotFound
from hub.domain.events.permissions import can_manage_event
from hub.domain.events.queries import message_recipients, messages_sent_since
from hub.extensions import db
from hub.models import Event, EventMessage, MessageAudience, User, utcnow

SUBJECT_MAX = 150
BODY_MAX = 5000
LANGUAGES = ("fr", "en")
DRAFT_TEXTS = ("subject_fr", "body_fr", "subject_en", "body_en")
# Control characters but tab and line feed; a subject keeps no line break at all.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass
class MessageDraft:
    """What the host typed: whom to write to, and the message in one or both languages."""

    audience: MessageAudience
    subject_fr: str = ""
    body_fr: str = ""
    subject_en: str = ""
    body_en: str = ""


def _one_line(text: str) -> str:
    return " ".join(_CONTROL.sub(" ", text or "").split())


def _paragraphs(text: str) -> str:
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text).strip()


def prepare_message(draft: MessageDraft) -> EventMessage:
    """The message as it would be sent (not stored), or a DomainError on the field to fix."""
    message = EventMessage(audience=draft.audience, recipients=0)
    for language in LANGUAGES:
        subject = _one_line(getattr(draft, f"subject_{language}"))
        body = _paragraphs(getattr(draft, f"body_{language}"))
        if len(subject) > SUBJECT_MAX:
            raise DomainError(
                lazy_ngettext(
                    "At most %(num)d character.", "At most %(num)d characters.", SUBJECT_MAX
                ),
                field=f"subject_{language}",
            )
        if len(body) > BODY_MAX:
            raise DomainError(
                lazy_ngettext(
                    "At most %(num)d character.", "At most %(num)d characters.", BODY_MAX
                ),
                field=f"body_{language}",
            )
        if subject and not body:
            raise DomainError(
                _l("Write the text that goes with this subject."), field=f"body_{language}"
            )
        if body and not subject:
            raise DomainError(_l("Give this text a subject."), field=f"subject_{language}")
        setattr(message, f"subject_{language}", subject)
        setattr(message, f"body_{language}", body)
    if not message.languages:
        raise DomainError(
            _l("Write a subject and a text, in French, English or both."), field="subject_fr"
        )
    return message


def send_message(
    actor: User,
    event: Event,
    draft: MessageDraft,
    confirmed_recipients: int,
    now: datetime | None = None,
) -> EventMessage:
    """Queue the message for each recipient, in their language, with their private link.

    `confirmed_recipients` is the number the host saw and confirmed; if the audience has
    changed size since, nothing is sent (Conflict) so that the host can look again. At
    most EVENT_MESSAGES_PER_DAY messages per event in 24 hours.
    """
    if not can_manage_event(actor, event):
        raise NotFound(_l("This event does not exist."))
    message = prepare_message(draft)
    now = now or utcnow()
    locks.lock_event(event.id)  # one sender at a time: the count and the daily limit hold
    limit = current_app.config["EVENT_MESSAGES_PER_DAY"]
    if messages_sent_since(event, now - timedelta(days=1)) >= limit:
        raise Conflict(
            lazy_ngettext(
                "This event's registrants have had %(num)d message in the last 24 hours: "
                "please wait before writing again.",
                "This event's registrants have had %(num)d messages in the last 24 hours: "
                "please wait before writing again.",
                limit,
            )
        )
    people = list(db.session.scalars(message_recipients(event, draft.audience)))
    if not people:
        raise DomainError(_l("Nobody is registered in this group."), field="audience")
    if len(people) != confirmed_recipients:
        raise Conflict(
            _l(
                "The number of recipients has changed since the preview: it is now "
                "%(count)d. Check the preview and confirm again.",
                count=len(people),
            )
        )
    message.event_id = event.id
    message.author_id = actor.id
    message.recipients = len(people)
    message.created_at = now
    db.session.add(message)
    db.session.flush()
    for registration in people:
        language = message.language_for(registration.locale)
        outbox.queue(
            registration.email,
            "event_message",
            language,
            message=message,
            language=language,
            registration=registration,
            event=event,
        )
    audit.record(
        actor,
        "event.message_sent",
        event,
        message=message.id,
        audience=draft.audience,
        recipients=len(people),
        languages=message.languages,
    )
    return message
