"""Uploaded images (logos, innovation pictures): checked, shrunk, re-encoded, stored.

A file is accepted only if Pillow reads it as PNG, JPEG or WebP, whatever its name or the
type the browser claimed. It is decoded, shrunk and written again as WebP under a random
name, so nothing the sender wrote (metadata, trailing bytes, a script disguised as an
image) is ever served back. Smaller copies are stored beside it for responsive pages.

Decoding is bounded before it starts: the header gives the dimensions, JPEGs are decoded
at a reduced scale (1/2, 1/4 or 1/8, done by libjpeg itself), and an image whose decoding
and shrinking would take more than MEMORY_BUDGET is refused on its field, so no upload can
push a web worker far beyond its usual size.

Stored names carry the image's size, `<32 hex digits>-<width>x<height>.webp`, so pages
can set width, height and srcset without reading the file or a database column. The
copies share the random part: `…-512x256.webp` has copies `…-128x64.webp` and
`…-256x128.webp`. Names of the older form `<32 hex digits>.webp` are still served.
"""

from __future__ import annotations

import io
import math
import re
import secrets
import struct
import warnings
import zlib
from typing import IO, TYPE_CHECKING

from flask import current_app
from flask_babel import lazy_gettext as _l

from hub.domain.errors import DomainError
from hub.storage import current_storage

if TYPE_CHECKING:
    from PIL import Image

ACCEPTED_FORMATS = frozenset({"PNG", "JPEG", "WEBP"})
LOGO_SIDE = 512
PICTURE_SIDE = 1600
# Widths of the smaller copies, each half the next: a browser never fetches more than twice
# the width it shows. 128 and 256 serve logos (48 to 96 CSS pixels, at 1x and 2x), 512 and
# 1024 the cards and pages; the stored image itself (at most 1600) serves large screens.
VARIANT_WIDTHS = (128, 256, 512, 1024)
ALPHA_SIDE = 1024  # images with transparency: see _decode_shrunk
MAX_PIXELS = 40_000_000  # beyond this the header alone refuses it
MEMORY_BUDGET = 40 * 1024 * 1024  # bytes that decoding, shrinking and encoding one upload take
BAND_ROWS = 128  # rows resized at a time: the resizer's intermediate image stays this small
WEBP_QUALITY = 85
# \Z, not $: a name with a final newline is not a stored name.
STORED_NAME = re.compile(
    r"^(?P<token>[0-9a-f]{32})(?:-(?P<width>[1-9][0-9]{0,4})x(?P<height>[1-9][0-9]{0,4}))?\.webp\Z"
)
# What Pillow raises on a damaged or hostile file, beyond its own UnidentifiedImageError.
DECODING_ERRORS = (OSError, SyntaxError, ValueError, EOFError, IndexError, struct.error, zlib.error)


def too_large_message():
    """The message for a file over UPLOAD_MAX_BYTES (the form says it too, before storing)."""
    limit = current_app.config["UPLOAD_MAX_BYTES"]
    return _l("The image is too large: %(size)s MB at most.", size=f"{limit / 1024 / 1024:g}")


def store_image(stream: IO[bytes], max_side: int, field: str = "image") -> str:
    """Check an uploaded image and store a clean copy and its smaller copies.

    Returns the stored name. Raises DomainError (on `field`) for a file too large, empty,
    not an image, in a format other than PNG, JPEG or WebP, or with too many pixels.
    """
    limit = current_app.config["UPLOAD_MAX_BYTES"]
    data = stream.read(limit + 1)
    if not data:
        raise DomainError(_l("The file is empty."), field=field)
    if len(data) > limit:
        raise DomainError(too_large_message(), field=field)
    copies = encode_image(data, max_side, field)
    token = secrets.token_hex(16)
    storage = current_storage()
    saved: list[str] = []
    try:
        # The smaller copies first: once the main name exists, its copies do too.
        for size, body in reversed(copies):
            name = _name(token, size)
            storage.save(name, body, "image/webp")
            saved.append(name)
    except Exception:
        _delete(saved)
        raise
    return saved[-1]


