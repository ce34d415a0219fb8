"""Pictures as a browser shows them: loaded from the right copy, sized before they arrive."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from hub.domain import uploads
from tests.browser.conftest import assert_accessible


@pytest.fixture
def pictured(app, make):
    """A startup with a logo and three innovations: a picture, its logo, and one lazily below."""

    def stored(size, side, colour):
        buffer = io.BytesIO()
        Image.new("RGB", size, colour).save(buffer, format="PNG")
        with app.app_context():
            return uploads.store_image(io.BytesIO(buffer.getvalue()), side)

    logo = stored((512, 512), uploads.LOGO_SIDE, "navy")
    startup = make.startup("Sonde & Co", slug="sonde", logo=logo)
    for n in range(1, 6):
        make.innovation(
            startup,
            f"Capteur {n}",
            slug=f"capteur-{n}",
            image=stored((1600, 800), uploads.PICTURE_SIDE, "teal") if n != 4 else None,
            image_alt=f"Le capteur numéro {n}",
        )
    yield
    folder = Path(app.config["UPLOAD_DIR"])
    for path in folder.glob("*") if folder.exists() else []:
        path.unlink()


PICTURES = """() => [...document.querySelectorAll('.cards img')].map(img => ({
    alt: img.alt, loaded: img.complete && img.naturalWidth > 0, src: img.currentSrc,
    lazy: img.loading, box: [img.getBoundingClientRect().width, img.getBoundingClientRect().height],
    card: img.closest('article').getBoundingClientRect().width}))"""


@pytest.mark.parametrize("width, height", [(390, 844), (1280, 800)])
def test_catalogue_pictures_load_a_fitting_copy_and_keep_their_shape(page, pictured, width, height):
    page.set_viewport_size({"width": width, "height": height})
    page.goto("/innovations")
    page.mouse.wheel(0, 10_000)
    # One evaluation that waits for the pictures (wait_for_function polls with eval, which
    # the page's CSP refuses).
    page.evaluate(
        """() => Promise.all([...document.querySelectorAll('.cards img')].map(img =>
            img.complete || new Promise(done => {
                img.addEventListener('load', done);
                img.addEventListener('error', done);
            })))"""
    )
    pictures = page.evaluate(PICTURES)
    assert [p["alt"] for p in pictures] == [
        "Le capteur numéro 5",
        "Logo de Sonde & Co",
        "Le capteur numéro 3",
        "Le capteur numéro 2",
        "Le capteur numéro 1",
    ]
    assert [p["lazy"] for p in pictures] == ["auto", "auto", "auto", "lazy", "lazy"]
    for picture in pictures:
        assert picture["loaded"]
        shown, tall = picture["box"]
        assert shown <= picture["card"] and abs(shown / tall - 2) < 0.05
        # The browser chose a smaller copy than the 1600-pixel original for a card.
        assert "-1600x800.webp" not in picture["src"]
    assert_accessible(page)
    page.goto("/innovations/capteur-1")
    main = page.locator("img.page-picture")
    assert main.get_attribute("alt") == "Le capteur numéro 1"
    assert main.evaluate("img => img.complete && img.naturalWidth > 0")
    assert_accessible(page)
