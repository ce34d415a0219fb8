"""Absolute links, built from the configured public address (PUBLIC_URL), never the request.

Emails, feeds, calendar files, QR codes, the sitemap and the API link to pages of the site;
they are built here from the app's URL map bound to PUBLIC_URL, with or without a request,
so a forged Host header never ends up in a link and the worker builds the same links as a
web page would.
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from flask import Flask, current_app
from werkzeug.routing import MapAdapter

EXTENSION = "hub.links"


def init_links(app: Flask) -> None:
    app.jinja_env.globals.update(link=url)


def _adapter() -> MapAdapter:
    """The URL map bound to PUBLIC_URL (bound again if the setting changed)."""
    public_url = current_app.config["PUBLIC_URL"].rstrip("/")
    bound = current_app.extensions.get(EXTENSION)
    if bound is None or bound[0] != public_url:
        public = urlsplit(public_url)
        adapter = current_app.url_map.bind(
            public.netloc, script_name=public.path or "/", url_scheme=public.scheme or "https"
        )
        bound = current_app.extensions[EXTENSION] = (public_url, adapter)
    return bound[1]


def url(endpoint: str, _anchor: str | None = None, **values) -> str:
    """The absolute address of a page: `url("events.detail", slug=…)`."""
    address = _adapter().build(endpoint, values, force_external=True)
    return f"{address}#{_anchor}" if _anchor else address


def root() -> str:
    """The public address of the site, without a trailing slash."""
    return current_app.config["PUBLIC_URL"].rstrip("/")


def absolute(path: str, query: list[tuple[str, str]] | None = None) -> str:
    """A path of this site (and its query) as an absolute address on PUBLIC_URL."""
    encoded = urlencode(query or [])
    return root() + path + (f"?{encoded}" if encoded else "")
