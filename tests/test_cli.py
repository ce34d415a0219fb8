"""The command line: create-user, seed-demo, backup."""

from __future__ import annotations

import re
import shutil
import sqlite3

import pytest
import sqlalchemy as sa

from hub.extensions import db
from hub.models import Organisation, Role, Space, User, Venue
from tests.support import unavailable


def counts(app) -> dict[str, int]:
    with app.app_context():
        return {
            model.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (User, Venue, Space, Organisation)
        }


def test_create_user_prompts_for_the_password_and_makes_a_confirmed_account(app, runner):
    result = runner.invoke(
        args=["create-user", "Boss@Example.org", "--role", "staff"],
        input="a strong passphrase\na strong passphrase\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created staff account boss@example.org." in result.output
    with app.app_context():
        user = db.session.scalar(sa.select(User))
        assert (user.email, user.role, user.email_confirmed_at is not None) == (
            "boss@example.org",
            Role.STAFF,
            True,
        )
        assert user.check_password("a strong passphrase")


def test_create_user_refuses_a_short_password_and_creates_nothing(app, runner):
    result = runner.invoke(args=["create-user", "a@example.org"], input="short\nshort\n")
    assert result.exit_code == 1
    assert "8" in result.output
    assert counts(app)["User"] == 0


def test_seed_demo_prints_a_staff_password_that_works_and_is_idempotent(app, runner, client):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    match = re.search(r"Staff account: (\S+) / (\S+)", first.output)
    assert match, first.output
    after_first = counts(app)
    assert after_first["Venue"] == 4
    assert after_first["Organisation"] >= 8
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0, second.output
    assert "already exists (password unchanged)" in second.output
    assert counts(app) == after_first
    client.login(match.group(1), match.group(2))
    assert client.get("/staff/").status_code == 200


def test_seed_demo_if_empty_leaves_a_database_with_content_alone(app, runner, make):
    make.user()
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert "demo data not loaded" in result.output
    assert counts(app)["Venue"] == 0


def test_backup_writes_a_consistent_copy(app, runner, make, tmp_path, db_kind):
    make.user(email="kept@example.org")
    target = tmp_path / "backup.db"
    if db_kind == "postgresql" and not shutil.which("pg_dump"):
        unavailable("pg_dump is not installed")
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert target.stat().st_size > 0
    if db_kind == "sqlite":
        with sqlite3.connect(target) as copy:
            assert copy.execute("SELECT email FROM users").fetchall() == [("kept@example.org",)]
    else:
        assert target.read_bytes().startswith(b"PGDMP")


@pytest.mark.parametrize("command", [["db", "upgrade"], ["outbox", "send"]])
def test_commands_run_on_a_ready_database(runner, command):
    result = runner.invoke(args=command)
    assert result.exit_code == 0, result.output
