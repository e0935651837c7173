"""Building, rendering and issuing reports, for any kind in the registry (``kinds``).

The web page, the API, the command and the background task all call these: ``build`` checks
that the viewer sees the organisation and that the kind takes the period, ``render`` turns
one build into text, .docx, PDF or .xlsx, ``issue`` freezes a build (figures, text, files and
a hash over them), ``changes_since`` rebuilds today and says what moved.
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import io
import json
import logging
from dataclasses import dataclass
from datetime import date, timedelta
from operator import itemgetter
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from dangbo.core import audit, files, scope
from dangbo.core.errors import forbidden, invalid
from dangbo.core.office import DOCX_TYPE, PDF_TYPE, XLSX_TYPE, Table, to_docx, to_pdf, to_text
from dangbo.core.office.sheet import Col, Sheet, workbook

from . import kinds
from .choices import ReportAudit
from .kinds import Built, Period, Progress, no_progress
from .models import IssuedReport, ReportRun

logger = logging.getLogger(__name__)

FORMATS = ("text", "docx", "pdf", "xlsx")
FORMAT_LABELS = {"text": "văn bản", "docx": "Word", "pdf": "PDF", "xlsx": "Excel"}
CONTENT_TYPES = {
    "text": "text/plain; charset=utf-8",
    "docx": DOCX_TYPE,
    "pdf": PDF_TYPE,
    "xlsx": XLSX_TYPE,
}
SUFFIXES = {"text": "txt", "docx": "docx", "pdf": "pdf", "xlsx": "xlsx"}
ISSUED_FORMATS = ("docx", "pdf", "xlsx")
FIRST_YEAR, LAST_YEAR = 1930, 2100


# ---------------------------------------------------------------- checks


def kind_of(key: str) -> kinds.Kind:
    """The registered kind ``key``, else an error naming the field "kind"."""
    try:
        return kinds.get(str(key))
    except KeyError:
        known = ", ".join(k.key for k in kinds.all_kinds()) or "—"
        raise invalid("kind", f"Loại báo cáo: không có loại “{key}” (các loại: {known}).") from None


def period_of(kind: kinds.Kind, year: Any, quarter: Any = None) -> Period:
    """The period ``kind`` takes: a quarter for quarterly kinds, the year for the others."""
    try:
        y = int(year)
    except (TypeError, ValueError):
        raise invalid("year", f"Năm: “{year}” không phải một năm.") from None
    if not FIRST_YEAR <= y <= LAST_YEAR:
        raise invalid("year", f"Năm: {y} nằm ngoài khoảng {FIRST_YEAR}–{LAST_YEAR}.")
    q: int | None = None
    if quarter not in (None, ""):
        try:
            q = int(quarter)
        except (TypeError, ValueError):
            raise invalid("quarter", f"Quý: “{quarter}” không phải một quý (1–4).") from None
        if not 1 <= q <= 4:
            raise invalid("quarter", f"Quý: {q} không phải một quý (1–4).")
    if kind.quarterly and q is None:
        raise invalid("quarter", f"Quý: “{kind.label}” là báo cáo quý; hãy chọn quý (1–4).")
    if not kind.quarterly and q is not None:
        raise invalid(
            "quarter", f"Quý: “{kind.label}” là báo cáo năm; không chọn quý cho loại này."
        )
    return Period(y, q)


def format_of(kind: kinds.Kind, fmt: str) -> str:
    fmt = (fmt or "text").lower()
    if fmt not in FORMATS or fmt not in kind.formats:
        allowed = ", ".join(f for f in kind.formats if f in FORMATS)
        raise invalid("format", f"Định dạng: “{fmt}” không có cho loại này (có: {allowed}).")
    return fmt


# Past this many members under the organisation, the web builds any kind in the background.
BIG_ORG_MEMBERS = 50_000


def in_background(kind: kinds.Kind, org) -> bool:
    """Whether the web page hands this report to the worker: a kind marked big, or an
    organisation big enough (a province) that even a small kind takes long."""
    if kind.background:
        return True
    from dangbo.members.models import Member

    return Member.objects.filter(org.subtree_q("org__")).count() > BIG_ORG_MEMBERS


def _visible(viewer, org, perm=scope.VIEW) -> None:
    if not scope.covers(viewer, perm, org):
        raise PermissionDenied("Tổ chức nằm ngoài phạm vi của bạn.")


# ---------------------------------------------------------------- build and render


def build(kind_key: str, org, period: Period, *, viewer, progress: Progress = no_progress) -> Built:
    """The report ``kind_key`` of ``org`` for ``period``, counted within ``viewer``'s scope.
    Out of the viewer's scope: ``PermissionDenied`` (the web answers 404)."""
    kind = kind_of(kind_key)
    period_of(kind, period.year, period.quarter)  # the kind takes this period
    _visible(viewer, org)
    return kind.build(org, period, viewer=viewer, progress=progress)


