"""public search index and content version

Full-text search over innovations: an FTS5 table kept in sync by triggers on SQLite, a
generated tsvector column with a GIN index on PostgreSQL. Both fold accents and case.

`content_version` holds two counters bumped by triggers: row 1 whenever public content
changes, row 2 whenever a registration changes (seat counts). Workers cache public pages
and drop them as soon as anything they show changes.

These objects are not described by the models (migrations/env.py leaves them out of the
autogenerate comparison).

Revision ID: 0301
Revises: 0101
Create Date: 2026-11-26 06:40:00

"""
from alembic import op


revision = '0301'
down_revision = '0101'
branch_labels = None
depends_on = None

# Every table whose rows appear on a public page, in the API, feed or widget, and the
# counter its changes bump: 1 for content, 2 for seats.
PUBLIC_TABLES = {
    "innovations": 1, "organisations": 1, "events": 1, "event_hosts": 1,
    "showcase_slots": 1, "applications": 1, "venues": 1, "spaces": 1, "registrations": 2,
}

# Tags are JSON; index their decoded text so "Éco" is not hidden behind "\u00c9co".
SQLITE_TAGS = "coalesce((SELECT group_concat(value, ' ') FROM json_each({row}.tags)), '')"


def upgrade():
    op.execute("CREATE TABLE content_version (id INTEGER PRIMARY KEY, value BIGINT NOT NULL)")
    op.execute("INSERT INTO content_version (id, value) VALUES (1, 1), (2, 1)")
    if op.get_bind().dialect.name == "postgresql":
        _upgrade_postgresql()
    else:
        _upgrade_sqlite()


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in PUBLIC_TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_bump_content_version ON {table}")
        op.execute("DROP FUNCTION IF EXISTS hub_bump_content_version()")
        op.execute("DROP INDEX IF EXISTS ix_innovations_search_vector")
        op.execute("ALTER TABLE innovations DROP COLUMN IF EXISTS search_vector")
        op.execute("DROP FUNCTION IF EXISTS hub_tags_text(json)")
        op.execute("DROP FUNCTION IF EXISTS hub_unaccent(text)")
    else:
        for table in PUBLIC_TABLES:
            for verb in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_bump_version_{verb}")
        for verb in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS innovations_fts_{verb}")
        op.execute("DROP TABLE IF EXISTS innovations_fts")
    op.execute("DROP TABLE content_version")


def _upgrade_sqlite():
    op.execute(
        "CREATE VIRTUAL TABLE innovations_fts USING fts5("
        "title, summary, tags, description, content='innovations', content_rowid='id', "
        "tokenize='unicode61 remove_diacritics 2', prefix='2 3')"
    )
    new_values = f"new.title, new.summary, {SQLITE_TAGS.format(row='new')}, new.description"
    old_values = f"old.title, old.summary, {SQLITE_TAGS.format(row='old')}, old.description"
    columns = "title, summary, tags, description"
    op.execute(
        "CREATE TRIGGER innovations_fts_insert AFTER INSERT ON innovations BEGIN "
        f"INSERT INTO innovations_fts (rowid, {columns}) VALUES (new.id, {new_values}); END"
    )
    op.execute(
        "CREATE TRIGGER innovations_fts_delete AFTER DELETE ON innovations BEGIN "
        f"INSERT INTO innovations_fts (innovations_fts, rowid, {columns}) "
        f"VALUES ('delete', old.id, {old_values}); END"
    )
    op.execute(
        "CREATE TRIGGER innovations_fts_update "
        "AFTER UPDATE OF title, summary, tags, description ON innovations BEGIN "
        f"INSERT INTO innovations_fts (innovations_fts, rowid, {columns}) "
        f"VALUES ('delete', old.id, {old_values}); "
        f"INSERT INTO innovations_fts (rowid, {columns}) VALUES (new.id, {new_values}); END"
    )
    # Rows that exist already (an upgrade of a running installation).
    op.execute(
        f"INSERT INTO innovations_fts (rowid, {columns}) "
        f"SELECT id, title, summary, {SQLITE_TAGS.format(row='innovations')}, description "
        "FROM innovations"
    )
    for table, counter in PUBLIC_TABLES.items():
        for verb in ("insert", "update", "delete"):
            op.execute(
                f"CREATE TRIGGER {table}_bump_version_{verb} AFTER {verb.upper()} ON {table} "
                f"BEGIN UPDATE content_version SET value = value + 1 WHERE id = {counter}; END"
            )


def _upgrade_postgresql():
    # unaccent ships with PostgreSQL's contrib; without it, fold the common Latin accents.
    connection = op.get_bind()
    savepoint = connection.begin_nested()
    try:
        connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS unaccent")
    except Exception:  # noqa: BLE001 (no contrib package, or not allowed to install it)
        savepoint.rollback()
        has_unaccent = False
    else:
        savepoint.commit()
        has_unaccent = True
    if has_unaccent:
        body = "SELECT public.unaccent('public.unaccent'::regdictionary, $1)"
    else:
        body = (
            "SELECT translate($1, "
            "'ÀÁÂÃÄÅàáâãäåÇçÈÉÊËèéêëÌÍÎÏìíîïÑñÒÓÔÕÖòóôõöÙÚÛÜùúûüÝýÿ', "
            "'AAAAAAaaaaaaCcEEEEeeeeIIIIiiiiNnOOOOOoooooUUUUuuuuYyy')"
        )
    # Declared immutable so that a generated column may use it (the dictionary never changes).
    op.execute(
        "CREATE FUNCTION hub_unaccent(text) RETURNS text "
        f"LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$ {body} $$"
    )
    op.execute(
        "CREATE FUNCTION hub_tags_text(json) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE "
        "AS $$ SELECT coalesce(string_agg(value, ' '), '') FROM json_array_elements_text("
        "CASE WHEN json_typeof($1) = 'array' THEN $1 ELSE '[]'::json END) $$"
    )
    op.execute(
        "ALTER TABLE innovations ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
        "setweight(to_tsvector('simple', hub_unaccent(coalesce(title, ''))), 'A') || "
        "setweight(to_tsvector('simple', hub_unaccent(coalesce(summary, ''))), 'B') || "
        "setweight(to_tsvector('simple', hub_unaccent(hub_tags_text(tags))), 'B') || "
        "setweight(to_tsvector('simple', hub_unaccent(coalesce(description, ''))), 'C')"
        ") STORED"
    )
    op.execute(
        "CREATE INDEX ix_innovations_search_vector ON innovations USING gin (search_vector)"
    )
    op.execute(
        "CREATE FUNCTION hub_bump_content_version() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN UPDATE content_version SET value = value + 1 WHERE id = TG_ARGV[0]::int; "
        "RETURN NULL; END $$"
    )
    for table, counter in PUBLIC_TABLES.items():
        op.execute(
            f"CREATE TRIGGER {table}_bump_content_version "
            f"AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION hub_bump_content_version({counter})"
        )
