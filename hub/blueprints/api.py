"""The public, read-only JSON API (`/api/v1/...`) and its OpenAPI document.

Every list is paginated (`page`, `per_page`) and takes the filters of the matching page.
Responses carry an ETag (304 on If-None-Match) and Cache-Control; any origin may read
them (CORS, GET only). Invalid parameters answer 400 with the usual JSON error.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import Blueprint, abort, jsonify, request, url_for

from hub.domain.discovery import confirmed_startups, public_events, upcoming_events
from hub.domain.innovations import public_innovations
from hub.domain.search import SORTS, InnovationFilters, Page, search_page
from hub.extensions import csrf, db
from hub.models import (
    Audience,
    Event,
    EventKind,
    Innovation,
    Organisation,
    OrganisationKind,
    ShowcaseSlot,
    SlotStatus,
    Space,
    StartupStage,
    Venue,
    utcnow,
)
from hub.openapi import openapi_document
from hub.public_cache import cached_page

bp = Blueprint("api", __name__)
csrf.exempt(bp)
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20
CACHE_CONTROL = "public, max-age=60"


class BadParameter(Exception):
    def __init__(self, name: str, message: str):
        super().__init__(message)
        self.name = name
        self.message = message


@bp.errorhandler(BadParameter)
def bad_parameter(error: BadParameter):
    response = jsonify(
        error={
            "status": 400,
            "title": "Bad request",
            "message": f"{error.name}: {error.message}",
        }
    )
    response.status_code = 400
    return response


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


def _int_arg(name: str, default: int, maximum: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= maximum:
        raise BadParameter(name, f"an integer from 1 to {maximum} is expected")
    return int(raw)


def _choice_arg(name: str, choices) -> str | None:
    raw = request.args.get(name)
    if raw is None:
        return None
    allowed = [getattr(choice, "value", choice) for choice in choices]
    if raw not in allowed:
        raise BadParameter(name, "one of " + ", ".join(allowed) + " is expected")
    return raw


def _text_arg(name: str, maximum: int = 200) -> str:
    raw = request.args.get(name, "")
    if len(raw) > maximum:
        raise BadParameter(name, f"at most {maximum} characters are expected")
    return raw.strip()


def _paginated(query: sa.Select, serialise) -> dict:
    page_number = _int_arg("page", 1, 100_000)
    per_page = _int_arg("per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)
    page = db.paginate(query, page=page_number, per_page=per_page, error_out=False, count=True)
    result = Page(items=list(page.items), page=page_number, per_page=per_page, total=page.total)
    return _envelope([serialise(item) for item in result.items], result)


def _envelope(data: list, page: Page) -> dict:
    args = {key: value for key, value in request.args.items(multi=False) if key != "page"}
    tag_list = request.args.getlist("tag")

    def link(number: int | None) -> str | None:
        if number is None:
            return None
        extra = {"tag": tag_list} if tag_list else {}
        return url_for(request.endpoint, **{**args, **extra, "page": number}, _external=True)

    return {
        "data": data,
        "meta": {
            "page": page.page,
            "per_page": page.per_page,
            "total": page.total,
            "pages": page.pages,
        },
        "links": {
            "self": link(page.page),
            "next": link(page.next_num),
            "prev": link(page.page - 1 if page.page > 1 else None),
        },
    }


# Serialisers ------------------------------------------------------------------------------


def _iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def _root() -> str:
    return url_for("main.home", _external=True).rstrip("/")


def _organisation_ref(organisation: Organisation) -> dict:
    section = "startups" if organisation.kind == OrganisationKind.STARTUP else "partners"
    return {
        "slug": organisation.slug,
        "name": organisation.name,
        "url": f"{_root()}/{section}/{organisation.slug}",
    }


def innovation_json(innovation: Innovation) -> dict:
    return {
        "slug": innovation.slug,
        "title": innovation.title,
        "summary": innovation.summary,
        "description": innovation.description,
        "tags": list(innovation.tags or []),
        "startup": _organisation_ref(innovation.organisation),
        "featured_rank": innovation.featured_rank,
        "interest_count": innovation.interest_count,
        "published_at": _iso(innovation.published_at),
        "url": url_for("innovations.detail", slug=innovation.slug, _external=True),
    }


def organisation_json(organisation: Organisation) -> dict:
    data = {
        **_organisation_ref(organisation),
        "tagline": organisation.tagline,
        "description": organisation.description,
        "website": organisation.website,
        "city": organisation.city,
        "sectors": list(organisation.sectors or []),
    }
    if organisation.kind == OrganisationKind.STARTUP:
        data["stage"] = organisation.stage.value if organisation.stage else None
    return data


def _venue_json(space: Space) -> dict:
    return {
        "slug": space.venue.slug,
        "name": space.venue.name,
        "city": space.venue.city,
        "address": space.venue.address,
        "space": space.name,
    }


def event_json(item) -> dict:
    event = item.event
    return {
        "slug": event.slug,
        "title": event.title,
        "description": event.description,
        "kind": event.kind.value,
        "audience": event.audience.value,
        "language": event.language,
        "starts_at": _iso(event.starts_at),
        "ends_at": _iso(event.ends_at),
        "venue": _venue_json(event.space),
        "capacity": event.capacity,
        "seats_left": item.seats_left,
        "host": _organisation_ref(event.organisation) if event.organisation else None,
        "url": f"{_root()}/events/{event.slug}",
    }


def demo_day_json(slot: ShowcaseSlot, startups) -> dict:
    return {
        "id": slot.id,
        "theme": slot.theme,
        "description": slot.description,
        "starts_at": _iso(slot.starts_at),
        "ends_at": _iso(slot.ends_at),
        "venue": _venue_json(slot.space),
        "seats": slot.seats,
        "startups": [
            {
                **_organisation_ref(application.organisation),
                "innovation": (
                    {
                        "slug": application.innovation.slug,
                        "title": application.innovation.title,
                    }
                    if application.innovation.status == "published"
                    else None
                ),
            }
            for application in startups
        ],
    }


# Endpoints --------------------------------------------------------------------------------


@bp.get("/openapi.json")
@cached_page(ttl=3600)
def openapi():
    return jsonify(openapi_document(_root()))


@bp.get("/v1/innovations")
@cached_page()
def innovations():
    _choice_arg("sort", SORTS)
    _choice_arg("stage", StartupStage)
    _text_arg("q")
    _text_arg("city", 80)
    if any(len(tag) > 40 for tag in request.args.getlist("tag")):
        raise BadParameter("tag", "at most 40 characters are expected")
    filters = InnovationFilters.from_args(request.args)
    page_number = _int_arg("page", 1, 100_000)
    per_page = _int_arg("per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)
    page = search_page(filters, page_number, per_page)
    return jsonify(_envelope([innovation_json(item) for item in page.items], page))


@bp.get("/v1/innovations/<slug>")
@cached_page()
def innovation(slug: str):
    item = db.session.scalar(
        public_innovations()
        .where(Innovation.slug == slug)
        .options(sa.orm.contains_eager(Innovation.organisation))
    )
    if item is None:
        abort(404)
    return jsonify(data=innovation_json(item))


def _organisations(kind: OrganisationKind) -> sa.Select:
    query = sa.select(Organisation).where(
        Organisation.kind == kind, Organisation.verified_at.is_not(None)
    )
    city = _text_arg("city", 80)
    sector = _text_arg("sector", 40)
    q = _text_arg("q")
    if city:
        query = query.where(Organisation.city == city)
    if sector:
        function = (
            sa.func.json_array_elements_text
            if db.engine.dialect.name == "postgresql"
            else sa.func.json_each
        )
        elements = function(Organisation.sectors).table_valued("value")
        query = query.where(
            sa.exists(
                sa.select(sa.literal(1)).select_from(elements).where(elements.c.value == sector)
            )
        )
    if q:
        pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(Organisation.name.ilike(pattern, escape="\\"))
    slug = Organisation.slug.collate("C") if db.engine.dialect.name == "postgresql" else None
    return query.order_by(slug if slug is not None else Organisation.slug, Organisation.id)


def _organisation_or_404(kind: OrganisationKind, slug: str) -> Organisation:
    organisation = db.session.scalar(
        sa.select(Organisation).where(
            Organisation.kind == kind,
            Organisation.slug == slug,
            Organisation.verified_at.is_not(None),
        )
    )
    if organisation is None:
        abort(404)
    return organisation


@bp.get("/v1/startups")
@cached_page()
def startups():
    query = _organisations(OrganisationKind.STARTUP)
    stage = _choice_arg("stage", StartupStage)
    if stage:
        query = query.where(Organisation.stage == stage)
    return jsonify(_paginated(query, organisation_json))


@bp.get("/v1/startups/<slug>")
@cached_page()
def startup(slug: str):
    return jsonify(data=organisation_json(_organisation_or_404(OrganisationKind.STARTUP, slug)))


@bp.get("/v1/partners")
@cached_page()
def partners():
    return jsonify(_paginated(_organisations(OrganisationKind.PARTNER), organisation_json))


@bp.get("/v1/partners/<slug>")
@cached_page()
def partner(slug: str):
    return jsonify(data=organisation_json(_organisation_or_404(OrganisationKind.PARTNER, slug)))


def _event_query() -> sa.Select:
    query = public_events()
    kind = _choice_arg("kind", EventKind)
    audience = _choice_arg("audience", Audience)
    venue = _text_arg("venue", 80)
    if kind:
        query = query.where(Event.kind == kind)
    if audience:
        query = query.where(Event.audience == audience)
    if venue:
        query = query.where(
            Event.space_id.in_(sa.select(Space.id).join(Space.venue).where(Venue.slug == venue))
        )
    return query


@bp.get("/v1/events")
@cached_page(ttl=10, seats=True)
def events():
    page_number = _int_arg("page", 1, 100_000)
    per_page = _int_arg("per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)
    query = _event_query()
    total = db.session.scalar(
        sa.select(sa.func.count()).select_from(query.order_by(None).subquery())
    )
    items = upcoming_events(
        limit=None, query=query.limit(per_page).offset((page_number - 1) * per_page)
    )
    pages = (total + per_page - 1) // per_page
    args = {key: value for key, value in request.args.items() if key != "page"}

    def link(number: int | None) -> str | None:
        return url_for("api.events", **args, page=number, _external=True) if number else None

    return jsonify(
        data=[event_json(item) for item in items],
        meta={"page": page_number, "per_page": per_page, "total": total, "pages": pages},
        links={
            "self": link(page_number),
            "next": link(page_number + 1 if page_number < pages else None),
            "prev": link(page_number - 1 if page_number > 1 else None),
        },
    )


@bp.get("/v1/events/<slug>")
@cached_page(ttl=10, seats=True)
def event(slug: str):
    items = upcoming_events(limit=1, query=public_events().where(Event.slug == slug))
    if not items:
        abort(404)
    return jsonify(data=event_json(items[0]))


@bp.get("/v1/demo-days")
@cached_page()
def demo_days():
    query = (
        sa.select(ShowcaseSlot)
        .where(ShowcaseSlot.status != SlotStatus.CANCELLED, ShowcaseSlot.ends_at > utcnow())
        .order_by(ShowcaseSlot.starts_at, ShowcaseSlot.id)
        .options(sa.orm.joinedload(ShowcaseSlot.space).joinedload(Space.venue))
    )
    result = _paginated(query, lambda slot: slot)
    startups_by_slot = confirmed_startups([slot.id for slot in result["data"]])
    result["data"] = [
        demo_day_json(slot, startups_by_slot.get(slot.id, [])) for slot in result["data"]
    ]
    return jsonify(result)