def filename(built: Built, fmt: str) -> str:
    """ "bao-cao-nam-2016-tam-duong.docx": ASCII, sortable, says what and whose."""
    return f"bao-cao-{built.kind}-{built.period.slug}-{built.org.code}.{SUFFIXES[fmt]}"


def table_sheets(built: Built) -> list[Sheet]:
    """The document's tables as sheets, for a kind that gives no sheets of its own."""
    sheets = []
    doc = built.document
    for n, block in enumerate((b for b in doc.blocks if isinstance(b, Table)), start=1):
        title = block.caption or f"{doc.kind} {doc.summary}".strip() or f"Bảng {n}"
        sheets.append(
            Sheet(
                title=title,
                columns=tuple(
                    Col(c.label, itemgetter(i), c.kind) for i, c in enumerate(block.columns)
                ),
                rows=block.rows,
                subtitle=f"{built.org.name} · {built.period.label}",
                name=f"Bảng {n}",
                numbered=block.numbered,
                groups=block.groups,
                scope=built.org.name,
                landscape=doc.landscape,
                totals=block.totals,
            )
        )
    return sheets


def render(built: Built, fmt: str) -> tuple[bytes | str, str, str]:
    """(content, content type, file name) of ``built`` in ``fmt``: text, docx, pdf, xlsx."""
    if fmt == "text":
        content: bytes | str = to_text(built.document)
    elif fmt == "docx":
        content = to_docx(built.document)
    elif fmt == "pdf":
        content = to_pdf(built.document)
    elif fmt == "xlsx":
        sheets = built.sheets or table_sheets(built)
        if not sheets:
            raise invalid("format", "Định dạng: báo cáo này không có bảng nào để xuất Excel.")
        out = io.BytesIO()
        workbook(sheets, out, title=report_title(built), author=built.document.issuer.name)
        content = out.getvalue()
    else:
        raise invalid("format", f"Định dạng: “{fmt}” không có (có: {', '.join(FORMATS)}).")
    return content, CONTENT_TYPES[fmt], filename(built, fmt)


def report_title(built: Built) -> str:
    """ "Báo cáo Kết quả công tác xây dựng Đảng năm 2016": the document's own title, else
    its kind and summary."""
    doc = built.document
    return doc.title or " ".join(p for p in (doc.kind.capitalize(), doc.summary) if p).strip()


def numbered(built: Built, number: str, issued_on: date | None) -> Built:
    """The same build with the document's number and date filled in."""
    document = dataclasses.replace(built.document, number=number, day=issued_on)
    return dataclasses.replace(built, document=document)


# ---------------------------------------------------------------- issue and compare


def canonical(value: Any) -> Any:
    """What JSON keeps of ``value`` (dates as ISO text, tuples as lists)."""
    return json.loads(json.dumps(value, default=str, ensure_ascii=False, sort_keys=True))


