"""Demo slots, the startups' applications for them, and the seats they hold.

Every transition of an application is a function here that checks who may take it and
raises a domain error otherwise. Whatever changes the seats of a slot locks the slot's row
first and counts under that lock, so accepted + confirmed never exceed the seats.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import lazy_gettext as _l

from hub.domain import audit
from hub.domain.errors import Conflict, DomainError, NotAllowed, NotFound
from hub.domain.organisations import can_manage, notify_members
from hub.domain.rooms import ensure_space_free
from hub.extensions import db
from hub.models import (
    LIVE_APPLICATION_STATES,
    Application,
    ApplicationState,
    Innovation,
    InnovationStatus,
    Organisation,
    OrganisationKind,
    ShowcaseSlot,
    SlotStatus,
    Space,
    User,
    utcnow,
)

# Accepted and confirmed applications hold a startup seat; together they never exceed it.
SEAT_HOLDING_STATES = (ApplicationState.ACCEPTED, ApplicationState.CONFIRMED)


def seats_taken_by_slot(slot_ids: Iterable[int]) -> dict[int, int]:
    """Startup seats held per slot, in one query."""
    ids = list(slot_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(Application.slot_id, sa.func.count())
        .where(Application.slot_id.in_(ids), Application.state.in_(SEAT_HOLDING_STATES))
        .group_by(Application.slot_id)
    )
    taken = dict.fromkeys(ids, 0)
    taken.update({slot_id: count for slot_id, count in rows})
    return taken


def seats_left(slot: ShowcaseSlot) -> int:
    return max(slot.seats - seats_taken_by_slot([slot.id])[slot.id], 0)


# Slots and applications ----------------------------------------------------------------

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
ACTION_LABELS = {
    "submit": _l("submitted"),
    "accept": _l("accepted"),
    "waitlist": _l("put on the waiting list"),
    "reject": _l("declined"),
    "confirm": _l("confirmed"),
    "withdraw": _l("withdrawn"),
    "cancel": _l("cancelled"),
}
DECISIONS = ("accept", "waitlist", "reject")
# States the venue team sees in the review queue (drafts stay private to the startup).
REVIEW_STATES = tuple(state for state in ApplicationState if state != ApplicationState.DRAFT)
PITCH_MIN = 20


def allowed_actions(application: Application, role: str) -> list[str]:
    """The actions `role` ("staff" or "startup") may take on the application now."""
    return [
        action
        for action, (sources, _target, who) in TRANSITIONS.items()
        if who == role and application.state in sources
    ]


def lock_slot(slot_id: int) -> ShowcaseSlot | None:
    """Lock the slot's row until the transaction ends and read it afresh.

    Every change to a slot's seats goes through here first, so seat counts taken after it
    see every committed change and no other transaction can add one meanwhile. PostgreSQL
    takes a row lock; SQLite write transactions hold the database's write lock already.
    """
    return db.session.scalar(
        sa.select(ShowcaseSlot)
        .where(ShowcaseSlot.id == slot_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def _lock(application: Application) -> Application:
    if not current_app.config["TESTING_DISABLE_RACE_GUARDS"]:
        lock_slot(application.slot_id)
    db.session.refresh(application)
    return application


def _ensure_seat_free(slot: ShowcaseSlot) -> None:
    if current_app.config["TESTING_DISABLE_RACE_GUARDS"]:
        _unguarded_seat_check(slot)
        return
    if seats_taken_by_slot([slot.id])[slot.id] >= slot.seats:
        raise Conflict(
            _l(
                "All %(seats)d seats of this slot are taken: put the application on the "
                "waiting list, or free a seat first.",
                seats=slot.seats,
            )
        )


def _unguarded_seat_check(slot: ShowcaseSlot) -> None:
    # Test-only: the read-then-write bug the guard prevents. The count is read in a
    # transaction of its own, then the seat is taken in another one after a pause, so two
    # requests can both see a free seat. The concurrency control test relies on it.
    slot_id, seats = slot.id, slot.seats
    taken = seats_taken_by_slot([slot_id])[slot_id]
    db.session.commit()
    time.sleep(current_app.config["TESTING_RACE_DELAY"])
    if taken >= seats:
        raise Conflict(_l("All %(seats)d seats of this slot are taken.", seats=seats))


def _refuse(application: Application, action: str) -> DomainError:
    return DomainError(
        _l(
            "This application is %(state)s: it cannot be %(action)s.",
            state=application.state.label,
            action=ACTION_LABELS[action],
        )
    )


def _check_transition(user: User, application: Application, action: str) -> ApplicationState:
    sources, target, who = TRANSITIONS[action]
    if who == STAFF:
        if not user.is_staff:
            raise NotAllowed(_l("Only the venue team can do this."))
    elif not can_manage(user, application.organisation):
        raise NotFound(_l("This application does not exist or belongs to another startup."))
    if application.state not in sources:
        raise _refuse(application, action)
    return target


def _move(user: User | None, application: Application, target: ApplicationState, **details) -> None:
    previous = application.state
    application.state = target
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


def _tell_startup(application: Application, template: str, **context) -> None:
    notify_members(
        application.organisation,
        template,
        application=application,
        slot=application.slot,
        application_url=url_for(
            "showcase.application",
            slug=application.organisation.slug,
            application_id=application.id,
            _external=True,
        ),
        **context,
    )


def _slot_has_not_started(slot: ShowcaseSlot) -> None:
    if slot.status == SlotStatus.CANCELLED:
        raise DomainError(_l("This demo slot has been cancelled."))
    if slot.starts_at <= utcnow():
        raise DomainError(_l("This demo slot has already started."))


def _before_deadline(slot: ShowcaseSlot) -> None:
    if slot.status != SlotStatus.OPEN:
        raise DomainError(_l("This demo slot no longer takes applications."))
    if slot.application_deadline <= utcnow():
        raise DomainError(_l("The application deadline for this slot has passed."))


def is_open_for_applications(slot: ShowcaseSlot) -> bool:
    return slot.status == SlotStatus.OPEN and slot.application_deadline > utcnow()


def live_application(organisation_id: int, slot_id: int) -> Application | None:
    return db.session.scalar(
        sa.select(Application).where(
            Application.organisation_id == organisation_id,
            Application.slot_id == slot_id,
            Application.state.in_(LIVE_APPLICATION_STATES),
        )
    )


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
) -> Application:
    """Create or edit the startup's application for a slot, as a draft or submitted.

    Until the deadline the startup may edit a draft or a submitted application; one live
    application per startup and slot.
    """
    if not can_manage(user, organisation):
        raise NotFound(_l("This organisation does not exist, or you are not one of its members."))
    if organisation.kind != OrganisationKind.STARTUP:
        raise DomainError(_l("Only startups apply for demo slots."))
    slot = lock_slot(slot.id)
    _before_deadline(slot)
    innovation = _own_innovation(organisation, innovation_id)
    pitch, needs = (pitch or "").strip(), (needs or "").strip()
    if submit and len(pitch) < PITCH_MIN:
        raise DomainError(
            _l("Tell the team what you will demo: %(count)d characters at least.", count=PITCH_MIN),
            field="pitch",
        )
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
        application = _lock(application)
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
    db.session.flush()
    if submit and application.state == ApplicationState.DRAFT:
        _move(user, application, ApplicationState.SUBMITTED)
    else:
        audit.record(user, "application.saved", application, state=application.state.value)
    return application


def submit_application(user: User, application: Application) -> None:
    """Send a draft to the venue team, before the deadline."""
    application = _lock(application)
    target = _check_transition(user, application, "submit")
    _before_deadline(application.slot)
    if len(application.pitch.strip()) < PITCH_MIN:
        raise DomainError(
            _l("Tell the team what you will demo: %(count)d characters at least.", count=PITCH_MIN),
            field="pitch",
        )
    _move(user, application, target)


def decide_application(staff: User, application: Application, decision: str, message: str = ""):
    """Staff accept, waitlist or decline a submitted (or waitlisted) application.

    Accepting needs a free seat, counted under the slot's lock, and a verified startup.
    The startup is told by email, with the team's message.
    """
    if decision not in DECISIONS:
        raise DomainError(_l("Unknown decision."))
    application = _lock(application)
    target = _check_transition(staff, application, decision)
    slot = application.slot
    _slot_has_not_started(slot)
    if decision == "accept":
        if not application.organisation.is_verified:
            raise DomainError(
                _l(
                    "%(name)s is not verified yet: verify the startup before accepting it.",
                    name=application.organisation.name,
                )
            )
        _ensure_seat_free(slot)
    message = (message or "").strip()
    application.decision_message = message
    _move(staff, application, target, message=message)
    _tell_startup(application, f"application_{target.value}", message=message)


def confirm_application(user: User, application: Application) -> None:
    """The startup confirms it will come to demo on the day."""
    application = _lock(application)
    target = _check_transition(user, application, "confirm")
    _slot_has_not_started(application.slot)
    _move(user, application, target)


def withdraw_application(user: User, application: Application) -> None:
    """The startup withdraws; a seat it held goes to the oldest waitlisted application."""
    application = _lock(application)
    target = _check_transition(user, application, "withdraw")
    held_seat = application.state in SEAT_HOLDING_STATES
    _move(user, application, target)
    if held_seat:
        promote_waitlisted(application.slot, user)


def cancel_application(staff: User, application: Application, message: str = "") -> None:
    """Staff take back an accepted or confirmed seat; the startup is told why."""
    application = _lock(application)
    target = _check_transition(staff, application, "cancel")
    message = (message or "").strip()
    application.decision_message = message
    _move(staff, application, target, message=message)
    _tell_startup(application, "application_cancelled", message=message)
    promote_waitlisted(application.slot, staff)


def promote_waitlisted(slot: ShowcaseSlot, actor: User | None) -> list[Application]:
    """Offer the free seats to the oldest waitlisted applications (of verified startups).

    Called under the slot's lock by whatever freed a seat; each promoted startup is told.
    """
    if slot.status == SlotStatus.CANCELLED or slot.starts_at <= utcnow():
        return []
    db.session.flush()
    promoted = []
    free = slot.seats - seats_taken_by_slot([slot.id])[slot.id]
    if free <= 0:
        return promoted
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
        _move(actor, application, ApplicationState.ACCEPTED, promoted=True)
        application.decision_message = ""
        _tell_startup(application, "application_promoted")
        promoted.append(application)
    return promoted


# Slots (venue team) ----------------------------------------------------------------------


def _check_slot_values(values: dict, *, new: bool) -> None:
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
    if not (values.get("theme") or "").strip():
        raise DomainError(_l("Give the slot a theme."), field="theme")


SLOT_FIELDS = (
    "space_id", "starts_at", "ends_at", "seats", "application_deadline", "theme", "description",
)  # fmt: skip


def create_slot(staff: User, **values) -> ShowcaseSlot:
    """Publish a demo slot; its space must be free at that time."""
    if not staff.is_staff:
        raise NotAllowed(_l("Only the venue team can do this."))
    values = {key: values[key] for key in SLOT_FIELDS}
    values["theme"] = values["theme"].strip()
    _check_slot_values(values, new=True)
    if db.session.get(Space, values["space_id"]) is None:
        raise DomainError(_l("Choose a space."), field="space_id")
    ensure_space_free(values["space_id"], values["starts_at"], values["ends_at"])
    slot = ShowcaseSlot(status=SlotStatus.OPEN, **values)
    db.session.add(slot)
    db.session.flush()
    audit.record(staff, "slot.created", slot, theme=slot.theme, seats=slot.seats)
    return slot


def update_slot(staff: User, slot: ShowcaseSlot, **values) -> list[str]:
    """Change a slot; applicants are told when its time or place changes."""
    if not staff.is_staff:
        raise NotAllowed(_l("Only the venue team can do this."))
    slot = lock_slot(slot.id)
    if slot.status == SlotStatus.CANCELLED:
        raise DomainError(_l("This demo slot has been cancelled."))
    values = {key: values[key] for key in SLOT_FIELDS}
    values["theme"] = values["theme"].strip()
    deadline_changed = values["application_deadline"] != slot.application_deadline
    _check_slot_values(values, new=deadline_changed)
    taken = seats_taken_by_slot([slot.id])[slot.id]
    if values["seats"] < taken:
        raise Conflict(
            _l(
                "%(taken)d startups already hold a seat: the slot needs %(taken)d seats at least.",
                taken=taken,
            ),
            field="seats",
        )
    if db.session.get(Space, values["space_id"]) is None:
        raise DomainError(_l("Choose a space."), field="space_id")
    moved = (values["space_id"], values["starts_at"], values["ends_at"]) != (
        slot.space_id,
        slot.starts_at,
        slot.ends_at,
    )
    if moved:
        ensure_space_free(
            values["space_id"], values["starts_at"], values["ends_at"], ignore_slot_id=slot.id
        )
    changed = [key for key, value in values.items() if getattr(slot, key) != value]
    for key in changed:
        setattr(slot, key, values[key])
    if changed:
        audit.record(staff, "slot.updated", slot, fields=changed)
    if moved:
        db.session.flush()
        for application in _live_applications(slot, include_drafts=False):
            _tell_startup(application, "slot_changed")
    if "seats" in changed:
        promote_waitlisted(slot, staff)
    return changed


def _live_applications(slot: ShowcaseSlot, include_drafts: bool = True) -> list[Application]:
    states = [
        state
        for state in LIVE_APPLICATION_STATES
        if include_drafts or state != ApplicationState.DRAFT
    ]
    return list(
        db.session.scalars(
            sa.select(Application)
            .where(Application.slot_id == slot.id, Application.state.in_(states))
            .order_by(Application.id)
        )
    )


def close_slot(staff: User, slot: ShowcaseSlot) -> None:
    """Stop taking applications (decisions and confirmations go on)."""
    if not staff.is_staff:
        raise NotAllowed(_l("Only the venue team can do this."))
    slot = lock_slot(slot.id)
    if slot.status != SlotStatus.OPEN:
        raise DomainError(_l("Only an open slot can be closed."))
    slot.status = SlotStatus.CLOSED
    audit.record(staff, "slot.closed", slot)


def reopen_slot(staff: User, slot: ShowcaseSlot) -> None:
    if not staff.is_staff:
        raise NotAllowed(_l("Only the venue team can do this."))
    slot = lock_slot(slot.id)
    if slot.status != SlotStatus.CLOSED:
        raise DomainError(_l("Only a closed slot can be reopened."))
    slot.status = SlotStatus.OPEN
    audit.record(staff, "slot.reopened", slot)


def cancel_slot(staff: User, slot: ShowcaseSlot, message: str = "") -> int:
    """Cancel the slot and every live application for it; returns how many were told."""
    if not staff.is_staff:
        raise NotAllowed(_l("Only the venue team can do this."))
    slot = lock_slot(slot.id)
    if slot.status == SlotStatus.CANCELLED:
        raise DomainError(_l("This demo slot has been cancelled."))
    message = (message or "").strip()
    slot.status = SlotStatus.CANCELLED
    audit.record(staff, "slot.cancelled", slot, message=message)
    told = 0
    for application in _live_applications(slot):
        was_draft = application.state == ApplicationState.DRAFT
        _move(staff, application, ApplicationState.CANCELLED, slot_cancelled=True)
        if not was_draft:
            _tell_startup(application, "slot_cancelled", message=message)
            told += 1
    return told


# Reading ---------------------------------------------------------------------------------


def upcoming_slots() -> sa.Select:
    """Slots that have not ended and are not cancelled, soonest first."""
    return (
        sa.select(ShowcaseSlot)
        .where(ShowcaseSlot.status != SlotStatus.CANCELLED, ShowcaseSlot.ends_at > utcnow())
        .options(sa.orm.joinedload(ShowcaseSlot.space).joinedload(Space.venue))
        .order_by(ShowcaseSlot.starts_at, ShowcaseSlot.id)
    )


def confirmed_by_slot(slot_ids: Iterable[int]) -> dict[int, list[Application]]:
    """Confirmed applications of verified startups per slot, with startup and innovation."""
    ids = list(slot_ids)
    result: dict[int, list[Application]] = {slot_id: [] for slot_id in ids}
    if not ids:
        return result
    rows = db.session.scalars(
        sa.select(Application)
        .join(Application.organisation)
        .where(
            Application.slot_id.in_(ids),
            Application.state == ApplicationState.CONFIRMED,
            Organisation.verified_at.is_not(None),
        )
        .options(
            sa.orm.contains_eager(Application.organisation),
            sa.orm.joinedload(Application.innovation),
        )
        .order_by(Organisation.name)
    )
    for application in rows:
        result[application.slot_id].append(application)
    return result


def applications_of(organisation_ids: Iterable[int]) -> list[Application]:
    ids = list(organisation_ids)
    if not ids:
        return []
    return list(
        db.session.scalars(
            sa.select(Application)
            .join(Application.slot)
            .where(Application.organisation_id.in_(ids))
            .options(
                sa.orm.contains_eager(Application.slot),
                sa.orm.joinedload(Application.organisation),
                sa.orm.joinedload(Application.innovation),
            )
            .order_by(ShowcaseSlot.starts_at.desc(), Application.id.desc())
        )
    )


def application_for_member(user: User, organisation: Organisation, application_id: int):
    application = db.session.get(Application, application_id)
    if (
        application is None
        or application.organisation_id != organisation.id
        or not can_manage(user, organisation)
    ):
        raise NotFound(_l("This application does not exist or belongs to another startup."))
    return application


def review_queue(slot_id: int | None = None, state: ApplicationState | None = None) -> sa.Select:
    """Applications the venue team sees: of one slot, or of every slot not yet over."""
    query = (
        sa.select(Application)
        .join(Application.slot)
        .join(Application.organisation)
        .where(Application.state.in_(REVIEW_STATES))
        .options(
            sa.orm.contains_eager(Application.slot),
            sa.orm.contains_eager(Application.organisation),
            sa.orm.joinedload(Application.innovation),
        )
        .order_by(ShowcaseSlot.starts_at, Application.submitted_at, Application.id)
    )
    if slot_id:
        query = query.where(Application.slot_id == slot_id)
    else:
        query = query.where(ShowcaseSlot.ends_at > utcnow())
    if state:
        query = query.where(Application.state == state)
    return query


def queue_counts(slot_id: int | None = None) -> dict[ApplicationState, int]:
    """Applications per state, for the same selection as review_queue()."""
    query = sa.select(Application.state, sa.func.count()).where(
        Application.state.in_(REVIEW_STATES)
    )
    if slot_id:
        query = query.where(Application.slot_id == slot_id)
    else:
        query = query.join(Application.slot).where(ShowcaseSlot.ends_at > utcnow())
    counts = dict.fromkeys(REVIEW_STATES, 0)
    counts.update(dict(db.session.execute(query.group_by(Application.state)).all()))
    return counts
