"""Home, language choice, health check."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, current_app, jsonify, make_response, redirect, url_for
from flask_login import current_user

from hub.blueprints import safe_next_url
from hub.domain.discovery import upcoming_demo_days, upcoming_events
from hub.domain.innovations import featured_innovations
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
    demo_days = upcoming_demo_days(limit=1)
    return render(
        "main/home.html",
        featured=featured_innovations(limit=HOME_FEATURED),
        demo_day=demo_days[0] if demo_days else None,
        events=upcoming_events(limit=HOME_EVENTS, with_seats_only=True),
    )


@bp.get("/language/<language>")
def set_language(language: str):
    """Remember the reader's language in a cookie (and on the account, for emails).

    A plain link rather than a form, so public pages need no session or CSRF token.
    """
    if language not in current_app.config["LANGUAGES"]:
        language = current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user.is_authenticated and current_user.locale != language:
        current_user.locale = language
        db.session.commit()
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
