"""What the venue team features on the home page, in its order, and visitors' interest."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.attributes import set_committed_value

from hub.domain import audit
from hub.domain.errors import Conflict, NotAllowed
from hub.domain.figures import counters
from hub.domain.innovations.queries import is_public
from hub.extensions import db
from hub.models import Innovation, User


def _check_staff(actor: User) -> None:
    if not actor.is_staff:
        raise NotAllowed(_l("Only the venue team curates featured innovations."))


def _featured_in_order() -> list[Innovation]:
    """Every featured innovation, public or not, locked for renumbering."""
    query = (
        sa.select(Innovation)
        .where(Innovation.featured_rank.is_not(None))
        .order_by(Innovation.featured_rank, Innovation.id)
        .with_for_update()
    )
    return list(db.session.scalars(query))


def _renumber(innovations: list[Innovation]) -> None:
    for rank, innovation in enumerate(innovations, start=1):
        if innovation.featured_rank != rank:
            innovation.featured_rank = rank


def feature_innovation(actor: User, innovation: Innovation) -> None:
    """Feature a public innovation on the home page, after those already featured."""
    _check_staff(actor)
    if not is_public(innovation):
        raise Conflict(_l("Only a published innovation of a verified startup can be featured."))
    featured = _featured_in_order()
    if innovation in featured:
        raise Conflict(_l("This innovation is already featured."))
    _renumber(featured)
    innovation.featured_rank = len(featured) + 1
    audit.record(actor, "innovation.featured", innovation, rank=innovation.featured_rank)


def unfeature_innovation(actor: User, innovation: Innovation) -> None:
    """Take an innovation off the home page; the others close the gap."""
    _check_staff(actor)
    featured = _featured_in_order()
    if innovation not in featured:
        raise Conflict(_l("This innovation is not featured."))
    featured.remove(innovation)
    innovation.featured_rank = None
    _renumber(featured)
    audit.record(actor, "innovation.unfeatured", innovation)


def move_featured(actor: User, innovation: Innovation, offset: int) -> None:
    """Move a featured innovation up (-1) or down (+1) in the home page's order."""
    _check_staff(actor)
    featured = _featured_in_order()
    if innovation not in featured:
        raise Conflict(_l("This innovation is not featured."))
    position = featured.index(innovation)
    target = min(max(position + offset, 0), len(featured) - 1)
    if target == position:
        return
    featured.insert(target, featured.pop(position))
    _renumber(featured)
    audit.record(
        actor, "innovation.featured_moved", innovation, old_rank=position + 1, rank=target + 1
    )


def register_interest(innovation: Innovation, actor: User | None = None) -> int:
    """Count one more visitor interested in a public innovation; returns the new count.

    The increment happens in the database so that simultaneous clicks all count.
    """
    if not is_public(innovation):
        raise Conflict(_l("This innovation is not public."))
    count = db.session.execute(
        sa.update(Innovation)
        .where(Innovation.id == innovation.id)
        # Not an edit: `updated_at` is kept, and no public page's content changes (1403).
        .values(interest_count=Innovation.interest_count + 1, updated_at=Innovation.updated_at)
        .returning(Innovation.interest_count)
    ).scalar_one()
    # The page shows the new count; the row is not marked changed, so no flush writes it.
    set_committed_value(innovation, "interest_count", count)
    counters.record_interest(innovation.id)
    audit.record(actor, "innovation.interest", innovation, count=count)
    return count
