"""Slugs and alphabetical order fold accents, ligatures and dashes as a French reader expects."""

from __future__ import annotations

import pytest

from hub.text import slugify, sort_key


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Œuvres numériques", "oeuvres-numeriques"),
        ("Café—Tech", "cafe-tech"),
        ("Éco-conception à Lyon", "eco-conception-a-lyon"),
        ("L'Œil – du « numérique »", "l-oeil-du-numerique"),
        ("!!!", "item"),
    ],
)
def test_a_slug_spells_out_ligatures_and_separates_words_at_every_dash(text, slug):
    assert slugify(text) == slug


def test_a_slug_is_cut_between_words_no_longer_than_asked():
    assert slugify("Atelier numérique de Saint-Étienne", max_length=20) == "atelier-numerique-de"


def test_alphabetical_order_folds_ligatures_accents_and_case():
    names = ["Zèbre", "Œuvres", "école", "Orange", "Éclair"]
    assert sorted(names, key=sort_key) == ["Éclair", "école", "Œuvres", "Orange", "Zèbre"]
