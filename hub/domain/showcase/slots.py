"""Demo slots as the venue team publishes and changes them."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

from hub.domain import audit, locks
from hub.domain.errors import Conflict, DomainError, NotAllowed
from hub.domain.rooms import ensure_space_free
from hub.domain.showcase.applications import move, promote_waitlisted, tell_startup
from hub.domain.showcase.queries import live_applications
from hub.extensions import db
from hub.models import (
    ApplicationState,
    Placement,
    ShowcaseSlot,
    SlotStatus,
    Space,
    User,
    utcnow,
)

SLOT_FIELDS = (
    "space_id", "starts_at", "ends_at", "seats", "application_deadline", "theme", "description",
)  # fmt: skip


def _check_staff(staff: User) -> None:
    if not staff.is_staff:
        raise NotAllowed(_l("Only the venue team can do this."))


def _checked_values(values: dict, *, new: bool) -> dict:
    values = {key: values[key] for key in SLOT_FIELDS}
    values["theme"] = (values["theme"] or "").strip()
    starts_at, ends_at = values["starts_at"], values["ends_at"]
    deadline = values["application_deadline"]
    if ends_at <= starts_at:
        raise DomainError(_l("The slot must end after it starts."), field="ends_at")
    if deadline > starts_at:
        raise DomainError(
            _l("The application deadline must come before the slot starts."),
            field="application_deadline",
        )
    if new and deadline <= utcnow():
        raise DomainError(
            _l("The application deadline is already past."), field="application_deadline"
        )
    if values["seats"] < 1:
        raise DomainError(_l("A slot needs one startup seat at least."), field="seats")
    if not values["theme"]:
        raise DomainError(_l("Give the slot a theme."), field="theme")
    return values


def _check_space(space_id: int) -> None:
    if db.session.get(Space, space_id) is None:
        raise DomainError(_l("Choose a space."), field="space_id")


def create_slot(staff: User, **values) -> ShowcaseSlot:
    """Publish a demo slot; its space must be free at that time."""
    _check_staff(staff)
    values = _checked_values(values, new=True)
    _check_space(values["space_id"])
    ensure_space_free(values["space_id"], values["starts_at"], values["ends_at"])
    slot = ShowcaseSlot(status=SlotStatus.OPEN, **values)
    db.session.add(slot)
    db.session.flush()
    audit.record(staff, "slot.created", slot, theme=slot.theme, seats=slot.seats)
    return slot


def _locked_slot(staff: User, slot: ShowcaseSlot) -> ShowcaseSlot:
    _check_staff(staff)
    return locks.lock_slot(slot.id)


def update_slot(staff: User, slot: ShowcaseSlot, **values) -> list[str]:
    """Change a slot; applicants are told when its time or place changes."""
    slot = _locked_slot(staff, slot)
    if slot.status == SlotStatus.CANCELLED:
        raise DomainError(_l("This demo slot has been cancelled."))
    # A deadline left as it was may be past; a new one must not be.
    values = _checked_values(
        values, new=values["application_deadline"] != slot.application_deadline
    )
    taken = locks.slot_seats_taken(slot.id)
    if values["seats"] < taken:
        raise Conflict(
            lazy_ngettext(
                "%(num)d startup already holds a seat: the slot needs %(num)d seat at least.",
                "%(num)d startups already hold a seat: the slot needs %(num)d seats at least.",
                taken,
            ),
            field="seats",
        )
    _check_space(values["space_id"])
    moved = (values["space_id"], values["starts_at"], values["ends_at"]) != (
        slot.space_id,
        slot.starts_at,
        slot.ends_at,
    )
    if moved:
        ensure_space_free(
            values["space_id"], values["starts_at"], values["ends_at"], ignore_slot_id=slot.id
        )
    if slot.first_pitch_at is not None and values["starts_at"] != slot.starts_at:
        # The pitch schedule moves with the slot.
        values["first_pitch_at"] = slot.first_pitch_at + (values["starts_at"] - slot.starts_at)
    if values["space_id"] != slot.space_id:
        # Stands belong to a space: in another space, startups wait for new ones.
        db.session.execute(
            sa.update(Placement).where(Placement.slot_id == slot.id).values(stand_id=None)
        )
    changed = audit.apply_changes(staff, "slot.updated", slot, values)
    if moved:
        db.session.flush()
        for application in live_applications(slot, include_drafts=False):
            tell_startup(application, "slot_changed")
    if "seats" in changed:
        promote_waitlisted(slot, staff)
    return changed


def close_slot(staff: User, slot: ShowcaseSlot) -> None:
    """Stop taking applications (decisions and confirmations go on)."""
    slot = _locked_slot(staff, slot)
    if slot.status != SlotStatus.OPEN:
        raise DomainError(_l("Only an open slot can be closed."))
    slot.status = SlotStatus.CLOSED
    audit.record(staff, "slot.closed", slot)


def reopen_slot(staff: User, slot: ShowcaseSlot) -> None:
    slot = _locked_slot(staff, slot)
    if slot.status != SlotStatus.CLOSED:
        raise DomainError(_l("Only a closed slot can be reopened."))
    slot.status = SlotStatus.OPEN
    audit.record(staff, "slot.reopened", slot)


def cancel_slot(staff: User, slot: ShowcaseSlot, message: str = "") -> int:
    """Cancel the slot and every live application for it; returns how many were told."""
    slot = _locked_slot(staff, slot)
    if slot.status == SlotStatus.CANCELLED:
        raise DomainError(_l("This demo slot has been cancelled."))
    message = (message or "").strip()
    slot.status = SlotStatus.CANCELLED
    audit.record(staff, "slot.cancelled", slot, message=message)
    told = 0
    for application in live_applications(slot):
        was_draft = application.state == ApplicationState.DRAFT
        move(staff, application, ApplicationState.CANCELLED, slot_cancelled=True)
        if not was_draft:
            tell_startup(application, "slot_cancelled", message=message)
            told += 1
    return told
