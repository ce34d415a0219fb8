"""The public catalogue of innovations and their pages."""

from __future__ import annotations

import re

from flask import Blueprint, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import fields, validate

from hub.domain.innovations.featuring import register_interest
from hub.domain.innovations.queries import public_innovation
from hub.domain.innovations.search import (
    DEFAULT_SORT,
    SORTS,
    InnovationFilters,
    popular_tags,
    search_page,
    startup_cities,
)
from hub.domain.showcase.queries import demo_days_showing
from hub.extensions import csrf, limiter
from hub.form_tokens import FIELD, check_form_token, form_token
from hub.models import StartupStage
from hub.public_cache import cached_page, public_cache
from hub.query_args import Choice, PageArgs, Text, read_args
from hub.rendering import render, requested_block

bp = Blueprint("innovations", __name__)
PAGE_SIZE = 24
INTEREST_COOKIE = "hub_interested"
INTEREST_COOKIE_MAX_IDS = 200
ID = re.compile(r"[1-9][0-9]{0,9}")  # ASCII digits only: int() also reads "²" and fails on 5,000


class SearchArgs(PageArgs):
    """The catalogue's search, as the page and the API read it."""

    q = Text(200, metadata={"description": "Words to search for."})
    tag = fields.List(
        Text(40),
        load_default=list,
        validate=validate.Length(max=5),
        metadata={"description": "Exact tag; repeat for several (all must match)."},
    )
    stage = Choice(StartupStage, metadata={"description": "Startup stage."})
    city = Text(80, metadata={"description": "Startup city."})
    sort = fields.String(
        load_default=DEFAULT_SORT,
        validate=validate.OneOf(SORTS),
        metadata={"description": "Order."},
    )


@bp.get("/innovations")
@cached_page()
def catalogue():
    args = read_args(SearchArgs())
    filters = InnovationFilters.from_args(args)
    cache = public_cache()
    page = search_page(filters, args["page"], PAGE_SIZE, memo=cache.memo)
    return render(
        "innovations/catalogue.html",
        page=page,
        filters=filters,
        tags=cache.memo("innovations.tags", popular_tags),
        cities=cache.memo("innovations.cities", startup_cities),
        sorts=SORTS,
        # A fragment for htmx also updates the result count, which lives outside it.
        partial=requested_block("innovations/catalogue.html") is not None,
    )


def interested_ids() -> set[int]:
    """The innovations this browser said it is interested in (from its cookie); whatever
    else a cookie carries is ignored."""
    raw = request.cookies.get(INTEREST_COOKIE, "")
    parts = raw.split(".", INTEREST_COOKIE_MAX_IDS)[:INTEREST_COOKIE_MAX_IDS]
    return {int(part) for part in parts if ID.fullmatch(part)}


def _interest_form(innovation) -> str:
    return f"interest:{innovation.id}"


@bp.get("/innovations/<slug>")
def detail(slug: str):
    """The innovation's page; an anonymous visitor's form token needs no session."""
    innovation = public_innovation(slug)
    anonymous = not current_user.is_authenticated
    return render(
        "innovations/detail.html",
        innovation=innovation,
        demo_days=demo_days_showing(innovation, memo=public_cache().memo),
        interested=innovation.id in interested_ids(),
        form_token=form_token(_interest_form(innovation)) if anonymous else None,
    )


def _interest_limit() -> str:
    return current_app.config["RATELIMIT_INTEREST"]


@bp.post("/innovations/<slug>/interest")
@csrf.exempt  # checked below: the form's own token, or the session's
@limiter.limit(_interest_limit)
def interest(slug: str):
    """One more visitor interested; counted once per browser, remembered in a cookie."""
    innovation = public_innovation(slug)
    if FIELD in request.form:
        check_form_token(_interest_form(innovation))
    else:
        csrf.protect()
    seen = interested_ids()
    newly = innovation.id not in seen
    if newly:
        visitor = current_user if current_user.is_authenticated else None
        register_interest(innovation, visitor)
    if request.htmx:
        response = render(
            "innovations/detail.html",
            innovation=innovation,
            demo_days=[],
            interested=True,
            just_added=newly,
        )
    else:
        if newly:
            flash(_("Thank you! The startup will know you are interested."), "success")
        response = redirect(url_for("innovations.detail", slug=slug), 303)
    if newly:
        remember_interest(response, innovation.id, seen)
    return response


def remember_interest(response, innovation_id: int, seen: set[int]) -> None:
    """Keep in the browser's cookie that it is interested in the innovation."""
    # The most recent ids first; old ones drop off so the cookie stays small.
    ids = [innovation_id, *sorted(seen, reverse=True)][:INTEREST_COOKIE_MAX_IDS]
    response.set_cookie(
        INTEREST_COOKIE,
        ".".join(str(i) for i in ids),
        max_age=60 * 60 * 24 * 365,
        httponly=True,
        samesite="Lax",
    )
