"""Query strings, read one way: a marshmallow schema per page or API endpoint.

`read_args(SomeArgs())` reads request.args into a dict. A page forgives what it cannot read
(a value its field refuses is dropped and the field's default used: `?page=²` is page 1);
the API is strict and answers 400 naming the parameter (`strict=True`). Text never carries
control characters (a NUL byte must not reach the database) and numbers are bounded, so
hostile values never crash a query. The API's schemas also describe its parameters in the
OpenAPI document (hub/openapi.py).
"""

from __future__ import annotations

import re

from flask import request
from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load, validate
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest

from hub.domain.pages import MAX_PAGE


class BadArgument(BadRequest):
    """A query parameter the API cannot read; the message names it."""


# No control characters (a NUL byte must never reach the database); the OpenAPI document
# carries the same rule as a pattern.
NO_CONTROL_CHARACTERS = validate.Regexp(
    r"^[^\x00-\x1f\x7f]*$", error="control characters are not allowed"
)
# The same rule as a search: in Python the pattern's `$` also matches before a final newline.
CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f]")


class Text(fields.String):
    """Free text, trimmed, at most `max_length` characters."""

    def __init__(self, max_length: int = 200, validate_also=None, **kwargs):
        kwargs.setdefault("load_default", "")
        checks = [validate.Length(max=max_length), NO_CONTROL_CHARACTERS]
        super().__init__(validate=[*checks, *([validate_also] if validate_also else [])], **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if CONTROL_CHARACTER.search(text):  # before trimming, which would drop some of them
            raise ValidationError(NO_CONTROL_CHARACTERS.error)
        return text.strip()


def Number(default: int | None = None, minimum: int = 1, maximum: int = MAX_PAGE, **kwargs):
    """A whole number from `minimum` to `maximum`."""
    return fields.Integer(
        load_default=default, validate=validate.Range(min=minimum, max=maximum), **kwargs
    )


def Choice(enum, **kwargs):
    """One of an enum's values (None when not given)."""
    return fields.Enum(enum, by_value=True, load_default=None, allow_none=False, **kwargs)


class Args(Schema):
    """A query string's parameters; unknown ones are ignored."""

    class Meta:
        unknown = EXCLUDE

    @pre_load
    def from_query_string(self, data, **kwargs):
        # Repeatable parameters (List fields) keep every value, the others their first.
        if not isinstance(data, MultiDict):
            return data
        return {
            name: data.getlist(name)
            if isinstance(self.fields.get(name), fields.List)
            else data.get(name)
            for name in data
        }


class PageArgs(Args):
    page = Number(default=1, metadata={"description": "Page number, from 1."})


def read_args(schema: Args, strict: bool = False, values: MultiDict | None = None) -> dict:
    """The query string (or `values`) read by `schema` (see the module's docstring)."""
    args = request.args if values is None else values
    try:
        return schema.load(args)
    except ValidationError as error:
        if strict:
            name, messages = next(iter(error.messages.items()))
            message = messages[0] if isinstance(messages, list) else str(messages)
            raise BadArgument(f"{name}: {message}") from error
        kept = MultiDict(
            [(name, value) for name, value in args.items(multi=True) if name not in error.messages]
        )
        return schema.load(kept)
