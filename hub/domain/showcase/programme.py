"""A demo day's programme: the stands of its space, its pitch schedule, and who goes where.

Staff give each startup holding a seat (accepted or confirmed) a stand and a pitch number,
one at a time or all at once. Placing locks the slot's row and checks under the lock
(hub/domain/locks.py); the unique indexes of `placements` refuse whatever slips past.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from hub.domain import audit, locks
from hub.domain.errors import Conflict, DomainError, NotAllowed, NotFound
from hub.domain.organisations.members import notify_members
from hub.extensions import db
from hub.models import (
    Application,
    ApplicationState,
    Organisation,
    Placement,
    ShowcaseSlot,
    SlotStatus,
    Space,
    Stand,
    User,
)

PITCH_MINUTES = (1, 60)
SETUP_MINUTES = (0, 240)
GRID = (1, 50)


def _check_staff(user: User) -> None:
    if not user.is_staff:
        raise NotAllowed(_l("Only the venue team can do this."))


# --- Stands -------------------------------------------------------------------------------


def stands_of(space_id: int) -> list[Stand]:
    """The space's stands in their order."""
    return list(
        db.session.scalars(
            sa.select(Stand).where(Stand.space_id == space_id).order_by(Stand.position, Stand.id)
        )
    )


def _check_grid(value: int | None, field: str) -> None:
    if value is not None and not GRID[0] <= value <= GRID[1]:
        raise DomainError(
            _l("Choose a number from %(low)d to %(high)d.", low=GRID[0], high=GRID[1]),
            field=field,
        )


def add_stand(
    staff: User,
    space: Space,
    name: str = "",
    *,
    grid_row: int | None = None,
    grid_column: int | None = None,
) -> Stand:
    """Add a stand at the end of the space's list; without a name it takes the next number."""
    _check_staff(staff)
    locks.lock_space(space.id)
    existing = stands_of(space.id)
    name = (name or "").strip() or str(len(existing) + 1)
    if any(stand.name.casefold() == name.casefold() for stand in existing):
        raise Conflict(_l("This space already has a stand named “%(name)s”.", name=name), "name")
    _check_grid(grid_row, "grid_row")
    _check_grid(grid_column, "grid_column")
    if (grid_row is None) != (grid_column is None):
        raise DomainError(_l("Give both the row and the column, or neither."), field="grid_row")
    stand = Stand(
        space_id=space.id,
        name=name[:40],
        position=max((stand.position for stand in existing), default=0) + 1,
        grid_row=grid_row,
        grid_column=grid_column,
    )
    db.session.add(stand)
    db.session.flush()
    audit.record(staff, "stand.added", stand, space_id=space.id, name=stand.name)
    return stand


def remove_stand(staff: User, stand: Stand) -> None:
    """Remove a stand; startups placed on it keep their pitch and wait for another stand."""
    _check_staff(staff)
    locks.lock_space(stand.space_id)
    audit.record(staff, "stand.removed", stand, name=stand.name)
    db.session.delete(stand)
    db.session.flush()


# --- The pitch schedule ---------------------------------------------------------------------


def pitch_count(slot: ShowcaseSlot) -> int:
    """How many pitches fit between the first pitch and the end of the slot."""
    return _pitches_fitting(slot.first_pitch_at, slot.pitch_minutes, slot.ends_at)


def _pitches_fitting(first: datetime | None, minutes: int, ends_at: datetime) -> int:
    if first is None:
        return 0
    return max(int((ends_at - first) / timedelta(minutes=minutes)), 0)


