"""Finding innovations: full-text search, filters and sort orders for the catalogue and API.

The text index folds accents and case on both databases (FTS5 on SQLite, a tsvector with
`unaccent` on PostgreSQL, both built by migration 0301). Every word typed is matched as the
start of a word in the title, summary, tags or description; all words must match. Title
matches come first, then the chosen order, so both databases return the same list.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from hub.database import padded
from hub.domain import tags
from hub.domain.innovations.queries import public_innovations
from hub.domain.kept import Memo
from hub.domain.pages import Page
from hub.domain.slugs import in_byte_order
from hub.extensions import db
from hub.models import Innovation, Organisation, StartupStage
from hub.text import sort_key

MAX_TERMS = 8
# Searches count this many matches at most, then say "more than".
COUNT_LIMIT = 1_000
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


# PostgreSQL reuses a plan made for any words once a statement has run five times on a
# connection (hub/database.py), and that plan cannot tell a word every innovation has from
# a rare one: a search then took 30 to 100 ms instead of 3. Until the transaction ends,
# each statement is planned for its own words.
_PLAN_FOR_THE_WORDS = sa.text("SET LOCAL plan_cache_mode = force_custom_plan")


def _plan_for_the_words() -> None:
    if _dialect() == "postgresql":
        db.session.execute(_PLAN_FOR_THE_WORDS)


def text_match(terms: list[str], title_only: bool = False) -> sa.ColumnElement[bool]:
    """Innovations whose text (or only their title) has a word starting with each term.

    The text index finds them: on SQLite the matching ids are read from FTS5 (the titles
    have their own index), on PostgreSQL the GIN index is scanned.
    """
    if _dialect() == "postgresql":
        words = TITLE_WORDS if title_only else "innovations.search_vector"
        return sa.literal_column(words).op("@@")(_tsquery(terms))
    name = _FTS_TITLES if title_only else _FTS_ALL
    fts = sa.table(name, sa.column("rowid"))
    return Innovation.id.in_(
        sa.select(fts.c.rowid).where(sa.literal_column(name).op("MATCH")(_fts_query(terms)))
    )


def _tsquery(terms: list[str]) -> sa.ColumnElement:
    return sa.func.to_tsquery(sa.literal_column("'simple'"), sa.func.hub_unaccent(_pg_query(terms)))


def _pg_query(terms: list[str]) -> str:
    return " & ".join(f"{term}:*" for term in terms)


# SQLite's text indexes (migrations 0301, 1402 and 1406): published innovations only.
_FTS_ALL = "innovations_fts"
_FTS_TITLES = "innovation_titles_fts"


def _fts_query(terms: list[str]) -> str:
    return " AND ".join(f'"{term}"*' for term in terms)


def has_tag(tag: str) -> sa.ColumnElement[bool]:
    return tags.has_word(Innovation.tags, tag)


def order_for(sort: str) -> list[sa.ColumnElement]:
    """The catalogue's orders, written as the indexes of migration 1401 list their keys."""
    if sort == "az":
        return [in_byte_order(Innovation.slug), Innovation.id]
    newest = [Innovation.published_at.desc(), Innovation.id.desc()]
    if sort == "newest":
        return newest
    if _dialect() == "postgresql":
        return [sa.nulls_last(Innovation.featured_rank.asc()), *newest]
    return [Innovation.featured_rank.is_(None), Innovation.featured_rank, *newest]


def find_innovations(filters: InnovationFilters) -> sa.Select:
    """Public innovations matching the filters, in the order asked for, startups loaded."""
    query = _matching(filters)
    if filters.terms:
        query = query.where(text_match(filters.terms))
    return query.order_by(*_order(filters)).options(sa.orm.contains_eager(Innovation.organisation))


def feature_candidates(search: str, limit: int = 20) -> list[Innovation]:
    """Public innovations matching `search`, A–Z, that are not featured yet."""
    _plan_for_the_words()
    query = find_innovations(InnovationFilters(q=search, sort="az")).where(
        Innovation.featured_rank.is_(None)
    )
    return list(db.session.scalars(query.limit(limit)))


