"""Questions the hosts ask at registration: a short text, one choice from a list, or yes/no,
each with the reason it is asked, optional or required.

Answers belong to the registration: shown to the hosts, in the attendee export, in the
person's own data, and erased with the registration (hub/domain/privacy/erasure.py). A
question added once people have registered reaches them only if the hosts say so: they are
then told by email and answer from their private link.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from hub.domain import audit, outbox
from hub.domain.errors import DomainError, NotFound
from hub.extensions import db
from hub.models import (
    Event,
    QuestionKind,
    Registration,
    RegistrationAnswer,
    RegistrationQuestion,
    RegistrationState,
    User,
)

LABEL_MAX = 200
PURPOSE_MAX = 300
ANSWER_MAX = 500
CHOICE_MAX = 100
CHOICES_MAX = 20
QUESTIONS_MAX = 10
YES, NO = "yes", "no"
LIVE = (RegistrationState.CONFIRMED, RegistrationState.WAITLISTED)


def questions_of(event: Event | int) -> list[RegistrationQuestion]:
    """The event's questions, in the order they are asked."""
    event_id = event if isinstance(event, int) else event.id
    return list(
        db.session.scalars(
            sa.select(RegistrationQuestion)
            .where(RegistrationQuestion.event_id == event_id)
            .order_by(RegistrationQuestion.position, RegistrationQuestion.id)
        )
    )


def question_of(event: Event, question_id: int) -> RegistrationQuestion:
    """One question of this event; NotFound for any other."""
    question = db.session.get(RegistrationQuestion, question_id)
    if question is None or question.event_id != event.id:
        raise NotFound(_l("This question does not exist."))
    return question


def _live_registrations(event: Event) -> list[Registration]:
    return list(
        db.session.scalars(
            sa.select(Registration)
            .where(Registration.event_id == event.id, Registration.state.in_(LIVE))
            .order_by(Registration.id)
        )
    )


def add_question(
    actor: User,
    event: Event,
    label: str,
    kind: QuestionKind,
    purpose: str,
    required: bool = False,
    choices: str = "",
    tell_registered: bool = False,
) -> RegistrationQuestion:
    """Add a question (the caller checked that `actor` manages the event).

    Once people have registered, the hosts must choose to tell them (`tell_registered`):
    each live registrant then gets an email with the link to answer.
    """
    label, purpose = label.strip(), purpose.strip()
    if not label:
        raise DomainError(_l("Write the question."), field="label")
    if len(label) > LABEL_MAX:
        raise DomainError(
            _l("Keep it under %(count)d characters, please.", count=LABEL_MAX), field="label"
        )
    if not purpose:
        raise DomainError(
            _l("Say why you ask it: people decide what to answer from it."), field="purpose"
        )
    if len(purpose) > PURPOSE_MAX:
        raise DomainError(
            _l("Keep it under %(count)d characters, please.", count=PURPOSE_MAX), field="purpose"
        )
    options = []
    if kind == QuestionKind.CHOICE:
        options = list(dict.fromkeys(line.strip() for line in choices.splitlines() if line.strip()))
        if not 2 <= len(options) <= CHOICES_MAX or any(len(o) > CHOICE_MAX for o in options):
            raise DomainError(
                _l("Give from 2 to %(count)d choices, one per line.", count=CHOICES_MAX),
                field="choices",
            )
    existing = questions_of(event)
    if len(existing) >= QUESTIONS_MAX:
        raise DomainError(_l("An event asks %(count)d questions at most.", count=QUESTIONS_MAX))
    registered = _live_registrations(event)
    if registered and not tell_registered:
        raise DomainError(
            _l(
                "People have already registered: tick the box to tell them about the new "
                "question, or do not add it."
            ),
            field="tell_registered",
        )
    question = RegistrationQuestion(
        event_id=event.id,
        position=max((q.position for q in existing), default=0) + 1,
        label=label,
        kind=kind,
        choices=options,
        purpose=purpose,
        required=bool(required),
    )
    db.session.add(question)
    db.session.flush()
    audit.record(actor, "event.question_added", event, question=question.id, told=len(registered))
    for registration in registered:
        outbox.queue(
            registration.email,
            "event_new_question",
            registration.locale,
            registration=registration,
            event=event,
            question=question,
        )
    return question


def remove_question(actor: User, event: Event, question: RegistrationQuestion) -> None:
    """Remove a question; its answers go with it."""
    if question.event_id != event.id:
        raise NotFound(_l("This question does not exist."))
    db.session.delete(question)
    audit.record(actor, "event.question_removed", event, question=question.id)


def check_answers(
    questions: Iterable[RegistrationQuestion], given: Mapping[str, str | None]
) -> dict[int, str]:
    """The answers to keep, by question id, from the form's values (`question_<id>`);
    DomainError beside the first question answered wrongly or left out while required."""
    answers = {}
    for question in questions:
        value = (given.get(question.field_name) or "").strip()
        if not value:
            if question.required:
                raise DomainError(_l("Answer this question, please."), field=question.field_name)
            continue
        if question.kind == QuestionKind.CHOICE and value not in question.choices:
            raise DomainError(_l("Choose one of the answers."), field=question.field_name)
        if question.kind == QuestionKind.YES_NO and value not in (YES, NO):
            raise DomainError(_l("Answer yes or no."), field=question.field_name)
        if len(value) > ANSWER_MAX:
            raise DomainError(
                _l("Keep it under %(count)d characters, please.", count=ANSWER_MAX),
                field=question.field_name,
            )
        answers[question.id] = value
    return answers


def save_answers(registration: Registration, answers: Mapping[int, str]) -> None:
    """Keep these answers for the registration, replacing what it had answered before."""
    if answers:
        db.session.execute(
            sa.delete(RegistrationAnswer).where(
                RegistrationAnswer.registration_id == registration.id,
                RegistrationAnswer.question_id.in_(list(answers)),
            )
        )
    for question_id, value in answers.items():
        db.session.add(
            RegistrationAnswer(
                registration_id=registration.id, question_id=question_id, value=value
            )
        )
    db.session.flush()


def answer_later(registration: Registration, given: Mapping[str, str | None]) -> None:
    """The person answers (or changes answers) from their private link, while registered."""
    if registration.state not in LIVE or registration.erased_at is not None:
        raise DomainError(_l("This registration is no longer open to answers."))
    answers = check_answers(questions_of(registration.event_id), given)
    save_answers(registration, answers)
    audit.record(None, "registration.answered", registration)


def answers_by_registration(registration_ids: Iterable[int]) -> dict[int, dict[int, str]]:
    """{registration id: {question id: answer}} for these registrations."""
    found: dict[int, dict[int, str]] = {}
    ids = list(registration_ids)
    if not ids:
        return found
    for answer in db.session.scalars(
        sa.select(RegistrationAnswer).where(RegistrationAnswer.registration_id.in_(ids))
    ):
        found.setdefault(answer.registration_id, {})[answer.question_id] = answer.value
    return found


def shown(question: RegistrationQuestion, value: str | None) -> str:
    """An answer as people read it: "Oui" rather than "yes"."""
    if value is None:
        return ""
    if question.kind == QuestionKind.YES_NO:
        return str(_l("Yes") if value == YES else _l("No"))
    return value
