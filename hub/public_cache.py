"""A per-worker cache of public pages, dropped as soon as public content changes.

Database triggers (migration 0301) bump a counter in `content_version` whenever a row that
a public page shows is inserted, updated or deleted, whoever writes it: counter 1 for
content, counter 2 for registrations (seat counts). A cached page is served only while the
counters it depends on are unchanged; pages that show seats depend on both.

Each worker reads the counters at most once per PUBLIC_CACHE_CHECK_SECONDS, and at once
after any commit it made itself, so a change made in another process shows within that
interval (one second by default) and a change made in this one shows immediately.
Bodies are kept gzip-compressed (small workers) and sent as they are to browsers that
accept gzip.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
import time
import zlib
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any
from urllib.parse import parse_qs

import sqlalchemy as sa
from flask import Flask, Response, current_app, request, session
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import event
from werkzeug.http import parse_cookie

from hub.database import write_intent
from hub.extensions import db, limiter
from hub.i18n import LANGUAGE_ARG, LANGUAGE_COOKIE, visitor_locale
from hub.operations import cache_result

EXTENSION = "hub.public_cache"
VERSIONS_SQL = sa.text("SELECT id, value FROM content_version")
# A cacheable response says so to the middleware in this header (removed before sending).
MARKER = "X-Hub-Public-Cache"
HANDLED = "hub.public_cache.middleware"
# Views wrapped by cached_page, by endpoint name ("module.view"): no rate limit applies.
CACHED_VIEWS: set[str] = set()
# htmx headers that choose between the whole page and one of its blocks.
VARYING_HEADERS = ("HX-Request", "HX-Target", "HX-Boosted", "HX-History-Restore-Request")


Version = tuple[int, ...]


@dataclass
class Entry:
    version: Version
    expires: float
    status: int
    headers: list[tuple[str, str]]
    body: bytes  # gzip
    etag: str

    @classmethod
    def of(cls, version: Version, expires: float, status: int, headers, body: bytes) -> Entry:
        """A page to keep: compressed once, with an ETag made from its content."""
        return cls(
            version=version,
            expires=expires,
            status=status,
            headers=[
                (name, value)
                for name, value in headers
                if name.lower() not in ("content-length", "etag", MARKER.lower())
            ],
            body=gzip.compress(body, 6, mtime=0),
            etag=hashlib.blake2b(body, digest_size=12).hexdigest(),
        )


def page_key(environ, locale: str) -> tuple:
    """What a cached page depends on: its address, the reader's language, and the htmx
    headers that choose the whole page or a block of it. Pages build absolute links from
    PUBLIC_URL, so the Host header plays no part (and cannot poison the cache)."""
    return (
        environ.get("PATH_INFO", ""),
        environ.get("QUERY_STRING", ""),
        locale,
        *(environ.get("HTTP_" + name.upper().replace("-", "_"), "") for name in VARYING_HEADERS),
    )


class PublicCache:
    """The content version as this worker knows it, and the pages rendered at it."""

    def __init__(self, app: Flask):
        self.check_seconds = float(app.config["PUBLIC_CACHE_CHECK_SECONDS"])
        self.max_bytes = int(app.config["PUBLIC_CACHE_MAX_BYTES"])
        self._versions: dict[int, int] = {}
        self._checked = 0.0
        self._dirty = True
        self._entries: OrderedDict[tuple, Entry] = OrderedDict()
        self._memo: dict[str, tuple[Version, Any]] = {}
        self._size = 0
        self._lock = threading.Lock()
        self.clock = time.monotonic  # seconds; tests move it forward instead of waiting

    def changed_here(self, *_args) -> None:
        """A commit in this process: read the version again on the next request."""
        self._dirty = True

    def version(self, seats: bool = False, engine: sa.Engine | None = None) -> Version | None:
        """The content counter, and the seats counter too if `seats`; None if unknown.

        Read through the request's session, or through `engine` outside a request.
        """
        now = self.clock()
        if self._dirty or now - self._checked >= self.check_seconds:
            # Cleared before the read: a commit during the read marks it dirty again.
            self._dirty = False
            if engine is None:
                rows = db.session.execute(VERSIONS_SQL).all()
            else:
                with write_intent(False), engine.connect() as connection:
                    rows = connection.execute(VERSIONS_SQL).all()
            self._versions = dict(rows)
            self._checked = now
        wanted = (1, 2) if seats else (1,)
        if any(counter not in self._versions for counter in wanted):
            return None
        return tuple(self._versions[counter] for counter in wanted)

    def get(self, key: tuple, version: Version) -> Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry.version != version or entry.expires < self.clock():
                self._drop(key)
                return None
            self._entries.move_to_end(key)
            return entry

    def peek(self, key: tuple) -> Entry | None:
        """The entry kept for `key` if it has not expired, whatever its version."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry.expires < self.clock():
                self._drop(key)
                return None
            self._entries.move_to_end(key)
            return entry

    def put(self, key: tuple, entry: Entry) -> None:
        if len(entry.body) > self.max_bytes // 8:
            return
        with self._lock:
            if key in self._entries:
                self._drop(key)
            self._entries[key] = entry
            self._size += len(entry.body)
            while self._size > self.max_bytes and self._entries:
                self._drop(next(iter(self._entries)))

    def memo(self, name: str, compute: Callable[[], Any]) -> Any:
        """A value computed once per content version (facets shared by pages)."""
        version = self.version() if self.enabled else None
        if version is None:
            return compute()
        known = self._memo.get(name)
        if known is not None and known[0] == version:
            return known[1]
        value = compute()
        self._memo[name] = (version, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._memo.clear()
            self._size = 0
        self._dirty = True

    @property
    def enabled(self) -> bool:
        return bool(current_app.config["PUBLIC_CACHE_ENABLED"])

    def _drop(self, key: tuple) -> None:
        entry = self._entries.pop(key)
        self._size -= len(entry.body)


@limiter.request_filter
def skips_rate_limits() -> bool:
    """Reads of cached public pages: the rate limiter has nothing to count there."""
    if request.method not in ("GET", "HEAD"):
        return False
    view = current_app.view_functions.get(request.endpoint or "")
    return view is not None and f"{view.__module__}.{view.__name__}" in CACHED_VIEWS


def init_public_cache(app: Flask) -> None:
    cache = PublicCache(app)
    app.extensions[EXTENSION] = cache
    with app.app_context():
        event.listen(db.engine, "commit", cache.changed_here)
        engine = db.engine
    app.wsgi_app = PublicPageMiddleware(app, app.wsgi_app, cache, engine)  # type: ignore[method-assign]


def public_cache() -> PublicCache:
    return current_app.extensions[EXTENSION]


def _anonymous_without_messages() -> bool:
    """Only pages every anonymous visitor sees alike are shared."""
    if current_app.config["SESSION_COOKIE_NAME"] in request.cookies and session.get("_flashes"):
        return False
    return not current_user.is_authenticated


def _accepts_gzip() -> bool:
    return "gzip" in request.headers.get("Accept-Encoding", "").lower()


def cached_page(ttl: float = 30.0, seats: bool = False):
    """Serve a public GET view from the cache while the content it shows is unchanged.

    `seats`: the page shows seat counts, so registrations invalidate it too. `ttl` bounds
    how long a page that depends on the clock (what is "upcoming") is kept. Responses that
    set a cookie, or that are not 200, are never stored.
    """

    def decorate(view):
        CACHED_VIEWS.add(f"{view.__module__}.{view.__name__}")

        @wraps(view)
        def wrapped(*args, **kwargs):
            cache = public_cache()
            if request.environ.get(HANDLED):
                # The middleware caches this anonymous request: tell it for how long, and the
                # version read before rendering (a change during rendering is not missed).
                version = cache.version(seats)
                response = current_app.make_response(view(*args, **kwargs))
                if version is not None:
                    response.headers[MARKER] = f"{ttl};" + ",".join(map(str, version))
                return response
            if (
                request.method not in ("GET", "HEAD")
                or not cache.enabled
                or not _anonymous_without_messages()
            ):
                return view(*args, **kwargs)
            version = cache.version(seats)
            if version is None:
                return view(*args, **kwargs)
            key = page_key(request.environ, str(get_locale()))
            entry = cache.get(key, version)
            cache_result(hit=entry is not None)
            if entry is None:
                response = current_app.make_response(view(*args, **kwargs))
                if response.status_code != 200 or response.direct_passthrough:
                    return response
                if "Set-Cookie" in response.headers or session.modified:
                    return response
                entry = Entry.of(
                    version,
                    cache.clock() + ttl,
                    response.status_code,
                    response.headers.items(),
                    response.get_data(),
                )
                cache.put(key, entry)
            response = Response(status=entry.status, headers=entry.headers)
            response.vary.add("Accept-Encoding")
            if _accepts_gzip():
                response.set_data(entry.body)
                response.headers["Content-Encoding"] = "gzip"
                response.set_etag(entry.etag + "-gzip")
            else:
                response.set_data(zlib.decompress(entry.body, wbits=31))
                response.set_etag(entry.etag)
            if "If-None-Match" in request.headers:
                response = response.make_conditional(request)
            return response

        return wrapped

    return decorate


class PublicPageMiddleware:
    """Serves cached public pages to cookieless visitors before Flask is involved at all.

    A visitor without a session or remember-me cookie is anonymous and has no pending
    message, so the page is the one every such visitor gets in their language. Views mark
    what may be cached (`cached_page`); everything else passes through untouched.
    """

    def __init__(self, app: Flask, wsgi_app, cache: PublicCache, engine: sa.Engine):
        self.app = app
        self.wsgi_app = wsgi_app
        self.cache = cache
        self.engine = engine
        self.private_cookies = {
            app.config["SESSION_COOKIE_NAME"],
            app.config["REMEMBER_COOKIE_NAME"],
        }

    def _locale(self, environ, cookies) -> str:
        # The language a visitor without an account reads in, as hub/i18n.py chooses it.
        asked = parse_qs(environ.get("QUERY_STRING", "")).get(LANGUAGE_ARG, [None])[0]
        return visitor_locale(self.app.config, asked, cookies.get(LANGUAGE_COOKIE))

    def __call__(self, environ, start_response):
        if environ["REQUEST_METHOD"] != "GET" or not self.app.config.get("PUBLIC_CACHE_ENABLED"):
            return self.wsgi_app(environ, start_response)
        cookies = parse_cookie(environ)
        if self.private_cookies & cookies.keys():
            return self.wsgi_app(environ, start_response)
        key = page_key(environ, self._locale(environ, cookies))
        entry = self.cache.peek(key)
        if entry is not None and entry.version == self.cache.version(
            len(entry.version) == 2, self.engine
        ):
            cache_result(hit=True)
            return self._send(entry, environ, start_response)
        return self._render(key, environ, start_response)

    def _render(self, key, environ, start_response):
        environ[HANDLED] = True
        captured: dict = {}

        def capture(status, headers, exc_info=None):
            marker = next((value for name, value in headers if name == MARKER), None)
            if marker is None or not status.startswith("200"):
                headers = [(name, value) for name, value in headers if name != MARKER]
                return start_response(status, headers, exc_info)
            captured.update(status=status, headers=headers, marker=marker)
            return lambda data: None  # views never use write()

        body_iter = self.wsgi_app(environ, capture)
        if not captured:
            return body_iter
        cache_result(hit=False)
        try:
            body = b"".join(body_iter)
        finally:
            if hasattr(body_iter, "close"):
                body_iter.close()
        ttl, version_text = captured["marker"].split(";")
        version = tuple(int(value) for value in version_text.split(","))
        headers = [(name, value) for name, value in captured["headers"] if name != MARKER]
        cacheable = not any(name.lower() == "set-cookie" for name, _ in headers)
        if cacheable:
            entry = Entry.of(version, self.cache.clock() + float(ttl), 200, headers, body)
            self.cache.put(key, entry)
            return self._send(entry, environ, start_response)
        headers = [(name, value) for name, value in headers if name != "Content-Length"]
        headers.append(("Content-Length", str(len(body))))
        start_response(captured["status"], headers)
        return [body]

    def _send(self, entry: Entry, environ, start_response):
        vary = ["Accept-Encoding", "Cookie"]
        headers = []
        for name, value in entry.headers:
            if name.lower() == "vary":
                vary += [v.strip() for v in value.split(",") if v.strip() not in vary]
            else:
                headers.append((name, value))
        headers.append(("Vary", ", ".join(vary)))
        if "gzip" in environ.get("HTTP_ACCEPT_ENCODING", "").lower():
            body, etag = entry.body, f'"{entry.etag}-gzip"'
            headers.append(("Content-Encoding", "gzip"))
        else:
            body, etag = zlib.decompress(entry.body, wbits=31), f'"{entry.etag}"'
        headers.append(("ETag", etag))
        if etag in environ.get("HTTP_IF_NONE_MATCH", ""):
            start_response("304 Not Modified", headers)
            return []
        headers.append(("Content-Length", str(len(body))))
        start_response("200 OK", headers)
        return [body]
