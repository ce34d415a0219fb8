"""An image over the limit, or a decompression bomb, sent with the real forms: an error
beside the field, on the same form, with everything else typed kept, and nothing stored."""

from __future__ import annotations

import io
import logging

import pytest
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from tests.image_files import blank_png, empty_upload_dir, huge_gif  # noqa: F401  (a fixture)
from tests.views.test_organisations_views import organisation_named, profile, uploaded_files

MiB = 1024 * 1024
TOO_MANY_PIXELS = "Cette image compte trop de pixels pour être traitée."

pytestmark = pytest.mark.usefixtures("empty_upload_dir")


def send(client, path: str, fields: dict, **files):
    # Encoded in memory: the test client would spool a large body to a file it never closes.
    data = MultiDict({"csrf_token": client.csrf_token(), **fields})
    for name, (content, filename) in files.items():
        data[name] = FileStorage(io.BytesIO(content), filename)
    boundary, body = encode_multipart(data)
    return client.post(path, data=body, content_type=f"multipart/form-data; boundary={boundary}")


@pytest.fixture
def owner_of_startup(client, make):
    owner = make.user(email="owner@example.org")
    startup = make.startup("ÉcoTrace", owner=owner, tagline="Avant")
    client.login(owner.email)
    return startup


def test_the_request_limit_lets_a_large_file_reach_its_form(app):
    assert app.config["MAX_CONTENT_LENGTH"] == 16 * MiB
    assert app.config["UPLOAD_MAX_BYTES"] == 2 * MiB


def test_a_6_mb_logo_is_an_error_beside_the_field_with_the_profile_kept(
    app, client, owner_of_startup, caplog
):
    caplog.set_level(logging.WARNING)
    response = send(
        client,
        f"/manage/{owner_of_startup.slug}/profile",
        profile(name="ÉcoTrace", tagline="Après, tapé avec soin"),
        logo=(b"\x89PNG" + bytes(6 * MiB), "logo.png"),
    )
    assert response.status_code == 422
    assert "L’image est trop lourde\u00a0: 2 Mo au plus." in response.text
    assert 'aria-invalid="true"' in response.text
    assert 'value="Après, tapé avec soin"' in response.text
    saved = organisation_named(app, "ÉcoTrace")
    assert (saved.tagline, saved.logo) == ("Avant", None)
    assert uploaded_files(app) == set()
    assert [record for record in caplog.records if record.levelno >= logging.ERROR] == []


@pytest.mark.parametrize(
    "bomb",
    [lambda: blank_png(20000, 20000, "L"), huge_gif],
    ids=["png-20000x20000-389kb", "gif-65535x65535-35b"],
)
def test_a_decompression_bomb_is_an_error_beside_the_field(app, client, owner_of_startup, bomb):
    response = send(
        client,
        f"/manage/{owner_of_startup.slug}/profile",
        profile(name="ÉcoTrace", tagline="Après"),
        logo=(bomb(), "logo.png"),
    )
    assert response.status_code == 422
    assert TOO_MANY_PIXELS in response.text
    assert 'value="Après"' in response.text
    assert organisation_named(app, "ÉcoTrace").logo is None
    assert uploaded_files(app) == set()


def test_a_6_mb_innovation_picture_is_an_error_beside_the_field(app, client, owner_of_startup):
    response = send(
        client,
        f"/manage/{owner_of_startup.slug}/innovations/new",
        {"title": "Vélo cargo", "summary": "Léger et sobre"},
        image=(bytes(6 * MiB), "photo.jpg"),
    )
    assert response.status_code == 422
    assert "L’image est trop lourde\u00a0: 2 Mo au plus." in response.text
    assert 'value="Vélo cargo"' in response.text
    assert uploaded_files(app) == set()


def test_beyond_the_request_limit_the_answer_is_413(client, owner_of_startup):
    response = send(
        client,
        f"/manage/{owner_of_startup.slug}/profile",
        profile(name="ÉcoTrace"),
        logo=(bytes(17 * MiB), "logo.png"),
    )
    assert response.status_code == 413