def set_schedule(
    staff: User,
    slot: ShowcaseSlot,
    *,
    first_pitch_at: datetime | None,
    pitch_minutes: int,
    setup_minutes: int,
) -> None:
    """Set when pitches start, how long each lasts, and how early startups set up.

    Placed startups keep their pitch number; a schedule too short for them is refused.
    """
    _check_staff(staff)
    slot = locks.lock_slot(slot.id)
    if not PITCH_MINUTES[0] <= pitch_minutes <= PITCH_MINUTES[1]:
        raise DomainError(
            _l("A pitch lasts %(low)d to %(high)d minutes.", low=PITCH_MINUTES[0], high=60),
            field="pitch_minutes",
        )
    if not SETUP_MINUTES[0] <= setup_minutes <= SETUP_MINUTES[1]:
        raise DomainError(
            _l("Set-up takes %(low)d to %(high)d minutes.", low=0, high=SETUP_MINUTES[1]),
            field="setup_minutes",
        )
    if first_pitch_at is not None and not slot.starts_at <= first_pitch_at < slot.ends_at:
        raise DomainError(
            _l("The first pitch must be within the slot's hours."), field="first_pitch_at"
        )
    changes = {
        "first_pitch_at": first_pitch_at,
        "pitch_minutes": pitch_minutes,
        "setup_minutes": setup_minutes,
    }
    last = db.session.scalar(
        sa.select(sa.func.max(Placement.pitch_number)).where(Placement.slot_id == slot.id)
    )
    fitting = _pitches_fitting(first_pitch_at, pitch_minutes, slot.ends_at)
    if last and last > fitting:
        raise Conflict(
            _l(
                "Pitch %(number)d is already given to a startup: this schedule has room for "
                "%(count)d pitches only.",
                number=last,
                count=fitting,
            ),
            field="first_pitch_at",
        )
    audit.apply_changes(staff, "slot.schedule", slot, changes)


# --- Placing the startups -------------------------------------------------------------------


@dataclass(frozen=True)
class PlacementRow:
    """A startup holding a seat, and where it shows (if placed)."""

    application: Application
    placement: Placement | None

    @property
    def stand(self) -> Stand | None:
        return self.placement.stand if self.placement else None

    @property
    def pitch_number(self) -> int | None:
        return self.placement.pitch_number if self.placement else None


def seated_applications(slot: ShowcaseSlot) -> list[Application]:
    """The slot's accepted and confirmed applications, in the order they were decided."""
    return list(
        db.session.scalars(
            sa.select(Application)
            .where(
                Application.slot_id == slot.id,
                Application.state.in_(locks.SLOT_SEAT_STATES),
            )
            .options(
                sa.orm.joinedload(Application.organisation),
                sa.orm.joinedload(Application.innovation),
                sa.orm.joinedload(Application.placement).joinedload(Placement.stand),
            )
            .order_by(Application.decided_at, Application.id)
        ).unique()
    )


def placement_rows(slot: ShowcaseSlot) -> list[PlacementRow]:
    return [PlacementRow(a, a.placement) for a in seated_applications(slot)]


def _seated(application: Application, slot: ShowcaseSlot) -> None:
    if application.slot_id != slot.id or application.state not in locks.SLOT_SEAT_STATES:
        raise NotFound(_l("Only a startup holding a seat in this slot can be placed."))


def _check_open(slot: ShowcaseSlot) -> None:
    if slot.status == SlotStatus.CANCELLED:
        raise DomainError(_l("This demo slot has been cancelled."))


def _store(placement: Placement) -> None:
    """Flush in a savepoint: a unique index refusing it is a conflict, not an error."""
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise Conflict(
            _l("That stand or pitch was just given to another startup: choose another.")
        ) from None


def place(
    staff: User,
    application: Application,
    *,
    stand_id: int | None,
    pitch_number: int | None,
) -> Placement:
    """Give a seated startup a stand and a pitch (either may be left empty)."""
    _check_staff(staff)
    slot = locks.lock_slot(application.slot_id)
    _check_open(slot)
    db.session.refresh(application)
    _seated(application, slot)
    if stand_id is not None:
        stand = db.session.get(Stand, stand_id)
        if stand is None or stand.space_id != slot.space_id:
            raise DomainError(_l("Choose one of this space's stands."), field="stand_id")
    if pitch_number is not None and not 1 <= pitch_number <= pitch_count(slot):
        raise DomainError(_l("Choose one of the schedule's pitches."), field="pitch_number")
    other = locks.placement_holding(
        slot.id,
        stand_id=stand_id,
        pitch_number=pitch_number,
        ignore_application_id=application.id,
    )
    if other is not None:
        what = (
            _l("stand %(name)s", name=other.stand.name)
            if stand_id is not None and other.stand_id == stand_id
            else _l("pitch %(number)d", number=pitch_number)
        )
        raise Conflict(
            _l(
                "%(name)s already has %(what)s.",
                name=other.application.organisation.name,
                what=what,
            )
        )
    placement = db.session.get(Placement, application.id)
    if placement is None:
        placement = Placement(application_id=application.id, slot_id=slot.id)
        db.session.add(placement)
    before = (placement.stand_id, placement.pitch_number)
    placement.stand_id = stand_id
    placement.pitch_number = pitch_number
    _store(placement)
    if before != (stand_id, pitch_number):
        tell_placed(application)
    audit.record(
        staff,
        "application.placed",
        application,
        stand_id=stand_id,
        pitch_number=pitch_number,
    )
    return placement


