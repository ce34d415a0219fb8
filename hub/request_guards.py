"""Hostile input stopped at the door, once for every view: ids and unreadable bytes.

- `<int:…>` in a route accepts only ASCII digits up to the largest id the database stores
  (ids are INTEGER columns: 32 bits on PostgreSQL), so `/demo-days/99999999999` is a 404
  rather than a database error, and `²` or a 5,000-digit number never reaches `int()`.
- A NUL byte in the path, the query string or a form field, or a percent-escape in the
  path or query string that is not UTF-8, is answered 400 before any view runs: PostgreSQL
  refuses NUL in text, and no person types either.
"""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

from flask import Flask, request
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

# PostgreSQL's INTEGER, the type of every id column.
LARGEST_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:…>`: ASCII digits, from 0 to LARGEST_ID; anything else does not match (404)."""

    regex = r"[0-9]{1,10}"

    def __init__(self, map, fixed_digits=0, min=None, max=LARGEST_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class UnreadableInput(BadRequest):
    description = "The request carries bytes that are not text."


def init_request_guards(app: Flask) -> None:
    """Install the id converter (before any route is added) and the input check."""
    app.url_map.converters["int"] = IdConverter
    app.before_request(refuse_unreadable_input)


def _readable(data: bytes) -> bool:
    """Valid UTF-8 without NUL."""
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def refuse_unreadable_input() -> None:
    # WSGI strings carry bytes as latin-1; the path is already percent-decoded, the query not.
    path = request.environ.get("PATH_INFO", "").encode("latin-1", "replace")
    query = unquote_to_bytes(request.environ.get("QUERY_STRING", "").encode("latin-1", "replace"))
    if not _readable(path) or not _readable(query):
        raise UnreadableInput()
    if request.method != "GET" and request.mimetype in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        for name, value in request.form.items(multi=True):
            if "\x00" in name or "\x00" in value:
                raise UnreadableInput()
