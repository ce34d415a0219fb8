"""Factories: real rows with sensible defaults. Each call commits and returns a detached,
fully loaded instance, usable outside an application context."""

from __future__ import annotations

import itertools

from flask import Flask

from hub.extensions import db
from hub.models import Role, User, utcnow
from tests.support import DEFAULT_PASSWORD

_sequence = itertools.count(1)


def _keep(instance):
    db.session.add(instance)
    db.session.commit()
    db.session.refresh(instance)
    db.session.expunge(instance)
    return instance


class Factories:
    """`make.user(...)`, and the like: each area adds its own builders here."""

    def __init__(self, app: Flask):
        self.app = app

    def user(
        self,
        email: str | None = None,
        name: str = "Alex Martin",
        role: Role = Role.MEMBER,
        password: str = DEFAULT_PASSWORD,
        confirmed: bool = True,
        active: bool = True,
        locale: str = "fr",
    ) -> User:
        with self.app.app_context():
            user = User(
                email=email or f"person{next(_sequence)}@example.org",
                name=name,
                role=role,
                locale=locale,
                is_active=active,
                email_confirmed_at=utcnow() if confirmed else None,
            )
            user.set_password(password)
            return _keep(user)

    def staff(self, **kwargs) -> User:
        return self.user(role=Role.STAFF, name=kwargs.pop("name", "Camille Staff"), **kwargs)
