"""search index holds published innovations only (SQLite)

The FTS5 index of innovations keeps only the published ones, so that a search counts its
matches from the index alone, without reading the table. Drafts and archived innovations
leave it; an innovation enters it when published and leaves it when unpublished. (On
PostgreSQL the search joins the table and needs no change.)

Revision ID: 1402
Revises: 1401
Create Date: 2026-11-27 15:05:00

"""
from alembic import op


revision = '1402'
down_revision = '1401'
branch_labels = None
depends_on = None

COLUMNS = "title, summary, tags, description"
TAGS = "coalesce((SELECT group_concat(value, ' ') FROM json_each({row}.tags)), '')"


def _values(row: str) -> str:
    return f"{row}.title, {row}.summary, {TAGS.format(row=row)}, {row}.description"


def _drop_triggers():
    for verb in ("insert", "update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS innovations_fts_{verb}")


def _rebuild(where: str):
    op.execute("INSERT INTO innovations_fts (innovations_fts) VALUES ('delete-all')")
    op.execute(
        f"INSERT INTO innovations_fts (rowid, {COLUMNS}) "
        f"SELECT id, {_values('innovations')} FROM innovations {where}"
    )


def upgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    _drop_triggers()
    published = "'published'"
    op.execute(
        "CREATE TRIGGER innovations_fts_insert AFTER INSERT ON innovations "
        f"WHEN new.status = {published} BEGIN "
        f"INSERT INTO innovations_fts (rowid, {COLUMNS}) VALUES (new.id, {_values('new')}); END"
    )
    op.execute(
        "CREATE TRIGGER innovations_fts_delete AFTER DELETE ON innovations "
        f"WHEN old.status = {published} BEGIN "
        f"INSERT INTO innovations_fts (innovations_fts, rowid, {COLUMNS}) "
        f"VALUES ('delete', old.id, {_values('old')}); END"
    )
    op.execute(
        "CREATE TRIGGER innovations_fts_update "
        "AFTER UPDATE OF title, summary, tags, description, status ON innovations BEGIN "
        f"INSERT INTO innovations_fts (innovations_fts, rowid, {COLUMNS}) "
        f"SELECT 'delete', old.id, {_values('old')} WHERE old.status = {published}; "
        f"INSERT INTO innovations_fts (rowid, {COLUMNS}) "
        f"SELECT new.id, {_values('new')} WHERE new.status = {published}; END"
    )
    _rebuild(f"WHERE status = {published}")


def downgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    _drop_triggers()
    op.execute(
        "CREATE TRIGGER innovations_fts_insert AFTER INSERT ON innovations BEGIN "
        f"INSERT INTO innovations_fts (rowid, {COLUMNS}) VALUES (new.id, {_values('new')}); END"
    )
    op.execute(
        "CREATE TRIGGER innovations_fts_delete AFTER DELETE ON innovations BEGIN "
        f"INSERT INTO innovations_fts (innovations_fts, rowid, {COLUMNS}) "
        f"VALUES ('delete', old.id, {_values('old')}); END"
    )
    op.execute(
        "CREATE TRIGGER innovations_fts_update "
        "AFTER UPDATE OF title, summary, tags, description ON innovations BEGIN "
        f"INSERT INTO innovations_fts (innovations_fts, rowid, {COLUMNS}) "
        f"VALUES ('delete', old.id, {_values('old')}); "
        f"INSERT INTO innovations_fts (rowid, {COLUMNS}) VALUES (new.id, {_values('new')}); END"
    )
    _rebuild("")
