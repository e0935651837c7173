"""Imports: store the file, preview every row, then commit all rows or none.

One streaming pass does both jobs. A preview writes nothing but the rows' outcomes; a commit
runs the same pass inside ONE transaction and writes each chunk through the bulk path as it
goes — any error (a bad row, a duplicate found late, a killed process) rolls the whole
import back, so the database is as it was. Progress goes to a small file beside the upload,
because on SQLite the committing transaction holds the only write lock.
"""

import contextlib
import hashlib
import itertools
import json
import os
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task

from dangbo.core import audit, legacy
from dangbo.core.dates import today
from dangbo.core.errors import invalid
from dangbo.core.text import vn_number
from dangbo.core.types import Actor

from . import readers
from .choices import ImportAudit
from .common import Outcome, Seen
from .members import MemberImporter
from .models import ImportJob, ImportKind, ImportRow, JobState, RowState
from .orgs import OrgImporter
from .readers import FileProblem
from .schema import match_header

CHUNK = 5000
KEEP_PLAIN_ROWS = 5000  # rows without any message kept per state for the preview table
KEEP_COMMIT_MESSAGES = 10_000  # rows with messages kept in memory during a commit


class Rollback(Exception):
    """Raised inside the commit transaction to undo it."""


def upload_dir() -> Path:
    path = settings.DATA_DIR / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def importer_class(kind: str) -> Any:  # MemberImporter or OrgImporter: the same protocol
    return MemberImporter if kind == ImportKind.MEMBERS else OrgImporter


# -- upload ------------------------------------------------------------------------------


def create_job(
    *, actor: Actor, kind: str, source, original_name: str, max_bytes: int | None = None
) -> ImportJob:
    """Copy the upload (a file object or a path) into the data directory, hashing as it goes.

    ``max_bytes`` is the web/API limit (the CLI passes 0: a server operator may import the
    whole Party in one file)."""
    if kind not in ImportKind.values:
        raise invalid("kind", "Loại dữ liệu: chọn “members” (đảng viên) hoặc “orgs” (tổ chức).")
    limit = settings.DANGBO["IMPORT_MAX_BYTES"] if max_bytes is None else max_bytes
    name = Path(original_name or "tep").name[:200]
    suffix = (
        Path(name).suffix.lower()[:8]
        if Path(name).suffix.lower() in readers.SPREADSHEET_SUFFIXES
        else ""
    )
    stored = f"{uuid.uuid4().hex}{suffix}"
    target = upload_dir() / stored
    digest = hashlib.sha256()
    size = 0
    with contextlib.ExitStack() as stack:
        src = stack.enter_context(open(source, "rb")) if isinstance(source, str | Path) else source
        # The file may hold ID numbers: readable by the server's account only.
        out = stack.enter_context(os.fdopen(os.open(target, os.O_WRONLY | os.O_CREAT, 0o600), "wb"))
        while True:
            block = src.read(1 << 20)
            if not block:
                break
            size += len(block)
            if limit and size > limit:
                out.close()
                target.unlink(missing_ok=True)
                readers.check_size(size, limit=limit)
            digest.update(block)
            out.write(block)
    return ImportJob.objects.create(
        kind=kind,
        original_name=name,
        stored_name=stored,
        size=size,
        sha256=digest.hexdigest(),
        created_by=actor,
    )


def stored_path(job: ImportJob) -> Path:
    return upload_dir() / job.stored_name


def progress_path(job: ImportJob) -> Path:
    return upload_dir() / f"{job.stored_name}.progress"


def read_progress(job: ImportJob) -> dict:
    try:
        return json.loads(progress_path(job).read_text())
    except (OSError, ValueError):
        return {}


# -- the pass ----------------------------------------------------------------------------


@dataclass
class Progress:
    done: int
    total: int | None
    rate: float
    eta: float | None


class _Reporter:
    def __init__(self, job: ImportJob, callback: Callable[[Progress], None] | None):
        self.job = job
        self.callback = callback
        self.started = time.perf_counter()
        self.last = 0.0

    def __call__(self, done: int, total: int | None, *, final: bool = False) -> None:
        now = time.perf_counter()
        if not final and now - self.last < 0.5:
            return
        self.last = now
        elapsed = max(now - self.started, 1e-6)
        rate = done / elapsed
        eta = (total - done) / rate if total and rate and total > done else None
        progress = Progress(done, total, rate, eta)
        tmp = progress_path(self.job).with_suffix(".tmp")
        tmp.write_text(json.dumps({"done": done, "total": total, "rate": rate, "eta": eta}))
        os.replace(tmp, progress_path(self.job))
        if self.callback:
            self.callback(progress)


