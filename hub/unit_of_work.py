"""One unit of work per request: the edge commits once, or rolls back, never a view.

As Indico's RH.process does, the transaction belongs to the request, not to each view:

- after a view returns, a request that changes state (POST, PUT, PATCH, DELETE) whose
  answer is a success or a redirect (status < 400) commits; anything else rolls back, so a
  GET never writes and a refused form leaves nothing half-saved;
- a DomainError that escapes a view is answered by one error handler (hub/errors.py),
  after a rollback: a 404 page, a message for htmx, JSON for the API, or a flash and a
  redirect back for a plain form;
- form views call `attempt_form(form, action)`: a refusal goes beside its field and the page
  answers `form_status(form)` (422) with what was typed kept;
- plain posts call `attempt(action)` and say how it went with `flash_outcome(...)`;
- the one refusal that must keep a write (a login that resends the confirmation email)
  says so with `keep_writes_despite_refusal()`;
- what must happen only once the change is stored (deleting a replaced image) is given to
  `after_commit(callback)`.

Queued mail is delivered once the response has gone (MAIL_DELIVER_AFTER_REQUEST).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, current_app, flash, g, request
from flask_wtf import FlaskForm
from sqlalchemy.exc import OperationalError

from hub.domain.errors import DomainError, NotFound
from hub.errors import database_busy, is_lock_timeout
from hub.extensions import db
from hub.i18n import keep_account_language
from hub.mail.delivery import deliver_after_response, mail_was_queued

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
REFUSED = 422  # the status of a form the domain or the validators refused
KEEP_WRITES = "hub.keep_writes"
AFTER_COMMIT = "hub.after_commit"


def init_unit_of_work(app: Flask) -> None:
    app.after_request(_end_of_request)


def _end_of_request(response: Response) -> Response:
    keep = g.pop(KEEP_WRITES, False)
    callbacks = g.pop(AFTER_COMMIT, [])
    if request.method in UNSAFE_METHODS and (response.status_code < 400 or keep):
        keep_account_language()
        try:
            db.session.commit()
        except OperationalError as error:
            # PostgreSQL may meet another transaction's lock only when the changes are flushed.
            if not is_lock_timeout(error):
                raise
            return database_busy()
        for callback in callbacks:
            callback()
        if mail_was_queued(db.session) and current_app.config["MAIL_DELIVER_AFTER_REQUEST"]:
            deliver_after_response(current_app._get_current_object(), response)
    else:
        db.session.rollback()
        mail_was_queued(db.session)
    return response


def keep_writes_despite_refusal() -> None:
    """Commit this request's changes although its answer is a refusal (status ≥ 400)."""
    g.setdefault(KEEP_WRITES, True)


def after_commit(callback: Callable[[], None]) -> None:
    """Run `callback` once this request's changes are committed (never if rolled back)."""
    g.setdefault(AFTER_COMMIT, []).append(callback)


@dataclass
class Outcome:
    """How a domain action went: its result, or the refusal it raised."""

    value: Any = None
    refusal: DomainError | None = None

    @property
    def ok(self) -> bool:
        return self.refusal is None


def attempt(action: Callable[[], Any]) -> Outcome:
    """Run one domain action; a refusal undoes whatever it wrote and is returned, not raised.

    NotFound is raised on, so that another owner's object answers 404 wherever it is met.
    """
    try:
        return Outcome(value=action())
    except NotFound:
        raise
    except DomainError as error:
        db.session.rollback()
        return Outcome(refusal=error)


def flash_outcome(outcome: Outcome, done: str | None = None) -> None:
    """Tell the person how a plain form post went: the refusal, or `done`."""
    if outcome.refusal is not None:
        flash(str(outcome.refusal.message), "error")
    elif done:
        flash(done, "success")


def attempt_form(form: FlaskForm, action: Callable[[], Any]) -> Outcome:
    """Run the domain action of a valid form; a refusal goes beside its field (or above the
    form when it names none), and the page then answers form_status(form)."""
    outcome = attempt(action)
    if outcome.refusal is not None:
        show_domain_error(form, outcome.refusal)
    return outcome


def show_domain_error(form: FlaskForm, error: DomainError) -> None:
    """Put a domain error beside its field, or above the form when it names none."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, str(error.message)]
    else:
        form.form_errors.append(str(error.message))


def form_status(form: FlaskForm) -> int:
    """422 for a form sent back with errors (validation or refusal), 200 otherwise."""
    refused = form.is_submitted() and (form.errors or form.form_errors)
    return REFUSED if refused else 200