def discard(name: str | None) -> None:
    """Delete a stored image and its copies once nothing refers to it (after the commit)."""
    if name and STORED_NAME.match(name):
        _delete(stored_names(name))


def _delete(names: list[str]) -> None:
    storage = current_storage()
    for name in names:
        # A file left behind is harmless; a request failing over it is not.
        try:
            storage.delete(name)
        except Exception:
            current_app.logger.warning("Could not delete stored image %s", name, exc_info=True)


# Names ----------------------------------------------------------------------------------


def is_stored_name(name: str) -> bool:
    """Whether `name` is of the form this module generates (it may not exist)."""
    return bool(STORED_NAME.match(name or ""))


def stored_size(name: str | None) -> tuple[int, int] | None:
    """(width, height) of a stored image, read from its name; None for older names."""
    match = STORED_NAME.match(name or "")
    if not match or not match["width"]:
        return None
    return int(match["width"]), int(match["height"])


def variant_size(size: tuple[int, int], width: int) -> tuple[int, int]:
    """The size of the copy `width` pixels wide of an image of `size`."""
    return width, max(1, round(size[1] * width / size[0]))


def stored_sizes(name: str) -> list[tuple[int, int]]:
    """Sizes of every stored copy of an image, smallest first, the image itself last."""
    size = stored_size(name)
    if size is None:
        return []
    return [variant_size(size, width) for width in VARIANT_WIDTHS if width < size[0]] + [size]


def stored_names(name: str) -> list[str]:
    """Names of every stored copy of an image, smallest first, the image itself last."""
    match = STORED_NAME.match(name or "")
    if not match:
        return []
    return [_name(match["token"], size) for size in stored_sizes(name)] or [name]


def name_for_width(name: str, width: int | None) -> str:
    """The smallest stored copy at least `width` pixels wide (the image itself if none)."""
    match = STORED_NAME.match(name or "")
    if not match or not width:
        return name
    for size in stored_sizes(name):
        if size[0] >= width:
            return _name(match["token"], size)
    return name


def _name(token: str, size: tuple[int, int]) -> str:
    return f"{token}-{size[0]}x{size[1]}.webp"


# Decoding within a memory budget ---------------------------------------------------------


def encode_image(
    data: bytes, max_side: int, field: str = "image"
) -> list[tuple[tuple[int, int], bytes]]:
    """Decode an upload within MEMORY_BUDGET; returns (size, WebP bytes) of each copy to store.

    The first is the image itself, at most `max_side` on its longer side; then the smaller
    copies of VARIANT_WIDTHS, narrowest last.
    """
    from PIL import ImageOps

    image = _decode_shrunk(data, max_side, field)
    ImageOps.exif_transpose(image, in_place=True)
    copies = [(image.size, _webp(image))]
    for width in reversed(VARIANT_WIDTHS):
        if width < image.width:
            size = variant_size(image.size, width)
            copies.append((size, _webp(_resize(image, size))))
    return copies


