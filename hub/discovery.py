"""The public showcase's plumbing: page cache, SEO helpers, API, widget, featured curation."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, request

from hub.i18n import LANGUAGE_ARG
from hub.public_cache import init_public_cache


def _query_without(*names: str) -> list[tuple[str, str]]:
    return [(key, value) for key, value in request.args.items(multi=True) if key not in names]


def language_url(language: str | None) -> str:
    """This page's absolute address in a language (None: the address without a choice)."""
    args = _query_without(LANGUAGE_ARG)
    if language:
        args.append((LANGUAGE_ARG, language))
    query = urlencode(args)
    return request.base_url + (f"?{query}" if query else "")


def canonical_url() -> str:
    """This page's absolute address, keeping the language only when the address chose it."""
    return language_url(request.args.get(LANGUAGE_ARG))


def register_discovery(app: Flask) -> None:
    from hub.blueprints.api import bp as api_bp
    from hub.blueprints.embed import bp as embed_bp
    from hub.blueprints.featured import bp as featured_bp
    from hub.blueprints.seo import bp as seo_bp

    init_public_cache(app)
    app.register_blueprint(seo_bp)
    app.register_blueprint(api_bp, url_prefix="/api")
    app.register_blueprint(embed_bp, url_prefix="/embed")
    app.register_blueprint(featured_bp, url_prefix="/staff/featured")
    app.jinja_env.globals.update(canonical_url=canonical_url, language_url=language_url)
