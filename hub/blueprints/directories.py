"""Public directories and profiles of verified startups and partners."""

from __future__ import annotations

from flask import Blueprint

from hub.domain.events.queries import upcoming_events_for_host
from hub.domain.innovations.queries import published_innovations_of
from hub.domain.organisations import queries
from hub.domain.organisations.queries import DirectoryFilters
from hub.domain.pages import paginate
from hub.domain.showcase.queries import upcoming_demos_of
from hub.models import OrganisationKind
from hub.public_cache import public_cache
from hub.query_args import PageArgs, Text, read_args
from hub.rendering import render

startups = Blueprint("startups", __name__)
partners = Blueprint("partners", __name__)
PAGE_SIZE = 24


class DirectoryArgs(PageArgs):
    q = Text(80)
    sector = Text(40)


def _directory(kind: OrganisationKind, endpoint: str):
    args = read_args(DirectoryArgs())
    filters = DirectoryFilters(q=args["q"], sector=args["sector"])
    return render(
        "organisations/directory.html",
        kind=kind,
        endpoint=endpoint,
        page=paginate(queries.directory(kind, filters), args["page"], PAGE_SIZE),
        search=filters.q,
        sector=filters.sector,
        sectors=queries.sectors_of(kind),
    )


@startups.get("/startups")
def directory():
    return _directory(OrganisationKind.STARTUP, "startups.directory")


@startups.get("/startups/<slug>")
def profile(slug: str):
    organisation = queries.verified_organisation(OrganisationKind.STARTUP, slug)
    return render(
        "startups/profile.html",
        organisation=organisation,
        innovations=published_innovations_of(organisation),
        demos=upcoming_demos_of(organisation, memo=public_cache().memo),
    )


@partners.get("/partners", endpoint="directory")
def partner_directory():
    return _directory(OrganisationKind.PARTNER, "partners.directory")


@partners.get("/partners/<slug>", endpoint="profile")
def partner_profile(slug: str):
    organisation = queries.verified_organisation(OrganisationKind.PARTNER, slug)
    return render(
        "partners/profile.html",
        organisation=organisation,
        host_events=upcoming_events_for_host(organisation),
    )
