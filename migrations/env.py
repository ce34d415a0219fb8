"""Alembic environment: the app's engine and metadata, batch mode for SQLite."""

import logging
import warnings
from logging.config import fileConfig

from alembic import context
from flask import current_app
from sqlalchemy.exc import SAWarning

config = context.config
if config.config_file_name and not logging.getLogger().handlers:
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

target_db = current_app.extensions["migrate"].db


def get_engine():
    return target_db.engine


config.set_main_option(
    "sqlalchemy.url", get_engine().url.render_as_string(hide_password=False).replace("%", "%%")
)


def render_item(type_, obj, autogen_context):
    # UTCDateTime is stored as a plain DATETIME; migrations need not import the app.
    from hub.models.base import UTCDateTime

    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime()"
    return False


# Search and cache objects that live in the migrations only (see revisions 0301, 1406, 1408):
# FTS5 tables on SQLite, the generated tsvector columns and their indexes on PostgreSQL, the
# content version.
UNMODELLED_TABLES = ("content_version", "innovations_fts", "innovation_titles_fts")
# SQLite's reflection skips expression indexes with a warning; 1401's are left out anyway.
warnings.filterwarnings(
    "ignore",
    "Skipped unsupported reflection of expression-based index ix_innovations_order",
    SAWarning,
)
UNMODELLED_NAMES = {
    "search_vector",
    "ix_innovations_search_vector",
    "title_vector",  # migration 1408: PostgreSQL only, generated like search_vector
    "ix_innovations_title_vector",
    # Migration 1401: expression and dialect-specific keys.
    "ix_innovations_order_featured",
    "ix_innovations_order_newest",
    "ix_innovations_order_az",
    "ix_organisations_public",
}


def include_object(obj, name, type_, reflected, compare_to):
    if type_ == "table" and name and name.startswith(UNMODELLED_TABLES):
        return False
    return not (reflected and compare_to is None and name in UNMODELLED_NAMES)


def run_migrations_offline():
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_db.metadata,
        literal_binds=True,
        render_as_batch=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    def process_revision_directives(context, revision, directives):
        # No empty revision when autogenerate finds nothing to do.
        autogenerate = getattr(config.cmd_opts, "autogenerate", False)
        if autogenerate and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")

    conf_args = dict(current_app.extensions["migrate"].configure_args)
    conf_args.setdefault("process_revision_directives", process_revision_directives)
    conf_args.setdefault("render_item", render_item)
    conf_args.setdefault("include_object", include_object)
    conf_args.setdefault("render_as_batch", True)
    conf_args.setdefault("compare_type", True)

    with get_engine().connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # A batch migration rebuilds a table on SQLite (copy, drop, rename): with foreign
            # keys on, dropping a table that other rows refer to would fail or cascade.
            # Set on the driver's connection, before SQLAlchemy begins a transaction (the
            # pragma is ignored inside one).
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        try:
            context.configure(
                connection=connection, target_metadata=target_db.metadata, **conf_args
            )
            with context.begin_transaction():
                context.run_migrations()
            if sqlite:
                driver = connection.connection.driver_connection
                problems = driver.execute("PRAGMA foreign_key_check").fetchall()
                if problems:
                    raise RuntimeError(f"the migration left broken references: {problems[:5]}")
        finally:
            if sqlite:
                connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
