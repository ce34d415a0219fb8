"""Full-text search over innovations: the same answers on SQLite (FTS5) and PostgreSQL."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from hub.database import padded
from hub.domain.innovations import search
from hub.domain.innovations.search import InnovationFilters, search_page, search_terms
from hub.extensions import db
from hub.models import Innovation, InnovationStatus, StartupStage, utcnow
from tests.support import counted_statements


@pytest.fixture
def catalogue(make):
    """Eight innovations, published one hour apart (the first is the oldest)."""
    ecotrace = make.startup("ÉcoTrace", slug="ecotrace", city="Saint-Étienne")
    cyclopolis = make.startup(
        "Cyclopolis", slug="cyclopolis", city="Rennes", stage=StartupStage.SCALING
    )
    medilien = make.startup("MédiLien", slug="medilien", city="Nancy", stage=StartupStage.IDEA)
    start = utcnow() - timedelta(days=1)
    rows = [
        (ecotrace, "eco-conception", "Éco-conception de sites web",
         "Des pages plus légères.", ["Climat", "Numérique responsable"], ""),
        (ecotrace, "bilan-carbone", "Bilan carbone des commerces",
         "Mesurer l'empreinte écologique des boutiques.", ["Climat", "Commerce"], ""),
        (cyclopolis, "velo-cargo", "Vélo cargo partagé",
         "La livraison du dernier kilomètre, sans moteur.", ["Mobilité"],
         "Un service économe en énergie."),
        (cyclopolis, "carte-pistes", "Carte des pistes cyclables",
         "Itinéraires sûrs pour vélos.", ["Mobilité", "Données ouvertes"], ""),
        (medilien, "aidants", "Réseau des aidants", "Relier aidants et soignants.",
         ["Santé"], "Une ECOLE de formation pour les aidants."),
        (medilien, "teleconsultation", "Téléconsultation en pharmacie",
         "Un médecin à distance.", ["Santé"], ""),
        (ecotrace, "ecole-numerique", "École du numérique",
         "Former aux métiers du web.", ["Éducation"], ""),
        (cyclopolis, "economie-circulaire", "Atelier d'économie circulaire",
         "Réparer plutôt que jeter.", ["Climat"], ""),
    ]  # fmt: skip
    for hour, (startup, slug, title, summary, tags, description) in enumerate(rows):
        make.innovation(
            startup, slug=slug, title=title, summary=summary, tags=tags,
            description=description, published_at=start + timedelta(hours=hour),
        )  # fmt: skip
    return rows


def slugs(ctx_filters: InnovationFilters, page: int = 1, per_page: int = 24) -> list[str]:
    return [item.slug for item in search_page(ctx_filters, page, per_page).items]


def test_search_terms_are_words_in_lower_case():
    assert search_terms("  Éco-Conception, l'ÉTÉ 2026! ") == [
        "éco",
        "conception",
        "l",
        "été",
        "2026",
    ]
    assert search_terms("***") == []


def test_eco_finds_every_word_starting_with_eco_whatever_the_accents(ctx, catalogue):
    # Title matches first (newest first among them), then the others (newest first).
    assert slugs(InnovationFilters(q="eco")) == [
        "economie-circulaire",
        "ecole-numerique",
        "eco-conception",
        "aidants",
        "velo-cargo",
        "bilan-carbone",
    ]


def test_accents_and_case_in_the_query_do_not_matter(ctx, catalogue):
    expected = slugs(InnovationFilters(q="eco"))
    for query in ("ÉCO", "éco", "Eco", "ECO"):
        assert slugs(InnovationFilters(q=query)) == expected
    assert slugs(InnovationFilters(q="VELO")) == ["velo-cargo", "carte-pistes"]
    assert slugs(InnovationFilters(q="sante")) == ["teleconsultation", "aidants"]


def test_every_word_must_match(ctx, catalogue):
    assert slugs(InnovationFilters(q="éco conception")) == ["eco-conception"]
    assert slugs(InnovationFilters(q="carbone commerces")) == ["bilan-carbone"]
    assert slugs(InnovationFilters(q="carbone vélo")) == []


def test_tags_summary_and_description_are_searched_but_rank_after_titles(ctx, catalogue):
    assert slugs(InnovationFilters(q="climat")) == [
        "economie-circulaire",
        "bilan-carbone",
        "eco-conception",
    ]
    assert slugs(InnovationFilters(q="aidants")) == ["aidants"]
    assert slugs(InnovationFilters(q="pistes")) == ["carte-pistes"]
    assert slugs(InnovationFilters(q="energie")) == ["velo-cargo"]


def test_title_matches_come_first_whatever_the_sort(ctx, catalogue):
    assert slugs(InnovationFilters(q="numerique", sort="az")) == [
        "ecole-numerique",
        "eco-conception",
    ]
    assert slugs(InnovationFilters(q="numerique", sort="newest")) == [
        "ecole-numerique",
        "eco-conception",
    ]


def test_filters_combine_with_the_search(ctx, catalogue):
    assert slugs(InnovationFilters(q="eco", tags=("Climat",))) == [
        "economie-circulaire",
        "eco-conception",
        "bilan-carbone",
    ]
    assert slugs(InnovationFilters(q="eco", tags=("Climat",), city="Rennes")) == [
        "economie-circulaire"
    ]
    assert slugs(InnovationFilters(q="eco", stage=StartupStage.SCALING)) == [
        "economie-circulaire",
        "velo-cargo",
    ]
    assert slugs(InnovationFilters(tags=("Mobilité", "Données ouvertes"))) == ["carte-pistes"]
    assert slugs(InnovationFilters(q="eco", stage=StartupStage.IDEA, city="Rennes")) == []


def test_sorts_without_a_search(ctx, catalogue):
    assert slugs(InnovationFilters(sort="az")) == [
        "aidants",
        "bilan-carbone",
        "carte-pistes",
        "eco-conception",
        "ecole-numerique",
        "economie-circulaire",
        "teleconsultation",
        "velo-cargo",
    ]
    newest = slugs(InnovationFilters(sort="newest"))
    assert newest[:3] == ["economie-circulaire", "ecole-numerique", "teleconsultation"]
    db.session.execute(
        sa.update(Innovation).where(Innovation.slug == "aidants").values(featured_rank=2)
    )
    db.session.execute(
        sa.update(Innovation).where(Innovation.slug == "velo-cargo").values(featured_rank=1)
    )
    db.session.commit()
    featured = slugs(InnovationFilters(sort="featured"))
    assert featured[:3] == ["velo-cargo", "aidants", "economie-circulaire"]


def test_pages_split_the_results_without_overlap(ctx, catalogue):
    filters = InnovationFilters(sort="az")
    first = search_page(filters, 1, 3)
    assert (first.total, first.pages, first.has_prev, first.next_num) == (8, 3, False, 2)
    assert slugs(filters, 1, 3) == ["aidants", "bilan-carbone", "carte-pistes"]
    assert slugs(filters, 2, 3) == ["eco-conception", "ecole-numerique", "economie-circulaire"]
    last = search_page(filters, 3, 3)
    assert [i.slug for i in last.items] == ["teleconsultation", "velo-cargo"]
    assert (last.has_next, last.prev_num) == (False, 2)
    assert search_page(filters, 4, 3).items == []
    searched = search_page(InnovationFilters(q="eco"), 2, 4)
    assert [i.slug for i in searched.items] == ["velo-cargo", "bilan-carbone"]
    assert searched.total == 6


def test_the_index_follows_changes_and_only_public_innovations_are_found(ctx, catalogue, make):
    innovation = db.session.scalar(sa.select(Innovation).where(Innovation.slug == "aidants"))
    innovation.title = "Plateforme des proches aidants"
    innovation.tags = ["Écoute"]
    db.session.commit()
    assert slugs(InnovationFilters(q="plateforme")) == ["aidants"]
    assert slugs(InnovationFilters(q="reseau")) == []
    assert slugs(InnovationFilters(q="ecoute")) == ["aidants"]

    db.session.delete(db.session.scalar(sa.select(Innovation).where(Innovation.slug == "aidants")))
    db.session.commit()
    assert slugs(InnovationFilters(q="aidants")) == []
    db.session.rollback()  # end this read before the factories write (SQLite: one writer)

    hidden = make.startup("Secrète", slug="secrete", verified=False)
    make.innovation(hidden, slug="cachee", title="Éco-innovation cachée")
    make.innovation(slug="brouillon", title="Éco-brouillon", status=InnovationStatus.DRAFT)
    assert "cachee" not in slugs(InnovationFilters(q="eco"))
    assert "brouillon" not in slugs(InnovationFilters(q="eco"))


def test_title_matches_follow_title_edits_and_publication(ctx, catalogue):
    """The titles have their own text index on SQLite: it follows every change too."""

    def change(slug: str, **values) -> None:
        db.session.execute(sa.update(Innovation).where(Innovation.slug == slug).values(**values))
        db.session.commit()

    def in_titles(word: str) -> set[str]:
        match = search.text_match([word], title_only=True)
        return set(db.session.scalars(sa.select(Innovation.slug).where(match)))

    # "Vélo cargo" is older than the "vélos" of the cycle map's summary, yet comes first.
    assert in_titles("velo") == {"velo-cargo"}
    assert slugs(InnovationFilters(q="velo")) == ["velo-cargo", "carte-pistes"]
    change("velo-cargo", title="Triporteur partagé", summary="Un vélo pour livrer.")
    change("carte-pistes", title="Pistes pour vélos")
    assert in_titles("velo") == {"carte-pistes"}
    assert in_titles("triporteur") == {"velo-cargo"}
    assert slugs(InnovationFilters(q="velo")) == ["carte-pistes", "velo-cargo"]
    change("carte-pistes", status=InnovationStatus.DRAFT, title="Pistes et vélos")
    assert slugs(InnovationFilters(q="velo")) == ["velo-cargo"]
    change("carte-pistes", status=InnovationStatus.PUBLISHED)
    assert in_titles("velo") == {"carte-pistes"}
    assert slugs(InnovationFilters(q="velo", sort="az")) == ["carte-pistes", "velo-cargo"]


def test_odd_queries_are_harmless(ctx, catalogue):
    for query in ('"', "*", "eco*", "NEAR(eco)", "title:eco", "eco AND", "-eco", "'; DROP"):
        search_page(InnovationFilters(q=query), 1, 24)
    assert slugs(InnovationFilters(q="eco*")) == slugs(InnovationFilters(q="eco"))
    assert slugs(InnovationFilters(q="title:eco")) == []


def test_a_search_counts_to_a_bound_and_pages_stop_there(ctx, catalogue, monkeypatch):
    monkeypatch.setattr(search, "COUNT_LIMIT", 4)
    first = search_page(InnovationFilters(q="eco"), 1, 3)
    assert (first.total, first.more, first.pages, first.next_num) == (4, True, 2, 2)
    assert [i.slug for i in first.items] == [
        "economie-circulaire",
        "ecole-numerique",
        "eco-conception",
    ]
    assert slugs(InnovationFilters(q="eco"), 2, 3) == ["aidants"]
    assert slugs(InnovationFilters(q="eco"), 3, 3) == []
    few = search_page(InnovationFilters(q="climat"), 1, 3)
    assert (few.total, few.more) == (3, False)


def test_only_what_can_be_shown_is_ranked_yet_featured_and_titles_come_first(ctx, catalogue):
    db.session.execute(
        sa.update(Innovation).where(Innovation.slug == "bilan-carbone").values(featured_rank=1)
    )
    db.session.commit()
    # One per page: the newest match, a featured one added long before, a title match.
    assert slugs(InnovationFilters(q="climat"), 1, 1) == ["bilan-carbone"]
    assert slugs(InnovationFilters(q="climat"), 2, 1) == ["economie-circulaire"]
    assert slugs(InnovationFilters(q="eco"), 1, 1) == ["economie-circulaire"]
    assert slugs(InnovationFilters(q="eco"), 4, 1) == ["bilan-carbone"]
    assert slugs(InnovationFilters(q="eco", sort="newest"), 4, 1) == ["aidants"]


def test_the_catalogue_order_is_kept_per_content_version_and_pages_are_slices(ctx, catalogue):
    kept = {}

    def memo(name, compute):
        if name not in kept:
            kept[name] = compute()
        return kept[name]

    for sort in ("featured", "newest", "az"):
        filters = InnovationFilters(sort=sort)
        for number in (1, 2, 3):
            with_memo = search_page(filters, number, 3, memo=memo)
            without = search_page(filters, number, 3)
            assert with_memo.items == without.items
            assert (with_memo.total, with_memo.more) == (8, False)
    assert set(kept) == {"innovations.order.featured", "innovations.order.newest",
                         "innovations.order.az"}  # fmt: skip


def test_padded_repeats_the_last_value_up_to_a_power_of_two_of_eight_at_least():
    assert padded([]) == []
    assert padded([5, 3]) == [5, 3, 3, 3, 3, 3, 3, 3]
    assert padded(range(8)) == list(range(8))
    assert padded(range(9)) == [*range(9), *[8] * 7]
    assert len(padded(range(100))) == 128


# A list of values in an IN: placeholders only (SQLite's "?", psycopg's "%(name)s::INTEGER").
PLACEHOLDER = r"(?:\?|%\(\w+\)s(?:::\w+)?)"
IN_LIST = re.compile(rf"IN \(({PLACEHOLDER}(?:, {PLACEHOLDER})*)\)")


def test_searches_of_every_size_share_a_few_statements(app, ctx, catalogue):
    """Each length of an IN list would make a statement of its own, which SQLite keeps
    prepared (a hundred for a varied search, 3 MiB a worker) and psycopg never prepares."""
    with counted_statements(app) as statements:
        for words in ("eco", "velo", "sante", "climat", "aidants formation", "zzz"):
            for per_page in (1, 2, 3, 5, 24):
                search_page(InnovationFilters(q=words), 1, per_page)
        for per_page in (1, 3, 7):
            search_page(InnovationFilters(), 1, per_page)
    lengths = {group.count(", ") + 1 for text in statements for group in IN_LIST.findall(text)}
    assert lengths == {8}
