"""Public directories and profiles of verified startups and partners."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, request

from hub.domain.events import upcoming_events_for_host
from hub.domain.organisations import public_organisations
from hub.extensions import db
from hub.models import (
    Innovation,
    InnovationStatus,
    Organisation,
    OrganisationKind,
)
from hub.rendering import render

startups = Blueprint("startups", __name__)
partners = Blueprint("partners", __name__)
PAGE_SIZE = 24


def _directory(kind: OrganisationKind, endpoint: str):
    search = request.args.get("q", "").strip()[:80]
    sector = request.args.get("sector", "").strip()[:40]
    query = public_organisations(kind)
    if search:
        pattern = f"%{search}%"
        query = query.where(
            sa.or_(Organisation.name.ilike(pattern), Organisation.tagline.ilike(pattern))
        )
    organisations_found = None
    if sector:
        # Sectors live in a JSON list: filter them here, on a directory of a few hundred.
        organisations_found = [
            organisation
            for organisation in db.session.scalars(query)
            if sector.casefold() in {tag.casefold() for tag in organisation.sectors or []}
        ]
    page = db.paginate(query, per_page=PAGE_SIZE) if organisations_found is None else None
    sectors = sorted(
        {tag for tags in db.session.scalars(public_organisations(kind).with_only_columns(
            Organisation.sectors)) for tag in (tags or [])},
        key=str.casefold,
    )  # fmt: skip
    return render(
        "organisations/directory.html",
        kind=kind,
        endpoint=endpoint,
        page=page,
        found=organisations_found,
        search=search,
        sector=sector,
        sectors=sectors,
    )


def _verified(kind: OrganisationKind, slug: str) -> Organisation:
    organisation = db.session.scalar(public_organisations(kind).where(Organisation.slug == slug))
    if organisation is None:
        abort(404)
    return organisation


@startups.get("/startups")
def directory():
    return _directory(OrganisationKind.STARTUP, "startups.directory")


@startups.get("/startups/<slug>")
def profile(slug: str):
    from hub.domain import showcase

    organisation = _verified(OrganisationKind.STARTUP, slug)
    innovations = db.session.scalars(
        sa.select(Innovation)
        .where(
            Innovation.organisation_id == organisation.id,
            Innovation.status == InnovationStatus.PUBLISHED,
        )
        .order_by(Innovation.published_at.desc(), Innovation.id.desc())
    ).all()
    demos = [
        application
        for application in showcase.applications_of([organisation.id])
        if application.state == showcase.ApplicationState.CONFIRMED
        and application.slot.status != showcase.SlotStatus.CANCELLED
        and application.slot.ends_at > showcase.utcnow()
    ]
    return render(
        "startups/profile.html", organisation=organisation, innovations=innovations, demos=demos
    )


@partners.get("/partners", endpoint="directory")
def partner_directory():
    return _directory(OrganisationKind.PARTNER, "partners.directory")


@partners.get("/partners/<slug>", endpoint="profile")
def partner_profile(slug: str):
    organisation = _verified(OrganisationKind.PARTNER, slug)
    return render(
        "partners/profile.html",
        organisation=organisation,
        host_events=upcoming_events_for_host(organisation),
    )
