"""The public, read-only JSON API (`/api/v1/...`), described once by its schemas.

Each endpoint declares its query parameters and its response as marshmallow schemas, with
`@endpoint(...)`: the view reads its parameters and writes its answer with them, and the
OpenAPI document (hub/openapi.py, at /api/openapi.json) is generated from them, so the
document cannot drift from what the API does.

Every list is paginated (`page`, `per_page`) and takes the filters of the matching page.
Responses carry an ETag (304 on If-None-Match) and Cache-Control; any origin may read them
(CORS, GET only). Invalid parameters answer 400 with the usual JSON error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Blueprint, jsonify, request
from marshmallow import Schema, fields, validate

from hub import links
from hub.blueprints.innovations import SearchArgs
from hub.domain.events import queries as event_queries
from hub.domain.events.queries import AgendaFilters
from hub.domain.innovations.queries import public_innovation
from hub.domain.innovations.search import InnovationFilters, search_page
from hub.domain.organisations import queries as organisations
from hub.domain.organisations.queries import DirectoryFilters
from hub.domain.pages import Page, paginate
from hub.domain.showcase import queries as showcase
from hub.extensions import csrf
from hub.models import (
    Audience,
    EventKind,
    InnovationStatus,
    OrganisationKind,
    StartupStage,
)
from hub.public_cache import cached_page, public_cache
from hub.query_args import Choice, Number, PageArgs, Text, read_args

bp = Blueprint("api", __name__)
csrf.exempt(bp)
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20
CACHE_CONTROL = "public, max-age=60"


@bp.after_request
def api_headers(response):
    if request.method in ("GET", "HEAD", "OPTIONS"):
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Expose-Headers"] = "ETag"
        if request.method == "OPTIONS":
            response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
            response.headers["Access-Control-Allow-Headers"] = "If-None-Match"
            response.headers["Access-Control-Max-Age"] = "86400"
    if response.status_code == 200 and request.method in ("GET", "HEAD"):
        response.headers["Cache-Control"] = CACHE_CONTROL
        if not response.get_etag()[0]:
            response.add_etag()
        response.make_conditional(request)
    return response


# Parameters ------------------------------------------------------------------------------


class ListArgs(PageArgs):
    per_page = Number(
        default=DEFAULT_PER_PAGE,
        maximum=MAX_PER_PAGE,
        metadata={"description": f"Items per page ({DEFAULT_PER_PAGE} by default)."},
    )


class InnovationListArgs(ListArgs, SearchArgs):
    pass


class OrganisationListArgs(ListArgs):
    q = Text(200, metadata={"description": "Words in the name or tagline."})
    city = Text(80, metadata={"description": "Exact city."})
    sector = Text(40, metadata={"description": "Sector tag (case ignored)."})


class StartupListArgs(OrganisationListArgs):
    stage = Choice(StartupStage, metadata={"description": "Stage."})


class EventListArgs(ListArgs):
    kind = Choice(EventKind, metadata={"description": "Kind of event."})
    audience = Choice(Audience, metadata={"description": "Audience."})
    venue = Text(80, metadata={"description": "Venue slug."})


# Responses -------------------------------------------------------------------------------


class UTCTime(fields.DateTime):
    """A UTC time as ISO 8601 with a Z."""

    def _serialize(self, value, attr, obj, **kwargs):
        return value.isoformat().replace("+00:00", "Z") if value else None


class Link(fields.Function):
    """An absolute address on PUBLIC_URL, built from the object."""


def _organisation_url(organisation) -> str:
    section = "startups" if organisation.kind == OrganisationKind.STARTUP else "partners"
    return links.url(f"{section}.profile", slug=organisation.slug)


class OrganisationRef(Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)
    url = Link(_organisation_url, required=True)


class Partner(OrganisationRef):
    tagline = fields.String(required=True)
    description = fields.String(required=True, metadata={"description": "Markdown."})
    website = fields.String(required=True)
    city = fields.String(required=True)
    sectors = fields.List(fields.String(), required=True)


class Startup(Partner):
    stage = fields.Enum(StartupStage, by_value=True, required=True, allow_none=True)


class Innovation(Schema):
    slug = fields.String(required=True)
    title = fields.String(required=True)
    summary = fields.String(required=True)
    description = fields.String(required=True, metadata={"description": "Markdown."})
    tags = fields.List(fields.String(), required=True)
    startup = fields.Nested(OrganisationRef, attribute="organisation", required=True)
    featured_rank = fields.Integer(
        required=True,
        allow_none=True,
        metadata={"description": "Position on the home page; null if not featured."},
    )
    interest_count = fields.Integer(required=True, validate=validate.Range(min=0))
    published_at = UTCTime(required=True, allow_none=True)
    url = Link(
        lambda innovation: links.url("innovations.detail", slug=innovation.slug), required=True
    )


class Venue(Schema):
    """Where an event or a demo day happens (dumped from its space)."""

    slug = fields.String(attribute="venue.slug", required=True)
    name = fields.String(attribute="venue.name", required=True)
    city = fields.String(attribute="venue.city", required=True)
    address = fields.String(attribute="venue.address", required=True)
    space = fields.String(attribute="name", required=True)


class Event(Schema):
    """An upcoming event (dumped from UpcomingEvent: the event and its seats left)."""

    slug = fields.String(attribute="event.slug", required=True)
    title = fields.String(attribute="event.title", required=True)
    description = fields.String(
        attribute="event.description", required=True, metadata={"description": "Markdown."}
    )
    kind = fields.Enum(EventKind, by_value=True, attribute="event.kind", required=True)
    audience = fields.Enum(Audience, by_value=True, attribute="event.audience", required=True)
    language = fields.String(attribute="event.language", required=True)
    starts_at = UTCTime(attribute="event.starts_at", required=True)
    ends_at = UTCTime(attribute="event.ends_at", required=True)
    venue = fields.Nested(Venue, attribute="event.space", required=True)
    capacity = fields.Integer(attribute="event.capacity", required=True)
    seats_left = fields.Integer(required=True, validate=validate.Range(min=0))
    host = fields.Nested(
        OrganisationRef, attribute="event.organisation", required=True, allow_none=True
    )
    url = Link(lambda item: links.url("events.detail", slug=item.event.slug), required=True)


class DemoInnovation(Schema):
    slug = fields.String(required=True)
    title = fields.String(required=True)


class PublishedInnovation(fields.Nested):
    """The innovation, or null while it is not published."""

    def _serialize(self, nested_obj, attr, obj, **kwargs):
        if nested_obj is None or nested_obj.status != InnovationStatus.PUBLISHED:
            return None
        return super()._serialize(nested_obj, attr, obj, **kwargs)


class DemoStartup(Schema):
    """A startup confirmed for a demo day (dumped from its application)."""

    slug = fields.String(attribute="organisation.slug", required=True)
    name = fields.String(attribute="organisation.name", required=True)
    url = Link(lambda application: _organisation_url(application.organisation), required=True)
    innovation = PublishedInnovation(DemoInnovation, required=True, allow_none=True)


class DemoDay(Schema):
    """An upcoming demo day (dumped from showcase.queries.DemoDay)."""

    id = fields.Integer(attribute="slot.id", required=True)
    theme = fields.String(attribute="slot.theme", required=True)
    description = fields.String(attribute="slot.description", required=True)
    starts_at = UTCTime(attribute="slot.starts_at", required=True)
    ends_at = UTCTime(attribute="slot.ends_at", required=True)
    venue = fields.Nested(Venue, attribute="slot.space", required=True)
    seats = fields.Integer(attribute="slot.seats", required=True)
    startups = fields.List(fields.Nested(DemoStartup), required=True)


class PageMeta(Schema):
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    total = fields.Integer(
        required=True,
        metadata={"description": "How many results; a bound when `more` is true."},
    )
    pages = fields.Integer(required=True)
    more = fields.Boolean(
        required=True,
        metadata={"description": "More results than `total` (a search counts 1,000 at most)."},
    )


class PageLinks(Schema):
    self = fields.String(required=True)
    next = fields.String(required=True, allow_none=True)
    prev = fields.String(required=True, allow_none=True)


class ErrorDetail(Schema):
    status = fields.Integer(required=True)
    title = fields.String(required=True)
    message = fields.String(required=True)


class Error(Schema):
    error = fields.Nested(ErrorDetail, required=True)


def _list_of(item: type[Schema]) -> type[Schema]:
    return Schema.from_dict(
        {
            "data": fields.List(fields.Nested(item), required=True),
            "meta": fields.Nested(PageMeta, required=True),
            "links": fields.Nested(PageLinks, required=True),
        },
        name=f"{item.__name__}List",
    )


def _one(item: type[Schema]) -> type[Schema]:
    return Schema.from_dict(
        {"data": fields.Nested(item, required=True)}, name=f"{item.__name__}Item"
    )


# Endpoints -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Endpoint:
    """One documented operation: what it reads and what it answers."""

    path: str
    operation_id: str
    summary: str
    response: type[Schema]
    args: type[Schema] | None = None
    listing: bool = False


ENDPOINTS: list[Endpoint] = []


def endpoint(path: str, operation_id: str, summary: str, response, args=None, listing=False):
    """Register a GET view at `path` and describe it for the OpenAPI document."""

    def decorate(view: Callable):
        ENDPOINTS.append(Endpoint(path, operation_id, summary, response, args, listing))
        return bp.get(path)(view)

    return decorate


def _page_body(page: Page, item: type[Schema]) -> dict:
    def link(number: int | None) -> str | None:
        if number is None:
            return None
        args = request.args.to_dict(flat=False)
        return links.url(request.endpoint, **{**args, "page": number}, **request.view_args)

    return {
        "data": item(many=True).dump(page.items),
        "meta": PageMeta().dump(page),
        "links": {
            "self": link(page.page),
            "next": link(page.next_num),
            "prev": link(page.prev_num),
        },
    }


@endpoint(
    "/v1/innovations", "listInnovations", "Published innovations",
    _list_of(Innovation), InnovationListArgs, listing=True,
)  # fmt: skip
@cached_page()
def innovations():
    args = read_args(InnovationListArgs(), strict=True)
    filters = InnovationFilters.from_args(args)
    page = search_page(filters, args["page"], args["per_page"], memo=public_cache().memo)
    return jsonify(_page_body(page, Innovation))


@endpoint("/v1/innovations/<slug>", "getInnovation", "One published innovation", _one(Innovation))
@cached_page()
def innovation(slug: str):
    return jsonify(data=Innovation().dump(public_innovation(slug)))


def _organisations(kind: OrganisationKind, args: dict) -> Page:
    filters = DirectoryFilters(
        q=args["q"], sector=args["sector"], city=args["city"], stage=args.get("stage")
    )
    query = organisations.in_slug_order(organisations.directory(kind, filters))
    return paginate(query, args["page"], args["per_page"])


@endpoint(
    "/v1/startups", "listStartups", "Verified startups", _list_of(Startup), StartupListArgs,
    listing=True,
)  # fmt: skip
@cached_page()
def startups():
    args = read_args(StartupListArgs(), strict=True)
    return jsonify(_page_body(_organisations(OrganisationKind.STARTUP, args), Startup))


@endpoint("/v1/startups/<slug>", "getStartup", "One startup", _one(Startup))
@cached_page()
def startup(slug: str):
    found = organisations.verified_organisation(OrganisationKind.STARTUP, slug)
    return jsonify(data=Startup().dump(found))


@endpoint(
    "/v1/partners", "listPartners", "Verified partners", _list_of(Partner), OrganisationListArgs,
    listing=True,
)  # fmt: skip
@cached_page()
def partners():
    args = read_args(OrganisationListArgs(), strict=True)
    return jsonify(_page_body(_organisations(OrganisationKind.PARTNER, args), Partner))


@endpoint("/v1/partners/<slug>", "getPartner", "One partner", _one(Partner))
@cached_page()
def partner(slug: str):
    found = organisations.verified_organisation(OrganisationKind.PARTNER, slug)
    return jsonify(data=Partner().dump(found))


@endpoint(
    "/v1/events", "listEvents", "Upcoming published events, soonest first", _list_of(Event),
    EventListArgs, listing=True,
)  # fmt: skip
@cached_page(ttl=10, seats=True)
def events():
    args = read_args(EventListArgs(), strict=True)
    filters = AgendaFilters(
        kind=args["kind"].value if args["kind"] else "",
        audience=args["audience"].value if args["audience"] else "",
        venue=args["venue"],
    )
    page = event_queries.upcoming_page(
        filters, args["page"], args["per_page"], memo=public_cache().memo
    )
    return jsonify(_page_body(page, Event))


@endpoint("/v1/events/<slug>", "getEvent", "One upcoming published event", _one(Event))
@cached_page(ttl=10, seats=True)
def event(slug: str):
    return jsonify(data=Event().dump(event_queries.upcoming_event(slug)))


@endpoint(
    "/v1/demo-days", "listDemoDays", "Upcoming demo days with their confirmed startups",
    _list_of(DemoDay), ListArgs, listing=True,
)  # fmt: skip
@cached_page()
def demo_days():
    args = read_args(ListArgs(), strict=True)
    page = paginate(showcase.upcoming_slots(), args["page"], args["per_page"])
    page.items = showcase.demo_days(page.items)
    return jsonify(_page_body(page, DemoDay))


@bp.get("/openapi.json")
@cached_page(ttl=3600)
def openapi():
    from hub.openapi import openapi_document

    return jsonify(openapi_document(links.root()))
