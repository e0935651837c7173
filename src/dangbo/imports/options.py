"""The user's answers and overrides for an import (``ImportJob.options``), checked.

The web page, the API and the command line all send what a person chose — the sheets to
read, the header row and last row of a sheet, how to read members without a recognition
date, the parent of a list of organisations, an organisation's kind/sector/code — through
``clean_options``: each bad value is a Vietnamese message naming its field (never a 500),
and what comes back is ready to merge into ``job.options`` (``merge``).
"""

import re
from datetime import date
from types import SimpleNamespace

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Value, When

from dangbo.core import scope
from dangbo.core.dates import read_day, today
from dangbo.core.text import fold
from dangbo.orgs.choices import OrgKind, Sector
from dangbo.orgs.fields import resolve
from dangbo.orgs.models import code_problem, valid_code

from .models import ImportJob

RECOGNITION_CHOICES = {
    "official": "chính thức (chưa rõ ngày chính thức)",
    "probationary": "dự bị",
}
FIELD_LABELS = {
    "sheets": "Trang",
    "header_row": "Dòng tiêu đề",
    "last_row": "Dòng cuối",
    "unknown_recognition": "Cách đọc đảng viên không có ngày chính thức",
    "parent": "Tổ chức cấp trên",
    "valid_from": "Ngày thành lập (của các tổ chức trong danh sách)",
    "orgs": "Tổ chức",
    "year": "Năm của số liệu",
}
KNOWN = tuple(FIELD_LABELS)
# The server's own `dangbo import` (no user): every organisation may be named.
_SYSTEM = SimpleNamespace(is_superuser=True, is_authenticated=True, pk=None)
_ROW_KEY = re.compile(r"^(?:(?P<sheet>.*):)?(?P<row>\d{1,9})$")


def _sheets_of(job: ImportJob) -> list[dict]:
    """What the last run found in each sheet; before any run (the command line sets its
    options first), the workbook's sheet names and declared heights, read cheaply."""
    if job.sheets:
        return job.sheets
    cached = getattr(job, "_file_sheets", None)
    if cached is None:
        cached = job._file_sheets = _file_sheets(job)  # type: ignore[attr-defined]
    return cached


def _file_sheets(job: ImportJob) -> list[dict]:
    # services.stored_path (not imported: services uses this module)
    path = settings.DATA_DIR / "imports" / job.stored_name
    try:
        with path.open("rb") as fh:
            magic = fh.read(8)
        if magic.startswith(b"PK\x03\x04") and job.original_name.lower().endswith(
            (".xlsx", ".xlsm")
        ):
            from openpyxl import load_workbook

            book = load_workbook(path, read_only=True, data_only=True, keep_links=False)
            try:
                return [{"name": ws.title, "rows": ws.max_row} for ws in book.worksheets]
            finally:
                book.close()
        if magic.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
            from python_calamine import CalamineWorkbook

            book = CalamineWorkbook.from_path(str(path))
            return [
                {"name": name, "rows": book.get_sheet_by_index(i).height or None}
                for i, name in enumerate(book.sheet_names)
            ]
    except Exception:  # a damaged file: the run will say so
        return []
    return []


def sheet_names(job: ImportJob) -> list[str]:
    """The sheets the last run found ("" for a CSV file, which has one unnamed sheet)."""
    names = [str(s.get("name", "")) for s in _sheets_of(job)]
    return names or [""]


def _sheet_info(job: ImportJob, name: str) -> dict:
    return next((s for s in _sheets_of(job) if s.get("name", "") == name), {})


def _find_sheet(job: ImportJob, text: str, field: str) -> str:
    """A sheet's exact name from what the user typed (case and accents aside)."""
    names = sheet_names(job)
    text = str(text).strip()
    if text in names:
        return text
    folded = [n for n in names if fold(n) == fold(text)]
    if len(folded) == 1:
        return folded[0]
    shown = ", ".join(f"“{n}”" for n in names if n) or "(tệp chỉ có một trang)"
    raise _error(field, f"không có trang “{text}” trong tệp. Các trang: {shown}.")


def _error(field: str, text: str) -> ValidationError:
    return ValidationError({field: [f"{FIELD_LABELS[field]}: {text}"]})


def _positive(value, field: str) -> int:
    if isinstance(value, bool):
        raise _error(field, f"“{value}” không phải là số dòng.")
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip()
        if not (text.isascii() and text.isdigit()):
            raise _error(field, f"“{text}” không phải là số dòng (ghi số nguyên dương, ví dụ 7).")
        number = int(text)
    if number < 1:
        raise _error(field, "số dòng phải từ 1 trở lên.")
    return number


