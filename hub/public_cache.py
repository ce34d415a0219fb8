"""A per-worker cache of public pages, dropped as soon as public content changes.

Database triggers (migration 0301) bump a one-row `content_version` counter whenever a row
that a public page shows is inserted, updated or deleted, whoever writes it. A cached page
is served only while the version it was rendered at is still the current one.

Each worker reads the version at most once per PUBLIC_CACHE_CHECK_SECONDS, and at once
after any commit it made itself, so a change made in another process shows within that
interval (one second by default) and a change made in this one shows immediately.
Seat counts are covered too: registrations bump the version like any other change.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

import sqlalchemy as sa
from flask import Flask, Response, current_app, request, session
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import event

from hub.extensions import db

EXTENSION = "hub.public_cache"
# htmx headers that choose between the whole page and one of its blocks.
VARYING_HEADERS = ("HX-Request", "HX-Target", "HX-Boosted", "HX-History-Restore-Request")


@dataclass
class Entry:
    version: int
    expires: float
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    etag: str


class PublicCache:
    """The content version as this worker knows it, and the pages rendered at it."""

    def __init__(self, app: Flask):
        self.check_seconds = float(app.config["PUBLIC_CACHE_CHECK_SECONDS"])
        self.max_bytes = int(app.config["PUBLIC_CACHE_MAX_BYTES"])
        self._version: int | None = None
        self._checked = 0.0
        self._dirty = True
        self._entries: OrderedDict[tuple, Entry] = OrderedDict()
        self._memo: dict[str, tuple[int, Any]] = {}
        self._size = 0
        self._lock = threading.Lock()

    def changed_here(self, *_args) -> None:
        """A commit in this process: read the version again on the next request."""
        self._dirty = True

    def version(self) -> int | None:
        now = time.monotonic()
        if self._dirty or now - self._checked >= self.check_seconds:
            # Cleared before the read: a commit during the read marks it dirty again.
            self._dirty = False
            self._version = db.session.execute(
                sa.text("SELECT value FROM content_version WHERE id = 1")
            ).scalar()
            self._checked = now
        return self._version

    def get(self, key: tuple, version: int) -> Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry.version != version or entry.expires < time.monotonic():
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
        """A value computed once per content version (facets, counts shared by pages)."""
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


def init_public_cache(app: Flask) -> None:
    app.config.setdefault("PUBLIC_CACHE_ENABLED", True)
    app.config.setdefault("PUBLIC_CACHE_CHECK_SECONDS", 1.0)
    app.config.setdefault("PUBLIC_CACHE_MAX_BYTES", 8 * 1024 * 1024)
    cache = PublicCache(app)
    app.extensions[EXTENSION] = cache
    with app.app_context():
        event.listen(db.engine, "commit", cache.changed_here)


def public_cache() -> PublicCache:
    return current_app.extensions[EXTENSION]


def _anonymous_without_messages() -> bool:
    """Only pages every anonymous visitor sees alike are shared."""
    if current_app.config["SESSION_COOKIE_NAME"] in request.cookies and session.get("_flashes"):
        return False
    return not current_user.is_authenticated


def cached_page(ttl: float = 30.0):
    """Serve a public GET view from the cache while the content version is unchanged.

    `ttl` bounds how long a page that depends on the clock (what is "upcoming") is kept.
    Responses that set a cookie, or that are not 200, are never stored.
    """

    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            cache = public_cache()
            if (
                request.method not in ("GET", "HEAD")
                or not cache.enabled
                or not _anonymous_without_messages()
            ):
                return view(*args, **kwargs)
            version = cache.version()
            if version is None:
                return view(*args, **kwargs)
            key = (
                request.scheme,
                request.host,
                request.full_path,
                str(get_locale()),
                *(request.headers.get(name, "") for name in VARYING_HEADERS),
            )
            entry = cache.get(key, version)
            if entry is None:
                response = current_app.make_response(view(*args, **kwargs))
                if response.status_code != 200 or response.direct_passthrough:
                    return response
                if "Set-Cookie" in response.headers or session.modified:
                    return response
                body = response.get_data()
                entry = Entry(
                    version=version,
                    expires=time.monotonic() + ttl,
                    status=response.status_code,
                    headers=[
                        (name, value)
                        for name, value in response.headers.items()
                        if name.lower() not in ("content-length", "etag")
                    ],
                    body=body,
                    etag=hashlib.blake2b(body, digest_size=12).hexdigest(),
                )
                cache.put(key, entry)
            response = Response(entry.body, status=entry.status, headers=entry.headers)
            response.set_etag(entry.etag)
            return response.make_conditional(request)

        return wrapped

    return decorate
