"""What pages and the API list about innovations."""

from __future__ import annotations

from functools import cache

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from hub.domain.errors import NotFound
from hub.extensions import db
from hub.models import Innovation, InnovationStatus, Organisation


def public_innovations() -> sa.Select:
    """Published innovations of verified startups, newest first."""
    return (
        sa.select(Innovation)
        .join(Innovation.organisation)
        .where(
            Innovation.status == InnovationStatus.PUBLISHED,
            Organisation.verified_at.is_not(None),
        )
        .order_by(Innovation.published_at.desc(), Innovation.id.desc())
    )


def is_public(innovation: Innovation) -> bool:
    return (
        innovation.status == InnovationStatus.PUBLISHED
        and innovation.organisation.verified_at is not None
    )


@cache  # built once: building this select costs more than running it
def _public_innovation_by_slug() -> sa.Select:
    return (
        public_innovations()
        .where(Innovation.slug == sa.bindparam("slug"))
        .options(sa.orm.contains_eager(Innovation.organisation))
    )


def public_innovation(slug: str) -> Innovation:
    """A public innovation by its slug, its startup loaded; NotFound otherwise."""
    innovation = db.session.scalar(_public_innovation_by_slug(), {"slug": slug})
    if innovation is None:
        raise NotFound(_l("This innovation does not exist."))
    return innovation


def featured_innovations(limit: int | None = None) -> list[Innovation]:
    """Public innovations staff chose to feature, in their order, startups loaded."""
    query = (
        public_innovations()
        .where(Innovation.featured_rank.is_not(None))
        .order_by(None)
        .order_by(Innovation.featured_rank, Innovation.id)
        .options(sa.orm.contains_eager(Innovation.organisation))
    )
    if limit:
        query = query.limit(limit)
    return list(db.session.scalars(query))


@cache
def _published_innovations_of() -> sa.Select:
    return (
        sa.select(Innovation)
        .where(
            Innovation.organisation_id == sa.bindparam("organisation_id"),
            Innovation.status == InnovationStatus.PUBLISHED,
        )
        .order_by(Innovation.published_at.desc(), Innovation.id.desc())
    )


def published_innovations_of(organisation: Organisation) -> list[Innovation]:
    """The startup's published innovations, newest first (its public profile)."""
    return list(
        db.session.scalars(_published_innovations_of(), {"organisation_id": organisation.id})
    )


def innovations_of(organisation: Organisation) -> list[Innovation]:
    """Every innovation of the startup, as its members manage them."""
    return list(
        db.session.scalars(
            sa.select(Innovation)
            .where(Innovation.organisation_id == organisation.id)
            .order_by(Innovation.status, Innovation.updated_at.desc(), Innovation.id.desc())
        )
    )


def innovation_of(organisation: Organisation, innovation_id: int) -> Innovation:
    """One of this startup's innovations; another startup's answers NotFound."""
    innovation = db.session.get(Innovation, innovation_id)
    if innovation is None or innovation.organisation_id != organisation.id:
        raise NotFound(_l("This innovation does not exist or belongs to another startup."))
    return innovation


def innovation_for_staff(innovation_id: int) -> Innovation:
    """Any innovation, its startup loaded, for the venue team's curation."""
    innovation = db.session.scalar(
        sa.select(Innovation)
        .where(Innovation.id == innovation_id)
        .options(sa.orm.joinedload(Innovation.organisation))
    )
    if innovation is None:
        raise NotFound(_l("This innovation does not exist."))
    return innovation
