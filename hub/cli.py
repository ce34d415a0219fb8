"""Commands: create-user, seed-demo, outbox send, worker, backup."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy.engine import make_url

from hub.domain.accounts.staff import create_user
from hub.domain.errors import DomainError
from hub.extensions import db
from hub.models import Role


def register_commands(app: Flask) -> None:
    app.cli.add_command(create_user_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(outbox)
    app.cli.add_command(worker_command)
    app.cli.add_command(backup_command)


@click.command("create-user")
@with_appcontext
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.MEMBER.value)
@click.option("--name", default="", help="Display name (default: the part before @).")
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="Asked for when not given.",
)
def create_user_command(email: str, role: str, name: str, password: str) -> None:
    """Create a confirmed account; the password is prompted for."""
    try:
        user = create_user(email, name or email.split("@")[0], password, Role(role))
    except DomainError as error:
        raise click.ClickException(str(error.message)) from error
    db.session.commit()  # a command is its own unit of work
    click.echo(f"Created {user.role.value} account {user.email}.")


@click.command("seed-demo")
@with_appcontext
@click.option("--if-empty", is_flag=True, help="Only seed a database without any account.")
def seed_demo_command(if_empty: bool) -> None:
    """Load the French demo content (idempotent)."""
    from hub.demo import database_is_empty, seed_demo

    if if_empty and not database_is_empty():
        click.echo("The database already has content; demo data not loaded.")
        return
    report = seed_demo()
    db.session.commit()
    for line in report:
        click.echo(line)


@click.group(cls=AppGroup)
def outbox() -> None:
    """The outgoing mail queue."""


@outbox.command("send")
@click.option("--limit", default=500, show_default=True)
def outbox_send(limit: int) -> None:
    """Deliver the pending emails that are due."""
    from hub.mail.delivery import deliver_pending

    sent, failed = deliver_pending(current_app._get_current_object(), limit=limit)
    click.echo(f"{sent} sent, {failed} failed (kept for a retry).")


@click.command("worker")
@with_appcontext
@click.option("--once", is_flag=True, help="Run what is due now, deliver the due mail, then exit.")
def worker_command(once: bool) -> None:
    """Run periodic jobs and deliver the outbox until SIGTERM or SIGINT."""
    from hub.worker import Worker

    Worker(current_app._get_current_object()).run(once=once)


@click.command("backup")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(path: Path) -> None:
    """Write a consistent copy of the database to PATH."""
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    path.parent.mkdir(parents=True, exist_ok=True)
    if url.get_backend_name() == "sqlite":
        # SQLite's online backup copies a consistent snapshot while the site runs.
        source = sqlite3.connect(url.database)
        target = sqlite3.connect(path)
        with target:
            source.backup(target)
        source.close()
        target.close()
    else:
        pg_dump = shutil.which("pg_dump")
        if not pg_dump:
            raise click.ClickException("pg_dump is needed to back up PostgreSQL.")
        plain = url.set(drivername="postgresql").render_as_string(hide_password=False)
        subprocess.run([pg_dump, "--format=custom", "--file", str(path), plain], check=True)  # noqa: S603
    click.echo(f"Backup written to {path}.")
