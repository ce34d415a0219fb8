"""Static files go out pre-compressed: Brotli or gzip as the browser accepts, else as they are.

The compressed copies are written by the install step (`make static`, the Dockerfile), never
committed: these tests fail if that step did not run.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import brotli
import pytest

STATIC = Path(__file__).resolve().parents[2] / "hub" / "static"
VENDORED = sorted(
    path.relative_to(STATIC).as_posix()
    for pattern in ("vendor/htmx-*.min.js", "vendor/pico-*.min.css")
    for path in STATIC.glob(pattern)
)


def _identity(body: bytes) -> bytes:
    return body


def test_the_install_step_wrote_both_compressed_copies_of_each_vendored_file():
    assert len(VENDORED) == 2
    missing = [
        f"{name}{suffix}"
        for name in VENDORED
        for suffix in (".br", ".gz")
        if not (STATIC / f"{name}{suffix}").is_file()
    ]
    assert missing == [], "run `make static` (part of make run/test/bench) to write them"


@pytest.mark.parametrize("name", VENDORED)
@pytest.mark.parametrize(
    ("accept_encoding", "content_encoding", "decode"),
    [
        ("gzip, deflate, br, zstd", "br", brotli.decompress),
        ("br", "br", brotli.decompress),
        ("gzip, deflate", "gzip", gzip.decompress),
        ("identity", None, _identity),
        (None, None, _identity),
    ],
)
def test_a_vendored_file_is_sent_in_the_encoding_the_browser_accepts(
    client, name, accept_encoding, content_encoding, decode
):
    headers = {"Accept-Encoding": accept_encoding} if accept_encoding else {}
    original = (STATIC / name).read_bytes()

    with client.get(f"/static/{name}", headers=headers) as response:
        status, sent, body = response.status_code, response.headers, response.get_data()

    assert status == 200
    assert sent.get("Content-Encoding") == content_encoding
    assert sent["Vary"] == "Accept-Encoding"
    assert sent["Cache-Control"] == "public, max-age=31536000, immutable"
    assert int(sent["Content-Length"]) == len(body)
    assert decode(body) == original
    if content_encoding:
        assert len(body) < len(original) / 3