def place_all(staff: User, slot: ShowcaseSlot) -> int:
    """Give every seated startup without a stand or pitch the next free ones, in order.

    Returns how many startups were given something; stops giving stands (or pitches) when
    none is left.
    """
    _check_staff(staff)
    slot = locks.lock_slot(slot.id)
    _check_open(slot)
    rows = placement_rows(slot)
    taken_stands = {row.placement.stand_id for row in rows if row.placement}
    taken_pitches = {row.pitch_number for row in rows if row.pitch_number}
    free_stands = [s.id for s in stands_of(slot.space_id) if s.id not in taken_stands]
    free_pitches = [n for n in range(1, pitch_count(slot) + 1) if n not in taken_pitches]
    told = []
    for row in rows:
        stand_id = row.placement.stand_id if row.placement else None
        pitch_number = row.pitch_number
        if stand_id is None and free_stands:
            stand_id = free_stands.pop(0)
        if pitch_number is None and free_pitches:
            pitch_number = free_pitches.pop(0)
        if (stand_id, pitch_number) == (
            row.placement.stand_id if row.placement else None,
            row.pitch_number,
        ):
            continue
        placement = row.placement
        if placement is None:
            placement = Placement(application_id=row.application.id, slot_id=slot.id)
            db.session.add(placement)
        placement.stand_id, placement.pitch_number = stand_id, pitch_number
        told.append(row.application)
    given = len(told)
    if given:
        _store(placement)
        for application in told:
            tell_placed(application)
        audit.record(staff, "slot.placed_all", slot, count=given)
    return given


def tell_placed(application: Application) -> None:
    """Email the startup its stand, pitch and set-up time, with the day's calendar file."""
    notify_members(
        application.organisation,
        "application_placed",
        application=application,
        slot=application.slot,
        with_calendar=True,
    )


def clear_placement(application: Application) -> None:
    """Free the stand and pitch of an application that no longer holds a seat."""
    db.session.execute(sa.delete(Placement).where(Placement.application_id == application.id))


# --- The public programme -------------------------------------------------------------------


@dataclass(frozen=True)
class StandOnPlan:
    stand: Stand
    placement: Placement | None


@dataclass(frozen=True)
class Programme:
    """What the public sees of a demo day: pitches in time order and the stands in theirs."""

    slot: ShowcaseSlot
    pitches: list[Placement]
    stands: list[StandOnPlan]

    @property
    def is_empty(self) -> bool:
        return not self.pitches and not any(item.placement for item in self.stands)

    @property
    def plan(self) -> list[StandOnPlan]:
        """The stands that have a place on the grid."""
        return [item for item in self.stands if item.stand.grid_row is not None]

    @property
    def plan_size(self) -> tuple[int, int]:
        """Rows and columns of the grid."""
        plan = self.plan
        return (
            max((item.stand.grid_row for item in plan), default=0),
            max((item.stand.grid_column for item in plan), default=0),
        )


def public_programme(slot: ShowcaseSlot) -> Programme:
    """The confirmed startups of verified organisations, by pitch time and by stand."""
    placements = list(
        db.session.scalars(
            sa.select(Placement)
            .join(Placement.application)
            .join(Application.organisation)
            .where(
                Placement.slot_id == slot.id,
                Application.state == ApplicationState.CONFIRMED,
                Organisation.verified_at.is_not(None),
            )
            .options(
                sa.orm.contains_eager(Placement.application).contains_eager(
                    Application.organisation
                ),
                sa.orm.contains_eager(Placement.application).joinedload(Application.innovation),
                sa.orm.joinedload(Placement.stand),
            )
        )
    )
    by_stand = {p.stand_id: p for p in placements if p.stand_id is not None}
    return Programme(
        slot=slot,
        pitches=sorted(
            (p for p in placements if p.pitch_number is not None), key=lambda p: p.pitch_number
        ),
        stands=[StandOnPlan(stand, by_stand.get(stand.id)) for stand in stands_of(slot.space_id)],
    )
