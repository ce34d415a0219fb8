"""an interest click changes no content version

"I'm interested" adds one to `innovations.interest_count` (and nothing else): that column
no longer bumps the public content version, so a click drops no cached page or facet. The
innovation's own page reads the count at each view.

The trigger now lists the columns whose change bumps the version: a column added to
innovations later must be added to this list if a public page shows it.

Revision ID: 1403
Revises: 1402
Create Date: 2026-11-27 15:20:00

"""
from alembic import op


revision = '1403'
down_revision = '1402'
branch_labels = None
depends_on = None

SHOWN = (
    "id, organisation_id, slug, title, summary, description, tags, image, status, "
    "featured_rank, published_at, created_at"
)


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER innovations_bump_content_version ON innovations")
        op.execute(
            "CREATE TRIGGER innovations_bump_content_version "
            "AFTER INSERT OR DELETE OR TRUNCATE ON innovations "
            "FOR EACH STATEMENT EXECUTE FUNCTION hub_bump_content_version(1)"
        )
        op.execute(
            "CREATE TRIGGER innovations_bump_content_version_update "
            f"AFTER UPDATE OF {SHOWN} ON innovations "
            "FOR EACH STATEMENT EXECUTE FUNCTION hub_bump_content_version(1)"
        )
        return
    op.execute("DROP TRIGGER innovations_bump_version_update")
    op.execute(
        f"CREATE TRIGGER innovations_bump_version_update AFTER UPDATE OF {SHOWN} ON innovations "
        "BEGIN UPDATE content_version SET value = value + 1 WHERE id = 1; END"
    )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER innovations_bump_content_version_update ON innovations")
        op.execute("DROP TRIGGER innovations_bump_content_version ON innovations")
        op.execute(
            "CREATE TRIGGER innovations_bump_content_version "
            "AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON innovations "
            "FOR EACH STATEMENT EXECUTE FUNCTION hub_bump_content_version(1)"
        )
        return
    op.execute("DROP TRIGGER innovations_bump_version_update")
    op.execute(
        "CREATE TRIGGER innovations_bump_version_update AFTER UPDATE ON innovations "
        "BEGIN UPDATE content_version SET value = value + 1 WHERE id = 1; END"
    )