def _matching(filters: InnovationFilters) -> sa.Select:
    """Public innovations that pass the filters other than the words."""
    query = public_innovations().order_by(None)
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


def search_page(
    filters: InnovationFilters, page: int, per_page: int, memo: Memo | None = None
) -> Page:
    """A page of matching innovations; its cost does not grow with the number of matches.

    - Without any filter, the catalogue's order is kept as a list of ids, computed once per
      content version through `memo` (the public cache's): any page is a slice of it.
    - Words alone (in the featured or newest order): see `_ranked_matches`.
    - Otherwise, the matches are counted up to COUNT_LIMIT + 1 and sorted.
    """
    offset = (page - 1) * per_page
    if not filters.is_filtered and memo is not None:
        ids = memo(f"innovations.order.{filters.sort}", lambda: catalogue_order(filters.sort))
        return _page_of(ids[offset : offset + per_page], page, per_page, len(ids), exact=True)
    terms = filters.terms
    if terms:
        _plan_for_the_words()
    if terms and not (filters.tags or filters.stage or filters.city) and filters.sort != "az":
        return _ranked_matches(terms, filters.sort, offset, per_page)
    query = _matching(filters)
    if terms:
        query = query.where(text_match(terms))
    counted = db.session.scalar(sa.select(_bounded_count_of(query)))
    if offset >= min(counted, COUNT_LIMIT):
        return _page_of([], page, per_page, counted)
    ids = list(
        db.session.scalars(
            query.with_only_columns(Innovation.id)
            .order_by(*_order(filters))
            .limit(min(per_page, COUNT_LIMIT - offset))
            .offset(offset)
        )
    )
    return _page_of(ids, page, per_page, counted)


def _ranked_matches(terms: list[str], sort: str, offset: int, per_page: int) -> Page:
    """A page of the innovations whose text matches, ranking only what can be shown.

    The text index is asked for the matches counted to COUNT_LIMIT + 1 (with and without
    the title condition), the `offset + per_page` most recently added ones, and the
    featured ones (`_candidates`): only those candidates are then read (three columns, with
    a statement built once) and sorted here (title matches first, then featured, then
    newest), and the page's rows loaded. Innovations are published in about the order they
    are added: among more matches than a page shows, one published long after it was added
    may come later than its date would place it.
    """
    page = offset // per_page + 1
    wanted = min(offset + per_page, COUNT_LIMIT)
    found = _candidates(terms, wanted)
    (counted,), (in_titles,) = found[0], found[1]
    if offset >= min(counted, COUNT_LIMIT):
        return _page([], page, per_page, counted)
    candidates = sorted({*found[2], *found[3], *found[4]})
    titles = {*found[3], *found[5]} if in_titles else set()
    rows = db.session.execute(_ranking_rows(), {"ids": padded(candidates)}).all()
    # Stable sorts, the last key first: newest, then featured (in its rank), then titles.
    rows.sort(key=lambda row: (row.published_at or NEVER, row.id), reverse=True)
    if sort == "featured":
        rows.sort(key=lambda row: (row.featured_rank is None, row.featured_rank or 0))
    rows.sort(key=lambda row: row.id not in titles)
    return _page_of([row.id for row in rows[offset:wanted]], page, per_page, counted)


# Sorts after every date, as SQLite sorts an absent date (none is absent once published).
NEVER = datetime.min.replace(tzinfo=UTC)


@cache  # built once: each search reads its candidates' ranking columns with it
def _ranking_rows() -> sa.Select:
    """The public innovations among `ids`, with what the catalogue's orders compare."""
    return (
        public_innovations()
        .order_by(None)
        .with_only_columns(Innovation.id, Innovation.featured_rank, Innovation.published_at)
        .where(Innovation.id.in_(sa.bindparam("ids", expanding=True)))
    )


# The title's words on PostgreSQL: a generated column with its own text index (migration
# 1408), read where an expression would be computed again on every row the search reads.
TITLE_WORDS = "innovations.title_vector"

