"""No accepted upload takes a worker much beyond its usual size: measured, not assumed.

Each image is processed in a fresh Python process that has already warmed its codecs up;
the growth of its peak resident memory (Linux's VmHWM, which counts Pillow's and the
codecs' own allocations, unlike tracemalloc) is the cost of that one upload. The largest
images the budget accepts are found from `decoding_cost` itself, then made and measured.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest
from PIL import Image

from hub.domain import uploads
from hub.domain.errors import DomainError
from tests.image_files import blank_png, picture
from tests.support import ROOT

MiB = 1024 * 1024
LIMIT = 50 * MiB  # "no accepted upload costs more than about 50 MiB"

MEASURE = """
import gc, io, json, sys
from PIL import Image
from hub.domain import uploads
from hub.domain.errors import DomainError
from hub.domain.errors import DomainError

def peak():
    # VmHWM, this process's own high-water mark: ru_maxrss would start from the parent's.
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1]) * 1024

for mode, kind in [("RGB", "PNG"), ("RGBA", "PNG"), ("L", "PNG"), ("RGB", "JPEG"),
                   ("RGB", "WEBP"), ("RGBA", "WEBP")]:
    warm = Image.linear_gradient("L").resize((640, 480)).convert(mode)
    buffer = io.BytesIO()
    warm.save(buffer, kind)
    uploads.encode_image(buffer.getvalue(), uploads.PICTURE_SIDE)
data = open(sys.argv[1], "rb").read()
gc.collect()
before = peak()
if sys.argv[3] == "pillow-alone":  # the control: decoding it the way Pillow does by default
    Image.open(io.BytesIO(data)).load()
    outcome = "decoded"
else:
    try:
        uploads.encode_image(data, int(sys.argv[2]))
        outcome = "stored"
    except DomainError:
        outcome = "refused"
print(json.dumps({"outcome": outcome, "growth": peak() - before}))
"""


def measure(tmp_path, data: bytes, side: int = uploads.PICTURE_SIDE, how: str = "upload"):
    path = tmp_path / "upload.bin"
    path.write_bytes(data)
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, str(path), str(side), how],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    answer = json.loads(result.stdout.splitlines()[-1])
    return answer["outcome"], answer["growth"]


def largest_accepted(ratio, mode, image_format, *, alpha=False, sampling=None):
    """The widest image of this shape and kind whose estimated cost fits the budget."""

    def cost(width):
        size = (width, round(width * ratio))
        coefficients = uploads.coefficient_bytes(size, sampling) if sampling else 0
        return uploads.decoding_cost(
            size,
            mode,
            image_format,
            uploads.PICTURE_SIDE,
            alpha=alpha,
            coefficients=coefficients,
        )

    low, high = 16, 16000
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if cost(middle) <= uploads.MEMORY_BUDGET else (low, middle - 1)
    return low, round(low * ratio)


def flat_jpeg(size) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(buffer, "JPEG")
    return buffer.getvalue()


def square_sized(pixels: int, ratio: float) -> tuple[int, int]:
    width = int((pixels / ratio) ** 0.5)
    return width, int(width * ratio)


CASES = {
    # The widest screenshot: a PNG is decoded whole, 4 bytes a pixel.
    "png-rgb": lambda: blank_png(*largest_accepted(9 / 16, "RGB", "PNG")),
    # Grey PNGs take a byte a pixel: the most pixels accepted from a PNG.
    "png-grey": lambda: blank_png(*largest_accepted(1, "L", "PNG"), mode="L"),
    # Real transparency: premultiplied copy, then libwebp's lossless alpha coder.
    "png-alpha": lambda: picture(largest_accepted(1, "RGBA", "PNG", alpha=True), "RGBA"),
    # A baseline JPEG at the pixel limit: libjpeg decodes it at 1/4 scale.
    "jpeg-40mp": lambda: flat_jpeg(square_sized(uploads.MAX_PIXELS, 2 / 3)),
    # A progressive JPEG: every coefficient is kept in memory at full size.
    "jpeg-progressive": lambda: picture(
        largest_accepted(2 / 3, "RGB", "JPEG", sampling=[(2, 2), (1, 1), (1, 1)]),
        image_format="JPEG",
        progressive=True,
    ),
    # WebP: libwebp hands over a frame copy and keeps its canvas.
    "webp": lambda: picture(largest_accepted(1, "RGB", "WEBP"), image_format="WEBP"),
}


@pytest.mark.parametrize("case", CASES)
def test_the_largest_image_accepted_of_each_kind_costs_less_than_50_mib(tmp_path, case):
    data = CASES[case]()
    assert len(data) <= 2 * MiB  # an upload the form accepts
    outcome, growth = measure(tmp_path, data)
    assert outcome == "stored"
    assert growth < LIMIT, f"{case}: {growth / MiB:.1f} MiB"


def test_the_budget_stops_just_above_the_largest_accepted_image(ctx):
    width, height = largest_accepted(9 / 16, "RGB", "PNG")
    assert uploads.encode_image(blank_png(width, height), uploads.PICTURE_SIDE)
    bigger = blank_png(width + 64, round((width + 64) * 9 / 16))
    with pytest.raises(DomainError, match="trop de pixels"):
        uploads.encode_image(bigger, uploads.PICTURE_SIDE)


def test_the_6000_pixel_png_is_refused_before_it_is_decoded(tmp_path):
    outcome, growth = measure(tmp_path, blank_png(6000, 6000))
    assert outcome == "refused"
    assert growth < 2 * MiB


def test_control_decoding_the_6000_pixel_png_as_pillow_does_costs_over_130_mib(tmp_path):
    """Shows the measurement sees what decoding costs: the same file, decoded whole."""
    outcome, growth = measure(tmp_path, blank_png(6000, 6000), how="pillow-alone")
    assert outcome == "decoded"
    assert growth > 130 * MiB
