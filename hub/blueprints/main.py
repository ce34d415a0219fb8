"""Home, language choice, health check."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, current_app, jsonify, make_response, redirect, url_for

from hub.blueprints import safe_next_url
from hub.domain.events.queries import upcoming_events, upcoming_with_seats
from hub.domain.innovations.queries import featured_innovations
from hub.domain.showcase.queries import next_demo_day
from hub.extensions import csrf, db
from hub.i18n import LANGUAGE_COOKIE
from hub.public_cache import cached_page
from hub.rendering import render

bp = Blueprint("main", __name__)


HOME_FEATURED = 6
HOME_EVENTS = 4


@bp.get("/")
@cached_page(seats=True)
def home():
    return render(
        "main/home.html",
        featured=featured_innovations(limit=HOME_FEATURED),
        demo_day=next_demo_day(),
        events=upcoming_with_seats(upcoming_events(with_seats_only=True).limit(HOME_EVENTS)),
    )


@bp.get("/language/<language>")
def set_language(language: str):
    """Remember the reader's language in a cookie; a plain link, so public pages need no
    session or CSRF token. An account keeps it for its emails at its next change
    (hub/i18n.py), since a GET changes nothing stored."""
    if language not in current_app.config["LANGUAGES"]:
        language = current_app.config["BABEL_DEFAULT_LOCALE"]
    response = make_response(redirect(safe_next_url(url_for("main.home")), 303))
    response.set_cookie(
        LANGUAGE_COOKIE, language, max_age=60 * 60 * 24 * 365, httponly=True, samesite="Lax"
    )
    return response


@bp.get("/healthz")
@csrf.exempt
def healthz():
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        current_app.logger.exception("Health check: database unreachable")
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")
