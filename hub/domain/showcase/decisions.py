"""The venue team's decisions on applications: accept, waitlist, decline, cancel a seat."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from hub.domain.errors import DomainError
from hub.domain.showcase.applications import (
    check_transition,
    ensure_seat_free,
    lock,
    move,
    promote_waitlisted,
    slot_has_not_started,
    tell_startup,
)
from hub.models import Application, ApplicationState, User

DECISIONS = ("accept", "waitlist", "reject")


def decide_application(staff: User, application: Application, decision: str, message: str = ""):
    """Staff accept, waitlist or decline a submitted (or waitlisted) application.

    Accepting needs a free seat, counted under the slot's lock, and a verified startup.
    The startup is told by email, with the team's message.
    """
    if decision not in DECISIONS:
        raise DomainError(_l("Unknown decision."))
    application = lock(application)
    target = check_transition(staff, application, decision)
    slot = application.slot
    slot_has_not_started(slot)
    if decision == "accept":
        if not application.organisation.is_verified:
            raise DomainError(
                _l(
                    "%(name)s is not verified yet: verify the startup before accepting it.",
                    name=application.organisation.name,
                )
            )
        ensure_seat_free(slot)
    message = (message or "").strip()
    application.decision_message = message
    move(staff, application, target, message=message)
    tell_startup(
        application,
        f"application_{target.value}",
        message=message,
        with_calendar=target == ApplicationState.ACCEPTED,
    )


def cancel_application(staff: User, application: Application, message: str = "") -> None:
    """Staff take back an accepted or confirmed seat; the startup is told why."""
    application = lock(application)
    target = check_transition(staff, application, "cancel")
    message = (message or "").strip()
    application.decision_message = message
    move(staff, application, target, message=message)
    tell_startup(application, "application_cancelled", message=message)
    promote_waitlisted(application.slot, staff)
