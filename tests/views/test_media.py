"""/media/<name>: stored images with safe headers, cached for good, 404 for anything else."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from hub.domain import uploads
from tests.image_files import (
    empty_upload_dir,  # noqa: F401  (a fixture)
    picture,
)

pytestmark = pytest.mark.usefixtures("empty_upload_dir")


@pytest.fixture
def stored(app) -> str:
    with app.app_context():
        return uploads.store_image(io.BytesIO(picture((900, 600))), uploads.PICTURE_SIDE)


def test_a_stored_image_is_served_inline_sandboxed_and_cached_for_a_year(client, app, stored):
    response = client.get(f"/media/{stored}")
    body = (Path(app.config["UPLOAD_DIR"]) / stored).read_bytes()
    assert (response.status_code, response.data) == (200, body)
    assert response.headers["Content-Type"] == "image/webp"
    assert response.headers["Content-Length"] == str(len(body))
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"] == "inline"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.headers["ETag"] == f'"{stored}"'
    assert response.headers["Accept-Ranges"] == "bytes"
    assert "Last-Modified" in response.headers
    response.close()


def test_every_copy_in_the_srcset_is_served(client, stored):
    for name in uploads.stored_names(stored):
        response = client.get(f"/media/{name}")
        assert response.status_code == 200
        response.close()


def test_a_browser_that_has_the_image_gets_304(client, stored):
    first = client.get(f"/media/{stored}")
    last_modified = first.headers["Last-Modified"]
    first.close()
    by_etag = client.get(f"/media/{stored}", headers={"If-None-Match": f'"{stored}"'})
    by_date = client.get(f"/media/{stored}", headers={"If-Modified-Since": last_modified})
    for response in (by_etag, by_date):
        assert (response.status_code, response.data) == (304, b"")
        assert response.headers["ETag"] == f'"{stored}"'
        response.close()


def test_a_range_and_a_head_request_are_answered(client, app, stored):
    body = (Path(app.config["UPLOAD_DIR"]) / stored).read_bytes()
    part = client.get(f"/media/{stored}", headers={"Range": "bytes=0-9"})
    assert (part.status_code, part.data) == (206, body[:10])
    assert part.headers["Content-Range"] == f"bytes 0-9/{len(body)}"
    part.close()
    head = client.head(f"/media/{stored}")
    assert (head.status_code, head.data) == (200, b"")
    assert head.headers["Content-Length"] == str(len(body))
    head.close()


def test_an_image_stored_before_names_carried_sizes_is_still_served(client, app):
    legacy = "0123456789abcdef0123456789abcdef.webp"
    folder = Path(app.config["UPLOAD_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / legacy).write_bytes(b"RIFF....WEBP")
    response = client.get(f"/media/{legacy}")
    assert (response.status_code, response.data) == (200, b"RIFF....WEBP")
    response.close()


@pytest.mark.parametrize(
    "name",
    [
        "..%2Finstance%2Fsecret_key",
        "secret_key",
        "logo.svg",
        f"{'a' * 32}.webp",
        f"{'a' * 32}-512x256.webp",
        f"{'A' * 32}-512x256.webp",
        f"{'a' * 32}-0512x256.webp",
        f"{'a' * 32}-512x256.webp.png",
        f"{'a' * 32}-512x256.png",
        f".{'a' * 32}-512x256.webp.0a1b2c3d.partial",
    ],
)
def test_names_the_module_never_generates_or_never_stored_answer_404(client, name):
    assert client.get(f"/media/{name}").status_code == 404
