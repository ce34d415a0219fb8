"""What operators watch: a request id on every request and log line, JSON logs, Prometheus
metrics and the readiness check.

- Every request gets an id: the `X-Request-ID` the proxy sent (letters, digits, `.-_`, at
  most 128), else a new one. It is sent back in the `X-Request-ID` response header and is
  in every log line written while the request runs (`request_id`).
- LOG_FORMAT=json (the default) writes one JSON object per line, and ACCESS_LOG adds one
  line per request (method, path, route, status, duration).
- `/metrics` (prometheus_client): requests by route, method and status, latency
  histograms by route, public cache hits and misses, and the outbox's queue depth (read
  from the database at each scrape). Under gunicorn, set PROMETHEUS_MULTIPROC_DIR to an
  empty directory so that every worker's counts are added up (prometheus_client's
  multiprocess mode); the proxy should not expose `/metrics` to the public.
- `/readyz` (see hub/blueprints/main.py) reports the database, Redis when configured
  and the storage.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import re
import time
import uuid
from contextvars import ContextVar

from flask import Flask, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from werkzeug.exceptions import HTTPException
from werkzeug.wsgi import ClosingIterator

REQUEST_ID_HEADER = "X-Request-ID"
ROUTE = "hub.route"
_VALID_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")
request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
access_log = logging.getLogger("hub.access")

REQUESTS = Counter("hub_http_requests", "HTTP requests answered", ["route", "method", "status"])
LATENCY = Histogram(
    "hub_http_request_duration_seconds",
    "Time to answer a request",
    ["route", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
PUBLIC_CACHE = Counter(
    "hub_public_cache_requests", "Public pages asked of the per-worker cache", ["result"]
)


def cache_result(hit: bool) -> None:
    """Count a public page served from the cache (hit) or rendered (miss)."""
    PUBLIC_CACHE.labels("hit" if hit else "miss").inc()


class JSONFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, extra fields."""

    FIELDS = ("method", "path", "route", "status", "duration_ms")

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        current = getattr(record, "request_id", None) or request_id.get()
        if current is not None:
            line["request_id"] = current
        for name in self.FIELDS:
            if hasattr(record, name):
                line[name] = getattr(record, name)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


JSONFormatter.converter = time.gmtime


def configure_logging(app: Flask) -> None:
    """The root logger at LOG_LEVEL, in JSON (LOG_FORMAT=json) or plain text."""
    handler = logging.StreamHandler()
    if app.config["LOG_FORMAT"] == "json":
        handler.setFormatter(JSONFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "hub_handler", False)]:
        root.removeHandler(old)
    handler.hub_handler = True  # type: ignore[attr-defined]
    if not any(not getattr(h, "hub_handler", False) for h in root.handlers):
        root.addHandler(handler)
    root.setLevel(app.config["LOG_LEVEL"])


class OperationsMiddleware:
    """The outermost WSGI layer: request id, latency, metrics and the access log, for
    every response, cached pages and static files included."""

    def __init__(self, app: Flask, wsgi_app):
        self.app = app
        self.wsgi_app = wsgi_app
        self.access_log = bool(app.config["ACCESS_LOG"])

    def __call__(self, environ, start_response):
        started = time.perf_counter()
        incoming = environ.get("HTTP_X_REQUEST_ID", "")
        current = incoming if _VALID_ID.fullmatch(incoming) else uuid.uuid4().hex
        token = request_id.set(current)
        answered: dict = {}

        def start(status, headers, exc_info=None):
            headers.append((REQUEST_ID_HEADER, current))
            answered["status"] = status.split(" ", 1)[0]
            return start_response(status, headers, exc_info)

        def record() -> None:
            status = answered.get("status", "500")
            self._record(environ, current, status, time.perf_counter() - started)

        try:
            body = self.wsgi_app(environ, start)
        except BaseException:
            record()
            raise
        finally:
            request_id.reset(token)
        # Recorded once the body is sent (the server closes it), so the latency includes it.
        return ClosingIterator(body, record)

    def _record(self, environ, current: str, status: str, seconds: float) -> None:
        method = environ.get("REQUEST_METHOD", "")
        route = environ.get(ROUTE) or self._route(environ)
        REQUESTS.labels(route, method, status).inc()
        LATENCY.labels(route, method).observe(seconds)
        if self.access_log:
            access_log.info(
                "%s %s %s",
                method,
                environ.get("PATH_INFO", ""),
                status,
                extra={
                    "request_id": current,
                    "method": method,
                    "path": environ.get("PATH_INFO", ""),
                    "route": route,
                    "status": int(status),
                    "duration_ms": round(seconds * 1000, 2),
                },
            )

    def _route(self, environ) -> str:
        """The URL rule of a request Flask did not route (a cached page, a static file)."""
        path = environ.get("PATH_INFO", "")
        if path.startswith("/static/"):
            return "/static/<path:filename>"
        return self._rule_of(path, environ.get("REQUEST_METHOD", "GET"))

    @functools.lru_cache(maxsize=4096)  # noqa: B019 (one middleware per app, kept for its life)
    def _rule_of(self, path: str, method: str) -> str:
        try:
            rule, _ = self.app.url_map.bind("localhost").match(
                path, method=method, return_rule=True
            )
        except HTTPException:
            return "unmatched"
        return rule.rule


def note_route(environ, rule: str | None) -> None:
    """Flask routed the request: its rule labels the metrics (not the path: bounded)."""
    environ[ROUTE] = rule or "unmatched"


class OutboxDepth:
    """The number of messages waiting in the outbox, read at each scrape (in its request)."""

    def describe(self):
        return []

    def collect(self):
        import sqlalchemy as sa

        from hub.extensions import db
        from hub.models import MessageStatus, OutboxMessage

        gauge = GaugeMetricFamily(
            "hub_outbox_messages", "Messages waiting in the outbox, by status", labels=["status"]
        )
        waiting = [MessageStatus.PENDING, MessageStatus.SENDING]
        rows = dict(
            db.session.execute(
                sa.select(OutboxMessage.status, sa.func.count())
                .where(OutboxMessage.status.in_(waiting))
                .group_by(OutboxMessage.status)
            ).all()
        )
        for status in (MessageStatus.PENDING, MessageStatus.SENDING):
            gauge.add_metric([status.value], rows.get(status, 0))
        yield gauge


def metrics_response() -> Response:
    """Every worker's metrics (multiprocess mode) or this process's, and the outbox."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
    else:
        for collector in (REQUESTS, LATENCY, PUBLIC_CACHE):
            registry.register(collector)
    registry.register(OutboxDepth())
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)


def init_operations(app: Flask) -> None:
    """Route labels from Flask's routing, and the outermost middleware (inside ProxyFix,
    which fixes the environ first)."""

    @app.before_request
    def _route_of_request():
        from flask import request

        note_route(request.environ, request.url_rule.rule if request.url_rule else None)

    app.wsgi_app = OperationsMiddleware(app, app.wsgi_app)  # type: ignore[method-assign]
