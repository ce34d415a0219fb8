"""The public catalogue of innovations and their pages."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort

from hub.domain.innovations import public_innovations
from hub.extensions import db
from hub.models import Innovation
from hub.rendering import render

bp = Blueprint("innovations", __name__)
PAGE_SIZE = 24


@bp.get("/innovations")
def catalogue():
    query = public_innovations().options(sa.orm.contains_eager(Innovation.organisation))
    page = db.paginate(query, per_page=PAGE_SIZE)
    return render("innovations/catalogue.html", page=page)


@bp.get("/innovations/<slug>")
def detail(slug: str):
    innovation = db.session.scalar(
        public_innovations()
        .where(Innovation.slug == slug)
        .options(sa.orm.contains_eager(Innovation.organisation))
    )
    if innovation is None:
        abort(404)
    return render("innovations/detail.html", innovation=innovation)
