"""What pages and the API list about demo slots and applications."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from hub.domain import locks
from hub.domain.errors import NotFound
from hub.domain.kept import Memo
from hub.domain.organisations.members import can_manage
from hub.extensions import db
from hub.models import (
    LIVE_APPLICATION_STATES,
    Application,
    ApplicationState,
    Innovation,
    Organisation,
    ShowcaseSlot,
    SlotStatus,
    Space,
    User,
    utcnow,
)

# States the venue team sees in the review queue (drafts stay private to the startup).
REVIEW_STATES = tuple(state for state in ApplicationState if state != ApplicationState.DRAFT)


@dataclass(frozen=True)
class DemoDay:
    slot: ShowcaseSlot
    startups: list[Application]


# --- Public -------------------------------------------------------------------------------


def upcoming_slots() -> sa.Select:
    """Slots that have not ended and are not cancelled, soonest first, space and venue loaded."""
    return (
        sa.select(ShowcaseSlot)
        .where(ShowcaseSlot.status != SlotStatus.CANCELLED, ShowcaseSlot.ends_at > utcnow())
        .options(sa.orm.joinedload(ShowcaseSlot.space).joinedload(Space.venue))
        .order_by(ShowcaseSlot.starts_at, ShowcaseSlot.id)
    )


def confirmed_startups(slot_ids: Iterable[int]) -> dict[int, list[Application]]:
    """Confirmed applications of verified startups per slot (every slot asked for has a
    list), by startup name, with startup and innovation loaded, in one query."""
    ids = list(slot_ids)
    by_slot: dict[int, list[Application]] = {slot_id: [] for slot_id in ids}
    if not ids:
        return by_slot
    rows = db.session.scalars(
        sa.select(Application)
        .join(Application.organisation)
        .join(Application.innovation)
        .where(
            Application.slot_id.in_(ids),
            Application.state == ApplicationState.CONFIRMED,
            Organisation.verified_at.is_not(None),
        )
        .order_by(Organisation.name, Application.id)
        .options(
            sa.orm.contains_eager(Application.organisation),
            sa.orm.contains_eager(Application.innovation),
        )
    )
    for application in rows:
        by_slot[application.slot_id].append(application)
    return by_slot


def demo_days(slots: Iterable[ShowcaseSlot]) -> list[DemoDay]:
    """The slots given, each with its confirmed startups, in one more query."""
    slots = list(slots)
    confirmed = confirmed_startups(slot.id for slot in slots)
    return [DemoDay(slot=slot, startups=confirmed[slot.id]) for slot in slots]


def next_demo_day() -> DemoDay | None:
    """The next demo day that is not over nor cancelled, with its confirmed startups."""
    slot = db.session.scalars(upcoming_slots().limit(1)).first()
    return demo_days([slot])[0] if slot else None


def public_slot(user: User | None, slot_id: int) -> ShowcaseSlot:
    """A demo slot's public page; a cancelled one is for the venue team only."""
    slot = db.session.get(ShowcaseSlot, slot_id)
    is_staff = user is not None and getattr(user, "is_staff", False)
    if slot is None or (slot.status == SlotStatus.CANCELLED and not is_staff):
        raise NotFound(_l("This demo slot does not exist."))
    return slot


def seats_left(slot: ShowcaseSlot) -> int:
    return max(slot.seats - locks.seats_taken_by_slot([slot.id])[slot.id], 0)


def is_open_for_applications(slot: ShowcaseSlot) -> bool:
    return slot.status == SlotStatus.OPEN and slot.application_deadline > utcnow()


def open_slots() -> list[ShowcaseSlot]:
    """Upcoming slots still taking applications."""
    return list(
        db.session.scalars(
            upcoming_slots().where(
                ShowcaseSlot.status == SlotStatus.OPEN,
                ShowcaseSlot.application_deadline > utcnow(),
            )
        )
    )


@cache  # built once: building this select costs more than running it
def _demo_days_showing() -> sa.Select:
    return (
        sa.select(ShowcaseSlot)
        .join(Application, Application.slot_id == ShowcaseSlot.id)
        .where(
            Application.innovation_id == sa.bindparam("innovation_id"),
            Application.state == ApplicationState.CONFIRMED,
            ShowcaseSlot.status != SlotStatus.CANCELLED,
        )
        .order_by(ShowcaseSlot.starts_at.desc())
        .options(sa.orm.joinedload(ShowcaseSlot.space).joinedload(Space.venue))
    )


def demo_days_showing(innovation: Innovation, memo: Memo | None = None) -> list[ShowcaseSlot]:
    """Demo days, latest first, where the startup confirmed it would show this innovation.

    With `memo`, the few innovations ever confirmed at a demo day are kept: the page of any
    other asks nothing more.
    """
    if memo is not None and innovation.id not in memo("showcase.shown", _shown_at_demo_days)[0]:
        return []
    return list(db.session.scalars(_demo_days_showing(), {"innovation_id": innovation.id}).unique())


