"""The base of every form: what comes in is cleaned the same way in every field.

`Form` (a FlaskForm) gives each field, by its kind, one filter:

- a one-line field (a title, a name, an email) keeps no line break or control character:
  a carriage return, a vertical tab (what Word pastes for a soft break), U+2028… become a
  space, so a title can never break an email's headers or a feed;
- a text area keeps its lines, with every kind of line break turned into "\\n", and no other
  control character (they are invalid in XML and in emails);
- a number, or a choice coerced to a number, stays within the database's INTEGER: beyond it
  is an error beside the field, not a database error.

Passwords are left exactly as typed. Every form of the site derives from `Form`
(tests/test_architecture.py checks it).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, PasswordField, SelectField, StringField, TextAreaField

from hub.request_guards import LARGEST_ID
from hub.text import clean_lines, one_line


def within_integer(value):
    """A whole number the database can store (PostgreSQL's INTEGER), else an error."""
    if isinstance(value, int) and not -LARGEST_ID - 1 <= value <= LARGEST_ID:
        raise ValueError(_l("This number is too large."))
    return value


def _filter_for(field_class) -> object | None:
    if issubclass(field_class, PasswordField):
        return None
    if issubclass(field_class, TextAreaField):
        return clean_lines
    if issubclass(field_class, StringField):
        return one_line
    if issubclass(field_class, IntegerField | SelectField):
        return within_integer
    return None


class Form(FlaskForm):
    class Meta(FlaskForm.Meta):
        def bind_field(self, form, unbound_field, options):
            cleaning = _filter_for(unbound_field.field_class)
            if cleaning is not None:
                filters = unbound_field.kwargs.get("filters", ())
                options = {**options, "filters": [cleaning, *filters]}
            return super().bind_field(form, unbound_field, options)
