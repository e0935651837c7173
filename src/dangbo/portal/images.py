"""Pictures for the public side: never the bytes a client sent.

An upload is read up to a size limit, recognised by its content (JPEG, PNG, WebP, GIF — what
Pillow finds, not the name or the declared type), refused before decoding when its
dimensions are absurd (a 30,000 × 30,000 "pixel bomb" is a few kilobytes of PNG), then
decoded, turned upright (EXIF orientation), flattened onto white and re-encoded as baseline
JPEG at a few widths — which drops every metadata block (GPS, camera, comments) and any
payload hidden after the image. The files are served as ``image/jpeg`` with ``nosniff`` and
a sandboxing CSP, so nothing uploaded can run as active content on the site's origin.
"""

from __future__ import annotations

import contextlib
import io
import secrets
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import FileResponse, Http404
from PIL import Image as PILImage
from PIL import ImageOps, UnidentifiedImageError

from dangbo.core.errors import invalid

from .throttle import portal_setting

WIDTHS = (480, 960, 1600)  # phone, desk column, full width
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
ACCEPTED = "JPEG, PNG, WebP, GIF"
MAX_SIDE = 12_000
QUALITY = 82
_CHUNK = 1 << 16


@dataclass(frozen=True)
class Processed:
    token: str
    widths: list[int]
    width: int
    height: int
    bytes: int


def storage_dir() -> Path:
    path = Path(settings.DATA_DIR) / "portal"
    path.mkdir(parents=True, exist_ok=True)
    return path


def path_of(token: str, width: int) -> Path:
    return storage_dir() / f"{token}-{width}.jpg"


def _read(source: Any, label: str, field: str, limit: int) -> bytes:
    buffer = io.BytesIO()
    with contextlib.suppress(AttributeError, OSError, ValueError):
        source.seek(0)
    while block := source.read(_CHUNK):
        buffer.write(block)
        if buffer.tell() > limit:
            raise invalid(field, f"{label}: ảnh quá lớn (hơn {limit / 1e6:.0f} MB).")
    if buffer.tell() == 0:
        raise invalid(field, f"{label}: tệp rỗng.")
    return buffer.getvalue()


def _decode(data: bytes, label: str, field: str) -> PILImage.Image:
    not_image = invalid(
        field,
        f"{label}: tệp không phải ảnh được nhận ({ACCEPTED}); loại tệp được xét theo nội dung, "
        "không theo tên.",
    )
    max_pixels = int(portal_setting("IMAGE_MAX_PIXELS"))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            image = PILImage.open(io.BytesIO(data))  # reads the header only
            if image.format not in ACCEPTED_FORMATS:
                raise not_image
            width, height = image.size
            if width > MAX_SIDE or height > MAX_SIDE or width * height > max_pixels:
                raise invalid(
                    field,
                    f"{label}: ảnh {width:,} × {height:,} điểm ảnh quá lớn (tối đa "
                    f"{MAX_SIDE:,} điểm mỗi chiều, {max_pixels // 1_000_000} triệu điểm ảnh).".replace(
                        ",", "."
                    ),
                )
            if width < 16 or height < 16:
                raise invalid(field, f"{label}: ảnh quá nhỏ ({width} × {height} điểm ảnh).")
            image.seek(0)
            image.load()
    except (UnidentifiedImageError, SyntaxError, EOFError, ValueError) as exc:
        raise not_image from exc
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning) as exc:
        raise invalid(field, f"{label}: ảnh quá lớn để xử lý.") from exc
    except OSError as exc:  # truncated or corrupt data
        raise invalid(field, f"{label}: ảnh bị hỏng hoặc không đọc được.") from exc
    return image


def _flatten(image: PILImage.Image) -> PILImage.Image:
    image = ImageOps.exif_transpose(image) or image
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = PILImage.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def process(source: Any, *, label: str = "Ảnh", field: str = "image") -> Processed:
    """Check, resize and re-encode ``source`` (an upload or a binary file object) and write its
    variants. Refused — nothing written — with a Vietnamese message naming ``label``."""
    limit = int(portal_setting("IMAGE_MAX_BYTES"))
    image = _flatten(_decode(_read(source, label, field, limit), label, field))
    width, height = image.size
    token = secrets.token_hex(16)
    widths = [w for w in WIDTHS if w < width] + [min(width, WIDTHS[-1])]
    written: list[Path] = []
    largest = 0
    try:
        for target in sorted(set(widths)):
            variant = image
            if target < width:
                variant = image.resize(
                    (target, max(1, round(height * target / width))), PILImage.Resampling.LANCZOS
                )
            out = io.BytesIO()
            variant.save(out, "JPEG", quality=QUALITY, optimize=True, progressive=True)
            path = path_of(token, target)
            path.write_bytes(out.getvalue())
            written.append(path)
            largest = out.tell()
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return Processed(token, sorted(set(widths)), width, height, largest)


def remove(token: str, widths: list[int]) -> None:
    for width in widths:
        path_of(token, width).unlink(missing_ok=True)


def response(token: str, width: int, *, public: bool) -> FileResponse:
    """One variant as ``image/jpeg``: ``nosniff`` and a sandbox CSP, so that even a file
    changed on disk could never run as a page of the site."""
    try:
        fh = open(path_of(token, width), "rb")  # noqa: SIM115 - FileResponse closes it
    except OSError as exc:
        raise Http404("Không tìm thấy ảnh.") from exc
    resp = FileResponse(fh, content_type="image/jpeg")
    resp["X-Content-Type-Options"] = "nosniff"
    resp["Content-Security-Policy"] = "default-src 'none'; sandbox"
    resp["Cache-Control"] = "public, max-age=86400" if public else "private, no-store"
    return resp
