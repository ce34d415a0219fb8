"""Images at the edges: URLs and srcset for templates, and the upload field for forms.

Templates use the macro `picture` of `_images.html`, which calls the helpers below; they
read everything from the stored name (its size and its copies), never from the storage.
Forms use `ImageUpload`: it refuses a file over UPLOAD_MAX_BYTES beside the field, so the
form comes back with everything else that was typed, and `store()` keeps the image.
"""

from __future__ import annotations

import os

from flask import Flask, current_app, has_request_context, request, url_for
from flask_wtf.file import FileField
from wtforms.validators import ValidationError

from hub import links
from hub.domain import uploads

ACCEPTED_TYPES = "image/png,image/jpeg,image/webp"
# Link previews (Open Graph, Twitter cards) and feeds show a picture about 1200 pixels wide.
SHARED_WIDTH = 1024
# The width a picture takes on screen (the `sizes` attribute): a card of the `.cards` grid
# (at least 16rem, three or four to a row on a wide screen), or a page's main picture.
CARD_SIZES = "(min-width: 1200px) 360px, (min-width: 768px) 45vw, 100vw"
PAGE_SIZES = "(min-width: 1200px) 1130px, 100vw"
MEDIA_PREFIXES = "hub.media_prefixes"


def media_url(name: str | None, width: int | None = None) -> str:
    """URL of a stored image, or of its smallest copy at least `width` pixels wide."""
    if not name:
        return ""
    return _file_url(uploads.name_for_width(name, width))


def _file_url(name: str) -> str:
    """url_for("media.file", name=name), its prefix built once per app: a card list shows
    a hundred of these, and the names this app stores need no quoting."""
    if not uploads.is_stored_name(name) or not has_request_context():
        return url_for("media.file", name=name)
    prefixes = current_app.extensions.setdefault(MEDIA_PREFIXES, {})
    prefix = prefixes.get(request.script_root)
    if prefix is None:
        sample = "0" * 32 + ".webp"
        prefix = prefixes[request.script_root] = url_for("media.file", name=sample)[: -len(sample)]
    return prefix + name


def srcset(name: str | None) -> str:
    """The `srcset` of a stored image: each copy with its width; empty for older names."""
    if not uploads.stored_size(name):
        return ""
    copies = zip(uploads.stored_names(name), uploads.stored_sizes(name), strict=True)
    return ", ".join(f"{_file_url(copy)} {size[0]}w" for copy, size in copies)


def image_size(name: str | None) -> tuple[int, int] | None:
    """(width, height) of a stored image, from its name; None when it does not say."""
    return uploads.stored_size(name)


def shared_image(name: str | None, width: int = SHARED_WIDTH) -> dict | None:
    """The copy of a stored image that link previews and feeds show: absolute URL and size.

    The address is built on PUBLIC_URL (hub.links), as the page is read elsewhere.
    """
    if not name:
        return None
    chosen = uploads.name_for_width(name, width)
    return {"url": links.url("media.file", name=chosen), "size": uploads.stored_size(chosen)}


def register_image_helpers(app: Flask) -> None:
    app.jinja_env.globals.update(
        media_url=media_url,
        srcset=srcset,
        image_size=image_size,
        shared_image=shared_image,
        CARD_SIZES=CARD_SIZES,
        PAGE_SIZES=PAGE_SIZES,
    )


class UploadSize:
    """Refuse a file over UPLOAD_MAX_BYTES, with the same words the domain uses."""

    def __call__(self, form, field) -> None:
        storage = field.data
        if not storage or not getattr(storage, "filename", ""):
            return
        stream = storage.stream
        # Measured by seeking: a large file was spooled to disk and is not read into memory.
        position = stream.tell()
        stream.seek(0, os.SEEK_END)
        size = stream.tell()
        stream.seek(position)
        if size > current_app.config["UPLOAD_MAX_BYTES"]:
            raise ValidationError(str(uploads.too_large_message()))


class ImageUpload(FileField):
    """A file input for a logo or picture (PNG, JPEG or WebP, at most UPLOAD_MAX_BYTES).

    `side` is the longest side the stored image keeps (uploads.LOGO_SIDE or PICTURE_SIDE).
    """

    def __init__(self, label=None, validators=None, *, side: int, **kwargs):
        render_kw = {"accept": ACCEPTED_TYPES, **(kwargs.pop("render_kw", None) or {})}
        super().__init__(label, [*(validators or []), UploadSize()], render_kw=render_kw, **kwargs)
        self.side = side

    @property
    def has_file(self) -> bool:
        return bool(self.data and getattr(self.data, "filename", ""))

    def store(self) -> str | None:
        """Check and store the chosen image; its stored name, or None if none was chosen.

        Raises DomainError on this field (hub.unit_of_work.show_domain_error) for a bad image.
        """
        if not self.has_file:
            return None
        return uploads.store_image(self.data.stream, self.side, field=self.name)
