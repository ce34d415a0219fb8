"""Error pages: in the layout for a page, as a message for htmx, as JSON for the API."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, flash, jsonify, make_response, redirect, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, NotFound

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

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        db.session.rollback()
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return http_error(InternalServerError())