def _shown_at_demo_days() -> tuple[frozenset[int], frozenset[int]]:
    """The innovations, and the startups, confirmed at a demo day not cancelled."""
    rows = db.session.execute(
        sa.select(Application.innovation_id, Application.organisation_id)
        .join(Application.slot)
        .where(
            Application.state == ApplicationState.CONFIRMED,
            ShowcaseSlot.status != SlotStatus.CANCELLED,
        )
        .distinct()
    ).all()
    return frozenset(row[0] for row in rows), frozenset(row[1] for row in rows)


@cache
def _upcoming_demos_of() -> sa.Select:
    return (
        sa.select(Application)
        .join(Application.slot)
        .where(
            Application.organisation_id == sa.bindparam("organisation_id"),
            Application.state == ApplicationState.CONFIRMED,
            ShowcaseSlot.status != SlotStatus.CANCELLED,
            ShowcaseSlot.ends_at > sa.bindparam("now"),
        )
        .options(sa.orm.contains_eager(Application.slot))
        .order_by(ShowcaseSlot.starts_at.desc(), Application.id.desc())
    )


def upcoming_demos_of(organisation: Organisation, memo: Memo | None = None) -> list[Application]:
    """The startup's confirmed demos at slots not over nor cancelled, latest first (with
    `memo`, asked only of the startups ever confirmed at a demo day)."""
    if memo is not None and organisation.id not in memo("showcase.shown", _shown_at_demo_days)[1]:
        return []
    return list(
        db.session.scalars(
            _upcoming_demos_of(), {"organisation_id": organisation.id, "now": utcnow()}
        )
    )


# --- Startups -------------------------------------------------------------------------------


def live_application(organisation_id: int, slot_id: int) -> Application | None:
    """The startup's application for the slot that is not over (withdrawn, rejected…)."""
    return db.session.scalar(
        sa.select(Application).where(
            Application.organisation_id == organisation_id,
            Application.slot_id == slot_id,
            Application.state.in_(LIVE_APPLICATION_STATES),
        )
    )


def live_applications(slot: ShowcaseSlot, include_drafts: bool = True) -> list[Application]:
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


def applications_of(organisation_ids: Iterable[int]) -> list[Application]:
    """The startups' applications, latest slot first, with slot, startup and innovation."""
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
    """One of the startup's applications for one of its members; NotFound otherwise."""
    application = db.session.get(Application, application_id)
    if (
        application is None
        or application.organisation_id != organisation.id
        or not can_manage(user, organisation)
    ):
        raise NotFound(_l("This application does not exist or belongs to another startup."))
    return application


def slot_taking_applications(slot_id: int | None) -> ShowcaseSlot:
    """A slot a startup may open an application for (any but a cancelled one)."""
    slot = db.session.get(ShowcaseSlot, slot_id) if slot_id else None
    if slot is None or slot.status == SlotStatus.CANCELLED:
        raise NotFound(_l("This demo slot does not exist."))
    return slot


# --- The venue team -------------------------------------------------------------------------


def slots_for_staff(past: bool = False) -> sa.Select:
    """Upcoming slots, soonest first, or past ones, latest first; space and venue loaded."""
    query = sa.select(ShowcaseSlot).options(
        sa.orm.joinedload(ShowcaseSlot.space).joinedload(Space.venue)
    )
    if past:
        return query.where(ShowcaseSlot.ends_at <= utcnow()).order_by(
            ShowcaseSlot.starts_at.desc(), ShowcaseSlot.id.desc()
        )
    return query.where(ShowcaseSlot.ends_at > utcnow()).order_by(
        ShowcaseSlot.starts_at, ShowcaseSlot.id
    )


def recent_slots(limit: int = 100) -> list[ShowcaseSlot]:
    """The latest slots, for the review queue's slot filter."""
    return list(
        db.session.scalars(
            sa.select(ShowcaseSlot).order_by(ShowcaseSlot.starts_at.desc()).limit(limit)
        )
    )


def submitted_counts(slot_ids: Iterable[int]) -> dict[int, int]:
    """Applications waiting for a decision, per slot."""
    ids = list(slot_ids)
    counts = dict.fromkeys(ids, 0)
    if ids:
        counts.update(
            db.session.execute(
                sa.select(Application.slot_id, sa.func.count())
                .where(
                    Application.slot_id.in_(ids),
                    Application.state == ApplicationState.SUBMITTED,
                )
                .group_by(Application.slot_id)
            ).all()
        )
    return counts


def review_queue(
    slot_id: int | None = None, state: ApplicationState | None = None, order=None
) -> sa.Select:
    """Applications the venue team sees: of one slot, or of every slot not yet over.

    `order`: ORDER BY terms that come first (reviews.review_order), else the slot's date."""
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
    if order:
        query = query.order_by(None).order_by(
            *order, ShowcaseSlot.starts_at, Application.submitted_at, Application.id
        )
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


def reviewable_application(application_id: int) -> Application:
    """An application the venue team may decide on (drafts stay private); NotFound otherwise."""
    application = db.session.get(Application, application_id)
    if application is None or application.state == ApplicationState.DRAFT:
        raise NotFound(_l("This application does not exist."))
    return application
