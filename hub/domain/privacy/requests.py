"""A person's rights over what is held under their email address: see it, download it,
correct their name, erase it all.

Without an account, the key is a registration's private link; erasing needs more, because
a private link may have been forwarded: a link emailed to the address itself
(`request_erasure`, then `erase_person` with the address that link carries). Staff answer
the same requests received by post or phone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from hub.domain import audit, outbox, signed
from hub.domain.accounts.queries import normalise_email
from hub.domain.errors import DomainError
from hub.domain.events.registrations import cancel_registration
from hub.domain.privacy.erasure import anonymise_registrations
from hub.extensions import db
from hub.models import (
    Event,
    EventState,
    Feedback,
    Lead,
    Membership,
    MessageStatus,
    OutboxMessage,
    Registration,
    RegistrationAnswer,
    RegistrationQuestion,
    RegistrationState,
    User,
    utcnow,
)

NAME_MAX = 120


@dataclass
class PersonalData:
    """Everything held under one address (registrations not yet erased, their feedback)."""

    email: str
    registrations: list[Registration] = field(default_factory=list)
    feedback: dict[int, Feedback] = field(default_factory=dict)  # by registration id
    # {registration id: [(question, answer)]}
    answers: dict[int, list[tuple[RegistrationQuestion, str]]] = field(default_factory=dict)
    leads: list[Lead] = field(default_factory=list)
    account: User | None = None
    memberships: list[Membership] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return sorted({registration.name for registration in self.registrations})

    def as_plain(self) -> dict:
        """The download: plain values only, dates in ISO 8601 (UTC)."""
        plain = {
            "email": self.email,
            "registrations": [
                {
                    "event": registration.event.title,
                    "event_starts_at": _iso(registration.event.starts_at),
                    "name": registration.name,
                    "email": registration.email,
                    "state": registration.state.value,
                    "language": registration.locale,
                    "wants_news": registration.wants_news,
                    "registered_at": _iso(registration.created_at),
                    "confirmed_at": _iso(registration.confirmed_at),
                    "cancelled_at": _iso(registration.cancelled_at),
                    "attended_at": _iso(registration.attended_at),
                    "answers": [
                        {"question": question.label, "answer": value}
                        for question, value in self.answers.get(registration.id, [])
                    ],
                    "feedback": _feedback(self.feedback.get(registration.id)),
                }
                for registration in self.registrations
            ],
        }
        plain["demo_day_contacts"] = [
            {
                "startup": lead.application.organisation.name,
                "demo_day": lead.application.slot.theme,
                "agreed_to": lead.consent,
                "left_at": _iso(lead.created_at),
            }
            for lead in self.leads
        ]
        if self.account is not None:
            plain["account"] = {
                "name": self.account.name,
                "email": self.account.email,
                "language": self.account.locale,
                "created_at": _iso(self.account.created_at),
                "last_login_at": _iso(self.account.last_login_at),
                "organisations": [
                    {"name": membership.organisation.name, "role": membership.role.value}
                    for membership in self.memberships
                ],
            }
        return plain


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _feedback(answer: Feedback | None) -> dict | None:
    if answer is None:
        return None
    return {"rating": answer.rating, "comment": answer.comment, "at": _iso(answer.updated_at)}


def held_under(email: str, account: User | None = None) -> PersonalData:
    """What is held under this address (and this account, if given): registrations, newest
    event first, their feedback, and the account with its memberships."""
    email = normalise_email(email)
    if not email and account is None:
        # People added at the door may have no address: nothing is held "under" none.
        return PersonalData(email)
    whose = Registration.email == email
    if account is not None:
        whose = sa.or_(whose, Registration.user_id == account.id)
    registrations = list(
        db.session.scalars(
            sa.select(Registration)
            .join(Event, Event.id == Registration.event_id)
            .where(whose, Registration.erased_at.is_(None))
            .order_by(Event.starts_at.desc(), Registration.id.desc())
        )
    )
    answers = db.session.scalars(
        sa.select(Feedback).where(
            Feedback.registration_id.in_([registration.id for registration in registrations])
        )
    )
    data = PersonalData(
        email, registrations, {answer.registration_id: answer for answer in answers}
    )
    data.leads = list(
        db.session.scalars(sa.select(Lead).where(Lead.email == email).order_by(Lead.id))
    )
    for answer in db.session.scalars(
        sa.select(RegistrationAnswer)
        .join(RegistrationQuestion, RegistrationQuestion.id == RegistrationAnswer.question_id)
        .where(RegistrationAnswer.registration_id.in_([r.id for r in registrations]))
        .order_by(RegistrationQuestion.position, RegistrationQuestion.id)
    ):
        data.answers.setdefault(answer.registration_id, []).append((answer.question, answer.value))
    if account is not None:
        data.account = account
        data.memberships = list(
            db.session.scalars(
                sa.select(Membership)
                .where(Membership.user_id == account.id)
                .order_by(Membership.id)
            )
        )
    return data


def correct_name(email: str, name: str, actor: User | None = None) -> int:
    """Write `name` on every registration held under the address; returns how many changed."""
    name = name.strip()
    if not name:
        raise DomainError(_l("Tell us your name."), field="name")
    if len(name) > NAME_MAX:
        raise DomainError(
            _l("Keep it under %(count)d characters, please.", count=NAME_MAX), field="name"
        )
    changed = 0
    if actor is not None and actor.email == normalise_email(email) and actor.name != name:
        actor.name = name
        audit.record(actor, "user.name_corrected", actor)
        changed += 1
    for registration in held_under(email, actor).registrations:
        if registration.name != name:
            registration.name = name
            # The trail says that the name changed, not what it was or became.
            audit.record(actor, "registration.name_corrected", registration)
            changed += 1
    db.session.flush()
    return changed


def stop_news(email: str) -> int:
    """Withdraw the optional consent to news on every registration under the address."""
    stopped = 0
    for registration in held_under(email).registrations:
        if registration.wants_news:
            registration.wants_news = False
            audit.record(None, "registration.news_stopped", registration)
            stopped += 1
    db.session.flush()
    return stopped


def request_erasure(registration: Registration) -> None:
    """Email the address a link that confirms the erasure of everything held under it."""
    outbox.queue(
        registration.email,
        "privacy_erasure_confirm",
        registration.locale,
        token=signed.signer("erasure").dumps({"e": registration.email}),
        registrations=len(held_under(registration.email).registrations),
        hours=current_app.config["ERASURE_LINK_MAX_AGE"] // 3600,
    )
    audit.record(None, "privacy.erasure_requested", registration)


def address_to_erase(token: str) -> str:
    """The address an emailed erasure link was sent to; DomainError for any other link."""
    data = signed.read(
        "erasure",
        token,
        "ERASURE_LINK_MAX_AGE",
        _l("This link is invalid or has expired. Ask again from your private link."),
    )
    return data["e"]


def erase_person(
    email: str,
    actor: User | None = None,
    now: datetime | None = None,
    account: User | None = None,
) -> int:
    """Erase everything held under the address; returns how many registrations it had.

    A seat or a place on the waiting list for an event still to come is cancelled first,
    as the person would (the waiting list moves up); then feedback and mail go and the
    registrations are anonymised. The audit trail keeps one entry per registration, with
    who asked and nothing of what was erased.
    """
    now = now or utcnow()
    data = held_under(email, account)
    for registration in data.registrations:
        live = registration.state in (RegistrationState.CONFIRMED, RegistrationState.WAITLISTED)
        event = registration.event
        if live and event.state == EventState.PUBLISHED and event.starts_at > now:
            cancel_registration(registration, actor)
    ids = [registration.id for registration in data.registrations]
    if ids:
        db.session.execute(sa.delete(Feedback).where(Feedback.registration_id.in_(ids)))
    if data.email:
        db.session.execute(sa.delete(Lead).where(Lead.email == data.email))
    db.session.execute(
        sa.delete(OutboxMessage).where(
            OutboxMessage.recipient == data.email, OutboxMessage.status != MessageStatus.SENDING
        )
    )
    anonymise_registrations(data.registrations, now)
    for registration in data.registrations:
        audit.record(actor, "registration.erased", registration)
    db.session.flush()
    return len(ids)
