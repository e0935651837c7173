"""Pictures are recognised by their content, refused before decoding when absurdly large,
re-encoded (metadata gone, payloads gone) and resized; what is served is never what was
sent, and never as anything but a JPEG."""

import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from PIL import Image as PILImage

from dangbo.portal import images

from .conftest import png


def _stored(processed, width):
    return PILImage.open(images.path_of(processed.token, width))


def test_a_photo_is_resized_and_stripped(settings):
    source = io.BytesIO()
    exif = PILImage.Exif()
    exif[0x010F] = "Camera Maker"  # Make
    exif[0x8825] = {2: (21.0, 30.0, 0.0)}  # GPS
    PILImage.new("RGB", (2400, 1600), (10, 120, 40)).save(source, "JPEG", exif=exif)
    source.write(b"<?php system($_GET['c']); ?>")  # a payload after the image
    source.seek(0)
    processed = images.process(source)
    assert processed.widths == [480, 960, 1600]
    assert (processed.width, processed.height) == (2400, 1600)
    big = _stored(processed, 1600)
    assert big.format == "JPEG" and big.size == (1600, 1067)
    assert not big.getexif() and "exif" not in big.info
    for width in processed.widths:
        assert b"<?php" not in images.path_of(processed.token, width).read_bytes()


def test_a_small_picture_is_kept_at_its_size():
    processed = images.process(png(300, 200))
    assert processed.widths == [300]


def test_transparency_is_flattened_on_white():
    out = io.BytesIO()
    PILImage.new("RGBA", (100, 100), (0, 0, 0, 0)).save(out, "PNG")
    out.seek(0)
    processed = images.process(out)
    assert _stored(processed, 100).getpixel((50, 50)) == pytest.approx((255, 255, 255), abs=2)


def _bomb_png(width: int, height: int) -> bytes:
    """A valid PNG header claiming ``width`` × ``height`` with almost no data (a pixel bomb)."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    raw = zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


@pytest.mark.parametrize(
    ("payload", "words"),
    [
        (_bomb_png(30_000, 30_000), "quá lớn"),
        (b"%PDF-1.4 not an image", "không phải ảnh"),
        (b"PK\x03\x04" + b"\x00" * 100, "không phải ảnh"),  # a zip (a zip bomb is refused unread)
        (
            b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
            "không phải ảnh",
        ),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "không phải ảnh"),  # lies about its type
        (b"", "rỗng"),
    ],
)
def test_what_is_not_a_picture_is_refused_and_nothing_written(settings, payload, words):
    before = (
        set((settings.DATA_DIR / "portal").glob("*"))
        if (settings.DATA_DIR / "portal").exists()
        else set()
    )
    with pytest.raises(ValidationError) as exc:
        images.process(io.BytesIO(payload), label="Ảnh kèm theo 1", field="images")
    message = " ".join(exc.value.messages)
    assert words in message and "Ảnh kèm theo 1" in message
    after = (
        set((settings.DATA_DIR / "portal").glob("*"))
        if (settings.DATA_DIR / "portal").exists()
        else set()
    )
    assert after == before


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.PORTAL = {**settings.PORTAL, "IMAGE_MAX_BYTES": 10_000}
    with pytest.raises(ValidationError, match="quá lớn"):
        images.process(io.BytesIO(b"\xff\xd8\xff" + b"\x00" * 20_000))


def test_a_truncated_jpeg_is_refused():
    data = png(400, 300, fmt="JPEG").getvalue()[:600]
    with pytest.raises(ValidationError, match="hỏng|không phải ảnh"):
        images.process(io.BytesIO(data))