def _row_numbers(job: ImportJob, value, field: str) -> dict[str, int | None]:
    """{sheet: n} from a dict, "Trang:n", "n" or n (the only or first sheet read); a sheet
    given None or "" drops its override."""
    if isinstance(value, dict):
        items = list(value.items())
    elif isinstance(value, str) and ":" in value:
        sheet, _sep, number = value.rpartition(":")
        items = [(sheet, number)]
    else:
        items = [(None, value)]
    cleaned: dict[str, int | None] = {}
    for sheet, number in items:
        name = _default_sheet(job) if sheet is None else _find_sheet(job, sheet, field)
        if number is None or (isinstance(number, str) and not number.strip()):
            cleaned[name] = None
            continue
        n = _positive(number, field)
        declared = _sheet_info(job, name).get("rows")
        if declared and n > int(declared):
            where = f"trang “{name}”" if name else "tệp"
            raise _error(field, f"dòng {n} vượt quá số dòng của {where} ({declared} dòng).")
        cleaned[name] = n
    return cleaned


def _default_sheet(job: ImportJob) -> str:
    """The sheet a bare row number is about: the only one, else the first one read."""
    chosen = (job.options or {}).get("sheets")
    if chosen:
        return chosen[0]
    read = [s.get("name", "") for s in _sheets_of(job) if s.get("status") == "read"]
    return (read or sheet_names(job))[0]


def _sheets(job: ImportJob, value) -> list[str]:
    if isinstance(value, str):
        value = [v for v in value.split(",")]
    if not isinstance(value, list | tuple):
        raise _error("sheets", "ghi danh sách tên trang.")
    names: list[str] = []
    for item in value:
        if str(item).strip():
            name = _find_sheet(job, item, "sheets")
            if name not in names:
                names.append(name)
    if not names:
        raise _error("sheets", "hãy chọn ít nhất một trang.")
    return names


def _parent(value, actor) -> str | None:
    text = str(value or "").strip()
    if not text:
        return None
    try:
        org = resolve(actor or _SYSTEM, text, FIELD_LABELS["parent"], scope.CHANGE)
    except ValidationError as exc:
        raise ValidationError({"parent": exc.messages}) from None
    return org.code


def _day(value) -> str | None:
    """A date as people type it ("01/07/2016", "1.7.2016", ISO), kept as ISO text."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, date):
        return value.isoformat()
    try:
        day, _note = read_day(str(value).strip(), FIELD_LABELS["valid_from"], today=today())
    except ValidationError as exc:
        raise ValidationError({"valid_from": exc.messages}) from None
    if day > today():
        raise _error("valid_from", f"{day:%d/%m/%Y} là ngày trong tương lai.")
    return day.isoformat()


def _year(value) -> str | None:
    """The year of an indicator file's values (when the file does not say it), as text."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip()
    if isinstance(value, bool) or not (text.isascii() and text.isdigit() and len(text) == 4):
        raise _error("year", f"“{text}” không phải là một năm (ghi 4 chữ số, ví dụ 2016).")
    if not 1945 <= int(text) <= 2100:
        raise _error("year", f"năm {text} nằm ngoài khoảng 1945–2100.")
    return text


def _orgs(job: ImportJob, value) -> dict[str, dict | None]:
    if not isinstance(value, dict):
        raise _error("orgs", "ghi theo từng dòng: {dòng: {kind, sector, code}}.")
    cleaned: dict[str, dict | None] = {}
    for key, fields in value.items():
        match = _ROW_KEY.match(str(key).strip())
        if match is None:
            raise _error("orgs", f"“{key}” không phải là một dòng của tệp (ví dụ “12”).")
        sheet = match["sheet"]
        if sheet is not None and sheet not in sheet_names(job):
            _find_sheet(job, sheet, "orgs")
        where = f"dòng {match['row']}" + (f" (trang “{sheet}”)" if sheet else "")
        if fields is None:
            cleaned[str(key).strip()] = None
            continue
        if not isinstance(fields, dict) or set(fields) - {"kind", "sector", "code"}:
            raise _error("orgs", f"{where}: chỉ sửa được loại tổ chức, lĩnh vực và mã.")
        row: dict[str, str] = {}
        kind = str(fields.get("kind") or "").strip()
        if kind:
            if kind not in OrgKind.values:
                shown = ", ".join(f"{v} ({label})" for v, label in OrgKind.choices)
                raise _error("orgs", f"{where}: loại tổ chức “{kind}” không có; chọn: {shown}.")
            row["kind"] = kind
        sector = str(fields.get("sector") or "").strip()
        if sector:
            if sector not in Sector.values:
                shown = ", ".join(f"{v} ({label})" for v, label in Sector.choices)
                raise _error("orgs", f"{where}: lĩnh vực “{sector}” không có; chọn: {shown}.")
            row["sector"] = sector
        code = str(fields.get("code") or "").strip()
        if code:
            if not valid_code(code):
                raise _error("orgs", f"{where}: mã “{code}” không hợp lệ — {code_problem()}.")
            row["code"] = code
        cleaned[str(key).strip()] = row or None
    return cleaned


