"""core.files: attachments kept by a random name, their type known from the content."""

import io
import zipfile
from urllib.parse import quote

import pytest

from dangbo.core import files
from dangbo.core.models import StoredFile
from tests.support import assert_refused

PDF_BYTES = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120


def _zip(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return buf.getvalue()


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path


def _stored_count(tmp_path) -> int:
    folder = tmp_path / "files"
    return len(list(folder.iterdir())) if folder.exists() else 0


def test_pdf_is_kept_by_random_name_with_hash(world, tmp_path):
    actor = world.users["staff"]
    stored = files.store(io.BytesIO(PDF_BYTES), "Kết luận 64.pdf", actor=actor)
    assert stored.content_type == "application/pdf"
    assert stored.original_name == "Kết luận 64.pdf"
    assert stored.size == len(PDF_BYTES)
    assert stored.uploaded_by == actor
    assert stored.stored_name not in stored.original_name
    path = files.path_of(stored)
    assert path.read_bytes() == PDF_BYTES
    assert path.stat().st_mode & 0o077 == 0
    import hashlib

    assert stored.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()


@pytest.mark.parametrize(
    ("data", "name", "content_type"),
    [
        (PNG_BYTES, "anh.png", "image/png"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 20, "anh.jpg", "image/jpeg"),
        (_zip({"word/document.xml": b"<w/>"}), "bc.docx", files.DOCX.content_type),
        (_zip({"xl/workbook.xml": b"<x/>"}), "bang.xlsx", files.XLSX.content_type),
        (
            _zip({"mimetype": b"application/vnd.oasis.opendocument.text"}),
            "bc.odt",
            files.ODT.content_type,
        ),
        (
            _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}),
            "bang.ods",
            files.ODS.content_type,
        ),
        (files._OLE + b"\x00" * 64, "cu.doc", "application/msword"),
        (files._OLE + b"\x00" * 64, "cu.xls", "application/vnd.ms-excel"),
    ],
)
def test_accepted_types_known_by_content(world, data, name, content_type):
    stored = files.store(io.BytesIO(data), name, actor=world.users["staff"])
    assert stored.content_type == content_type
    assert stored.original_name == name


def test_a_pdf_that_is_really_an_exe_is_refused(world, tmp_path):
    message = assert_refused(
        [StoredFile],
        "files",
        files.store,
        source=io.BytesIO(EXE_BYTES),
        original_name="ket-luan.pdf",
        actor=world.users["staff"],
    )
    assert "Tệp đính kèm" in message
    assert _stored_count(tmp_path) == 0


def test_a_plain_zip_and_empty_file_are_refused(world, tmp_path):
    for data in (_zip({"virus.exe": EXE_BYTES}), b"", b"<html><script>x</script>"):
        message = assert_refused(
            [StoredFile],
            "evidence",
            files.store,
            source=io.BytesIO(data),
            original_name="a.docx",
            actor=world.users["staff"],
            field="evidence",
        )
        assert "Tệp đính kèm" in message
    assert _stored_count(tmp_path) == 0


def test_size_limit(world, settings, tmp_path):
    settings.DANGBO = {**settings.DANGBO, "FILE_MAX_BYTES": 100}
    message = assert_refused(
        [StoredFile],
        "files",
        files.store,
        source=io.BytesIO(PDF_BYTES + b"x" * 200),
        original_name="lon.pdf",
        actor=world.users["staff"],
    )
    assert "quá lớn" in message and "Tệp đính kèm" in message
    assert _stored_count(tmp_path) == 0
    assert files.store(io.BytesIO(PDF_BYTES), "nho.pdf", actor=None).size == len(PDF_BYTES)


def test_names_are_cleaned_and_the_suffix_tells_the_real_type(world):
    stored = files.store(io.BytesIO(PNG_BYTES), "../../etc/pass\x00wd.pdf", actor=None)
    assert "/" not in stored.original_name and "\x00" not in stored.original_name
    assert stored.original_name.endswith(".pdf.png")
    assert files.clean_name("") == "tep"
    assert files.clean_name("C:\\Users\\a\\b\u202ec.pdf") == "bc.pdf"


def test_store_from_a_path(world, tmp_path):
    source = tmp_path / "in.pdf"
    source.write_bytes(PDF_BYTES)
    assert files.store(source, "in.pdf", actor=None).content_type == "application/pdf"


def test_response_is_a_download_with_the_vietnamese_name(world):
    stored = files.store(io.BytesIO(PDF_BYTES), "Kết luận 64.pdf", actor=None)
    resp = files.response(stored)
    disposition = resp["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert f"filename*=utf-8''{quote('Kết luận 64.pdf')}" in disposition
    assert resp["X-Content-Type-Options"] == "nosniff"
    assert resp["Content-Type"] == "application/pdf"
    assert b"".join(resp.streaming_content) == PDF_BYTES


def test_response_of_a_missing_file_is_404(world):
    from django.http import Http404

    stored = files.store(io.BytesIO(PDF_BYTES), "a.pdf", actor=None)
    files.path_of(stored).unlink()
    with pytest.raises(Http404):
        files.response(stored)
