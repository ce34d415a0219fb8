"""Atelier Hub: the web platform of a public digital workshop."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix
from whitenoise import WhiteNoise

from hub.config import Config, database_url, load_secret_key
from hub.database import configure_engine, engine_options
from hub.extensions import babel, csrf, db, htmx, init_limits, login_manager
from hub.ratelimit_storage import default_storage_uri
from hub.security import SecurityHeadersMiddleware


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(Config)
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    app.config.update(
        SECRET_KEY=load_secret_key(app.instance_path),
        SQLALCHEMY_DATABASE_URI=database_url(app.instance_path),
        MAIL_DIR=app.config["MAIL_DIR"] or str(instance / "mail"),
        UPLOAD_DIR=app.config["UPLOAD_DIR"] or str(instance / "uploads"),
        RATELIMIT_STORAGE_URI=app.config["RATELIMIT_STORAGE_URI"]
        or default_storage_uri(app.instance_path),
    )
    if test_config:
        app.config.update(test_config)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
        **engine_options(
            app.config["SQLALCHEMY_DATABASE_URI"], app.config["SQLITE_BUSY_TIMEOUT_MS"]
        ),
        **app.config["SQLALCHEMY_ENGINE_OPTIONS"],
    }
    from hub.operations import configure_logging

    configure_logging(app)

    _init_extensions(app)
    from hub.request_guards import init_request_guards

    init_request_guards(app)  # before the blueprints: their routes use its int converter
    _register_blueprints(app)
    _register_request_hooks(app)

    from hub.cli import register_commands
    from hub.errors import register_error_handlers
    from hub.links import init_links
    from hub.public_cache import init_public_cache
    from hub.templating import register_template_helpers
    from hub.unit_of_work import init_unit_of_work

    init_unit_of_work(app)
    init_links(app)
    init_public_cache(app)
    register_error_handlers(app)
    register_template_helpers(app)
    register_commands(app)

    _wrap_wsgi(app)
    return app


def _init_extensions(app: Flask) -> None:
    from hub import models  # noqa: F401  (registers every model on the metadata)
    from hub.i18n import drop_unread_locale_tables, select_locale

    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])
    _init_migrations(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    drop_unread_locale_tables(app.config["LANGUAGES"])
    htmx.init_app(app)
    from hub.errors import keep_busy_retry_after

    # Before the limiter: after-request hooks run last-registered first, so this one runs
    # after the limiter has set its headers.
    app.after_request(keep_busy_retry_after)
    init_limits(app)

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"
    from flask_babel import lazy_gettext as _l

    login_manager.login_message = _l("Please log in to see this page.")

    @login_manager.user_loader
    def load_user(session_id: str):
        from hub.domain.accounts.sessions import user_for_session

        return user_for_session(session_id)


def _init_migrations(app: Flask) -> None:
    """Flask-Migrate, where migrations can run: the `flask` command line and the tests.

    Importing it loads Alembic (about 10 MiB per process), which web workers never use.
    A command line creates the app inside its click context; tests import Flask-Migrate
    themselves before they create it.
    """
    if click.get_current_context(silent=True) is None and "flask_migrate" not in sys.modules:
        return
    from flask_migrate import Migrate

    Migrate(app, db, directory=str(Path(app.root_path).parent / "migrations"))


def _register_blueprints(app: Flask) -> None:
    from hub.blueprints.account import bp as account_bp
    from hub.blueprints.api import bp as api_bp
    from hub.blueprints.auth import bp as auth_bp
    from hub.blueprints.directories import partners as partners_bp
    from hub.blueprints.directories import startups as startups_bp
    from hub.blueprints.embed import bp as embed_bp
    from hub.blueprints.events import bp as events_bp
    from hub.blueprints.featured import bp as featured_bp
    from hub.blueprints.feedback import bp as feedback_bp
    from hub.blueprints.figures import bp as figures_bp
    from hub.blueprints.hosting import bp as hosting_bp
    from hub.blueprints.innovations import bp as innovations_bp
    from hub.blueprints.main import bp as main_bp
    from hub.blueprints.manage_innovations import bp as manage_innovations_bp
    from hub.blueprints.media import bp as media_bp
    from hub.blueprints.organisations import bp as organisations_bp
    from hub.blueprints.privacy import bp as privacy_bp
    from hub.blueprints.programme import bp as programme_bp
    from hub.blueprints.questions import bp as questions_bp
    from hub.blueprints.seo import bp as seo_bp
    from hub.blueprints.showcase import bp as showcase_bp
    from hub.blueprints.staff import bp as staff_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp, url_prefix="/auth")
    app.register_blueprint(account_bp, url_prefix="/account")
    app.register_blueprint(staff_bp, url_prefix="/staff")
    app.register_blueprint(innovations_bp)
    app.register_blueprint(events_bp)
    app.register_blueprint(hosting_bp)
    app.register_blueprint(figures_bp)
    app.register_blueprint(feedback_bp)
    app.register_blueprint(privacy_bp)
    app.register_blueprint(questions_bp)
    app.register_blueprint(programme_bp)
    app.register_blueprint(media_bp)
    app.register_blueprint(organisations_bp)
    app.register_blueprint(manage_innovations_bp)
    app.register_blueprint(startups_bp)
    app.register_blueprint(partners_bp)
    app.register_blueprint(showcase_bp)
    app.register_blueprint(seo_bp)
    app.register_blueprint(api_bp, url_prefix="/api")
    app.register_blueprint(embed_bp, url_prefix="/embed")
    app.register_blueprint(featured_bp, url_prefix="/staff/featured")


def _register_request_hooks(app: Flask) -> None:
    @app.after_request
    def page_headers(response):
        if current_user and current_user.is_authenticated:
            response.headers["Cache-Control"] = "no-store"
            response.vary.add("Cookie")
        return response


def _wrap_wsgi(app: Flask) -> None:
    static_root = Path(app.static_folder or "static")

    def cache_headers(headers, path, url):
        # Vendored files carry their version in the name, so they never change.
        if "/vendor/" in url:
            headers["Cache-Control"] = "public, max-age=31536000, immutable"

    app.wsgi_app = WhiteNoise(  # type: ignore[method-assign]
        app.wsgi_app,
        root=str(static_root),
        prefix="static/",
        max_age=3600,
        add_headers_function=cache_headers,
    )
    app.wsgi_app = SecurityHeadersMiddleware(app.wsgi_app)  # type: ignore[method-assign]
    from hub.operations import init_operations

    init_operations(app)
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies
        )
