"""The OpenAPI 3.1 description of the public API, written to match hub/blueprints/api.py."""

from __future__ import annotations

from hub.domain.search import SORTS
from hub.models import Audience, EventKind, StartupStage

DATE_TIME = {"type": "string", "format": "date-time"}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _query(name: str, description: str, schema: dict, **extra) -> dict:
    return {"name": name, "in": "query", "description": description, "schema": schema, **extra}


def _path(name: str, description: str) -> dict:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": {"type": "string", "pattern": "^[a-z0-9-]+$", "maxLength": 180},
    }


PAGINATION = [
    _query("page", "Page number, from 1.", {"type": "integer", "minimum": 1, "maximum": 100000}),
    _query(
        "per_page",
        "Items per page (20 by default).",
        {"type": "integer", "minimum": 1, "maximum": 100},
    ),
]
ORGANISATION_FILTERS = [
    _query("q", "Words in the name.", {"type": "string", "maxLength": 200}),
    _query("city", "Exact city.", {"type": "string", "maxLength": 80}),
    _query("sector", "Exact sector tag.", {"type": "string", "maxLength": 40}),
]


def _list_response(item: str, description: str) -> dict:
    return {
        "200": {
            "description": description,
            "headers": {"ETag": {"schema": {"type": "string"}}},
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "required": ["data", "meta", "links"],
                        "additionalProperties": False,
                        "properties": {
                            "data": {"type": "array", "items": _ref(item)},
                            "meta": _ref("PageMeta"),
                            "links": _ref("PageLinks"),
                        },
                    }
                }
            },
        },
        "304": {"description": "Not modified since the ETag given in If-None-Match."},
        "400": _ref_response("BadRequest"),
    }


def _item_response(item: str, description: str) -> dict:
    return {
        "200": {
            "description": description,
            "headers": {"ETag": {"schema": {"type": "string"}}},
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "required": ["data"],
                        "additionalProperties": False,
                        "properties": {"data": _ref(item)},
                    }
                }
            },
        },
        "304": {"description": "Not modified since the ETag given in If-None-Match."},
        "404": _ref_response("NotFound"),
    }


def _ref_response(name: str) -> dict:
    return {"$ref": f"#/components/responses/{name}"}


def _get(summary: str, operation_id: str, parameters: list, responses: dict) -> dict:
    return {
        "get": {
            "summary": summary,
            "operationId": operation_id,
            "parameters": parameters,
            "responses": responses,
        }
    }


ORGANISATION_REF = {
    "type": "object",
    "required": ["slug", "name", "url"],
    "properties": {
        "slug": {"type": "string"},
        "name": {"type": "string"},
        "url": {"type": "string", "format": "uri"},
    },
}
VENUE = {
    "type": "object",
    "required": ["slug", "name", "city", "address", "space"],
    "properties": {
        "slug": {"type": "string"},
        "name": {"type": "string"},
        "city": {"type": "string"},
        "address": {"type": "string"},
        "space": {"type": "string"},
    },
}
ORGANISATION_PROPERTIES = {
    "slug": {"type": "string"},
    "name": {"type": "string"},
    "url": {"type": "string", "format": "uri"},
    "tagline": {"type": "string"},
    "description": {"type": "string", "description": "Markdown."},
    "website": {"type": "string"},
    "city": {"type": "string"},
    "sectors": {"type": "array", "items": {"type": "string"}},
}
ORGANISATION_REQUIRED = list(ORGANISATION_PROPERTIES)


