"""Uploaded images, served from outside the static folder with a safe content type."""

from __future__ import annotations

from flask import Blueprint, abort, send_file

from hub.domain import uploads

bp = Blueprint("media", __name__)


@bp.get("/media/<name>")
def file(name: str):
    path = uploads.stored_path(name)
    if path is None:
        abort(404)
    # Names are random and files never change: cache for a year.
    response = send_file(path, mimetype="image/webp", max_age=31536000, conditional=True)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Disposition"] = "inline"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.cache_control.public = True
    response.cache_control.immutable = True
    return response
