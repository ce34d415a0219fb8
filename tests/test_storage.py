"""Storage of uploaded files: one behaviour, a local folder or S3-compatible object storage.

The S3 backend is tested against moto's S3 server, started on a free loopback port: the
real boto3 client speaks HTTP to it, as it would to MinIO or AWS.
"""

from __future__ import annotations

import io
import json
import os
import secrets
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image

from hub import create_app
from hub.domain import uploads
from hub.extensions import db
from hub.storage import (
    LocalStorage,
    S3Storage,
    StorageError,
    init_storage,
    storage_from_config,
)
from tests.support import ROOT, HubClient, free_port, unavailable

CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "test-key-not-for-production",
    "AWS_SECRET_ACCESS_KEY": "test-secret-not-for-production",
    "AWS_DEFAULT_REGION": "us-east-1",
}


@pytest.fixture(scope="session")
def s3_endpoint():
    """moto's S3 server in its own process; yields its URL (credentials in the environment)."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{url}/moto-api/", timeout=1).close()  # noqa: S310
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                unavailable("moto's S3 server did not start (pip install 'moto[server]')")
            time.sleep(0.1)
    with pytest.MonkeyPatch.context() as env:
        for name, value in CREDENTIALS.items():
            env.setenv(name, value)
        yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def bucket(s3_endpoint) -> str:
    """A new, empty bucket for one test."""
    name = f"hub-test-{secrets.token_hex(6)}"
    S3Storage(name, endpoint_url=s3_endpoint).client.create_bucket(Bucket=name)
    return name


@pytest.fixture(params=["local", "s3"])
def storage(request, tmp_path):
    if request.param == "local":
        return LocalStorage(tmp_path / "uploads")
    endpoint = request.getfixturevalue("s3_endpoint")
    return S3Storage(request.getfixturevalue("bucket"), endpoint_url=endpoint, prefix="media/")


def test_a_saved_file_reads_back_with_its_size_and_date(storage):
    before = datetime.now(UTC) - timedelta(seconds=2)
    storage.save("a1-10x5.webp", b"RIFF-data", "image/webp")
    assert storage.exists("a1-10x5.webp")
    assert storage.read("a1-10x5.webp") == b"RIFF-data"
    stored = storage.open("a1-10x5.webp")
    with stored.stream as stream:
        assert stream.read() == b"RIFF-data"
    assert (stored.size, stored.content_type) == (9, "image/webp")
    assert before <= stored.modified <= datetime.now(UTC) + timedelta(seconds=2)


def test_saving_again_under_a_name_replaces_the_file(storage):
    storage.save("same.webp", b"first", "image/webp")
    storage.save("same.webp", b"second", "image/webp")
    assert storage.read("same.webp") == b"second"


def test_a_missing_file_is_none_and_deleting_it_is_harmless(storage):
    assert storage.open("missing.webp") is None
    assert storage.read("missing.webp") is None
    assert storage.exists("missing.webp") is False
    storage.delete("missing.webp")
    storage.save("gone.webp", b"x", "image/webp")
    storage.delete("gone.webp")
    assert (storage.exists("gone.webp"), storage.read("gone.webp")) == (False, None)


@pytest.mark.parametrize(
    "name", ["../secret_key", "a/b.webp", "", ".hidden", "a..b", "x" * 201, "a.webp\n"]
)
def test_names_that_could_leave_the_storage_are_refused(storage, name):
    for operation in (storage.exists, storage.open, storage.read, storage.delete):
        with pytest.raises(ValueError, match="not a storable name"):
            operation(name)
    with pytest.raises(ValueError, match="not a storable name"):
        storage.save(name, b"x", "image/webp")


def test_a_reachable_storage_passes_its_check(storage):
    storage.check()


def test_a_missing_bucket_fails_the_check_with_a_storage_error(s3_endpoint):
    storage = S3Storage("no-such-bucket", endpoint_url=s3_endpoint)
    with pytest.raises(StorageError, match="head_bucket"):
        storage.check()
    with pytest.raises(StorageError, match="put_object"):
        storage.save("a.webp", b"x", "image/webp")


def test_an_unreachable_endpoint_is_a_storage_error():
    storage = S3Storage("bucket", endpoint_url=f"http://127.0.0.1:{free_port()}")
    with pytest.raises(StorageError, match="unreachable"):
        storage.check()


def test_s3_objects_are_kept_under_the_prefix_with_their_type_and_caching(bucket, s3_endpoint):
    storage = S3Storage(bucket, endpoint_url=s3_endpoint, prefix="media/")
    storage.save("p1-4x4.webp", b"webp", "image/webp")
    head = storage.client.head_object(Bucket=bucket, Key="media/p1-4x4.webp")
    assert head["ContentType"] == "image/webp"
    assert head["CacheControl"] == "public, max-age=31536000, immutable"
    listed = storage.client.list_objects_v2(Bucket=bucket)["Contents"]
    assert [entry["Key"] for entry in listed] == ["media/p1-4x4.webp"]


def test_a_local_file_is_never_seen_half_written(tmp_path):
    storage = LocalStorage(tmp_path)
    storage.save("whole.webp", b"x" * 100_000, "image/webp")
    assert [path.name for path in tmp_path.iterdir()] == ["whole.webp"]


@pytest.mark.parametrize(
    ("settings", "kind"),
    [
        ({}, LocalStorage),
        ({"STORAGE_BACKEND": "local", "S3_BUCKET": "b"}, LocalStorage),
        ({"S3_BUCKET": "b"}, S3Storage),
        ({"STORAGE_BACKEND": "S3", "S3_BUCKET": "b"}, S3Storage),
    ],
)
def test_the_backend_follows_the_settings(settings, kind, tmp_path):
    storage = storage_from_config({"UPLOAD_DIR": str(tmp_path), **settings})
    assert type(storage) is kind


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"STORAGE_BACKEND": "s3"}, "STORAGE_BACKEND=s3 needs S3_BUCKET"),
        ({"STORAGE_BACKEND": "ftp"}, "STORAGE_BACKEND must be 'local' or 's3', not 'ftp'"),
    ],
)
def test_a_wrong_storage_setting_stops_the_app_at_start(settings, message, tmp_path):
    with pytest.raises(ValueError, match=message):
        create_app({"TESTING": True, "SECRET_KEY": "x", "UPLOAD_DIR": str(tmp_path), **settings})


def test_s3_settings_reach_the_client(tmp_path):
    app_config = {
        "UPLOAD_DIR": str(tmp_path),
        "S3_BUCKET": "atelier",
        "S3_ENDPOINT_URL": "https://s3.fr-par.example",
        "S3_REGION": "fr-par",
        "S3_PREFIX": "uploads/",
        "S3_ADDRESSING_STYLE": "path",
    }
    storage = storage_from_config(app_config)
    client = storage.client
    assert (storage.bucket, storage.prefix) == ("atelier", "uploads/")
    assert client.meta.endpoint_url == "https://s3.fr-par.example"
    assert client.meta.region_name == "fr-par"
    assert client.meta.config.s3 == {"addressing_style": "path"}


def test_web_workers_without_s3_never_import_boto3(tmp_path):
    """A site on local storage serves, stores and deletes images without loading boto3."""
    script = f"""
