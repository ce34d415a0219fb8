"""Demo slots and the startups' applications for them."""

from __future__ import annotations

from datetime import datetime, timedelta

from hub.models import (
    Application,
    ApplicationState,
    Innovation,
    Organisation,
    Placement,
    ShowcaseSlot,
    SlotStatus,
    Space,
    SpaceKind,
    Stand,
    utcnow,
)
from tests.factories.base import Builder, keep, sequence


class ShowcaseFactories(Builder):
    def slot(
        self,
        seats: int = 3,
        space: Space | None = None,
        *,
        theme: str | None = None,
        starts_in: timedelta = timedelta(days=20),
        starts_at: datetime | None = None,
        deadline_in: timedelta = timedelta(days=10),
        duration: timedelta = timedelta(hours=3),
        status: SlotStatus = SlotStatus.OPEN,
        **fields,
    ) -> ShowcaseSlot:
        """A demo slot on a stand; its deadline comes `deadline_in` from now."""
        space = space or self.space(kind=SpaceKind.STAND, capacity=6)
        now = utcnow().replace(microsecond=0)
        starts_at = starts_at or now + starts_in
        with self.app.app_context():
            slot = ShowcaseSlot(
                space_id=space.id,
                starts_at=starts_at,
                ends_at=starts_at + duration,
                application_deadline=now + deadline_in,
                seats=seats,
                theme=theme or f"Demo day {next(sequence)}",
                status=status,
                **fields,
            )
            return keep(slot, "space")

    def application(
        self,
        slot: ShowcaseSlot,
        organisation: Organisation | None = None,
        *,
        innovation: Innovation | None = None,
        state: ApplicationState = ApplicationState.SUBMITTED,
        pitch: str = "We will show a working prototype to visitors.",
        waitlisted_minutes_ago: int = 0,
    ) -> Application:
        """An application of `organisation` (or of `innovation`'s startup, or of a new startup
        with an owner) for `slot`."""
        if organisation is None and innovation is not None:
            organisation_id = innovation.organisation_id
        else:
            organisation = organisation or self.startup(owner=self.user())
            organisation_id = organisation.id
            innovation = innovation or self.innovation(organisation)
        with self.app.app_context():
            now = utcnow()
            application = Application(
                slot_id=slot.id,
                organisation_id=organisation_id,
                innovation_id=innovation.id,
                pitch=pitch,
                state=state,
                submitted_at=None if state == ApplicationState.DRAFT else now,
                waitlisted_at=now - timedelta(minutes=waitlisted_minutes_ago)
                if state == ApplicationState.WAITLISTED
                else None,
            )
            return keep(application)

    def stand(
        self,
        space: Space | ShowcaseSlot,
        name: str | None = None,
        *,
        position: int | None = None,
        grid_row: int | None = None,
        grid_column: int | None = None,
    ) -> Stand:
        """A stand of `space` (or of a slot's space), named by the next number by default."""
        space_id = space.space_id if isinstance(space, ShowcaseSlot) else space.id
        number = next(sequence)
        with self.app.app_context():
            stand = Stand(
                space_id=space_id,
                name=name or f"S{number}",
                position=number if position is None else position,
                grid_row=grid_row,
                grid_column=grid_column,
            )
            return keep(stand)

    def placement(
        self,
        application: Application,
        stand: Stand | None = None,
        pitch_number: int | None = None,
    ) -> Placement:
        """The application's stand and pitch, as staff would save them."""
        with self.app.app_context():
            placement = Placement(
                application_id=application.id,
                slot_id=application.slot_id,
                stand_id=stand.id if stand else None,
                pitch_number=pitch_number,
            )
            return keep(placement)
