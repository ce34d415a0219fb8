"""Slugs and alphabetical order fold accents, ligatures and dashes as a French reader expects."""

from __future__ import annotations

import subprocess
import sys

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


def test_letters_are_spelt_from_the_tables_of_the_blocks_met_not_from_a_table_of_all():
    """text-unidecode would hold every letter's spelling in each worker (4 MiB, issue 14)."""
    script = (
        "import sys; from hub.text import slugify, sort_key; "
        "slugify('Œuvres à Saint-Étienne'); sort_key('Straße Привет'); "
        "print('text_unidecode' in sys.modules, 'anyascii' in sys.modules)"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert run.stdout.split() == ["False", "True"]
