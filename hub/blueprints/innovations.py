"""The public catalogue of innovations and their pages."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from hub.domain import innovations as domain
from hub.domain.errors import DomainError
from hub.domain.search import (
    SORTS,
    InnovationFilters,
    popular_tags,
    search_page,
    startup_cities,
)
from hub.extensions import db, limiter
from hub.models import (
    Application,
    ApplicationState,
    Innovation,
    ShowcaseSlot,
    SlotStatus,
    Space,
)
from hub.public_cache import cached_page, public_cache
from hub.rendering import render, requested_block

bp = Blueprint("innovations", __name__)
PAGE_SIZE = 24
INTEREST_COOKIE = "hub_interested"
INTEREST_COOKIE_MAX_IDS = 200


def _page_number() -> int:
    page = request.args.get("page", "1")
    return int(page) if page.isdigit() and 0 < int(page) < 100_000 else 1


@bp.get("/innovations")
@cached_page()
def catalogue():
    filters = InnovationFilters.from_args(request.args)
    page = search_page(filters, _page_number(), PAGE_SIZE)
    cache = public_cache()
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


def _public_innovation_or_404(slug: str) -> Innovation:
    innovation = db.session.scalar(
        domain.public_innovations()
        .where(Innovation.slug == slug)
        .options(sa.orm.contains_eager(Innovation.organisation))
    )
    if innovation is None:
        abort(404)
    return innovation


def _interested_ids() -> set[int]:
    raw = request.cookies.get(INTEREST_COOKIE, "")
    return {int(part) for part in raw.split(".") if part.isdigit()}


def demo_days_of(innovation: Innovation) -> list[ShowcaseSlot]:
    """Demo days where the innovation's startup confirmed it would show this innovation."""
    return list(
        db.session.scalars(
            sa.select(ShowcaseSlot)
            .join(Application, Application.slot_id == ShowcaseSlot.id)
            .where(
                Application.innovation_id == innovation.id,
                Application.state == ApplicationState.CONFIRMED,
                ShowcaseSlot.status != SlotStatus.CANCELLED,
            )
            .order_by(ShowcaseSlot.starts_at.desc())
            .options(sa.orm.joinedload(ShowcaseSlot.space).joinedload(Space.venue))
        ).unique()
    )


@bp.get("/innovations/<slug>")
def detail(slug: str):
    innovation = _public_innovation_or_404(slug)
    return render(
        "innovations/detail.html",
        innovation=innovation,
        demo_days=demo_days_of(innovation),
        interested=innovation.id in _interested_ids(),
    )


def _interest_limit() -> str:
    return current_app.config["RATELIMIT_INTEREST"]


@bp.post("/innovations/<slug>/interest")
@limiter.limit(_interest_limit)
def interest(slug: str):
    """One more visitor interested; counted once per browser, remembered in a cookie."""
    innovation = _public_innovation_or_404(slug)
    seen = _interested_ids()
    newly = innovation.id not in seen
    if newly:
        try:
            domain.register_interest(
                innovation, current_user if current_user.is_authenticated else None
            )
        except DomainError:
            abort(404)
        db.session.commit()
        db.session.refresh(innovation)
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
        # The most recent ids first; old ones drop off so the cookie stays small.
        ids = [innovation.id, *sorted(seen, reverse=True)][:INTEREST_COOKIE_MAX_IDS]
        response.set_cookie(
            INTEREST_COOKIE,
            ".".join(str(i) for i in ids),
            max_age=60 * 60 * 24 * 365,
            httponly=True,
            samesite="Lax",
        )
    return response