def run(job: ImportJob, *, commit: bool = False, actor: Actor = None, progress=None) -> ImportJob:
    """Preview (``commit=False``) or commit the job's file; returns the refreshed job."""
    actor = actor or job.created_by
    queued_commit = job.state == JobState.QUEUED and job.mode == "commit"
    if commit and not (job.can_commit or queued_commit or job.state == JobState.UPLOADED):
        raise invalid("job", "Chỉ ghi được khi lần kiểm tra gần nhất không có lỗi.")
    ImportJob.objects.filter(pk=job.pk).update(
        state=JobState.RUNNING,
        mode="commit" if commit else "preview",
        started_at=timezone.now(),
        finished_at=None,
        problem="",
        rows_done=0,
    )
    job.refresh_from_db()
    ImportRow.objects.filter(job=job).delete()
    reporter = _Reporter(job, progress)
    state = _State()
    try:
        if commit:
            try:
                with transaction.atomic():
                    _pass(job, actor, state, reporter, commit=True)
                    if state.counts.get(RowState.ERROR) or state.problem:
                        raise Rollback
                    _save_rows(job, state.kept)
                    _finish(job, state, JobState.COMMITTED)
                    _audit_commit(job, actor, state)
                # Written: the database holds the data now; the upload (which may carry
                # sensitive columns) is not kept. The rows' outcomes stay for the record.
                stored_path(job).unlink(missing_ok=True)
                return job
            except Rollback:
                pass
            state.problem = state.problem or (
                "Không ghi gì vào cơ sở dữ liệu: tệp có "
                f"{vn_number(state.counts.get(RowState.ERROR, 0))} dòng lỗi."
            )
            _save_rows(job, state.kept)
            _finish(job, state, JobState.PREVIEWED)
            return job
        _pass(job, actor, state, reporter, commit=False)
        _finish(job, state, JobState.FAILED if state.fatal else JobState.PREVIEWED)
        return job
    except FileProblem as exc:
        state.problem = str(exc)
        state.fatal = True
        _finish(job, state, JobState.FAILED)
        return job
    except BaseException:
        # Killed or crashed: the transaction (if any) is already rolled back.
        ImportJob.objects.filter(pk=job.pk).update(
            state=JobState.FAILED,
            problem="Quá trình nhập bị gián đoạn; không có thay đổi nào được ghi.",
            finished_at=timezone.now(),
        )
        raise


class _State:
    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.kept: list[Outcome] = []
        self.kept_plain: dict[str, int] = {}
        self.problem = ""
        self.fatal = False
        self.notes: list[str] = []
        self.encoding = ""
        self.writing = True
        self.importer = None
        self.integrity = False  # a number taken twice: writing stopped, checking goes on


def _pass(
    job: ImportJob, actor: Actor, state: _State, reporter: _Reporter, *, commit: bool
) -> None:
    path = stored_path(job)
    sheet = readers.open_sheet(path, job.original_name)
    state.encoding = sheet.encoding
    state.notes.extend(sheet.notes)
    cls = importer_class(job.kind)
    # Headers typed in TCVN3/VNI too ("Hä vµ tªn"): read them as Unicode before matching.
    sheet.header = [legacy.fix(h)[0] if not h.isascii() else h for h in sheet.header]
    matched = match_header(sheet.header, cls.columns)
    labels = {key: sheet.header[pos] or key for key, pos in matched.positions.items()}
    if matched.duplicates:
        raise FileProblem(
            "Dòng tiêu đề: cột "
            + ", ".join(f"“{d}”" for d in matched.duplicates)
            + " bị lặp (hai cột cùng nghĩa)."
        )
    if matched.unknown:
        state.notes.append(
            "Các cột không dùng, bỏ qua: " + ", ".join(f"“{u[:40]}”" for u in matched.unknown[:20])
        )
    rows = iter(sheet.rows)
    head = list(itertools.islice(rows, 200))
    legacy_columns = _legacy_columns(head, matched.positions, cls)
    for key, encoding in legacy_columns.items():
        state.notes.append(
            f"Cột “{labels[key]}”: chữ gõ bằng bảng mã {legacy.LEGACY_LABELS[encoding]}, "
            "đã chuyển sang Unicode (xem từng dòng bên dưới)."
        )
    importer = cls(
        actor=actor,
        positions=matched.positions,
        labels=labels,
        job_id=job.pk,
        file_name=job.original_name,
        today=today(),
        legacy_columns=legacy_columns,
    )
    state.importer = importer
    state.notes.extend(getattr(importer, "header_notes", list)())
    problems = importer.header_problems()
    if problems:
        state.fatal = True
        raise FileProblem(" ".join(problems))
    seen = Seen()
    done = 0
    for chunk in _chunks(itertools.chain(head, rows), CHUNK):
        parsed = [importer.parse(row_no, cells_) for row_no, cells_ in chunk]
        outcomes = importer.resolve(parsed, seen)
        if commit and state.writing:
            if any(o.state == RowState.ERROR for o in outcomes):
                state.writing = False
            else:
                try:
                    with transaction.atomic():
                        importer.write(outcomes)
                except IntegrityError:
                    # A number used twice in the file (found below) or just taken by someone
                    # else: stop writing, keep checking so every error is reported.
                    state.writing = False
                    state.integrity = True
        _record(job, state, outcomes, commit=commit)
        done += len(chunk)
        reporter(done, sheet.estimate_total(done))
    if done == 0:
        raise FileProblem("Tệp chỉ có dòng tiêu đề, không có dòng dữ liệu nào.")
    _duplicates(job, state, importer, seen, commit=commit)
    if getattr(state, "integrity", False) and not state.counts.get(RowState.ERROR):
        state.problem = (
            "Số thẻ hoặc số CCCD vừa được dùng cho đảng viên khác trong lúc nhập; "
            "không có gì được ghi. Hãy kiểm tra lại tệp."
        )
    reporter(done, done, final=True)


