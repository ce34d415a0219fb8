"""Image files for the upload tests, hostile ones included, made on the spot."""

from __future__ import annotations

import io
import struct
import zlib
from functools import cache
from pathlib import Path

import pytest
from PIL import Image

PNG_CHANNELS = {"L": (0, 1), "RGB": (2, 3), "RGBA": (6, 4)}


@pytest.fixture
def empty_upload_dir(app):
    """Remove what the test stored in UPLOAD_DIR (use with pytest.mark.usefixtures)."""
    yield
    folder = Path(app.config["UPLOAD_DIR"])
    for path in folder.glob("*") if folder.exists() else []:
        path.unlink()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


@cache
def blank_png(width: int, height: int, mode: str = "RGB") -> bytes:
    """A valid PNG of any size, all black: an IHDR and a zlib stream of zero rows.

    Huge dimensions make a small file: 20000×20000 in grey is 389 KB, 6000×6000 in colour
    105 KB, the "decompression bombs" the upload check must refuse.
    """
    color_type, channels = PNG_CHANNELS[mode]
    header = struct.pack(">IIBBBBB", width, height, 8, color_type, 0, 0, 0)
    compressor = zlib.compressobj(9)
    row = bytes(1 + width * channels)
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", data)
        + _chunk(b"IEND", b"")
    )


def huge_gif() -> bytes:
    """A 35-byte GIF that declares 65535×65535 pixels."""
    screen = struct.pack("<6sHHBBB", b"GIF89a", 65535, 65535, 0x80, 0, 0)
    palette = b"\x00\x00\x00\xff\xff\xff"
    descriptor = b"," + struct.pack("<HHHHB", 0, 0, 65535, 65535, 0)
    pixels = b"\x02\x02\x44\x01\x00"  # LZW minimum code size, one sub-block, terminator
    return screen + palette + descriptor + pixels + b";"


def picture(size, mode: str = "RGB", image_format: str = "PNG", **options) -> bytes:
    """A picture of gradients (encoders get real work) in L, RGB or RGBA, in any format."""
    ramp = Image.linear_gradient("L").resize(size)
    colours = [ramp, ramp.transpose(Image.Transpose.FLIP_LEFT_RIGHT), ramp.rotate(180)]
    if mode == "L":
        image = ramp
    elif mode == "RGBA":
        image = Image.merge("RGBA", [*colours, Image.radial_gradient("L").resize(size)])
    else:
        image = Image.merge("RGB", colours)
    buffer = io.BytesIO()
    image.save(buffer, format=image_format, **options)
    return buffer.getvalue()
