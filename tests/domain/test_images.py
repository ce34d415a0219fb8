"""Uploaded images: hostile files refused on their field, clean copies at responsive widths."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from flask import render_template_string
from PIL import Image

from hub.domain import uploads
from hub.domain.errors import DomainError
from hub.images import image_size, media_url, srcset
from tests.image_files import (
    blank_png,
    empty_upload_dir,  # noqa: F401  (a fixture)
    huge_gif,
    picture,
)

TOO_MANY_PIXELS = (
    "Cette image compte trop de pixels pour être traitée. Envoyez-en une version plus petite, "
    "par exemple de {side} pixels de large."
)


pytestmark = pytest.mark.usefixtures("empty_upload_dir")


def stored_files(app) -> set[str]:
    folder = Path(app.config["UPLOAD_DIR"])
    return {path.name for path in folder.iterdir()} if folder.exists() else set()


def stored_image(app, name: str) -> Image.Image:
    return Image.open(Path(app.config["UPLOAD_DIR"]) / name)


def store(data: bytes, side: int = uploads.PICTURE_SIDE, field: str = "image") -> str:
    return uploads.store_image(io.BytesIO(data), side, field=field)


@pytest.mark.parametrize(
    ("upload", "side"),
    [
        (lambda: blank_png(20000, 20000, "L"), uploads.LOGO_SIDE),  # 389 KB
        (huge_gif, uploads.LOGO_SIDE),  # 35 bytes
        (lambda: blank_png(6000, 6000), uploads.PICTURE_SIDE),  # 105 KB, 144 MB decoded
        (lambda: blank_png(7000, 7000, "L"), uploads.PICTURE_SIDE),  # over MAX_PIXELS
        (lambda: blank_png(10000, 10000, "L"), uploads.PICTURE_SIDE),  # Pillow's warning zone
    ],
    ids=["png-20000", "gif-65535", "png-6000", "png-7000", "png-10000"],
)
def test_an_image_with_too_many_pixels_is_refused_on_its_field(app, ctx, upload, side):
    with pytest.raises(DomainError) as refused:
        store(upload(), side, field="logo")
    assert refused.value.field == "logo"
    assert str(refused.value.message) == TOO_MANY_PIXELS.format(side=side)
    assert stored_files(app) == set()


def test_a_picture_is_stored_with_its_size_in_the_name_and_smaller_copies(app, ctx):
    name = store(picture((2400, 1200)))
    token = name.partition("-")[0]
    assert name == f"{token}-1600x800.webp"
    assert uploads.stored_size(name) == (1600, 800)
    expected = {
        f"{token}-{width}x{height}.webp"
        for width, height in [(128, 64), (256, 128), (512, 256), (1024, 512), (1600, 800)]
    }
    assert stored_files(app) == expected
    for file_name in expected:
        with stored_image(app, file_name) as image:
            assert (image.format, image.size) == ("WEBP", uploads.stored_size(file_name))


def test_a_small_logo_is_kept_at_its_size_without_copies(app, ctx):
    name = store(picture((100, 80)), uploads.LOGO_SIDE)
    assert name.endswith("-100x80.webp")
    assert stored_files(app) == {name}
    assert uploads.stored_names(name) == [name]


def test_a_portrait_photo_is_turned_upright_from_its_exif_orientation(app, ctx):
    source = Image.open(io.BytesIO(picture((1200, 800), image_format="JPEG")))
    exif = source.getexif()
    exif[0x0112] = 6  # rotated 90°: the camera was held upright
    buffer = io.BytesIO()
    source.save(buffer, "JPEG", exif=exif)
    name = store(buffer.getvalue())
    assert name.endswith("-800x1200.webp")
    with stored_image(app, name) as image:
        assert image.size == (800, 1200)


def test_nothing_the_sender_wrote_is_kept(app, ctx):
    source = Image.open(io.BytesIO(picture((640, 480), image_format="JPEG")))
    exif = source.getexif()
    exif[0x010E] = "Secret description"  # ImageDescription
    buffer = io.BytesIO()
    source.save(buffer, "JPEG", exif=exif, comment=b"<script>alert(1)</script>")
    name = store(buffer.getvalue() + b"<?php echo 'trailing'; ?>")
    data = (Path(app.config["UPLOAD_DIR"]) / name).read_bytes()
    assert b"Secret" not in data and b"script" not in data and b"php" not in data
    with stored_image(app, name) as image:
        assert "exif" not in image.info


def test_transparency_is_kept_and_such_pictures_stay_within_1024_pixels(app, ctx):
    name = store(picture((2000, 1000), "RGBA"))
    assert name.endswith("-1024x512.webp")
    with stored_image(app, name) as image:
        assert image.mode == "RGBA"
        assert image.getextrema()[3][0] < 255


def test_an_alpha_channel_with_nothing_transparent_is_dropped(app, ctx):
    opaque = Image.open(io.BytesIO(picture((2000, 1000)))).convert("RGBA")
    buffer = io.BytesIO()
    opaque.save(buffer, "PNG")
    name = store(buffer.getvalue())
    assert name.endswith("-1600x800.webp")
    with stored_image(app, name) as image:
        assert image.mode == "RGB"


@pytest.mark.parametrize(
    ("data", "accepted"),
    [
        (lambda: picture((3000, 2000), image_format="JPEG"), True),
        (lambda: picture((3000, 2000), image_format="JPEG", progressive=True), False),
        (lambda: picture((2000, 1400), image_format="JPEG", progressive=True), True),
    ],
    ids=["baseline-6mp", "progressive-6mp", "progressive-2.8mp"],
)
def test_a_progressive_jpeg_counts_the_coefficients_libjpeg_keeps(ctx, data, accepted):
    """libjpeg holds every coefficient of a progressive file: about 3 bytes a pixel more."""
    if accepted:
        assert store(data())
    else:
        with pytest.raises(DomainError, match="trop de pixels"):
            store(data())


def test_scans_are_counted_by_walking_the_jpeg_segments():
    baseline = picture((64, 48), image_format="JPEG")
    progressive = picture((64, 48), image_format="JPEG", progressive=True)
    thumbnail = Image.open(io.BytesIO(baseline))
    exif = thumbnail.getexif()
    exif[0x010E] = "caméra"
    with_exif = io.BytesIO()
    thumbnail.save(with_exif, "JPEG", exif=exif, comment=b"\xff\xda fake marker in a comment")
    assert uploads._jpeg_scan_count(baseline) == 1
    assert uploads._jpeg_scan_count(with_exif.getvalue()) == 1
    assert uploads._jpeg_scan_count(progressive) > 1


def test_resizing_in_bands_gives_the_same_pixels_as_resizing_at_once():
    source = Image.open(io.BytesIO(picture((1500, 1037)))).convert("RGB")
    banded = uploads._resize(source, (640, 442))
    whole = source.resize((640, 442), Image.Resampling.LANCZOS)
    difference = [abs(a - b) for a, b in zip(banded.tobytes(), whole.tobytes(), strict=True)]
    assert max(difference) <= 1


def test_discard_removes_the_image_and_its_copies(app, ctx):
    kept = store(picture((900, 600)))
    dropped = store(picture((900, 600)))
    uploads.discard(dropped)
    assert stored_files(app) == set(uploads.stored_names(kept))
    uploads.discard(None)
    uploads.discard("../secret_key")
    assert stored_files(app) == set(uploads.stored_names(kept))


def test_an_image_stored_before_names_carried_sizes_is_still_known(app, ctx):
    legacy = "0123456789abcdef0123456789abcdef.webp"
    assert uploads.is_stored_name(legacy)
    assert (uploads.stored_size(legacy), uploads.stored_names(legacy)) == (None, [legacy])
    assert uploads.name_for_width(legacy, 300) == legacy
    (Path(app.config["UPLOAD_DIR"])).mkdir(parents=True, exist_ok=True)
    (Path(app.config["UPLOAD_DIR"]) / legacy).write_bytes(b"old")
    uploads.discard(legacy)
    assert stored_files(app) == set()


NAME = "0123456789abcdef0123456789abcdef-1600x800.webp"
COPY = "/media/0123456789abcdef0123456789abcdef-{}.webp"


def test_template_helpers_read_sizes_and_copies_from_the_name(app):
    with app.test_request_context():
        assert image_size(NAME) == (1600, 800)
        assert image_size(None) is None
        assert srcset(NAME) == ", ".join(
            [
                COPY.format("128x64") + " 128w",
                COPY.format("256x128") + " 256w",
                COPY.format("512x256") + " 512w",
                COPY.format("1024x512") + " 1024w",
                COPY.format("1600x800") + " 1600w",
            ]
        )
        assert media_url(NAME) == COPY.format("1600x800")
        assert media_url(NAME, 300) == COPY.format("512x256")
        assert media_url(NAME, 2000) == COPY.format("1600x800")
        assert srcset("0123456789abcdef0123456789abcdef.webp") == ""
        assert (media_url(None), srcset(None)) == ("", "")


def render_picture(app, arguments: str, **context) -> str:
    source = '{% from "_images.html" import picture %}{{ picture(' + arguments + ") }}"
    with app.test_request_context():
        return render_template_string(source, **context).strip()


def test_the_picture_macro_sets_srcset_sizes_and_dimensions(app):
    html = render_picture(
        app, 'name, "Sonde dans un champ", "(min-width: 992px) 30vw, 100vw"', name=NAME
    )
    assert html == (
        f'<img src="{COPY.format("512x256")}" srcset="{srcset_of(app)}" '
        'sizes="(min-width: 992px) 30vw, 100vw" width="1600" height="800" loading="lazy" '
        'decoding="async" alt="Sonde dans un champ">'
    )


def srcset_of(app) -> str:
    with app.test_request_context():
        return srcset(NAME)


def test_a_picture_seen_without_scrolling_loads_at_once_with_its_class(app):
    html = render_picture(
        app, 'name, "", "96px", lazy=False, width_hint=96, class_="logo"', name=NAME
    )
    assert 'loading="lazy"' not in html
    assert html.startswith(f'<img src="{COPY.format("128x64")}" srcset=')
    assert html.endswith('decoding="async" alt="" class="logo">')


def test_an_older_picture_takes_its_dimensions_from_the_hints(app):
    html = render_picture(
        app,
        'name, "Logo", "96px", width_hint=96',
        name="0123456789abcdef0123456789abcdef.webp",
    )
    assert html == (
        '<img src="/media/0123456789abcdef0123456789abcdef.webp" width="96" height="96" '
        'loading="lazy" decoding="async" alt="Logo">'
    )


def test_without_an_image_the_macro_draws_a_placeholder_without_inline_style(app):
    html = render_picture(
        app,
        'None, "Logo de Cyclopolis", "96px", width_hint=96, class_="logo", placeholder=name',
        name="  cyclopolis",
    )
    assert html.startswith(
        '<svg class="picture-placeholder logo" width="96" height="96" viewBox="0 0 96 96"'
    )
    assert 'role="img" aria-label="Logo de Cyclopolis"' in html
    assert 'font-size="48"' in html and ">C</text>" in html
    assert "style" not in html
    decorative = render_picture(app, '"", "", "100vw", width_hint=400, height_hint=200')
    assert 'viewBox="0 0 400 200"' in decorative and 'aria-hidden="true"' in decorative
    assert "<path" in decorative and "<text" not in decorative
