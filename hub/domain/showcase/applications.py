"""A startup's application for a demo slot, and every transition of it.

Every transition is a function that checks who may take it and raises a domain error
otherwise. Whatever changes the seats of a slot locks the slot's row first and counts
under that lock (hub/domain/locks.py), so accepted + confirmed never exceed the seats.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

from hub.domain import audit, locks
from hub.domain.errors import Conflict, DomainError, NotAllowed, NotFound
from hub.domain.organisations.members import can_manage, notify_members
from hub.domain.showcase import programme
from hub.domain.showcase.queries import live_application
from hub.extensions import db
from hub.models import (
    Application,
    ApplicationState,
    Innovation,
    InnovationStatus,
    Organisation,
    OrganisationKind,
    ShowcaseSlot,
    SlotStatus,
    User,
    utcnow,
)

STAFF, STARTUP = "staff", "startup"
# action: (states it may start from, state it leads to, who may take it)
TRANSITIONS: dict[str, tuple[frozenset[ApplicationState], ApplicationState, str]] = {
    "submit": (frozenset({ApplicationState.DRAFT}), ApplicationState.SUBMITTED, STARTUP),
    "accept": (
        frozenset({ApplicationState.SUBMITTED, ApplicationState.WAITLISTED}),
        ApplicationState.ACCEPTED,
        STAFF,
    ),
    "waitlist": (frozenset({ApplicationState.SUBMITTED}), ApplicationState.WAITLISTED, STAFF),
    "reject": (
        frozenset({ApplicationState.SUBMITTED, ApplicationState.WAITLISTED}),
        ApplicationState.REJECTED,
        STAFF,
    ),
    "confirm": (frozenset({ApplicationState.ACCEPTED}), ApplicationState.CONFIRMED, STARTUP),
    "withdraw": (
        frozenset(
            {
                ApplicationState.SUBMITTED,
                ApplicationState.ACCEPTED,
                ApplicationState.WAITLISTED,
                ApplicationState.CONFIRMED,
            }
        ),
        ApplicationState.WITHDRAWN,
        STARTUP,
    ),
    "cancel": (
        frozenset({ApplicationState.ACCEPTED, ApplicationState.CONFIRMED}),
        ApplicationState.CANCELLED,
        STAFF,
    ),
}
# What each action did, as messages say it: "it cannot be %(action)s".
ACTION_LABELS = {
    "submit": _l("submitted"),
    "accept": _l("accepted"),
    "waitlist": _l("put on the waiting list"),
    "reject": _l("declined"),
    "confirm": _l("confirmed"),
    "withdraw": _l("withdrawn"),
    "cancel": _l("cancelled"),
}
PITCH_MIN = 20


def allowed_actions(application: Application, role: str) -> list[str]:
    """The actions `role` ("staff" or "startup") may take on the application now."""
    return [
        action
        for action, (sources, _target, who) in TRANSITIONS.items()
        if who == role and application.state in sources
    ]


def lock(application: Application) -> Application:
    """Lock the application's slot, then read the application afresh."""
    locks.lock_slot(application.slot_id)
    db.session.refresh(application)
    return application


def ensure_seat_free(slot: ShowcaseSlot) -> None:
    """Refuse when every startup seat of the slot is held (call under the slot's lock)."""
    if locks.slot_seats_taken(slot.id) >= slot.seats:
        raise Conflict(
            lazy_ngettext(
                "The only seat of this slot is taken: put the application on the "
                "waiting list, or free the seat first.",
                "All %(num)d seats of this slot are taken: put the application on the "
                "waiting list, or free a seat first.",
                slot.seats,
            )
        )


def check_transition(user: User, application: Application, action: str) -> ApplicationState:
    """The state `action` leads to, if `user` may take it from the application's state."""
    sources, target, who = TRANSITIONS[action]
    if who == STAFF:
        if not user.is_staff:
            raise NotAllowed(_l("Only the venue team can do this."))
    elif not can_manage(user, application.organisation):
        raise NotFound(_l("This application does not exist or belongs to another startup."))
    if application.state not in sources:
        raise DomainError(
            _l(
                "This application is %(state)s: it cannot be %(action)s.",
                state=application.state.label,
                action=ACTION_LABELS[action],
            )
        )
    return target


def move(user: User | None, application: Application, target: ApplicationState, **details) -> None:
    """Put the application in `target`, stamping the time and recording who did it."""
    previous = application.state
    application.state = target
    if previous in locks.SLOT_SEAT_STATES and target not in locks.SLOT_SEAT_STATES:
        programme.clear_placement(application)
    now = utcnow()
    if target in (ApplicationState.ACCEPTED, ApplicationState.REJECTED):
        application.decided_at = now
    if target == ApplicationState.WAITLISTED:
        application.waitlisted_at = now
    if target == ApplicationState.SUBMITTED:
        application.submitted_at = now
    audit.record(
        user,
        f"application.{target.value}",
        application,
        old=previous.value,
        slot_id=application.slot_id,
        **details,
    )


def tell_startup(application: Application, template: str, **context) -> None:
    """Email every member of the startup about its application."""
    notify_members(
        application.organisation,
        template,
        application=application,
        slot=application.slot,
        **context,
    )


