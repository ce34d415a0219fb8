"""Finding innovations: full-text search, filters and sort orders for the catalogue and API.

The text index folds accents and case on both databases (FTS5 on SQLite, a tsvector with
`unaccent` on PostgreSQL, both built by migration 0301). Every word typed is matched as the
start of a word in the title, summary, tags or description; all words must match. Title
matches come first, then the chosen order, so both databases return the same list.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from hub.domain import tags
from hub.domain.innovations.queries import public_innovations
from hub.domain.pages import Page
from hub.domain.slugs import in_byte_order
from hub.extensions import db
from hub.models import Innovation, Organisation, StartupStage
from hub.text import sort_key

MAX_TERMS = 8
SORTS = {
    "featured": _l("Featured first"),
    "newest": _l("Newest"),
    "az": _l("A–Z"),
}
DEFAULT_SORT = "featured"
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class InnovationFilters:
    """What a visitor asked the catalogue for; unknown values are dropped, not errors."""

    q: str = ""
    tags: tuple[str, ...] = field(default_factory=tuple)
    stage: StartupStage | None = None
    city: str = ""
    sort: str = DEFAULT_SORT

    @classmethod
    def from_args(cls, args: dict) -> InnovationFilters:
        """The filters from a read query string (q, tag, stage, city, sort)."""
        return cls(
            q=" ".join(args["q"].split()),
            tags=tuple(dict.fromkeys(tag for tag in args["tag"] if tag)),
            stage=args["stage"],
            city=args["city"],
            sort=args["sort"] or DEFAULT_SORT,
        )

    @property
    def terms(self) -> list[str]:
        return search_terms(self.q)

    @property
    def is_filtered(self) -> bool:
        return bool(self.terms or self.tags or self.stage or self.city)

    def as_args(self) -> dict:
        """Query-string arguments that reproduce this search (defaults left out)."""
        args: dict = {}
        if self.q:
            args["q"] = self.q
        if self.tags:
            args["tag"] = list(self.tags)
        if self.stage:
            args["stage"] = self.stage.value
        if self.city:
            args["city"] = self.city
        if self.sort != DEFAULT_SORT:
            args["sort"] = self.sort
        return args


def search_terms(text: str) -> list[str]:
    """The words of a query, lower-cased, split the way both text indexes split words."""
    return _WORD.findall(unicodedata.normalize("NFC", text).lower())[:MAX_TERMS]


def _dialect() -> str:
    return db.engine.dialect.name


def text_match(terms: list[str], title_only: bool = False) -> sa.ColumnElement[bool]:
    """Innovations whose text (or only their title) has a word starting with each term."""
    if _dialect() == "postgresql":
        weight = "A" if title_only else ""
        query = " & ".join(f"{term}:*{weight}" for term in terms)
        return sa.literal_column("innovations.search_vector").op("@@")(
            sa.func.to_tsquery(sa.literal_column("'simple'"), sa.func.hub_unaccent(query))
        )
    query = " AND ".join(f'"{term}"*' for term in terms)
    if title_only:
        query = f"title : ({query})"
    fts = sa.table("innovations_fts", sa.column("rowid"))
    return Innovation.id.in_(
        sa.select(fts.c.rowid).where(sa.literal_column("innovations_fts").op("MATCH")(query))
    )


def has_tag(tag: str) -> sa.ColumnElement[bool]:
    return tags.has_word(Innovation.tags, tag)


def order_for(sort: str) -> list[sa.ColumnElement]:
    newest = [sa.nulls_last(Innovation.published_at.desc()), Innovation.id.desc()]
    if sort == "newest":
        return newest
    if sort == "az":
        return [in_byte_order(Innovation.slug), Innovation.id]
    return [sa.nulls_last(Innovation.featured_rank.asc()), *newest]


def find_innovations(filters: InnovationFilters) -> sa.Select:
    """Public innovations matching the filters, in the order asked for, startups loaded."""
    query = _matching(filters)
    return query.order_by(*_order(filters)).options(sa.orm.contains_eager(Innovation.organisation))


def feature_candidates(search: str, limit: int = 20) -> list[Innovation]:
    """Public innovations matching `search`, A–Z, that are not featured yet."""
    query = find_innovations(InnovationFilters(q=search, sort="az")).where(
        Innovation.featured_rank.is_(None)
    )
    return list(db.session.scalars(query.limit(limit)))


def _matching(filters: InnovationFilters) -> sa.Select:
    query = public_innovations().order_by(None)
    terms = filters.terms
    if terms:
        query = query.where(text_match(terms))
    for tag in filters.tags:
        query = query.where(has_tag(tag))
    if filters.stage:
        query = query.where(Organisation.stage == filters.stage)
    if filters.city:
        query = query.where(Organisation.city == filters.city)
    return query


def _order(filters: InnovationFilters) -> list[sa.ColumnElement]:
    order = order_for(filters.sort)
    terms = filters.terms
    if terms:
        title_first = sa.case((text_match(terms, title_only=True), 0), else_=1)
        order = [title_first, *order]
    return order


def search_page(filters: InnovationFilters, page: int, per_page: int) -> Page:
    """A page of matching innovations, in three small queries whatever the data size.

    The rows are sorted on their keys alone, then only the page's rows are loaded whole,
    which keeps a search over tens of thousands of innovations fast.
    """
    matching = _matching(filters)
    total = db.session.scalar(
        matching.with_only_columns(sa.func.count(Innovation.id)).order_by(None)
    )
    ids = list(
        db.session.scalars(
            matching.with_only_columns(Innovation.id)
            .order_by(*_order(filters))
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
    )
    rows = {}
    if ids:
        rows = {
            innovation.id: innovation
            for innovation in db.session.scalars(
                sa.select(Innovation)
                .join(Innovation.organisation)
                .where(Innovation.id.in_(ids))
                .options(sa.orm.contains_eager(Innovation.organisation))
            )
        }
    items = [rows[i] for i in ids if i in rows]
    return Page(items=items, page=page, per_page=per_page, total=total)


def popular_tags(limit: int = 30) -> list[str]:
    """The tags most used by public innovations, alphabetically."""
    elements = tags.elements(Innovation.tags)
    uses = sa.func.count().label("uses")
    rows = db.session.execute(
        public_innovations()
        .order_by(None)
        .with_only_columns(elements.c.value, uses)
        .join(elements, sa.true())
        .group_by(elements.c.value)
        .order_by(uses.desc(), elements.c.value)
        .limit(limit)
    )
    return sorted((value for value, _ in rows), key=sort_key)


def startup_cities() -> list[str]:
    """Cities of startups that have public innovations."""
    rows = db.session.scalars(
        public_innovations()
        .order_by(None)
        .with_only_columns(Organisation.city)
        .where(Organisation.city != "")
        .distinct()
    )
    return sorted(rows, key=sort_key)
