"""Home, language choice, health and readiness checks, metrics."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, current_app, jsonify, make_response, redirect, url_for

from hub.blueprints import safe_next_url
from hub.domain.events.queries import upcoming_events, upcoming_with_seats
from hub.domain.innovations.queries import featured_innovations
from hub.domain.showcase.queries import next_demo_day
from hub.extensions import csrf, db
from hub.i18n import LANGUAGE_COOKIE
from hub.operations import metrics_response
from hub.public_cache import cached_page
from hub.rendering import render
from hub.storage import current_storage

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


@bp.get("/readyz")
@csrf.exempt
def readyz():
    """Whether this node can serve: the database, Redis when configured, the storage.

    503 with what failed, so that a load balancer sends no traffic here until it passes.
    """
    checks = {"database": _database_ready, "storage": _storage_ready}
    if current_app.config["RATELIMIT_STORAGE_URI"].startswith(("redis://", "rediss://")):
        checks["redis"] = _redis_ready
    results = {}
    for name, check in checks.items():
        try:
            results[name] = "ok" if check() else "unreachable"
        except Exception:  # whatever fails, the node is not ready
            current_app.logger.exception("Readiness check: %s failed", name)
            results[name] = "unreachable"
    ready = all(value == "ok" for value in results.values())
    return jsonify(status="ok" if ready else "error", **results), 200 if ready else 503


def _database_ready() -> bool:
    db.session.execute(sa.text("SELECT 1"))
    return True


def _storage_ready() -> bool:
    current_storage().check()
    return True


def _redis_ready() -> bool:
    import redis

    uri = current_app.config["RATELIMIT_STORAGE_URI"]
    connection = redis.Redis.from_url(uri, socket_timeout=2, socket_connect_timeout=2)
    try:
        return bool(connection.ping())
    finally:
        connection.close()


@bp.get("/metrics")
@csrf.exempt
def metrics():
    """Prometheus metrics (hub/operations.py); the proxy keeps this address internal."""
    return metrics_response()
