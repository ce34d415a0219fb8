"""The OpenAPI 3.1 document of the public API, generated from the API's own schemas.

hub/blueprints/api.py declares each endpoint's parameters and response as marshmallow
schemas; apispec turns them into the document. apispec is loaded only when the document is
asked for, so web workers that never serve it stay small.
"""

from __future__ import annotations

import re

from hub.blueprints import api

INFO = {
    "description": (
        "Read-only data of the digital workshop: innovations, startups, partners, "
        "upcoming events and demo days. Lists are paginated; every response has an "
        "ETag (send it back in If-None-Match to get 304) and may be read from any "
        "origin (CORS)."
    )
}
SLUG = {"type": "string", "pattern": "^[a-z0-9-]+$", "maxLength": 180}
NOT_MODIFIED = {"description": "Not modified since the ETag given in If-None-Match."}
ETAG = {"ETag": {"schema": {"type": "string"}}}


def openapi_document(server_url: str) -> dict:
    """The document, with `server_url` (the site's public address) as its server."""
    from apispec import APISpec
    from apispec.ext.marshmallow import MarshmallowPlugin

    marshmallow = MarshmallowPlugin(schema_name_resolver=lambda schema: _name(schema))
    spec = APISpec(
        title="Atelier Hub public API",
        version="1.0.0",
        openapi_version="3.1.0",
        info=INFO,
        servers=[{"url": server_url}],
        plugins=[marshmallow],
    )
    marshmallow.converter.field_mapping[api.Link] = ("string", "uri")
    spec.components.schema("Error", schema=api.Error)
    spec.components.response(
        "BadRequest", {"description": "A parameter is invalid.", "content": _json("Error")}
    )
    spec.components.response(
        "NotFound", {"description": "No such public item.", "content": _json("Error")}
    )
    for endpoint in api.ENDPOINTS:
        path = "/api" + re.sub(r"<(\w+)>", r"{\1}", endpoint.path)
        parameters = [
            {"in": "path", "name": name, "required": True, "schema": SLUG}
            for name in re.findall(r"{(\w+)}", path)
        ]
        if endpoint.args is not None:
            parameters.append({"in": "query", "schema": endpoint.args})
        failure = ("400", "BadRequest") if endpoint.listing else ("404", "NotFound")
        spec.path(
            path=path,
            operations={
                "get": {
                    "summary": endpoint.summary,
                    "operationId": endpoint.operation_id,
                    "parameters": parameters,
                    "responses": {
                        "200": {
                            "description": endpoint.summary,
                            "headers": ETAG,
                            "content": {"application/json": {"schema": endpoint.response}},
                        },
                        "304": NOT_MODIFIED,
                        failure[0]: failure[1],
                    },
                }
            },
        )
    return spec.to_dict()


def _json(schema: str) -> dict:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}


def _name(schema) -> str:
    cls = schema if isinstance(schema, type) else type(schema)
    return cls.__name__
