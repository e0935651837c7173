"""Attachments kept safely: a random name under the data directory, hashed while copied,
size-limited, their type recognised from the content (never the name a client sent), and
served back only as a download.

Used by the document register (files of a document) and by progress reports (evidence).
"""

import contextlib
import hashlib
import os
import re
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import FileResponse, Http404

from dangbo.core.errors import invalid
from dangbo.core.models import StoredFile

LABEL = "Tệp đính kèm"
DEFAULT_MAX_BYTES = 20_000_000
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Kind:
    """A file type we accept: its served content type and the suffixes its name may carry."""

    content_type: str
    suffixes: tuple[str, ...]


PDF = Kind("application/pdf", (".pdf",))
PNG = Kind("image/png", (".png",))
JPEG = Kind("image/jpeg", (".jpg", ".jpeg"))
DOCX = Kind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",))
XLSX = Kind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",))
ODT = Kind("application/vnd.oasis.opendocument.text", (".odt",))
ODS = Kind("application/vnd.oasis.opendocument.spreadsheet", (".ods",))
DOC = Kind("application/msword", (".doc",))
XLS = Kind("application/vnd.ms-excel", (".xls",))

ACCEPTED = "PDF, Word (.doc, .docx), Excel (.xls, .xlsx), OpenDocument (.odt, .ods), PNG, JPEG"

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')


def max_bytes() -> int:
    """The web/API limit of one attachment (DANGBO["FILE_MAX_BYTES"], else 20 MB)."""
    return int(settings.DANGBO.get("FILE_MAX_BYTES") or DEFAULT_MAX_BYTES)


def storage_dir() -> Path:
    path = Path(settings.DATA_DIR) / "files"
    path.mkdir(parents=True, exist_ok=True)
    return path


def path_of(stored: StoredFile) -> Path:
    return storage_dir() / stored.stored_name


def clean_name(original_name: str | None) -> str:
    """The last part of the name a client sent, without path separators, control or
    invisible characters and characters no file system takes; never empty."""
    name = unicodedata.normalize("NFC", str(original_name or ""))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cf", "Cc"))
    name = _UNSAFE_NAME.sub("_", name).strip(" .")
    return name[-200:] if name else "tep"


def _zip_kind(path: Path) -> Kind | None:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                mimetype = archive.read("mimetype")[:100].decode("ascii", "replace").strip()
                return {ODT.content_type: ODT, ODS.content_type: ODS}.get(mimetype)
            if "word/document.xml" in names:
                return DOCX
            if "xl/workbook.xml" in names:
                return XLSX
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return None
    return None


def sniff(path: Path, original_name: str = "") -> Kind | None:
    """The type of the file at ``path`` from its first bytes (and, for zip and OLE
    containers, what they hold or the name's suffix); None when it is none we accept."""
    with open(path, "rb") as fh:
        head = fh.read(16)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(path)
    if head.startswith(_OLE):
        # An OLE container is a .doc or an .xls: the name tells which (its content is the same
        # safe family either way); a name saying neither is taken as a Word document.
        return XLS if Path(original_name).suffix.lower() == ".xls" else DOC
    return None


def _named(name: str, kind: Kind) -> str:
    """The name with a suffix that says its real type (a PNG sent as "a.pdf" → "a.pdf.png")."""
    if Path(name).suffix.lower() in kind.suffixes:
        return name
    return f"{name}{kind.suffixes[0]}"


def store(
    source: Any,
    original_name: str | None,
    *,
    actor: Any,
    field: str = "files",
    limit: int | None = None,
) -> StoredFile:
    """Copy ``source`` (an upload, a file object or a path) under the data directory by a
    random name and record it. Refused — nothing kept — when empty, too large or of a type
    we do not accept, with a Vietnamese message naming the field "Tệp đính kèm".

    Call it inside the caller's transaction: the row goes with the caller's rows."""
    limit = max_bytes() if limit is None else limit
    name = clean_name(original_name)
    stored_name = uuid.uuid4().hex
    target = storage_dir() / stored_name
    digest = hashlib.sha256()
    size = 0
    try:
        with contextlib.ExitStack() as stack:
            if isinstance(source, str | Path):
                src = stack.enter_context(open(source, "rb"))
            else:
                src = source
                with contextlib.suppress(AttributeError, OSError, ValueError):
                    src.seek(0)
            # Attachments may be internal papers: readable by the server's account only.
            out = stack.enter_context(
                os.fdopen(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")
            )
            while block := src.read(_CHUNK):
                size += len(block)
                if limit and size > limit:
                    raise invalid(
                        field,
                        f"{LABEL}: tệp “{name}” quá lớn (hơn {limit / 1e6:.0f} MB).",
                    )
                digest.update(block)
                out.write(block)
        if size == 0:
            raise invalid(field, f"{LABEL}: tệp “{name}” rỗng.")
        kind = sniff(target, name)
        if kind is None:
            raise invalid(
                field,
                f"{LABEL}: tệp “{name}” không phải loại được nhận ({ACCEPTED}); "
                "loại tệp được xét theo nội dung, không theo tên.",
            )
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return StoredFile.objects.create(
        original_name=_named(name, kind)[-255:],
        stored_name=stored_name,
        content_type=kind.content_type,
        size=size,
        sha256=digest.hexdigest(),
        uploaded_by=actor if getattr(actor, "pk", None) else None,
    )


def response(stored: StoredFile) -> FileResponse:
    """A download of ``stored`` under its original name (RFC 5987 for Vietnamese names),
    never displayed inline nor sniffed by the browser."""
    try:
        fh = open(path_of(stored), "rb")  # noqa: SIM115 - FileResponse closes it
    except OSError as exc:
        raise Http404("Không tìm thấy tệp.") from exc
    resp = FileResponse(
        fh,
        as_attachment=True,
        filename=stored.original_name,
        content_type=stored.content_type or "application/octet-stream",
    )
    resp["X-Content-Type-Options"] = "nosniff"
    resp["Content-Security-Policy"] = "default-src 'none'; sandbox"
    resp["Cache-Control"] = "private, no-store"
    return resp
