"""People: members and the venue's staff."""

from __future__ import annotations

from functools import cache

from werkzeug.security import generate_password_hash

from hub.models import Role, User, utcnow
from tests.factories.base import Builder, keep, sequence
from tests.support import DEFAULT_PASSWORD


@cache
def _password_hash(password: str) -> str:
    # Hashing is slow by design; one hash per password serves every user of the run.
    return generate_password_hash(password)


class AccountFactories(Builder):
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
            return keep(
                User(
                    email=email or f"person{next(sequence)}@example.org",
                    name=name,
                    role=role,
                    locale=locale,
                    is_active=active,
                    email_confirmed_at=utcnow() if confirmed else None,
                    password_hash=_password_hash(password),
                )
            )

    def staff(self, **kwargs) -> User:
        return self.user(role=Role.STAFF, name=kwargs.pop("name", "Camille Staff"), **kwargs)
