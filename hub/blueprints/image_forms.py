"""Forms that carry an image (a logo, an innovation's picture): one way to save them.

The form's ImageUpload field (hub/images.py) checks and stores the image as part of the
domain action; if the action is refused, the stored file is deleted at once; the file it
replaces is deleted once the change is committed. Storage itself is hub/domain/uploads.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_wtf import FlaskForm

from hub.domain import uploads
from hub.images import ImageUpload
from hub.unit_of_work import Outcome, after_commit, attempt_form


def attempt_form_with_image(
    form: FlaskForm,
    image_field: ImageUpload,
    action: Callable[[str | None], tuple[Any, str | None]],
) -> Outcome:
    """Run `action(image)` for a valid form, `image` being the newly stored file (or None).

    `action` returns (its result, the name of the image it replaced or removed, or None).
    """
    stored: list[str | None] = []

    def with_image():
        image = image_field.store()
        stored.append(image)
        return action(image)

    outcome = attempt_form(form, with_image)
    if not outcome.ok:
        uploads.discard(stored[0] if stored else None)
        return outcome
    result, replaced = outcome.value
    after_commit(lambda: uploads.discard(replaced))
    return Outcome(value=result)