# SQLite: what a FTS5 index finds, in one statement. FTS5 reads its matches lazily in rowid
# order (the newest first, at no cost), so a LIMIT stops it early: each word start of up to
# 14 letters is indexed (migration 1406), and no list of matches is built whole.
_FTS_MATCHES = "SELECT rowid AS id FROM {index} WHERE {index} MATCH :query"
# The featured ones among them (a dozen innovations at most are featured): looked up by id
# in the main index; tested on each match in the titles' smaller index (`+rowid`), which
# measured faster there.
_FTS_FEATURED = " AND {plus}rowid IN (SELECT id FROM innovations WHERE featured_rank IS NOT NULL)"
_CANDIDATES = """
SELECT 0, count(*) FROM ({all} LIMIT :limit) AS counted
UNION ALL SELECT 1, count(*) FROM ({title} LIMIT :limit) AS counted_in_titles
UNION ALL SELECT 2, id FROM ({all} ORDER BY rowid DESC LIMIT :wanted) AS newest
UNION ALL SELECT 3, id FROM ({title} ORDER BY rowid DESC LIMIT :wanted) AS newest_in_titles
UNION ALL SELECT 4, id FROM ({all}{featured}) AS featured
UNION ALL SELECT 5, id FROM ({title}{featured_in_titles}) AS featured_in_titles
"""

# PostgreSQL: public innovations whose words (all of them, or the title's) pass `{test}`.
_PG_MATCHES = (
    "SELECT i.id FROM innovations i JOIN organisations o ON o.id = i.organisation_id"
    " WHERE i.status = 'published' AND o.verified_at IS NOT NULL AND {test}"
)
_PG_WORDS = {"all": "i.search_vector", "title": TITLE_WORDS.replace("innovations.", "i.")}
# The test as the GIN indexes answer it, and in its function form, which no index answers.
_PG_INDEXED = "{words} @@ to_tsquery('simple', hub_unaccent(:query))"
_PG_SCANNED = "ts_match_vq({words}, to_tsquery('simple', hub_unaccent(:query)))"
_PG_COUNTS = """
SELECT 0, count(*) FROM ({all} LIMIT :limit) AS counted
UNION ALL SELECT 1, count(*) FROM ({title} LIMIT :limit) AS counted_in_titles
UNION ALL SELECT 4, id FROM ({all} AND i.featured_rank IS NOT NULL) AS featured
UNION ALL SELECT 5, id FROM ({title} AND i.featured_rank IS NOT NULL) AS featured_in_titles
"""
# A few matches: `i.id + 0` is an order no index gives, so they come from the text index and
# are sorted (COUNT_LIMIT at most). Many: walking the table backwards finds the newest after
# reading about `wanted` x (rows / matches) rows, where sorting them would read every match.
_PG_NEWEST_OF_FEW = "SELECT {kind}, id FROM ({match} ORDER BY i.id + 0 DESC LIMIT :wanted) AS n"
_PG_NEWEST_OF_MANY = "SELECT {kind}, id FROM ({match} ORDER BY i.id DESC LIMIT :wanted) AS n"


def _candidates(terms: list[str], wanted: int) -> dict[int, list[int]]:
    """What the text index finds for the words, by kind: 0 and 1 the matches counted to
    COUNT_LIMIT + 1 (anywhere, in the title), 2 and 3 the `wanted` newest of them, 4 and 5
    the featured ones."""
    found: dict[int, list[int]] = {kind: [] for kind in range(6)}
    values = {"query": _text_query(terms), "wanted": wanted, "limit": COUNT_LIMIT + 1}
    if _dialect() == "postgresql":
        rows = _pg_candidates(values)
    else:
        rows = db.session.execute(_sqlite_candidates_statement(), values)
    for kind, value in rows:
        found[kind].append(value)
    return found


@cache
def _sqlite_candidates_statement() -> sa.TextClause:
    return sa.text(
        _CANDIDATES.format(
            all=_FTS_MATCHES.format(index=_FTS_ALL),
            title=_FTS_MATCHES.format(index=_FTS_TITLES),
            featured=_FTS_FEATURED.format(plus=""),
            featured_in_titles=_FTS_FEATURED.format(plus="+"),
        )
    )