def _legacy_columns(head: list, positions: dict[str, int], cls) -> dict[str, str]:
    found = {}
    for key, pos in positions.items():
        if not hasattr(cls, "text_keys") or key not in cls.text_keys:
            continue
        values = [str(r[1][pos]) for r in head if pos < len(r[1]) and isinstance(r[1][pos], str)]
        encoding = legacy.detect_column(values) if values else None
        if encoding:
            found[key] = encoding
    return found


def _chunks(rows: Iterator, size: int) -> Iterator[list]:
    while True:
        chunk = list(itertools.islice(rows, size))
        if not chunk:
            return
        yield chunk


def _record(job: ImportJob, state: _State, outcomes: list[Outcome], *, commit: bool) -> None:
    keep = []
    for o in outcomes:
        state.counts[o.state] = state.counts.get(o.state, 0) + 1
        if o.messages:
            if not commit or len(state.kept) < KEEP_COMMIT_MESSAGES:
                keep.append(o)
        elif state.kept_plain.get(o.state, 0) < KEEP_PLAIN_ROWS:
            state.kept_plain[o.state] = state.kept_plain.get(o.state, 0) + 1
            keep.append(o)
    if commit:
        state.kept.extend(keep)
    else:
        _save_rows(job, keep)


def _save_rows(job: ImportJob, outcomes: list[Outcome]) -> None:
    ImportRow.objects.bulk_create(
        [
            ImportRow(
                job=job,
                row_no=o.row_no,
                state=o.state,
                action=o.action,
                label=o.label[:200],
                messages=o.messages,
            )
            for o in outcomes
        ],
        batch_size=2000,
    )


def _duplicates(job: ImportJob, state: _State, importer, seen: Seen, *, commit: bool) -> None:
    """Second, cheap pass for numbers met twice: name every row of each group."""
    candidates = seen.candidates
    if not any(candidates.values()):
        return
    sheet = readers.open_sheet(stored_path(job), job.original_name)
    groups: dict[tuple[str, str], list[int]] = {}
    for row_no, cells_ in sheet.rows:
        for kind, value in importer.dup_keys(cells_):
            if value in candidates.get(kind, ()):
                groups.setdefault((kind, value), []).append(row_no)
    messages: dict[int, list[str]] = {}
    for (kind, value), row_nos in groups.items():
        if len(row_nos) < 2:
            continue  # a hash collision, not a duplicate
        for row_no in row_nos:
            others = ", ".join(str(r) for r in row_nos if r != row_no)
            messages.setdefault(row_no, []).append(importer.dup_message(kind, value, others))
    if not messages:
        return
    kept: dict[int, Any]  # the outcomes kept in memory (commit) or the stored rows (preview)
    if commit:
        kept = {o.row_no: o for o in state.kept}
    else:
        kept = {r.row_no: r for r in ImportRow.objects.filter(job=job, row_no__in=list(messages))}
    for row_no, extra in messages.items():
        row = kept.get(row_no)
        if row is not None:
            old_state = row.state
            row.messages = extra + list(row.messages)
            row.state = RowState.ERROR
            row.action = ""
            if not commit:
                row.save(update_fields=["messages", "state", "action"])
        else:
            old_state = None
            outcome = Outcome(row_no, RowState.ERROR, "", f"Dòng {row_no}", extra)
            if commit:
                state.kept.append(outcome)
            else:
                _save_rows(job, [outcome])
        if old_state != RowState.ERROR:
            if old_state is not None:
                state.counts[old_state] -= 1
            else:
                # Plain rows beyond the kept ones: move one from the fullest plain state.
                plain = max(
                    (
                        s
                        for s in (
                            RowState.NEW,
                            RowState.UNCHANGED,
                            RowState.UPDATE,
                            RowState.WARNING,
                        )
                        if state.counts.get(s)
                    ),
                    key=lambda s: state.counts[s],
                    default=None,
                )
                if plain:
                    state.counts[plain] -= 1
            state.counts[RowState.ERROR] = state.counts.get(RowState.ERROR, 0) + 1
    state.kept.sort(key=lambda o: o.row_no)