def slot_has_not_started(slot: ShowcaseSlot) -> None:
    if slot.status == SlotStatus.CANCELLED:
        raise DomainError(_l("This demo slot has been cancelled."))
    if slot.starts_at <= utcnow():
        raise DomainError(_l("This demo slot has already started."))


def _before_deadline(slot: ShowcaseSlot) -> None:
    if slot.status != SlotStatus.OPEN:
        raise DomainError(_l("This demo slot no longer takes applications."))
    if slot.application_deadline <= utcnow():
        raise DomainError(_l("The application deadline for this slot has passed."))


def _own_innovation(organisation: Organisation, innovation_id) -> Innovation:
    innovation = db.session.get(Innovation, innovation_id) if innovation_id else None
    if (
        innovation is None
        or innovation.organisation_id != organisation.id
        or innovation.status == InnovationStatus.ARCHIVED
    ):
        raise DomainError(
            _l("Choose one of your startup's innovations (archived ones cannot be shown)."),
            field="innovation_id",
        )
    return innovation


def _check_pitch(pitch: str) -> None:
    if len(pitch.strip()) < PITCH_MIN:
        raise DomainError(
            lazy_ngettext(
                "Tell the team what you will demo: %(num)d character at least.",
                "Tell the team what you will demo: %(num)d characters at least.",
                PITCH_MIN,
            ),
            field="pitch",
        )


def save_application(
    user: User,
    organisation: Organisation,
    slot: ShowcaseSlot,
    *,
    innovation_id: int | None,
    pitch: str,
    needs: str,
    submit: bool,
    application: Application | None = None,
    wants_power: bool = False,
    wants_table: bool = False,
) -> Application:
    """Create or edit the startup's application for a slot, as a draft or submitted.

    Until the deadline the startup may edit a draft or a submitted application; one live
    application per startup and slot.
    """
    if not can_manage(user, organisation):
        raise NotFound(_l("This organisation does not exist, or you are not one of its members."))
    if organisation.kind != OrganisationKind.STARTUP:
        raise DomainError(_l("Only startups apply for demo slots."))
    slot = locks.lock_slot(slot.id)
    _before_deadline(slot)
    innovation = _own_innovation(organisation, innovation_id)
    pitch, needs = (pitch or "").strip(), (needs or "").strip()
    if submit:
        _check_pitch(pitch)
    if application is None:
        if live_application(organisation.id, slot.id) is not None:
            raise Conflict(
                _l("Your startup already has an application for this slot: edit that one.")
            )
        application = Application(
            slot_id=slot.id, organisation_id=organisation.id, created_by_id=user.id
        )
        db.session.add(application)
    else:
        db.session.refresh(application)
        if application.organisation_id != organisation.id or application.slot_id != slot.id:
            raise NotFound(_l("This application does not exist or belongs to another startup."))
        if application.state not in (ApplicationState.DRAFT, ApplicationState.SUBMITTED):
            raise DomainError(
                _l(
                    "This application is %(state)s: it can no longer be edited.",
                    state=application.state.label,
                )
            )
    application.innovation_id = innovation.id
    application.pitch = pitch
    application.needs = needs
    application.wants_power = bool(wants_power)
    application.wants_table = bool(wants_table)
    db.session.flush()
    if submit and application.state == ApplicationState.DRAFT:
        move(user, application, ApplicationState.SUBMITTED)
    else:
        audit.record(user, "application.saved", application, state=application.state.value)
    return application


def submit_application(user: User, application: Application) -> None:
    """Send a draft to the venue team, before the deadline."""
    application = lock(application)
    target = check_transition(user, application, "submit")
    _before_deadline(application.slot)
    _check_pitch(application.pitch)
    move(user, application, target)


def confirm_application(user: User, application: Application) -> None:
    """The startup confirms it will come to demo on the day."""
    application = lock(application)
    target = check_transition(user, application, "confirm")
    slot_has_not_started(application.slot)
    move(user, application, target)


def withdraw_application(user: User, application: Application) -> None:
    """The startup withdraws; a seat it held goes to the oldest waitlisted application."""
    application = lock(application)
    target = check_transition(user, application, "withdraw")
    held_seat = application.state in locks.SLOT_SEAT_STATES
    move(user, application, target)
    if held_seat:
        promote_waitlisted(application.slot, user)


def promote_waitlisted(slot: ShowcaseSlot, actor: User | None) -> list[Application]:
    """Offer the free seats to the oldest waitlisted applications (of verified startups).

    Called under the slot's lock by whatever freed a seat; each promoted startup is told.
    """
    if slot.status == SlotStatus.CANCELLED or slot.starts_at <= utcnow():
        return []
    db.session.flush()
    free = slot.seats - locks.slot_seats_taken(slot.id)
    if free <= 0:
        return []
    candidates = db.session.scalars(
        sa.select(Application)
        .join(Application.organisation)
        .where(
            Application.slot_id == slot.id,
            Application.state == ApplicationState.WAITLISTED,
            Organisation.verified_at.is_not(None),
        )
        .order_by(Application.waitlisted_at, Application.id)
        .limit(free)
    ).all()
    for application in candidates:
        move(actor, application, ApplicationState.ACCEPTED, promoted=True)
        application.decision_message = ""
        tell_startup(application, "application_promoted", with_calendar=True)
    return list(candidates)
