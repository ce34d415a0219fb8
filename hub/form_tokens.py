"""CSRF for a public form posted by a visitor without a session (no session cookie needed).

An anonymous visitor's page carries a signed token made for that one form, with its time
(`form_token("interest:42")`): rendering it writes no session, so the page sets no cookie
and can be served to everyone alike. The post is accepted only if the token is the form's,
younger than FORM_TOKEN_MAX_AGE, and the request comes from the site itself: the browser's
`Sec-Fetch-Site` or `Origin` (else `Referer`) must name PUBLIC_URL's origin, which another
site cannot forge. A logged-in user's forms keep the session's token (Flask-WTF).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, request
from flask_wtf.csrf import CSRFError
from itsdangerous import BadSignature

from hub.domain.signed import signer

FIELD = "form_token"


def form_token(form: str) -> str:
    """A token for the form named `form` (e.g. "interest:42")."""
    return signer("form").dumps(form)


def check_form_token(form: str) -> None:
    """Refuse (CSRFError: 400) a post without the form's valid token or from elsewhere."""
    token = request.form.get(FIELD, "")
    try:
        signed = signer("form").loads(token, max_age=current_app.config["FORM_TOKEN_MAX_AGE"])
    except BadSignature as error:
        raise CSRFError("The form's token is missing, altered or expired.") from error
    if signed != form:
        raise CSRFError("The token belongs to another form.")
    if not _same_origin():
        raise CSRFError("The form was posted from another site.")


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def _same_origin() -> bool:
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site == "same-origin"
    public = _origin(current_app.config["PUBLIC_URL"])
    origin = request.headers.get("Origin")
    if origin is not None:
        return origin.lower() == public
    referrer = request.headers.get("Referer")
    return referrer is not None and _origin(referrer) == public
