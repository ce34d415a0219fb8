"""Every route of the URL map, walked with hostile values: nothing answers 500 or logs an error.

Each rule of `app.url_map` is asked for (GET, and POST with a valid CSRF token), logged out
and logged in as a member of staff who also owns the organisations, hosts the event and so
reaches every page behind a login. Hostile values go, one kind at a time, into each path
parameter, into every query parameter a page's schema reads, and into each field of the
form the page shows (the other fields keep the values the page offered), or, for a route
without a page, into every field any form declares. New routes and new parameters are
walked without being listed here: only the valid value of a path parameter is looked up by
its name, to reach the page behind it.

About 1,800 requests a pass; the values are sampled (each form field gets two of them, in
turn) so that both passes take well under a minute of CPU on each database.
"""

from __future__ import annotations

import itertools
import logging
import re
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

import pytest
import sqlalchemy as sa
from flask_wtf import FlaskForm
from wtforms.fields.core import UnboundField

from hub.extensions import db, limiter
from hub.models import Application, CoHostState, EventHost, Invitation, Membership
from hub.query_args import Args
from tests.support import HubClient

# Percent-encoded as they travel in a path, a query string or a form body.
HOSTILE = [
    "100000000000000000000",  # beyond 64 bits
    "-100000000000000000000",
    "99999999999",  # beyond PostgreSQL's INTEGER
    "-1",
    "%C2%B2",  # ², a digit to str.isdigit(), not to int()
    "%D9%A3",  # an Arabic-Indic 3: a digit to int()
    "%00",
    "a%00b",
    "%FF%FE",  # not UTF-8
    "x" * 10_000,
    "1e3",
]
# In a path, a value either matches the parameter's converter or the route is not found:
# fewer kinds are needed.
HOSTILE_IN_PATH = [HOSTILE[0], HOSTILE[2], HOSTILE[4], HOSTILE[6], HOSTILE[8], HOSTILE[9]]
FIELDS_PER_VALUE = 2  # each form field gets this many hostile values, rotating through them
SHARED_SLUG = "atelier"  # the startup, its innovation and the event share it
PARAMETER = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")  # <int:event_id> → event_id


def sample(values: list[str], start: int, size: int) -> list[str]:
    return [values[(start + step) % len(values)] for step in range(size)]


def subclasses(cls) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *subclasses(sub)]
    return found


def query_names() -> list[str]:
    """Every parameter a query-string schema reads, and the redirections' `next`."""
    names = {name for schema in subclasses(Args) for name in schema._declared_fields}
    return sorted(names | {"next", "lang"})


def form_names() -> list[str]:
    """Every field any form of the site declares."""
    names = {"next"}
    for form in subclasses(FlaskForm):
        names |= {name for name in dir(form) if isinstance(getattr(form, name), UnboundField)}
    return sorted(names - {"csrf_token"})


class FormReader(HTMLParser):
    """The fields of the forms of a page that post to `path`, with the values offered."""

    def __init__(self, path: str):
        super().__init__()
        self.path = path
        self.fields: dict[str, str] = {}
        self.posting = False
        self.textarea: str | None = None
        self.select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            action = urlsplit(attrs.get("action") or self.path).path
            self.posting = (attrs.get("method") or "get").lower() == "post" and action == self.path
        if not self.posting:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "file", "button"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                self.fields.setdefault(name, "")
                if attrs.get("type") == "radio" and not self.fields[name]:
                    self.fields[name] = attrs.get("value") or ""
                return
            self.fields[name] = attrs.get("value") or ""
        elif tag == "textarea" and name:
            self.textarea = name
            self.fields[name] = ""
        elif tag == "select" and name:
            self.select = name
            self.fields.setdefault(name, "")
        elif (
            tag == "option"
            and self.select
            and ("selected" in attrs or not self.fields[self.select])
        ):
            self.fields[self.select] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.posting = False
        elif tag == "textarea":
            self.textarea = None
        elif tag == "select":
            self.select = None

    def handle_data(self, data):
        if self.textarea:
            self.fields[self.textarea] += data


def offered_fields(html: str, path: str) -> dict[str, str]:
    reader = FormReader(path)
    reader.feed(html)
    reader.fields.pop("csrf_token", None)
    return {name: quote(value, safe="") for name, value in reader.fields.items()}


@pytest.fixture
def world(app, make):
    """One of each row a path parameter names, all reachable by the staff member."""
    staff = make.staff(email="staff@example.org")
    other = make.user(email="member@example.org")
    startup = make.startup("Atelier", owner=staff, members=(other,), slug=SHARED_SLUG)
    partner = make.partner("Fabrique", owner=staff, slug="fabrique")
    innovation = make.innovation(startup, "Atelier", slug=SHARED_SLUG)
    event = make.event(organisation=partner, title="Atelier", slug=SHARED_SLUG)
    make.cohost(event, make.partner("Voisins", owner=staff), state=CoHostState.INVITED)
    registration = make.registration(event, email="sam@example.org")
    slot = make.slot()
    make.application(slot, startup, innovation=innovation)
    with app.app_context():
        db.session.add(Invitation(organisation_id=startup.id, email="new@example.org"))
        db.session.commit()

        def first(model, *where):
            return str(db.session.scalar(sa.select(sa.func.min(model.id)).where(*where)))

        ids = {
            "event_id": str(event.id),
            "registration_id": str(registration.id),
            "slot_id": str(slot.id),
            "application_id": first(Application),
            "innovation_id": str(innovation.id),
            "membership_id": first(Membership, Membership.user_id == other.id),
            "invitation_id": first(Invitation),
            "host_id": first(EventHost, EventHost.event_id == event.id),
            "organisation_id": str(startup.id),
            "user_id": str(other.id),
        }
    return {
        **ids,
        "slug": [SHARED_SLUG, "fabrique"],
        "token": registration.token,
        "kind": "startup",
        "language": "fr",
        "extension": "csv",
        "action": ["withdraw", "close"],
    }


def rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"]


def valid(world, name: str) -> list[str]:
    """Valid values of a path parameter, by its name ("1" for a name the world lacks)."""
    value = world.get(name, "1")
    return value if isinstance(value, list) else [value]


def valid_paths(rule, world) -> list[str]:
    """The rule's path with valid values, once per candidate value."""
    names = sorted(rule.arguments)
    choices = [valid(world, name) for name in names]
    paths = []
    for combination in itertools.product(*choices):
        values = dict(zip(names, combination, strict=True))
        paths.append(PARAMETER.sub(lambda m, values=values: values[m.group(1)], rule.rule))
    return paths


def hostile_paths(rule, world) -> list[str]:
    """The rule's path with one parameter hostile at a time (others valid)."""
    base = {name: valid(world, name)[0] for name in rule.arguments}
    paths = []
    for name in sorted(rule.arguments):
        for value in HOSTILE_IN_PATH:
            values = {**base, name: value}
            paths.append(PARAMETER.sub(lambda m, values=values: values[m.group(1)], rule.rule))
    return paths


class Walk:
    def __init__(self, client: HubClient, login: str | None):
        self.client = client
        self.login = login
        self.failures: list[str] = []
        self.requests = 0
        self.sent_to_login: list[str] = []  # pages that asked to log in, with valid values
        self.token = client.csrf_token()

    def logged_in(self) -> None:
        """Log in again after a walked logout (or an account made inactive)."""
        if not self.login:
            return
        with self.client.session_transaction() as session:
            present = "_user_id" in session
        if not present:
            self.client.login(self.login)
            self.token = self.client.csrf_token()

    def get(self, url: str):
        self.requests += 1
        response = self.client.get(url)
        self.check("GET", url, response)
        return response

    def post(self, url: str, fields: dict[str, str]):
        self.requests += 1
        body = "&".join(
            f"{name}={value}" for name, value in {"csrf_token": self.token, **fields}.items()
        )
        response = self.client.post(
            url, data=body.encode(), content_type="application/x-www-form-urlencoded"
        )
        self.check("POST", f"{url} {sorted(fields)[:3]}", response)
        if 300 <= response.status_code < 400:
            self.logged_in()
        return response

    def check(self, method, what, response):
        if response.status_code >= 500:
            self.failures.append(f"{response.status_code} {method} {what[:200]}")


def walk_rule(walk: Walk, rule, world, queries, forms):
    methods = rule.methods & {"GET", "POST"}
    for path in hostile_paths(rule, world):
        if "GET" in methods:
            walk.get(path)
        if "POST" in methods:
            walk.post(path, {})
    paths = valid_paths(rule, world)
    walked_form = False
    for number, path in enumerate(paths):
        page = ""
        if "GET" in methods:
            for value in HOSTILE if number == 0 else []:
                walk.get(path + "?" + "&".join(f"{name}={value}" for name in queries))
            response = walk.get(path)
            page = response.text if response.mimetype == "text/html" else ""
            if response.location and "/auth/login" in response.location:
                walk.sent_to_login.append(path)
        offered = offered_fields(page, path) if page else {}
        # A form is walked once: where a page offers it (a slug may name the wrong kind of
        # organisation), else with the last valid path.
        if "POST" not in methods or walked_form or not (offered or number == len(paths) - 1):
            continue
        walked_form = True
        names = list(offered) or forms
        for value in HOSTILE_IN_PATH:
            walk.post(path, {name: value for name in names})
        for index, name in enumerate(offered):
            for value in sample(HOSTILE, index * FIELDS_PER_VALUE, FIELDS_PER_VALUE):
                walk.post(path, {**offered, name: value})


@pytest.mark.parametrize("who", ["anonymous", "staff"])
def test_no_route_answers_500_or_logs_an_error_for_hostile_input(
    app, client, world, caplog, monkeypatch, who
):
    monkeypatch.setattr(limiter, "enabled", False)  # the walk is many requests a second
    caplog.set_level(logging.WARNING)
    walk = Walk(client, "staff@example.org" if who == "staff" else None)
    walk.logged_in()
    queries, forms = query_names(), form_names()
    for rule in rules(app):
        walk_rule(walk, rule, world, queries, forms)
    errors = [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR]
    assert walk.failures == []
    assert [error[:300] for error in errors] == []
    assert walk.requests > 1500
    if who == "staff":  # every page behind a login was reached, not only its login redirect
        assert walk.sent_to_login == []
    else:
        assert "/account/" in walk.sent_to_login
