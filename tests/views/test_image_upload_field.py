"""ImageUpload: an image over the limit is an error beside its field, the rest is kept.

A tiny app with one form, as the organisation and innovation forms will use the field:
validate_on_submit() refuses a file over UPLOAD_MAX_BYTES, `store()` keeps a good one and
raises DomainError on the field for a bad one.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from flask import Flask, render_template_string
from flask_babel import Babel
from flask_wtf import FlaskForm
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart
from wtforms import StringField
from wtforms.validators import DataRequired

from hub.domain import uploads
from hub.domain.errors import DomainError
from hub.images import ImageUpload
from hub.unit_of_work import show_domain_error
from tests.image_files import picture
from tests.support import ROOT

MiB = 1024 * 1024
PAGE = """
<form method="post" enctype="multipart/form-data">
  {{ form.name() }}
  {{ form.logo() }}
  {% for message in form.logo.errors %}<small class="field-error">{{ message }}</small>{% endfor %}
</form>
"""


class ProfileForm(FlaskForm):
    name = StringField("Nom", validators=[DataRequired()])
    logo = ImageUpload("Logo", side=uploads.LOGO_SIDE)


@pytest.fixture
def form_app(tmp_path) -> Flask:
    tiny = Flask(__name__)
    tiny.config.update(
        TESTING=True,
        SECRET_KEY="test-secret-key-not-for-production",
        WTF_CSRF_ENABLED=False,
        UPLOAD_DIR=str(tmp_path / "uploads"),
        UPLOAD_MAX_BYTES=2 * MiB,
        MAX_CONTENT_LENGTH=16 * MiB,  # the hard cap, well above any image accepted
        BABEL_DEFAULT_LOCALE="fr",
        BABEL_TRANSLATION_DIRECTORIES=str(ROOT / "hub" / "translations"),
    )
    Babel(tiny)

    @tiny.route("/profile", methods=["GET", "POST"])
    def profile():
        form = ProfileForm()
        if form.validate_on_submit():
            try:
                logo = form.logo.store()
            except DomainError as error:
                show_domain_error(form, error)
            else:
                return {"name": form.name.data, "logo": logo}, 201
        return render_template_string(PAGE, form=form), 422 if form.errors else 200

    return tiny


def post(form_app, **files):
    # Encoded in memory: the test client would spool a large body to a file it never closes.
    boundary, body = encode_multipart(MultiDict({"name": "ÉcoTrace", **files}))
    return form_app.test_client().post(
        "/profile", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )


def stored(form_app) -> list[str]:
    folder = form_app.config["UPLOAD_DIR"]
    return sorted(path.name for path in Path(folder).glob("*"))


def test_a_6_mb_logo_comes_back_as_an_error_beside_the_field_with_the_name_kept(form_app):
    response = post(form_app, logo=FileStorage(io.BytesIO(b"\x89PNG" + bytes(6 * MiB)), "logo.png"))
    assert response.status_code == 422
    assert (
        '<small class="field-error">L’image est trop lourde\u00a0: 2 Mo au plus.</small>'
        in response.text
    )
    assert 'value="ÉcoTrace"' in response.text
    assert stored(form_app) == []


def test_a_bad_image_under_the_limit_is_refused_on_the_field_by_the_domain(form_app):
    response = post(
        form_app, logo=FileStorage(io.BytesIO(picture((64, 64), image_format="GIF")), "a.png")
    )
    assert response.status_code == 422
    assert "Seules les images PNG, JPEG et WebP sont acceptées." in response.text
    assert 'value="ÉcoTrace"' in response.text
    assert stored(form_app) == []


def test_a_good_logo_is_stored_with_its_copies(form_app):
    response = post(form_app, logo=FileStorage(io.BytesIO(picture((1000, 500))), "logo.png"))
    assert response.status_code == 201
    logo = response.json["logo"]
    assert logo.endswith("-512x256.webp")
    assert stored(form_app) == sorted(uploads.stored_names(logo))


def test_no_file_chosen_stores_nothing(form_app):
    response = post(form_app, logo=FileStorage(io.BytesIO(b""), ""))
    assert (response.status_code, response.json) == (201, {"name": "ÉcoTrace", "logo": None})


def test_beyond_the_hard_cap_the_request_is_refused_whole(form_app):
    response = post(form_app, logo=FileStorage(io.BytesIO(bytes(17 * MiB)), "huge.png"))
    assert response.status_code == 413


def test_the_file_input_offers_only_the_accepted_types(form_app):
    with form_app.test_request_context():
        assert ProfileForm().logo() == (
            '<input accept="image/png,image/jpeg,image/webp" id="logo" name="logo" type="file">'
        )
