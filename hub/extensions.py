"""Flask extensions, created unbound here and bound in create_app()."""

from __future__ import annotations

from flask import Flask, current_app, g
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from htmx_flask import Htmx
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
htmx = Htmx()
limiter = Limiter(key_func=get_remote_address, default_limits=[])

# Set once the limiter's check before the request has run (see init_limits).
PAST_THE_LIMITER = "hub_past_the_limiter"


def init_limits(app: Flask) -> None:
    limiter.init_app(app)

    @app.before_request
    def _past_the_limiter() -> None:
        # Registered after Flask-Limiter's own hook, so it runs after its check.
        setattr(g, PAST_THE_LIMITER, True)


@limiter.request_filter
def _nothing_to_check_before_the_view() -> bool:
    """Flask-Limiter's check before each request applies default, application and blueprint
    limits; the app sets none, so that check (0.1 ms a request) is skipped. A view's own
    limit is still checked when the view runs (`@limiter.limit` wraps it)."""
    config = current_app.config
    return not (
        g.get(PAST_THE_LIMITER)
        or config.get("RATELIMIT_DEFAULT")
        or config.get("RATELIMIT_APPLICATION")
    )
