"""Error pages: in the layout for a page, as a message for htmx, as JSON for the API."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Flask,
    Response,
    current_app,
    flash,
    g,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
)
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError, NotFound, SecurityError

from hub.database import read_only_from_now
from hub.domain.errors import DomainError
from hub.domain.errors import NotFound as DomainNotFound
from hub.extensions import db
from hub.query_args import BadArgument

ERROR_TEXT = {
    400: (_l("Bad request"), _l("The request could not be understood. Please try again.")),
    403: (_l("Not allowed"), _l("You are not allowed to do this.")),
    404: (_l("Page not found"), _l("This page does not exist, or it is not available to you.")),
    405: (_l("Not allowed"), _l("This action cannot be done this way.")),
    409: (_l("This cannot be done"), _l("This clashes with the current state. Reload and check.")),
    413: (_l("File too large"), _l("The file you sent is too large.")),
    422: (_l("This cannot be done"), _l("Check what you sent and try again.")),
    429: (
        _l("Too many attempts"),
        _l("You have tried too many times in a short while. Please wait a minute and try again."),
    ),
    500: (
        _l("Something went wrong"),
        _l("An unexpected error happened on our side. The team has been told; please try again."),
    ),
}
CSRF_TEXT = (
    _l("This form has expired"),
    _l("The page was open for too long or your session changed. Reload the page and try again."),
)


BUSY_TEXT = (
    _l("The site is busy"),
    _l(
        "Nothing was saved: the database was busy for a moment. "
        "What you typed is kept: send it again in a few seconds."
    ),
)
BUSY_RETRY_AFTER_SECONDS = 5
BUSY = "hub.database_busy"
SQLITE_BUSY, SQLITE_LOCKED = 5, 6
POSTGRESQL_LOCK_NOT_AVAILABLE = "55P03"
# Typed values the busy page never writes back into a page.
SECRET_FIELDS = ("csrf_token", "password", "confirm")


def is_lock_timeout(error: OperationalError) -> bool:
    """Whether the database refused because another process held a lock past our wait."""
    code = getattr(error.orig, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (SQLITE_BUSY, SQLITE_LOCKED)  # the primary code, low byte
    return getattr(error.orig, "sqlstate", None) == POSTGRESQL_LOCK_NOT_AVAILABLE


def database_busy():
    """The answer to a request that waited WEB_LOCK_TIMEOUT_MS for a lock in vain: nothing of
    it is kept, and the page is rendered without asking for the write lock again."""
    db.session.rollback()
    read_only_from_now()
    g.setdefault(BUSY, True)
    current_app.logger.warning("Database busy: %s %s answered 503", request.method, request.path)
    return busy_response()


def busy_response():
    """503 with Retry-After. A plain form gets a page with what was sent and a button to send
    it again; htmx leaves the form as it is and shows a message; the API gets JSON."""
    title, message = BUSY_TEXT
    if wants_json() or request.htmx or request.method not in ("POST", "PUT", "PATCH"):
        response = error_response(503, title, message)
    else:
        fields = list(request.form.items(multi=True))
        body = render_template(
            "errors/busy.html",
            title=title,
            message=message,
            action=request.full_path.rstrip("?"),
            kept=[(name, value) for name, value in fields if not _secret(name)],
            retype=sorted({name for name, _value in fields if _secret(name)} - {"csrf_token"}),
        )
        response = make_response(body, 503)
        response.vary.add("HX-Request")
    response.headers["Retry-After"] = str(BUSY_RETRY_AFTER_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response


def keep_busy_retry_after(response):
    """The 503's own Retry-After: the rate limiter sets one on every answer of a limited route
    (when its window resets); a busy database is worth trying again much sooner."""
    if response.status_code == 503 and g.get(BUSY):
        response.headers["Retry-After"] = str(BUSY_RETRY_AFTER_SECONDS)
    return response


def _secret(name: str) -> bool:
    return any(word in name.lower() for word in SECRET_FIELDS)


def wants_json() -> bool:
    if request.path.startswith("/api/") or request.path in ("/healthz", "/readyz"):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def error_response(code: int, title, message):
    if wants_json():
        response = jsonify(error={"status": code, "title": str(title), "message": str(message)})
        response.status_code = code
        return response
    if request.htmx:
        body = render_template("errors/_message.html", code=code, title=title, message=message)
        response = make_response(body, code)
        # The message goes to the live region, whatever element asked.
        response.headers["HX-Retarget"] = "#flash-messages"
        response.headers["HX-Reswap"] = "innerHTML"
        response.vary.add("HX-Request")
        return response
    body = render_template("errors/error.html", code=code, title=title, message=message)
    response = make_response(body, code)
    response.vary.add("HX-Request")
    return response


def _back_address() -> str | None:
    """Where a plain form post goes back to after a refusal: the page it came from."""
    target = request.form.get("next") or request.referrer or ""
    parts = urlsplit(target)
    if parts.netloc and parts.netloc != request.host:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "") if parts.path else None


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def refused(error: DomainError):
        """A rule refused what a view asked: the one answer for every view."""
        db.session.rollback()
        if isinstance(error, DomainNotFound):
            return http_error(NotFound())
        title = ERROR_TEXT.get(error.status, ERROR_TEXT[422])[0]
        back = None if wants_json() or request.htmx else _back_address()
        if request.method == "GET" or back is None:
            return error_response(error.status, title, error.message)
        flash(str(error.message), "error")
        return redirect(back, 303)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return error_response(400, *CSRF_TEXT)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code or 500
        if code < 400:
            return error
        if isinstance(error, SecurityError):
            # A host outside TRUSTED_HOSTS: no address of the site can be built for it, so
            # no page either.
            return Response(f"{ERROR_TEXT[400][0]}\n", 400, mimetype="text/plain")
        title, message = ERROR_TEXT.get(code, (error.name, error.description))
        if isinstance(error, BadArgument):
            message = error.description  # names the parameter the API could not read
        response = error_response(code, title, message)
        if code == 429 and error.response is not None:
            response.headers.extend(
                (name, value)
                for name, value in error.response.headers.items()
                if name.lower().startswith(("retry-after", "x-ratelimit"))
            )
        allowed = dict(error.get_headers()).get("Allow")  # a list of pairs, not a dict
        if code == 405 and allowed:
            response.headers["Allow"] = allowed
        return response

    @app.errorhandler(OperationalError)
    def database_error(error: OperationalError):
        if not is_lock_timeout(error):
            return unexpected_error(error)
        return database_busy()

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        db.session.rollback()
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return http_error(InternalServerError())