def fitted_size(size: tuple[int, int], max_side: int) -> tuple[int, int]:
    """`size` scaled down (never up) to fit a square of `max_side`, keeping its shape."""
    width, height = size
    scale = min(1.0, max_side / width, max_side / height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def _open(data: bytes, max_side: int, field: str) -> Image.Image:
    """Read the header only: format and dimensions, nothing decoded yet."""
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
            if probe.format not in ACCEPTED_FORMATS:
                raise DomainError(_l("Only PNG, JPEG and WebP images are accepted."), field=field)
            if probe.width * probe.height > MAX_PIXELS:
                raise _too_many_pixels(max_side, field)
            probe.verify()
            return Image.open(io.BytesIO(data))
    except DomainError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise _too_many_pixels(max_side, field) from error
    except (UnidentifiedImageError, *DECODING_ERRORS) as error:
        raise _unreadable(field) from error


def _unreadable(field: str) -> DomainError:
    return DomainError(
        _l("This file is not a readable image. Send a PNG, JPEG or WebP picture."), field=field
    )


def _too_many_pixels(max_side: int, field: str) -> DomainError:
    return DomainError(
        _l(
            "This image has too many pixels to be processed. Send a smaller version, "
            "for example %(side)s pixels wide.",
            side=max_side,
        ),
        field=field,
    )


def _decode_shrunk(data: bytes, max_side: int, field: str) -> Image.Image:
    """The upload decoded and shrunk to fit `max_side`: L, RGB, or premultiplied RGBa.

    Each step replaces `image`, so the previous raster is freed as soon as it is used.
    Transparency is premultiplied once here; Pillow would otherwise copy the whole image to
    premultiply it again in every reduce and resize. An image with transparency is kept at
    most ALPHA_SIDE wide or high: libwebp's lossless alpha encoder is the costly part.
    """
    image = _open(data, max_side, field)
    target = fitted_size(image.size, max_side)
    coefficients = _jpeg_coefficient_bytes(image, data)
    if image.format == "JPEG":
        image.draft(None, target)  # libjpeg decodes at 1/2, 1/4 or 1/8 scale, still >= target
    cost = decoding_cost(
        image.size,
        image.mode,
        image.format,
        max_side,
        alpha=_has_alpha(image),
        coefficients=coefficients,
    )
    if cost > MEMORY_BUDGET:
        raise _too_many_pixels(max_side, field)
    try:
        image.load()
    except DECODING_ERRORS as error:
        raise _unreadable(field) from error
    if image.mode not in ("L", "RGB", "RGBA"):
        image = image.convert("RGBA" if _has_alpha(image) else "RGB")
    elif image.format == "WEBP":
        image = image.copy()  # lets the decoder's own frame buffers go
    if image.mode == "RGBA":
        if image.getextrema()[3][0] == 255:  # an alpha channel with nothing transparent
            image = image.convert("RGB")
        else:
            image = image.convert("RGBa")
            target = fitted_size(image.size, min(max_side, ALPHA_SIDE))
    factor = min(image.width // target[0], image.height // target[1])
    if factor >= 2:
        image = image.reduce(factor)  # a box filter on whole blocks: cheap, and small after
    return _resize(image, target)


def _resize(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    """Lanczos resize, a band of rows at a time (Pillow reads across the band's edges)."""
    from PIL import Image

    if image.size == size:
        return image
    resized = Image.new(image.mode, size)
    scale = image.height / size[1]
    for top in range(0, size[1], BAND_ROWS):
        bottom = min(top + BAND_ROWS, size[1])
        box = (0, top * scale, image.width, bottom * scale)
        band = image.resize((size[0], bottom - top), Image.Resampling.LANCZOS, box=box)
        resized.paste(band, (0, top))
    return resized


# Bytes a pixel of the shrunk image that libwebp takes to encode it (measured, method 4):
# its YUV planes for colour; the lossless coder of the alpha plane needs far more.
ENCODER_BYTES = 5
ALPHA_ENCODER_BYTES = 28


def decoding_cost(
    size: tuple[int, int],
    mode: str,
    image_format: str,
    max_side: int,
    *,
    alpha: bool = False,
    coefficients: int = 0,
) -> int:
    """Bytes that decoding, shrinking and encoding an image take at their peak.

    `size` and `mode` are those the decoder produces (after a JPEG's reduced scale), `alpha`
    whether it has transparency, `coefficients` what libjpeg buffers (`coefficient_bytes`).

    It follows `_decode_shrunk` and `encode_image` step by step, with what Pillow and its
    codecs allocate at each: the decoded raster (4 bytes a pixel, 1 for grey or palette
    images), libwebp's own frame buffers, the full-size coefficients libjpeg keeps for
    progressive files, the converted or premultiplied copy, the reduced image, the shrunk
    one, and the encoder's working memory. An image with transparency is costed both ways,
    as it may turn out to be opaque. The figures were checked by measuring
    (tests/domain/test_image_memory.py).
    """
    width, height = size
    pixels = width * height
    held = pixels * _bytes_per_pixel(mode)
    peak = held + coefficients
    if image_format == "WEBP":
        held = 3 * pixels * 4  # the image, the decoder's canvas and the frame it handed over
        peak = held + pixels * 4
    depth = 1 if mode == "L" else 4
    if mode not in ("L", "RGB", "RGBA") or image_format == "WEBP":
        peak = max(peak, held + pixels * depth)  # converted, or copied away from the decoder
        held = pixels * depth
    ways = [(fitted_size(size, max_side), False)]
    if alpha:
        peak = max(peak, held + pixels * 4)  # premultiplied, or turned to RGB if opaque
        ways.append((fitted_size(size, min(max_side, ALPHA_SIDE)), True))
    for target, alpha in ways:
        factor = min(width // target[0], height // target[1])
        current = held
        if factor >= 2:
            reduced = math.ceil(width / factor) * math.ceil(height / factor) * depth
            peak = max(peak, current + reduced)
            current = reduced
        shrunk = target[0] * target[1]
        band = target[0] * 2 * BAND_ROWS * depth
        peak = max(peak, current + shrunk * depth + band)
        # The shrunk image, the RGB or RGBA copy libwebp takes, and the encoder's own memory.
        if alpha:
            encoding = shrunk * (4 + 4 + ALPHA_ENCODER_BYTES)
        else:
            encoding = shrunk * (depth + (4 if depth == 1 else 0) + ENCODER_BYTES)
        peak = max(peak, encoding + band)
    return peak


def _bytes_per_pixel(mode: str) -> int:
    if mode in ("1", "L", "P"):
        return 1
    return 2 if mode.startswith("I;16") else 4


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )


def _jpeg_coefficient_bytes(image: Image.Image, data: bytes) -> int:
    """What libjpeg buffers for a JPEG in several scans (0 for any other image).

    Progressive files always need it, whatever scale they are decoded at; a baseline file
    with more than one scan needs it too (rare, but a hostile file can be made so).
    """
    if image.format != "JPEG":
        return 0
    if not image.info.get("progressive") and _jpeg_scan_count(data) <= 1:
        return 0
    sampling = [(layer[1], layer[2]) for layer in getattr(image, "layer", None) or []]
    return coefficient_bytes(image.size, sampling or [(1, 1)] * 3)


def coefficient_bytes(size: tuple[int, int], sampling: list[tuple[int, int]]) -> int:
    """Every DCT coefficient of a JPEG of `size` at full size: 64 of 2 bytes an 8×8 block.

    `sampling` gives each component's (horizontal, vertical) factors, e.g. 4:2:0 colour is
    [(2, 2), (1, 1), (1, 1)].
    """
    h_max = max(h for h, _ in sampling) or 1
    v_max = max(v for _, v in sampling) or 1
    total = 0
    for h_sampling, v_sampling in sampling:
        blocks_wide = math.ceil(size[0] * h_sampling / h_max / 8) + 1
        blocks_high = math.ceil(size[1] * v_sampling / v_max / 8) + 1
        total += blocks_wide * blocks_high * 64 * 2
    return total


def _jpeg_scan_count(data: bytes) -> int:
    """How many scans (SOS markers) a JPEG has, walking its segments."""
    position, scans, end = 2, 0, len(data)
    while position + 4 <= end:
        if data[position] != 0xFF:
            return scans
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker == 0xD9:  # end of image
            return scans
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # markers without a length
            position += 2
            continue
        position += 2 + int.from_bytes(data[position + 2 : position + 4], "big")
        if marker != 0xDA:
            continue
        scans += 1
        # Entropy-coded data follows: a marker is 0xFF then a byte other than 0 and RSTn.
        while True:
            position = data.find(b"\xff", position)
            if position < 0 or position + 1 >= end:
                return scans
            following = data[position + 1]
            if following == 0 or 0xD0 <= following <= 0xD7:
                position += 2
                continue
            break
    return scans


def _webp(image: Image.Image) -> bytes:
    if image.mode == "RGBa":
        image = image.convert("RGBA")
    buffer = io.BytesIO()
    image.save(buffer, format="WEBP", quality=WEBP_QUALITY, method=4)
    return buffer.getvalue()
