"""Uploaded images, served from the storage (a folder or a bucket) with a safe content type.

Registering this blueprint also sets up the storage (a wrong setting stops the app at
start) and the template helpers that build image URLs (`hub.images`).
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, request
from werkzeug.wsgi import wrap_file

from hub.domain import uploads
from hub.images import register_image_helpers
from hub.storage import current_storage, init_storage

bp = Blueprint("media", __name__)
ONE_YEAR = 31536000


@bp.record_once
def _set_up(state) -> None:
    init_storage(state.app)
    register_image_helpers(state.app)


@bp.get("/media/<name>")
def file(name: str):
    if not uploads.is_stored_name(name):
        abort(404)
    stored = current_storage().open(name)
    if stored is None:
        abort(404)
    response = Response(
        wrap_file(request.environ, stored.stream),
        mimetype="image/webp",  # the only kind this module stores, whatever the storage says
        direct_passthrough=True,
    )
    response.content_length = stored.size
    response.last_modified = stored.modified
    # A name is never reused for other content: it is its own validator, on every node.
    response.set_etag(name)
    response.cache_control.public = True
    response.cache_control.max_age = ONE_YEAR
    response.cache_control.immutable = True
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Disposition"] = "inline"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response.make_conditional(request, accept_ranges=True, complete_length=stored.size)
