"""Uploaded files: a local folder by default, S3-compatible object storage in production.

Both backends keep flat names (no folders) and offer the same operations, so an image saved
by one app node is served by any other node that shares the same bucket. The backend is
chosen by configuration: STORAGE_BACKEND=local|s3, or S3 as soon as S3_BUCKET is set.
boto3 is imported on first use of the S3 backend only: workers of a site that keeps its
files on disk never load it.
"""

from __future__ import annotations

import os
import re
import secrets
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Protocol

from flask import Flask, current_app

# Names are chosen by the application, never by a visitor; anything else is refused here too.
SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,199}\Z")  # \Z: no final newline
IMMUTABLE = "public, max-age=31536000, immutable"


class StorageError(Exception):
    """The storage could not be reached or refused the operation."""


@dataclass
class StoredFile:
    """An open stored file: read `stream` (and close it), or hand it to a response."""

    stream: IO[bytes]
    size: int
    modified: datetime
    content_type: str


class Storage(Protocol):
    def save(self, name: str, data: bytes, content_type: str) -> None: ...

    def open(self, name: str) -> StoredFile | None: ...

    def read(self, name: str) -> bytes | None: ...

    def exists(self, name: str) -> bool: ...

    def delete(self, name: str) -> None: ...

    def check(self) -> None: ...


def checked_name(name: str) -> str:
    if not SAFE_NAME.match(name or "") or ".." in name:
        raise ValueError(f"not a storable name: {name!r}")
    return name


class LocalStorage:
    """Files in one folder (UPLOAD_DIR), written whole or not at all."""

    def __init__(self, root: str | os.PathLike[str]):
        self.root = Path(root)

    def _path(self, name: str) -> Path:
        return self.root / checked_name(name)

    def save(self, name: str, data: bytes, content_type: str) -> None:
        path = self._path(name)
        self.root.mkdir(parents=True, exist_ok=True)
        # Written beside the target then renamed, so a reader never sees half a file.
        partial = self.root / f".{name}.{secrets.token_hex(4)}.partial"
        try:
            with open(partial, "xb") as handle:
                handle.write(data)
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)

    def open(self, name: str) -> StoredFile | None:
        path = self._path(name)
        try:
            stream = open(path, "rb")  # noqa: SIM115  (the response closes it)
        except (FileNotFoundError, IsADirectoryError):
            return None
        stat = os.fstat(stream.fileno())
        return StoredFile(
            stream=stream,
            size=stat.st_size,
            modified=datetime.fromtimestamp(int(stat.st_mtime), UTC),
            content_type=_content_type(name),
        )

    def read(self, name: str) -> bytes | None:
        try:
            return self._path(name).read_bytes()
        except (FileNotFoundError, IsADirectoryError):
            return None

    def exists(self, name: str) -> bool:
        return self._path(name).is_file()

    def delete(self, name: str) -> None:
        self._path(name).unlink(missing_ok=True)

    def check(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        if not os.access(self.root, os.W_OK):
            raise StorageError(f"{self.root} is not writable")


class S3Storage:
    """Objects in one bucket of an S3-compatible service (AWS, MinIO, Scaleway, OVH…).

    Credentials come from boto3's usual sources (AWS_ACCESS_KEY_ID and
    AWS_SECRET_ACCESS_KEY, a profile, or the machine's role), never from our settings.
    """

    def __init__(
        self,
        bucket: str,
        *,
        endpoint_url: str | None = None,
        region: str | None = None,
        prefix: str = "",
        addressing_style: str = "auto",
    ):
        self.bucket = bucket
        self.endpoint_url = endpoint_url or None
        self.region = region or None
        self.prefix = prefix
        self.addressing_style = addressing_style or "auto"
        self._client = None
        self._lock = threading.Lock()

    @property
    def client(self):
        if self._client is None:
            with self._lock:
                if self._client is None:
                    self._client = self._make_client()
        return self._client

    def _make_client(self):
        import boto3
        from botocore.config import Config

        config = Config(
            connect_timeout=5,
            read_timeout=15,
            retries={"max_attempts": 3, "mode": "standard"},
            s3={"addressing_style": self.addressing_style},
        )
        return boto3.session.Session().client(
            "s3", endpoint_url=self.endpoint_url, region_name=self.region, config=config
        )

    def _call(self, operation: str, name: str | None = None, missing_ok: bool = False, **params):
        """One S3 call on the bucket (and the object `name`); None if missing and missing_ok."""
        from botocore.exceptions import BotoCoreError, ClientError

        if name is not None:
            params["Key"] = self.prefix + checked_name(name)
        try:
            return getattr(self.client, operation)(Bucket=self.bucket, **params)
        except ClientError as error:
            code = str(error.response.get("Error", {}).get("Code", ""))
            if missing_ok and code in {"404", "NoSuchKey", "NotFound"}:
                return None
            raise StorageError(f"object storage refused {operation}: {code}") from error
        except BotoCoreError as error:
            raise StorageError(f"object storage unreachable: {error}") from error

    def save(self, name: str, data: bytes, content_type: str) -> None:
        self._call("put_object", name, Body=data, ContentType=content_type, CacheControl=IMMUTABLE)

    def open(self, name: str) -> StoredFile | None:
        answer = self._call("get_object", name, missing_ok=True)
        if answer is None:
            return None
        return StoredFile(
            stream=answer["Body"],
            size=answer["ContentLength"],
            modified=answer["LastModified"],
            content_type=answer.get("ContentType") or _content_type(name),
        )

    def read(self, name: str) -> bytes | None:
        stored = self.open(name)
        if stored is None:
            return None
        with stored.stream as stream:
            return stream.read()

    def exists(self, name: str) -> bool:
        return self._call("head_object", name, missing_ok=True) is not None

    def delete(self, name: str) -> None:
        self._call("delete_object", name)

    def check(self) -> None:
        self._call("head_bucket")


def _content_type(name: str) -> str:
    return {"webp": "image/webp", "png": "image/png", "jpg": "image/jpeg"}.get(
        name.rpartition(".")[2], "application/octet-stream"
    )


def backend_name(config: Mapping) -> str:
    backend = (config.get("STORAGE_BACKEND") or "").strip().lower()
    if not backend:
        return "s3" if config.get("S3_BUCKET") else "local"
    if backend not in {"local", "s3"}:
        raise ValueError(f"STORAGE_BACKEND must be 'local' or 's3', not {backend!r}")
    return backend


def storage_from_config(config: Mapping) -> Storage:
    """The storage the settings describe (no network access: S3 connects on first use)."""
    if backend_name(config) == "local":
        return LocalStorage(config["UPLOAD_DIR"])
    if not config.get("S3_BUCKET"):
        raise ValueError("STORAGE_BACKEND=s3 needs S3_BUCKET")
    return S3Storage(
        config["S3_BUCKET"],
        endpoint_url=config.get("S3_ENDPOINT_URL"),
        region=config.get("S3_REGION"),
        prefix=config.get("S3_PREFIX", ""),
        addressing_style=config.get("S3_ADDRESSING_STYLE", "auto"),
    )


def init_storage(app: Flask) -> Storage:
    """Create the app's storage once, so a wrong setting stops the app at start."""
    storage = app.extensions.get("hub.storage")
    if storage is None:
        storage = app.extensions["hub.storage"] = storage_from_config(app.config)
    return storage


def current_storage() -> Storage:
    """The storage of the application handling the current request or command."""
    return init_storage(current_app._get_current_object())  # type: ignore[attr-defined]
