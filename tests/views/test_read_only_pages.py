"""A page view never writes, and on PostgreSQL its statements outlive the request.

On PostgreSQL a page view's transaction is READ ONLY and ends with COMMIT where the unit of
work rolls it back (hub/database.py): psycopg forgets its prepared statements at a ROLLBACK,
so each request planned its queries again. A text search is still planned for its words.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from hub import create_app
from hub.domain.innovations.search import InnovationFilters, search_page
from hub.extensions import db
from hub.models import User

PREPARED = sa.text(
    "SELECT generic_plans + custom_plans FROM pg_prepared_statements"
    " WHERE statement LIKE 'SELECT users.id %'"
)


@pytest.fixture(scope="module")
def probing_app(app):
    """A separate app on the same database, with views that look at their own transaction."""
    probing = create_app({**app.config, "WTF_CSRF_ENABLED": False})

    @probing.route("/transaction", methods=["GET", "POST"])
    def transaction():
        db.session.execute(sa.select(User.id).where(User.email == "nobody@example.org")).all()
        if db.engine.dialect.name != "postgresql":
            return {}
        return {
            "read_only": db.session.execute(sa.text("SHOW transaction_read_only")).scalar(),
            "runs": db.session.execute(PREPARED).scalars().all(),
        }

    @probing.get("/write-on-a-page")
    def write_on_a_page():
        db.session.add(User(email="sneaky@example.org", name="Sneaky", password_hash="x"))
        db.session.flush()
        return "written?"

    yield probing
    with probing.app_context():
        db.session.remove()
        db.engine.dispose()


def only_on_postgresql(db_kind: str) -> None:
    if db_kind != "postgresql":
        pytest.skip("runs on PostgreSQL (make test runs both databases)")


def test_what_a_page_view_tries_to_write_is_never_stored(probing_app, db_kind):
    response = probing_app.test_client().get("/write-on-a-page")
    # PostgreSQL refuses the write itself; SQLite's transaction is rolled back.
    assert response.status_code == (500 if db_kind == "postgresql" else 200)
    with probing_app.app_context():
        assert db.session.scalar(sa.select(User.id).where(User.email.like("sneaky%"))) is None


def test_a_page_view_reads_in_a_read_only_transaction_a_form_may_write(probing_app, db_kind):
    only_on_postgresql(db_kind)
    client = probing_app.test_client()
    assert client.get("/transaction").get_json()["read_only"] == "on"
    assert client.post("/transaction").get_json()["read_only"] == "off"


def test_a_statement_stays_prepared_from_one_page_view_to_the_next(probing_app, db_kind):
    only_on_postgresql(db_kind)
    client = probing_app.test_client()
    runs = [client.get("/transaction").get_json()["runs"] for _ in range(8)]
    # psycopg prepares a statement at its fifth run on a connection (the test client's
    # requests take turns on one pooled connection; other tests may have run it already).
    # Had a ROLLBACK ended each request, the count would start again at every request and
    # the statement would never be prepared.
    prepared = [plans for plans in runs if plans]
    assert len(prepared) >= 4
    first = prepared[0][0]
    assert prepared == [[first + step] for step in range(len(prepared))]


def test_a_search_is_planned_for_its_own_words_and_nothing_else_is(app, make, db_kind):
    only_on_postgresql(db_kind)
    make.innovation(title="Vélo cargo partagé")
    mode = sa.text("SHOW plan_cache_mode")
    with app.test_request_context("/innovations?q=velo"):
        page = search_page(InnovationFilters(q="velo"), 1, 24)
        assert [innovation.title for innovation in page.items] == ["Vélo cargo partagé"]
        assert db.session.execute(mode).scalar() == "force_custom_plan"
        db.session.rollback()
        assert db.session.execute(mode).scalar() == "auto"
        page = search_page(InnovationFilters(), 1, 24)
        assert db.session.execute(mode).scalar() == "auto"
        db.session.rollback()
