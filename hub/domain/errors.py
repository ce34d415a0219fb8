"""Errors that domain functions raise and views turn into messages or statuses."""

from __future__ import annotations


class DomainError(Exception):
    """A rule refused the action; `message` says why, in words a person can act on."""

    status = 422

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field


class NotAllowed(DomainError):
    """The person may not do this to this object (views answer 404 for others' objects)."""

    status = 403


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    """The action clashes with the current state (seats taken, already exists…)."""

    status = 409