def digest(figures: dict, text: str, file_hashes: list[str]) -> str:
    """SHA-256 over the canonical JSON of the figures, the text and the files' hashes: one
    value that changes if any of them does."""
    blob = json.dumps(
        {"figures": canonical(figures), "text": text, "files": list(file_hashes)},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()
    return hashlib.sha256(blob).hexdigest()


def _clean_number(number: Any) -> str:
    text = " ".join(str(number or "").split())
    if len(text) > 30:
        raise invalid("number", "Số: tối đa 30 ký tự.")
    if any(ch in text for ch in "/\\<>"):
        raise invalid(
            "number", "Số: chỉ ghi số của văn bản (ví dụ 15), không ghi ký hiệu “-BC/HU”."
        )
    return text


def issue(
    built: Built,
    *,
    actor,
    number: Any = "",
    issued_on: date | None = None,
    audited: bool = True,
) -> IssuedReport:
    """Freeze ``built`` as issued by ``actor`` (CHANGE on the organisation): its figures, its
    text and its .docx, PDF and .xlsx, with a hash and an audit entry, in one transaction.

    A number names one document of the body in its year, so a second report of the same
    organisation and year under the same number is refused; issuing the same period again
    under a new number is allowed (a corrected report is a new document, the first stays).

    ``audited=False`` is for the demo loader only, whose one entry covers its whole load."""
    if not scope.covers(actor, scope.CHANGE, built.org):
        if scope.covers(actor, scope.VIEW, built.org):
            raise forbidden("Bạn không có quyền ban hành báo cáo của tổ chức này.")
        raise PermissionDenied("Tổ chức nằm ngoài phạm vi của bạn.")
    number = _clean_number(number)
    issued_on = issued_on or timezone.localdate()
    if issued_on.year < built.period.year:
        raise invalid(
            "issued_on",
            f"Ngày ban hành: {issued_on:%d/%m/%Y} trước năm của báo cáo ({built.period.year}).",
        )
    if (
        number
        and IssuedReport.objects.filter(
            org=built.org, year=built.period.year, number=number
        ).exists()
    ):
        raise invalid(
            "number",
            f"Số: {built.org.name} đã ban hành báo cáo số {number} năm {built.period.year}.",
        )
    final = numbered(built, number, issued_on)
    text = to_text(final.document)
    kind = kinds.get(built.kind)
    rendered: list[tuple[bytes, str]] = []
    for fmt in ISSUED_FORMATS:
        if fmt not in kind.formats:
            continue
        if fmt == "xlsx" and not (final.sheets or table_sheets(final)):
            continue
        content, _type, name = render(final, fmt)
        assert isinstance(content, bytes)
        rendered.append((content, name))
    try:
        with transaction.atomic():
            stored = [
                files.store(io.BytesIO(content), name, actor=actor, limit=0)
                for content, name in rendered
            ]
            figures = canonical(final.figures)
            report = IssuedReport(
                kind=built.kind,
                org=built.org,
                year=built.period.year,
                quarter=built.period.quarter,
                number=number,
                title=report_title(final)[:300],
                issued_on=issued_on,
                issued_by=actor,
                figures=figures,
                text=text,
                sha256=digest(figures, text, [f.sha256 for f in stored]),
            )
            report.save()
            report.files.set(stored)
            if audited:
                audit.record(
                    actor=actor,
                    action=ReportAudit.ISSUED,
                    obj=report,
                    summary=f"Ban hành {report.title} ({built.org.name}, {built.period.label})",
                    after={
                        "kind": report.kind,
                        "org": built.org.code,
                        "period": built.period.slug,
                        "number": number,
                        "issued_on": issued_on.isoformat(),
                        "sha256": report.sha256,
                        "files": [f.sha256 for f in stored],
                    },
                    scope_org=built.org,
                )
    except IntegrityError:
        raise invalid(
            "number",
            f"Số: {built.org.name} đã ban hành báo cáo số {number} năm {built.period.year}.",
        ) from None
    return report


def verify(report: IssuedReport) -> bool:
    """Whether the stored figures, text and files still give the stored hash."""
    stored = sorted(report.files.all(), key=lambda f: f.pk)
    hashes = []
    for f in stored:
        try:
            hashes.append(hashlib.sha256(files.path_of(f).read_bytes()).hexdigest())
        except OSError:
            return False
    return digest(report.figures, report.text, hashes) == report.sha256


@dataclass(frozen=True)
class FigureChange:
    key: str
    label: str
    change: str  # "added", "removed", "changed"
    old: Any
    new: Any


@dataclass(frozen=True)
class Changes:
    figures: list[FigureChange]
    diff: list[str]  # a unified diff of the text's lines
    rebuilt_text: str

    @property
    def none(self) -> bool:
        return not self.figures and not self.diff


def flatten(figures: Any, prefix: str = "") -> dict[str, Any]:
    """Nested figures as "a.b.c" → value, so a change deep inside names its place."""
    if isinstance(figures, dict):
        out: dict[str, Any] = {}
        for k, v in figures.items():
            out.update(flatten(v, f"{prefix}.{k}" if prefix else str(k)))
        return out
    return {prefix: figures}


def _label(key: str, labels: dict[str, str]) -> str:
    return labels.get(key) or key


def compare(old: dict, new: dict, labels: dict[str, str] | None = None) -> list[FigureChange]:
    labels = labels or {}
    a, b = flatten(canonical(old)), flatten(canonical(new))
    found = []
    for key in sorted(a.keys() | b.keys()):
        if key not in b:
            found.append(FigureChange(key, _label(key, labels), "removed", a[key], None))
        elif key not in a:
            found.append(FigureChange(key, _label(key, labels), "added", None, b[key]))
        elif a[key] != b[key]:
            found.append(FigureChange(key, _label(key, labels), "changed", a[key], b[key]))
    return found


def changes_since(report: IssuedReport, *, viewer) -> Changes:
    """Rebuild ``report`` from today's data (within ``viewer``'s scope), with its number and
    date, and compare: the figures added, removed or changed, and the text line by line."""
    period = Period(report.year, report.quarter)
    built = numbered(
        build(report.kind, report.org, period, viewer=viewer), report.number, report.issued_on
    )
    text = to_text(built.document)
    labels = built.figures.get("_labels", {}) if isinstance(built.figures, dict) else {}
    diff = list(
        difflib.unified_diff(
            report.text.splitlines(),
            text.splitlines(),
            fromfile="Khi ban hành",
            tofile="Hôm nay",
            lineterm="",
        )
    )
    return Changes(compare(report.figures, built.figures, labels), diff, text)


# ---------------------------------------------------------------- background runs


def create_run(kind_key: str, org, period: Period, fmt: str, *, actor) -> ReportRun:
    """A queued build of the report (``tasks.start_run`` hands it to the worker)."""
    kind = kind_of(kind_key)
    period_of(kind, period.year, period.quarter)
    fmt = format_of(kind, fmt)
    if fmt == "text":
        raise invalid("format", "Định dạng: việc nền lập tệp Word, PDF hoặc Excel.")
    _visible(actor, org)
    return ReportRun.objects.create(
        kind=kind.key,
        org=org,
        year=period.year,
        quarter=period.quarter,
        format=fmt,
        requested_by=actor,
        phase="Đang chờ",
    )


class _RunProgress:
    """The builder's progress callback, written to the run's row (at most once a percent)."""

    def __init__(self, run: ReportRun):
        self.run = run
        self.last: tuple[int, int, str] = (-1, -1, "")

    def __call__(self, done: int, total: int, phase: str = "") -> None:
        step = (100 * done // total) if total else done
        key = (step, total, phase)
        if key == self.last:
            return
        self.last = key
        ReportRun.objects.filter(pk=self.run.pk).update(
            done=done, total=total, phase=phase[:200] or self.run.phase, beat_at=timezone.now()
        )


FAILED_MESSAGE = "Lập báo cáo không thành công do lỗi của hệ thống; xin báo người quản trị."


def run(run: ReportRun) -> ReportRun:
    """Build and render ``run`` as its requester, keep the file; done or failed (a clear
    message: the person's error as said, a fault of ours without its traceback)."""
    ReportRun.objects.filter(pk=run.pk).update(
        state=ReportRun.State.RUNNING, phase="Đang lập báo cáo", beat_at=timezone.now()
    )
    try:
        built = build(
            run.kind,
            run.org,
            Period(run.year, run.quarter),
            viewer=run.requested_by,
            progress=_RunProgress(run),
        )
        ReportRun.objects.filter(pk=run.pk).update(phase="Đang ghi tệp")
        content, _type, name = render(built, run.format)
        data = content.encode() if isinstance(content, str) else content
        with transaction.atomic():
            stored = files.store(io.BytesIO(data), name, actor=run.requested_by, limit=0)
            ReportRun.objects.filter(pk=run.pk).update(
                state=ReportRun.State.DONE,
                result=stored,
                phase="Xong",
                done=max(run.total, 1),
                total=max(run.total, 1),
                finished_at=timezone.now(),
            )
    except (ValidationError, PermissionDenied) as exc:
        message = " ".join(getattr(exc, "messages", None) or [str(exc)])
        _fail(run, message)
    except Exception:
        logger.exception("Lập báo cáo nền #%s không thành công", run.pk)
        _fail(run, FAILED_MESSAGE)
    run.refresh_from_db()
    return run


STALE_AFTER = timedelta(minutes=30)
INTERRUPTED_MESSAGE = (
    "Việc lập báo cáo bị gián đoạn (máy chủ khởi động lại hoặc tiến trình dừng); hãy lập lại."
)


def settle(run: ReportRun) -> ReportRun:
    """A running build silent for ``STALE_AFTER`` was lost with its process: failed, with
    a message saying to start it again (the page stops polling)."""
    if run.state != ReportRun.State.RUNNING:
        return run
    last = run.beat_at or run.created_at
    if timezone.now() - last > STALE_AFTER:
        ReportRun.objects.filter(pk=run.pk, state=ReportRun.State.RUNNING).update(
            state=ReportRun.State.FAILED, problem=INTERRUPTED_MESSAGE, finished_at=timezone.now()
        )
        run.refresh_from_db()
    return run


def _fail(run: ReportRun, message: str) -> None:
    ReportRun.objects.filter(pk=run.pk).update(
        state=ReportRun.State.FAILED, problem=message, finished_at=timezone.now()
    )