def clean_options(job: ImportJob, data: dict, *, actor=None) -> dict:
    """The changes in ``data`` checked against the job's file: {option: cleaned value}. A
    value None (or "") removes that option; ``header_row``/``last_row``/``orgs`` come back
    per sheet/row ({key: value or None}). Raises ``ValidationError({field: [message]})``
    with every bad field at once."""
    if not isinstance(data, dict):
        raise ValidationError({"__all__": ["Tùy chọn: gửi một bảng các trường."]})
    unknown = [k for k in data if k not in KNOWN]
    errors: dict[str, list[str]] = {}
    if unknown:
        errors["__all__"] = ["Tùy chọn không có: " + ", ".join(f"“{k}”" for k in unknown) + "."]
    cleaned: dict = {}
    actor = actor if actor is not None else job.created_by
    for key, value in data.items():
        if key not in KNOWN:
            continue
        try:
            if key == "sheets":
                cleaned[key] = _sheets(job, value) if value not in (None, "", []) else None
            elif key in ("header_row", "last_row"):
                cleaned[key] = _row_numbers(job, value, key)
            elif key == "unknown_recognition":
                text = str(value or "").strip()
                if text and text not in RECOGNITION_CHOICES:
                    shown = "; ".join(
                        f"“{v}” ({label})" for v, label in RECOGNITION_CHOICES.items()
                    )
                    raise _error(key, f"“{text}” không phải là lựa chọn; chọn {shown}.")
                cleaned[key] = text or None
            elif key == "parent":
                cleaned[key] = _parent(value, actor)
            elif key == "valid_from":
                cleaned[key] = _day(value)
            elif key == "orgs":
                cleaned[key] = _orgs(job, value)
            elif key == "year":
                cleaned[key] = _year(value)
        except ValidationError as exc:
            for field, msgs in exc.message_dict.items():
                errors.setdefault(field, msgs)
    # The last row must not come before the header row, with both as they will be.
    if "header_row" not in errors and "last_row" not in errors:
        merged = merge(job.options or {}, cleaned)
        for sheet, last in (merged.get("last_row") or {}).items():
            first = (merged.get("header_row") or {}).get(sheet) or _sheet_info(job, sheet).get(
                "header_row"
            )
            if first and last < int(first):
                where = f" (trang “{sheet}”)" if sheet else ""
                errors["last_row"] = [
                    f"{FIELD_LABELS['last_row']}{where}: dòng {last} ở trên dòng tiêu đề "
                    f"({first}); ghi số dòng từ {first} trở xuống."
                ]
    if errors:
        raise ValidationError(errors)
    return cleaned


def merge(options: dict, cleaned: dict) -> dict:
    """``options`` with ``cleaned`` applied (per-sheet and per-row maps merged key by key;
    None removes)."""
    result = {k: (dict(v) if isinstance(v, dict) else v) for k, v in options.items()}
    for key, value in cleaned.items():
        if key in ("header_row", "last_row", "orgs"):
            current = result.get(key) or {}
            for inner, v in value.items():
                if v is None:
                    current.pop(inner, None)
                else:
                    current[inner] = v
            if current:
                result[key] = current
            else:
                result.pop(key, None)
        elif value is None:
            result.pop(key, None)
        else:
            result[key] = value
    return result


def in_file_order(job: ImportJob, rows):
    """A job's rows (a queryset) in the order of the file: sheet by sheet, then by row."""
    names = [s.get("name", "") for s in job.sheets or []]
    if len(names) < 2:
        return rows.order_by("row_no", "id")
    position = Case(
        *[When(sheet=name, then=Value(i)) for i, name in enumerate(names)],
        default=Value(len(names)),
        output_field=IntegerField(),
    )
    return rows.order_by(position, "row_no", "id")