import io, json, sys
from PIL import Image
from hub import create_app
from hub.domain import uploads
app = create_app({{"TESTING": True, "SECRET_KEY": "x", "UPLOAD_DIR": {str(tmp_path)!r},
                   "SQLALCHEMY_DATABASE_URI": "sqlite://"}})
buffer = io.BytesIO()
Image.new("RGB", (300, 200), "teal").save(buffer, "PNG")
buffer.seek(0)
with app.app_context():
    name = uploads.store_image(buffer, uploads.PICTURE_SIDE)
status = app.test_client().get("/media/" + name).status_code
with app.app_context():
    uploads.discard(name)
print(json.dumps([status, "boto3" in sys.modules, "botocore" in sys.modules]))
"""
    environment = {k: v for k, v in os.environ.items() if k not in ("S3_BUCKET", "STORAGE_BACKEND")}
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert json.loads(result.stdout.splitlines()[-1]) == [200, False, False]


def png_bytes(size=(1200, 800)) -> bytes:
    buffer = io.BytesIO()
    Image.linear_gradient("L").resize(size).convert("RGB").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def two_nodes(app, database_url, bucket, s3_endpoint, tmp_path):
    """Two app nodes on the same database and bucket, each with its own instance folder."""
    nodes = []
    for node in ("a", "b"):
        node_app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": app.config["SECRET_KEY"],
                "SQLALCHEMY_DATABASE_URI": database_url,
                "MAIL_BACKEND": "file",
                "MAIL_DIR": str(tmp_path / node / "mail"),
                "UPLOAD_DIR": str(tmp_path / node / "uploads"),
                "RATELIMIT_STORAGE_URI": "memory://",
                "S3_BUCKET": bucket,
                "S3_ENDPOINT_URL": s3_endpoint,
            }
        )
        node_app.test_client_class = HubClient
        nodes.append(node_app)
    yield nodes
    for node_app in nodes:
        with node_app.app_context():
            db.session.remove()
            db.engine.dispose()


def test_a_logo_uploaded_on_one_node_is_served_by_another(two_nodes, make, tmp_path):
    node_a, node_b = two_nodes
    owner = make.user()
    startup = make.startup(owner=owner)
    uploader = node_a.test_client()
    uploader.login(owner.email)
    response = uploader.submit(
        f"/manage/{startup.slug}/profile",
        {
            "name": startup.name,
            "logo": (io.BytesIO(png_bytes((1200, 800))), "logo.png"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    with node_b.app_context():
        logo = db.session.get(type(startup), startup.id).logo
        names = uploads.stored_names(logo)
    assert names[-1] == logo and logo.endswith("-512x341.webp")

    visitor = node_b.test_client()
    for name, width in zip(names, (128, 256, 512), strict=True):
        served = visitor.get(f"/media/{name}")
        assert served.status_code == 200
        assert served.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        with Image.open(io.BytesIO(served.data)) as image:
            assert (image.format, image.width) == ("WEBP", width)
        served.close()
    again = visitor.get(f"/media/{logo}", headers={"If-None-Match": f'"{logo}"'})
    assert again.status_code == 304
    again.close()
    # Neither node kept a file of its own: the bucket is the only copy.
    assert not (tmp_path / "a" / "uploads").exists()
    assert not (tmp_path / "b" / "uploads").exists()

    with node_b.app_context():
        uploads.discard(logo)
    assert [visitor.get(f"/media/{name}").status_code for name in names] == [404, 404, 404]


def test_the_storage_is_made_once_per_app(app):
    assert init_storage(app) is init_storage(app)
    assert isinstance(init_storage(app), LocalStorage)
    assert init_storage(app).root == Path(app.config["UPLOAD_DIR"])