def _pg_candidates(values: dict) -> list[tuple[int, int]]:
    """Two statements on PostgreSQL: the counts and the featured matches from the GIN
    indexes, then the newest matches in the way the counts call for. A GIN index gives its
    matches in no order, and the planner cannot tell how many rows a prefix matches: left
    to itself, it sorted 20,000 matches of a common word, or read the whole table backwards
    for a word no innovation has."""
    counts = _pg_statement(_PG_COUNTS, all=_pg_match("all"), title=_pg_match("title"))
    rows = db.session.execute(counts, values).all()
    counted = {kind: value for kind, value in rows if kind in (0, 1)}
    parts = []
    for kind, words in ((2, "all"), (3, "title")):
        matches = counted[kind - 2]
        if matches > COUNT_LIMIT:
            parts.append(_PG_NEWEST_OF_MANY.format(kind=kind, match=_pg_match(words, scanned=True)))
        elif matches:
            parts.append(_PG_NEWEST_OF_FEW.format(kind=kind, match=_pg_match(words)))
    if parts:
        rows += db.session.execute(_pg_statement(" UNION ALL ".join(parts)), values).all()
    return rows


def _pg_match(words: str, scanned: bool = False) -> str:
    test = (_PG_SCANNED if scanned else _PG_INDEXED).format(words=_PG_WORDS[words])
    return _PG_MATCHES.format(test=test)


@cache
def _pg_statement(template: str, **parts: str) -> sa.TextClause:
    return sa.text(template.format(**parts))


def _text_query(terms: list[str]) -> str:
    """The text indexes' query for the words (the same for the titles' index).

    On SQLite the indexes hold only published innovations (migration 1402) and are read
    alone: the count includes the innovations of a startup not verified yet.
    """
    return _pg_query(terms) if _dialect() == "postgresql" else _fts_query(terms)


def catalogue_order(sort: str) -> array:
    """The ids of every public innovation, in the catalogue's order `sort`."""
    query = public_innovations().order_by(None).with_only_columns(Innovation.id)
    ids = array("q")
    # Read in batches into a compact array (8 bytes an id), not a list of rows.
    for batch in db.session.execute(query.order_by(*order_for(sort))).yield_per(2_000).partitions():
        ids.extend(row[0] for row in batch)
    return ids


def _bounded_count_of(query: sa.Select) -> sa.ScalarSelect:
    """How many rows the query has, counting no further than COUNT_LIMIT + 1."""
    first = query.with_only_columns(Innovation.id).limit(COUNT_LIMIT + 1).subquery()
    return sa.select(sa.func.count()).select_from(first).scalar_subquery()


def _bounded_count(query: sa.Select) -> int:
    return db.session.scalar(sa.select(_bounded_count_of(query)))


def _ids(query: sa.Select, limit: int, offset: int) -> list[int]:
    return list(
        db.session.scalars(query.with_only_columns(Innovation.id).limit(limit).offset(offset))
    )


def _page_of(ids, page: int, per_page: int, counted: int, exact: bool = False) -> Page:
    """The page's innovations, loaded in one query and kept in the order of `ids`;
    `counted` is a bounded count unless `exact`."""
    rows = {}
    if len(ids):
        rows = {
            innovation.id: innovation
            for innovation in db.session.scalars(_innovations_by_id(), {"ids": padded(ids)})
        }
    return _page([rows[i] for i in ids if i in rows], page, per_page, counted, exact)


@cache  # built once: every page of the catalogue and of a search loads its rows with it
def _innovations_by_id() -> sa.Select:
    return (
        sa.select(Innovation)
        .join(Innovation.organisation)
        .where(Innovation.id.in_(sa.bindparam("ids", expanding=True)))
        .options(sa.orm.contains_eager(Innovation.organisation))
    )


def _page(items: list, page: int, per_page: int, counted: int, exact: bool = False) -> Page:
    more = not exact and counted > COUNT_LIMIT
    return Page(
        items=items,
        page=page,
        per_page=per_page,
        total=COUNT_LIMIT if more else counted,
        more=more,
    )


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