def openapi_document(server_url: str) -> dict:
    stages = [stage.value for stage in StartupStage]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Atelier Hub public API",
            "version": "1.0.0",
            "description": (
                "Read-only data of the digital workshop: innovations, startups, partners, "
                "upcoming events and demo days. Lists are paginated; every response has an "
                "ETag (send it back in If-None-Match to get 304) and may be read from any "
                "origin (CORS)."
            ),
        },
        "servers": [{"url": server_url}],
        "paths": {
            "/api/v1/innovations": _get(
                "Published innovations",
                "listInnovations",
                [
                    _query("q", "Words to search for.", {"type": "string", "maxLength": 200}),
                    _query(
                        "tag",
                        "Exact tag; repeat for several (all must match).",
                        {"type": "array", "items": {"type": "string", "maxLength": 40}},
                        style="form",
                        explode=True,
                    ),
                    _query("stage", "Startup stage.", {"type": "string", "enum": stages}),
                    _query("city", "Startup city.", {"type": "string", "maxLength": 80}),
                    _query("sort", "Order.", {"type": "string", "enum": list(SORTS)}),
                    *PAGINATION,
                ],
                _list_response("Innovation", "A page of innovations."),
            ),
            "/api/v1/innovations/{slug}": _get(
                "One published innovation",
                "getInnovation",
                [_path("slug", "The innovation's slug.")],
                _item_response("Innovation", "The innovation."),
            ),
            "/api/v1/startups": _get(
                "Verified startups",
                "listStartups",
                [
                    *ORGANISATION_FILTERS,
                    _query("stage", "Stage.", {"type": "string", "enum": stages}),
                    *PAGINATION,
                ],
                _list_response("Startup", "A page of startups."),
            ),
            "/api/v1/startups/{slug}": _get(
                "One startup",
                "getStartup",
                [_path("slug", "The startup's slug.")],
                _item_response("Startup", "The startup."),
            ),
            "/api/v1/partners": _get(
                "Verified partners",
                "listPartners",
                [*ORGANISATION_FILTERS, *PAGINATION],
                _list_response("Partner", "A page of partners."),
            ),
            "/api/v1/partners/{slug}": _get(
                "One partner",
                "getPartner",
                [_path("slug", "The partner's slug.")],
                _item_response("Partner", "The partner."),
            ),
            "/api/v1/events": _get(
                "Upcoming published events, soonest first",
                "listEvents",
                [
                    _query("kind", "Kind of event.", {"type": "string", "enum": list(EventKind)}),
                    _query("audience", "Audience.", {"type": "string", "enum": list(Audience)}),
                    _query("venue", "Venue slug.", {"type": "string", "maxLength": 80}),
                    *PAGINATION,
                ],
                _list_response("Event", "A page of events."),
            ),
            "/api/v1/events/{slug}": _get(
                "One upcoming published event",
                "getEvent",
                [_path("slug", "The event's slug.")],
                _item_response("Event", "The event."),
            ),
            "/api/v1/demo-days": _get(
                "Upcoming demo days with their confirmed startups",
                "listDemoDays",
                PAGINATION,
                _list_response("DemoDay", "A page of demo days."),
            ),
        },
        "components": {
            "schemas": {
                "PageMeta": {
                    "type": "object",
                    "required": ["page", "per_page", "total", "pages"],
                    "properties": {
                        "page": {"type": "integer", "minimum": 1},
                        "per_page": {"type": "integer", "minimum": 1, "maximum": 100},
                        "total": {"type": "integer", "minimum": 0},
                        "pages": {"type": "integer", "minimum": 0},
                    },
                },
                "PageLinks": {
                    "type": "object",
                    "required": ["self", "next", "prev"],
                    "properties": {
                        "self": {"type": "string", "format": "uri"},
                        "next": {"type": ["string", "null"], "format": "uri"},
                        "prev": {"type": ["string", "null"], "format": "uri"},
                    },
                },
                "OrganisationRef": ORGANISATION_REF,
                "Innovation": {
                    "type": "object",
                    "required": [
                        "slug",
                        "title",
                        "summary",
                        "description",
                        "tags",
                        "startup",
                        "featured_rank",
                        "interest_count",
                        "published_at",
                        "url",
                    ],
                    "properties": {
                        "slug": {"type": "string"},
                        "title": {"type": "string"},
                        "summary": {"type": "string"},
                        "description": {"type": "string", "description": "Markdown."},
                        "tags": {"type": "array", "items": {"type": "string"}},
                        "startup": _ref("OrganisationRef"),
                        "featured_rank": {
                            "type": ["integer", "null"],
                            "description": "Position on the home page; null if not featured.",
                        },
                        "interest_count": {"type": "integer", "minimum": 0},
                        "published_at": {"type": ["string", "null"], "format": "date-time"},
                        "url": {"type": "string", "format": "uri"},
                    },
                },
                "Startup": {
                    "type": "object",
                    "required": [*ORGANISATION_REQUIRED, "stage"],
                    "properties": {
                        **ORGANISATION_PROPERTIES,
                        "stage": {"type": ["string", "null"], "enum": [*stages, None]},
                    },
                },
                "Partner": {
                    "type": "object",
                    "required": ORGANISATION_REQUIRED,
                    "properties": ORGANISATION_PROPERTIES,
                },
                "Venue": VENUE,
                "Event": {
                    "type": "object",
                    "required": [
                        "slug",
                        "title",
                        "description",
                        "kind",
                        "audience",
                        "language",
                        "starts_at",
                        "ends_at",
                        "venue",
                        "capacity",
                        "seats_left",
                        "host",
                        "url",
                    ],
                    "properties": {
                        "slug": {"type": "string"},
                        "title": {"type": "string"},
                        "description": {"type": "string", "description": "Markdown."},
                        "kind": {"type": "string", "enum": list(EventKind)},
                        "audience": {"type": "string", "enum": list(Audience)},
                        "language": {"type": "string"},
                        "starts_at": DATE_TIME,
                        "ends_at": DATE_TIME,
                        "venue": _ref("Venue"),
                        "capacity": {"type": "integer", "minimum": 1},
                        "seats_left": {"type": "integer", "minimum": 0},
                        "host": {"oneOf": [_ref("OrganisationRef"), {"type": "null"}]},
                        "url": {"type": "string", "format": "uri"},
                    },
                },
                "DemoDay": {
                    "type": "object",
                    "required": [
                        "id",
                        "theme",
                        "description",
                        "starts_at",
                        "ends_at",
                        "venue",
                        "seats",
                        "startups",
                    ],
                    "properties": {
                        "id": {"type": "integer"},
                        "theme": {"type": "string"},
                        "description": {"type": "string"},
                        "starts_at": DATE_TIME,
                        "ends_at": DATE_TIME,
                        "venue": _ref("Venue"),
                        "seats": {"type": "integer", "minimum": 1},
                        "startups": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["slug", "name", "url", "innovation"],
                                "properties": {
                                    **ORGANISATION_REF["properties"],
                                    "innovation": {
                                        "type": ["object", "null"],
                                        "required": ["slug", "title"],
                                        "properties": {
                                            "slug": {"type": "string"},
                                            "title": {"type": "string"},
                                        },
                                    },
                                },
                            },
                        },
                    },
                },
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {
                        "error": {
                            "type": "object",
                            "required": ["status", "title", "message"],
                            "properties": {
                                "status": {"type": "integer"},
                                "title": {"type": "string"},
                                "message": {"type": "string"},
                            },
                        }
                    },
                },
            },
            "responses": {
                "BadRequest": {
                    "description": "A parameter is invalid.",
                    "content": {"application/json": {"schema": _ref("Error")}},
                },
                "NotFound": {
                    "description": "No such public item.",
                    "content": {"application/json": {"schema": _ref("Error")}},
                },
            },
        },
    }
