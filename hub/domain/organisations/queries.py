"""What pages and the API list about startups and partners."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from hub.domain import like, tags
from hub.domain.errors import NotFound
from hub.domain.slugs import in_byte_order
from hub.extensions import db
from hub.models import Membership, Organisation, OrganisationKind, StartupStage, User
from hub.text import sort_key


@dataclass(frozen=True)
class DirectoryFilters:
    """What a visitor (or an API client) narrowed a directory to."""

    q: str = ""
    sector: str = ""
    city: str = ""
    stage: StartupStage | None = None


def public_organisations(kind: OrganisationKind) -> sa.Select:
    """Verified organisations of one kind, by name."""
    return (
        sa.select(Organisation)
        .where(Organisation.kind == kind, Organisation.verified_at.is_not(None))
        .order_by(Organisation.name, Organisation.id)
    )


@cache  # one per kind, built once: building this select costs more than running it
def _verified_organisation_by_slug(kind: OrganisationKind) -> sa.Select:
    return public_organisations(kind).where(Organisation.slug == sa.bindparam("slug"))


def verified_organisation(kind: OrganisationKind, slug: str) -> Organisation:
    """A verified startup or partner by its slug; NotFound otherwise."""
    organisation = db.session.scalar(_verified_organisation_by_slug(kind), {"slug": slug})
    if organisation is None:
        raise NotFound(_l("This organisation does not exist."))
    return organisation


def has_sector(sector: str) -> sa.ColumnElement[bool]:
    """Organisations with this sector among theirs, ignoring case."""
    return tags.has_word(Organisation.sectors, sector, ignore_case=True)


def directory(kind: OrganisationKind, filters: DirectoryFilters) -> sa.Select:
    """Verified organisations of one kind, by name, narrowed in SQL by the filters.

    `q` matches words in the name or tagline, `sector` one of the sectors (case ignored),
    `city` the city exactly, `stage` the startup's stage.
    """
    query = public_organisations(kind)
    if filters.q:
        query = query.where(
            sa.or_(
                like.contains(Organisation.name, filters.q),
                like.contains(Organisation.tagline, filters.q),
            )
        )
    if filters.sector:
        query = query.where(has_sector(filters.sector))
    if filters.city:
        query = query.where(Organisation.city == filters.city)
    if filters.stage:
        query = query.where(Organisation.stage == filters.stage)
    return query


def in_slug_order(query: sa.Select) -> sa.Select:
    """The organisations by slug, in byte order (the same A–Z on both databases)."""
    return query.order_by(None).order_by(in_byte_order(Organisation.slug), Organisation.id)


def sectors_of(kind: OrganisationKind) -> list[str]:
    """Every sector used by verified organisations of one kind, alphabetically."""
    lists = db.session.scalars(public_organisations(kind).with_only_columns(Organisation.sectors))
    return sorted({tag for tags in lists for tag in (tags or [])}, key=sort_key)


def organisations_of(user: User) -> list[tuple[Organisation, Membership]]:
    """The person's organisations with their membership, startups first, by name."""
    rows = db.session.execute(
        sa.select(Organisation, Membership)
        .join(Membership, Membership.organisation_id == Organisation.id)
        .where(Membership.user_id == user.id)
        .order_by(Organisation.kind, Organisation.name)
    )
    return [(organisation, membership) for organisation, membership in rows]


def startups_of(user: User | None) -> list[Organisation]:
    """The startups the person belongs to (none for a visitor)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    return [
        organisation
        for organisation, _membership in organisations_of(user)
        if organisation.kind == OrganisationKind.STARTUP
    ]


def partners_of(user: User | None, verified_only: bool = True) -> list[Organisation]:
    """The partner organisations the person belongs to (verified ones only, by default)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    query = (
        sa.select(Organisation)
        .join(Membership, Membership.organisation_id == Organisation.id)
        .where(Membership.user_id == user.id, Organisation.kind == OrganisationKind.PARTNER)
        .order_by(Organisation.name)
    )
    if verified_only:
        query = query.where(Organisation.verified_at.is_not(None))
    return list(db.session.scalars(query))


def unverified_organisations() -> sa.Select:
    return (
        sa.select(Organisation)
        .where(Organisation.verified_at.is_(None))
        .order_by(Organisation.created_at, Organisation.id)
    )


def unverified_count() -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(unverified_organisations().subquery())
    )


def organisations_for_staff(unverified_only: bool, kind: OrganisationKind | None) -> sa.Select:
    """The staff's list: the organisations waiting for verification, or all, newest first."""
    if unverified_only:
        query = unverified_organisations()
    else:
        query = sa.select(Organisation).order_by(Organisation.created_at.desc(), Organisation.id)
    if kind is not None:
        query = query.where(Organisation.kind == kind)
    return query


def organisation_for_staff(organisation_id: int) -> Organisation:
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound(_l("This organisation does not exist."))
    return organisation
