"""Uploaded images (logos, innovation pictures): checked by content, re-encoded, renamed.

A file is accepted only if Pillow reads it as PNG, JPEG or WebP, whatever its name or the
type the browser claimed. It is then decoded, resized and written again as WebP under a
random name in UPLOAD_DIR, so nothing the sender wrote (metadata, trailing bytes, a script
disguised as an image) is ever served back.
"""

from __future__ import annotations

import io
import re
import secrets
import warnings
from pathlib import Path
from typing import IO, TYPE_CHECKING

from flask import current_app
from flask_babel import lazy_gettext as _l

from hub.domain.errors import DomainError

if TYPE_CHECKING:
    from PIL import Image

ACCEPTED_FORMATS = frozenset({"PNG", "JPEG", "WEBP"})
MAX_PIXELS = 40_000_000  # refuse "decompression bombs" before decoding them
LOGO_SIDE = 512
PICTURE_SIDE = 1600
STORED_NAME = re.compile(r"^[0-9a-f]{32}\.webp$")


def upload_dir() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])


def store_image(stream: IO[bytes], max_side: int, field: str = "image") -> str:
    """Check an uploaded image and store a clean copy; returns its generated file name.

    Raises DomainError (on `field`) for a file too large, empty, not an image, or in a
    format other than PNG, JPEG or WebP.
    """
    limit = current_app.config["UPLOAD_MAX_BYTES"]
    data = stream.read(limit + 1)
    if not data:
        raise DomainError(_l("The file is empty."), field=field)
    if len(data) > limit:
        raise DomainError(
            _l("The image is too large: %(size)s MB at most.", size=f"{limit / 1024 / 1024:g}"),
            field=field,
        )
    # Pillow is loaded on the first upload only: web workers that never see one stay small.
    from PIL import Image, ImageOps

    image = _decode(data, field)
    image = ImageOps.exif_transpose(image)
    image = image.convert("RGBA" if _has_alpha(image) else "RGB")
    image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    name = f"{secrets.token_hex(16)}.webp"
    folder = upload_dir()
    folder.mkdir(parents=True, exist_ok=True)
    image.save(folder / name, format="WEBP", quality=85, method=4)
    return name


def _decode(data: bytes, field: str) -> Image.Image:
    from PIL import Image, UnidentifiedImageError

    unreadable = DomainError(
        _l("This file is not a readable image. Send a PNG, JPEG or WebP picture."), field=field
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
            if probe.format not in ACCEPTED_FORMATS:
                raise DomainError(_l("Only PNG, JPEG and WebP images are accepted."), field=field)
            if probe.width * probe.height > MAX_PIXELS:
                raise DomainError(_l("The image has too many pixels."), field=field)
            probe.verify()
            image = Image.open(io.BytesIO(data))
            image.load()
    except DomainError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Warning) as error:
        raise unreadable from error
    return image


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )


def stored_path(name: str) -> Path | None:
    """The file for a stored name, or None if the name is not one this module generates."""
    if not STORED_NAME.match(name or ""):
        return None
    path = upload_dir() / name
    return path if path.is_file() else None


def discard(name: str | None) -> None:
    """Delete a stored image that nothing refers to any more (after the commit)."""
    if name and STORED_NAME.match(name):
        (upload_dir() / name).unlink(missing_ok=True)