def _finish(job: ImportJob, state: _State, final: str) -> None:
    counts = {s: state.counts.get(s, 0) for s in RowState.values}
    ImportJob.objects.filter(pk=job.pk).update(
        state=final,
        counts=counts,
        problem=state.problem,
        notes=state.notes,
        encoding=state.encoding,
        rows_done=sum(counts.values()),
        rows_total=sum(counts.values()),
        finished_at=timezone.now(),
        committed_at=timezone.now() if final == JobState.COMMITTED else None,
    )
    job.refresh_from_db()


_AUDIT: dict[str, ImportAudit] = {
    ImportKind.MEMBERS: ImportAudit.MEMBERS,
    ImportKind.ORGS: ImportAudit.ORGS,
}


def _audit_commit(job: ImportJob, actor: Actor, state: _State) -> None:
    counts = {s: state.counts.get(s, 0) for s in RowState.values}
    path = getattr(state.importer, "touched_paths", None) or ""
    audit.record(
        actor=actor,
        action=_AUDIT[job.kind],
        obj=job,
        summary=(
            f"Nhập tệp “{job.original_name}”: {counts['new']} mới, {counts['update']} cập nhật, "
            f"{counts['warning']} có cảnh báo, {counts['unchanged']} không đổi"
        ),
        after={"file": job.original_name, "sha256": job.sha256, "size": job.size, **counts},
        scope_org=_PathOnly(path),
    )


@dataclass
class _PathOnly:
    path: str


@task()
def run_import(job_id: int, commit: bool = False) -> dict:
    """The background form of ``run``: queued through django-tasks."""
    job = ImportJob.objects.get(pk=job_id)
    job = run(job, commit=commit)
    return {"state": job.state, "counts": job.counts}


def start(job: ImportJob, *, commit: bool, actor: Actor) -> ImportJob:
    """Small files now, in this request; big ones on the worker."""
    if job.size <= settings.DANGBO["IMPORT_INLINE_BYTES"]:
        return run(job, commit=commit, actor=actor)
    return enqueue(job, commit=commit)


def enqueue(job: ImportJob, *, commit: bool) -> ImportJob:
    """Hand the job to the background worker (``dangbo worker``, or the one in ``serve``)."""
    if commit and not job.can_commit:
        raise invalid("job", "Chỉ ghi được khi lần kiểm tra gần nhất không có lỗi.")
    ImportJob.objects.filter(pk=job.pk).update(
        state=JobState.QUEUED, mode="commit" if commit else "preview", rows_done=0
    )
    progress_path(job).unlink(missing_ok=True)
    transaction.on_commit(lambda: run_import.enqueue(job.pk, commit))
    job.refresh_from_db()
    return job


STALE_AFTER = 300  # seconds without progress before a running job counts as interrupted


def is_stale(job: ImportJob) -> bool:
    """A job whose process died (killed, server restarted) stays "running" in the table; its
    progress file stops moving. Such a job wrote nothing (the commit is one transaction)."""
    if job.state not in (JobState.RUNNING, JobState.QUEUED):
        return False
    try:
        last = progress_path(job).stat().st_mtime
    except OSError:
        started = job.started_at or job.created_at
        last = started.timestamp()
    return time.time() - last > STALE_AFTER


def cancel(job: ImportJob, *, actor: Actor) -> ImportJob:
    busy = job.state in (JobState.RUNNING, JobState.QUEUED) and not is_stale(job)
    if job.state == JobState.COMMITTED or busy:
        raise invalid("job", "Không hủy được: lần nhập đang chạy hoặc đã ghi.")
    ImportJob.objects.filter(pk=job.pk).update(state=JobState.CANCELLED, finished_at=timezone.now())
    ImportRow.objects.filter(job=job).delete()
    stored_path(job).unlink(missing_ok=True)
    progress_path(job).unlink(missing_ok=True)
    job.refresh_from_db()
    return job
