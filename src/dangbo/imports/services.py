"""Imports: store the file, preview every row, then commit all rows or none.

One streaming pass does both jobs. A preview writes nothing but the rows' outcomes; a commit
runs the same pass inside ONE transaction and writes each chunk through the bulk path as it
goes — any error (a bad row, a duplicate found late, a killed process) rolls the whole
import back, so the database is as it was. Progress goes to a small file beside the upload,
because on SQLite the committing transaction holds the only write lock; the same file is the
job's heartbeat (touched every few seconds while its process lives).

A job records which process runs it (``owner``). When that process dies — killed, the
server restarted — the job is marked "interrupted" (at the next start of ``dangbo serve`` or
``dangbo worker``, and whenever someone acts on it): it wrote nothing, and can be cancelled
or run again from the stored upload.
"""

import contextlib
import hashlib
import itertools
import json
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
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
from .common import Outcome, Seen, SheetInfo
from .indicators import IndicatorImporter
from .members import MemberImporter
from .models import ImportJob, ImportKind, ImportRow, JobState, RowState
from .orgs import OrgImporter
from .readers import FileProblem
from .schema import match_header

CHUNK = 5000
# Rows kept per state for the preview table (the first ones of the file); the counts cover
# every row. Bounded whatever the file: 50,000 wrong rows store 1,000 (about 1 MB), and
# fixing those and uploading again shows the next ones.
KEEP_ROWS_PER_STATE = 1000
HEARTBEAT_EVERY = 5  # seconds between touches of a running job's progress file
STALE_AFTER = 60  # seconds without a heartbeat before a job run elsewhere counts as dead

# What the progress file says a run is doing ("phase"), and how the page names it.
CHECKING, WRITING, COMMITTED, ROLLED_BACK = "checking", "writing", "committed", "rolled_back"
PHASE_LABELS = {
    CHECKING: "Đang kiểm tra",
    WRITING: "Đang ghi (chưa xác nhận)",
    COMMITTED: "Đã ghi xong",
    ROLLED_BACK: "Không ghi gì (đã hoàn tác)",
}
INTERRUPTED_PROBLEM = (
    "Quá trình nhập bị gián đoạn (tiến trình xử lý đã dừng); không có thay đổi nào được ghi. "
    "Có thể chạy lại từ tệp đã tải lên, hoặc hủy."
)


BULK_NOTE = (
    "Tệp lớn: ghi theo lô — các đảng viên mới được ghi một lần sau khi kiểm tra xong cả tệp."
)
INTEGRITY_PROBLEM = (
    "Số thẻ hoặc số CCCD vừa được dùng cho đảng viên khác trong lúc nhập; "
    "không có gì được ghi. Hãy kiểm tra lại tệp."
)


class Rollback(Exception):
    """Raised inside the commit transaction to undo it."""


def upload_dir() -> Path:
    path = settings.DATA_DIR / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def importer_class(kind: str) -> Any:  # Member/Org/IndicatorImporter: the same protocol
    if kind == ImportKind.INDICATORS:
        return IndicatorImporter
    return MemberImporter if kind == ImportKind.MEMBERS else OrgImporter


def _match(cls, header: list[str]):
    """The header's columns as the importer knows them (the indicators' importer matches
    its columns against the catalogue of indicators)."""
    matcher = getattr(cls, "match", None)
    return matcher(header) if matcher is not None else match_header(header, cls.columns)


# -- upload ------------------------------------------------------------------------------


def create_job(
    *, actor: Actor, kind: str, source, original_name: str, max_bytes: int | None = None
) -> ImportJob:
    """Copy the upload (a file object or a path) into the data directory, hashing as it goes.

    ``max_bytes`` is the web/API limit (the CLI passes 0: a server operator may import the
    whole Party in one file)."""
    if kind not in ImportKind.values:
        raise invalid(
            "kind",
            "Loại dữ liệu: chọn “members” (đảng viên), “orgs” (tổ chức) hoặc “indicators” "
            "(số liệu chỉ tiêu).",
        )
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


def write_progress(job: ImportJob, data: dict) -> None:
    """Written outside any transaction (a file): what it says is true even if the commit is
    later rolled back, so a commit's rows are "writing", never "done", until it commits."""
    tmp = progress_path(job).with_suffix(".tmp")
    tmp.write_text(json.dumps(data))
    os.replace(tmp, progress_path(job))


def progress_label(job: ImportJob, data: dict) -> str:
    """The phase as the page shows it: only a committed job is ever "done"."""
    if job.state in (JobState.QUEUED, JobState.RUNNING) and data.get("phase") in PHASE_LABELS:
        if data["phase"] == COMMITTED and job.state != JobState.COMMITTED:
            return PHASE_LABELS[WRITING]  # the file is ahead of the row for an instant
        return PHASE_LABELS[data["phase"]]
    return str(job.get_state_display())


# -- who runs a job ----------------------------------------------------------------------


def _boot_id() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()[:8]
    except OSError:
        return ""


def _start_ticks(pid: int) -> str:
    """When the process started (clock ticks since boot): tells a reused pid from ours."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    return stat.rsplit(")", 1)[-1].split()[19]


def process_identity(pid: int | None = None) -> str:
    """ "host|boot id|pid|start ticks" of this process (64 characters at most: it is also
    the task worker's id)."""
    pid = os.getpid() if pid is None else pid
    return f"{socket.gethostname()[:32]}|{_boot_id()}|{pid}|{_start_ticks(pid)}"


def process_gone(identity: str) -> bool | None:
    """True: that process is dead (this host, and another boot, or no such pid, or the pid
    now belongs to a later process); False: alive; None: another host, or not an identity
    (the heartbeat decides)."""
    parts = identity.split("|")
    if len(parts) != 4 or not parts[2].isdigit():
        return None
    host, boot, pid_text, ticks = parts
    if host != socket.gethostname()[:32]:
        return None
    if boot and _boot_id() and boot != _boot_id():
        return True
    pid = int(pid_text)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        pass  # alive, another user's
    return bool(ticks) and _start_ticks(pid) not in ("", ticks)


class _Heartbeat:
    """Touches the progress file every few seconds while the run's process lives, even
    during a long statement: a file that stops moving means a dead process."""

    def __init__(self, job: ImportJob):
        self.path = progress_path(job)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._beat, name=f"import-{job.pk}", daemon=True)

    def _beat(self) -> None:
        while not self.stop.wait(HEARTBEAT_EVERY):
            with contextlib.suppress(OSError):
                os.utime(self.path)

    def __enter__(self) -> "_Heartbeat":
        self.path.touch()
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()


# -- the pass ----------------------------------------------------------------------------


@dataclass
class Progress:
    done: int
    total: int | None
    rate: float
    eta: float | None


class _Reporter:
    def __init__(self, job: ImportJob, callback: Callable[[Progress], None] | None, *, phase: str):
        self.job = job
        self.callback = callback
        self.phase = phase
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
        write_progress(
            self.job,
            {"phase": self.phase, "done": done, "total": total, "rate": rate, "eta": eta},
        )
        if self.callback:
            self.callback(progress)


def run(job: ImportJob, *, commit: bool = False, actor: Actor = None, progress=None) -> ImportJob:
    """Preview (``commit=False``) or commit the job's file; returns the refreshed job."""
    actor = actor or job.created_by
    queued = job.state == JobState.QUEUED
    if commit and not (
        job.can_commit
        or (queued and job.mode == "commit")
        or _commit_interrupted(job)
        or job.state == JobState.UPLOADED
    ):
        raise invalid("job", "Chỉ ghi được khi lần kiểm tra gần nhất không có lỗi.")
    # From the state read above only: a job cancelled (or taken by another worker) since
    # is left alone.
    claimed = ImportJob.objects.filter(pk=job.pk, state=job.state).update(
        state=JobState.RUNNING,
        mode="commit" if commit else "preview",
        owner=process_identity(),
        started_at=timezone.now(),
        finished_at=None,
        problem="",
        rows_done=0,
    )
    job.refresh_from_db()
    if not claimed:
        return job
    if not commit:
        ImportRow.objects.filter(job=job).delete()
    reporter = _Reporter(job, progress, phase=WRITING if commit else CHECKING)
    state = _State()
    try:
        with _Heartbeat(job):
            return _run(job, actor, state, reporter, commit=commit)
    except FileProblem as exc:
        state.problem = str(exc)
        state.fatal = True
        _finish(job, state, JobState.FAILED)
        return job
    except BaseException:
        # Stopped or crashed in this process: the transaction (if any) is already rolled
        # back. (A killed process runs nothing: ``recover`` marks its job.)
        if commit:
            write_progress(job, {"phase": ROLLED_BACK})
        _mark_interrupted(job.pk, job.owner)
        raise


def _run(job: ImportJob, actor: Actor, state: "_State", reporter: _Reporter, *, commit: bool):
    if not commit:
        _pass(job, actor, state, reporter, commit=False)
        _finish(job, state, JobState.FAILED if state.fatal else JobState.PREVIEWED)
        return job
    try:
        with transaction.atomic():
            _pass(job, actor, state, reporter, commit=True)
            if state.counts.get(RowState.ERROR) or state.problem:
                raise Rollback
            # The preview's rows give way to the commit's in the same transaction: a commit
            # killed or rolled back leaves the preview as it was.
            ImportRow.objects.filter(job=job).delete()
            _save_rows(job, state.kept)
            _finish(job, state, JobState.COMMITTED)
            _audit_commit(job, actor, state)
    except Rollback:
        write_progress(job, {"phase": ROLLED_BACK})
        ImportRow.objects.filter(job=job).delete()
        state.problem = state.problem or (
            "Không ghi gì vào cơ sở dữ liệu: tệp có "
            f"{vn_number(state.counts.get(RowState.ERROR, 0))} dòng lỗi."
        )
        _save_rows(job, state.kept)
        _finish(job, state, JobState.PREVIEWED)
        return job
    # Only now, the transaction committed, may anything say "done".
    done = sum(state.counts.values())
    write_progress(job, {"phase": COMMITTED, "done": done, "total": done})
    # Written: the database holds the data now; the upload (which may carry sensitive
    # columns) is not kept. The rows' outcomes stay for the record.
    stored_path(job).unlink(missing_ok=True)
    return job


def _commit_interrupted(job: ImportJob) -> bool:
    """A commit cut off by a dead process, whose preview had no error: may run again."""
    return (
        job.state == JobState.INTERRUPTED
        and job.mode == "commit"
        and not job.errors
        and bool(job.counts)
    )


class _State:
    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.actions: dict[str, int] = {}  # ImportJob.actions
        self.kept: list[Outcome] = []
        self.kept_per_state: dict[str, int] = {}
        self.problem = ""
        self.fatal = False
        self.notes: list[str] = []
        self.encoding = ""
        self.writing = True
        self.importer = None
        self.integrity = False  # a number taken twice: writing stopped, checking goes on
        self.sheets: list[dict] = []  # ImportJob.sheets
        self.questions: list[dict] = []  # ImportJob.questions

    def room(self, row_state: str) -> bool:
        """Whether one more row of that state is kept (and count it if so)."""
        kept = self.kept_per_state.get(row_state, 0)
        if kept >= KEEP_ROWS_PER_STATE:
            return False
        self.kept_per_state[row_state] = kept + 1
        return True


# Columns that make a sheet a roll of that kind: without one of them it is something else (a
# summary, a guide, the list of cells) and is said so.
ROLL_KEYS: dict[str, tuple[set[str], str]] = {
    ImportKind.MEMBERS: (
        {"full_name", "birth_name", "card_number", "id_number"},
        "họ tên, số thẻ hay số CCCD",
    ),
    ImportKind.ORGS: ({"name", "code"}, "tên hay mã tổ chức"),
    ImportKind.INDICATORS: ({"org"}, "đơn vị (Đơn vị, Xã, thị trấn)"),
}


@dataclass
class _Plan:
    """One sheet of the file, as the first look found it."""

    name: str
    status: str  # read / not_roll / empty / unselected
    height: int | None
    reason: str = ""
    layout: dict | None = None  # Table.summary() once looked at


def _overrides(job: ImportJob, name: str) -> dict:
    options = job.options or {}
    found = {}
    for option in ("header_row", "last_row"):
        value = (
            (options.get(option) or {}).get(name) if isinstance(options.get(option), dict) else None
        )
        if value in (None, ""):
            continue
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = 0
        if number < 1:
            where = f"Trang “{name}”: " if name else ""
            what = "Dòng tiêu đề" if option == "header_row" else "Dòng cuối"
            raise FileProblem(f"{where}{what}: “{value}” không phải là số dòng (1, 2, 3…).")
        found[option] = number
    return found


def _where(name: str, several: bool) -> str:
    return f"Trang “{name}”: " if several and name else ""


def _plan(job: ImportJob, book: "readers.Book", cls) -> list[_Plan]:
    """Every sheet looked at once (its first rows): empty, not chosen, not a roll, or read."""
    chosen = (job.options or {}).get("sheets") or None
    if chosen is not None and book.names != [""]:
        missing = [n for n in chosen if n not in book.names]
        if missing:
            raise FileProblem(
                "Không có trang " + ", ".join(f"“{n}”" for n in missing) + " trong tệp."
            )
    roll_keys, roll_words = ROLL_KEYS[job.kind]
    plans = []
    for name in book.names:
        height = book.heights.get(name)
        overrides = _overrides(job, name)
        last = overrides.get("last_row")
        if last is not None and height and last > height:
            raise FileProblem(
                f"{_where(name, True)}Dòng cuối bạn chọn (dòng {last}) nằm ngoài trang "
                f"(trang có {height} dòng)."
            )
        if chosen is not None and book.names != [""] and name not in chosen:
            plans.append(_Plan(name, "unselected", height, "không chọn"))
            continue
        try:
            sheet = book.open(name, **overrides)
        except readers.NoHeader:
            plans.append(_Plan(name, "empty", height, "trống"))
            continue
        header = [legacy.fix(h)[0] if not h.isascii() else h for h in sheet.header]
        matched = _match(cls, header)
        layout = sheet.table.summary() if sheet.table else None
        if not set(matched.positions) & roll_keys:
            shown = ", ".join(f"“{h}”" for h in [h for h in header if h][:6])
            where = f"dòng {layout['header_row']}: {shown}" if layout and shown else ""
            reason = f"không có cột {roll_words}" + (f" ({where})" if where else "")
            plans.append(_Plan(name, "not_roll", height, reason, layout))
        else:
            plans.append(_Plan(name, "read", height, "", layout))
    if not any(p.status == "read" for p in plans):
        filled = [p for p in plans if p.status == "not_roll"]
        if len(filled) == 1:
            filled[0].status = "read"  # the only sheet: its header is checked as a roll's
        elif filled:
            raise FileProblem(
                "Không trang nào của tệp là danh sách: "
                + "; ".join(f"trang “{p.name}” {p.reason}" for p in filled)
                + "."
            )
        else:
            raise FileProblem("Tệp không có dữ liệu (không tìm thấy dòng tiêu đề).")
    return plans


def _sheet_line(plan: _Plan, count: int) -> str:
    rows = f" ({plan.height} dòng)" if plan.height else ""
    if plan.status == "read":
        return f"Trang “{plan.name}”{rows}: đã đọc, {vn_number(count)} dòng dữ liệu."
    if plan.status == "empty":
        return f"Trang “{plan.name}”: trống, bỏ qua."
    if plan.status == "unselected":
        return f"Trang “{plan.name}”{rows}: không chọn, bỏ qua."
    return f"Trang “{plan.name}”{rows}: không phải danh sách, bỏ qua — {plan.reason}."


def _pass(
    job: ImportJob, actor: Actor, state: _State, reporter: _Reporter, *, commit: bool
) -> None:
    path = stored_path(job)
    cls = importer_class(job.kind)
    with readers.open_book(path, job.original_name) as book:
        state.encoding = book.encoding
        plans = _plan(job, book, cls)
        read = [p for p in plans if p.status == "read"]
        several = len(read) > 1  # rows carry their sheet's name
        named = len(book.names) > 1  # notes carry it
        heights = [p.height for p in read]
        total = sum(h for h in heights if h) if all(heights) else None
        seen = Seen()
        done = 0
        importers: list[tuple[str, Any]] = []
        per_sheet: dict[str, list[str]] = {}
        counts: dict[str, int] = {}
        try:
            for plan in read:
                notes = per_sheet.setdefault(plan.name, [])
                before = done
                importer, done = _read_sheet(
                    job,
                    actor,
                    state,
                    reporter,
                    book,
                    plan,
                    seen,
                    notes,
                    done,
                    total,
                    previous=importers[-1][1] if importers else None,
                    several=several,
                    commit=commit,
                )
                importers.append((plan.name, importer))
                counts[plan.name] = done - before
        finally:
            for plan in plans:
                if named:
                    state.notes.append(_sheet_line(plan, counts.get(plan.name, 0)))
                    prefix = f"Trang “{plan.name}”: "
                else:
                    prefix = ""
                state.notes.extend(prefix + n for n in per_sheet.get(plan.name, []))
            state.sheets = [
                {
                    "name": p.name,
                    "rows": p.height,
                    "status": p.status,
                    "header_row": (p.layout or {}).get("header_row"),
                    "header_rows": (p.layout or {}).get("header_rows"),
                    "data_first": (p.layout or {}).get("data_first"),
                    "data_last": (p.layout or {}).get("data_last"),
                    "footer": (p.layout or {}).get("footer"),
                    "columns": (p.layout or {}).get("columns", []),
                    "count": counts.get(p.name, 0),
                    "reason": p.reason,
                }
                for p in plans
            ]
    if done == 0:
        raise FileProblem("Tệp chỉ có dòng tiêu đề, không có dòng dữ liệu nào.")
    _duplicates(job, state, importers, seen, several=several, commit=commit)
    if getattr(state, "integrity", False) and not state.counts.get(RowState.ERROR):
        state.problem = INTEGRITY_PROBLEM
    state.questions = _questions([imp for _, imp in importers], chained=hasattr(cls, "follow"))
    unanswered = [q for q in state.questions if not (job.options or {}).get(q["key"])]
    if commit and unanswered and not state.problem:
        state.problem = "Cần trả lời trước khi ghi: " + " ".join(q["text"] for q in unanswered)
    if commit and importers and not state.problem and not state.counts.get(RowState.ERROR):
        _flush(state, importers[-1][1])
    reporter(done, done, final=True)


def _flush(state: "_State", importer) -> None:
    """A bulk import's staged rows, written now that the whole file is checked."""
    if not getattr(importer, "staged", False):
        return
    try:
        with transaction.atomic():
            importer.flush()
    except IntegrityError:
        state.integrity = True
        state.problem = INTEGRITY_PROBLEM
        return
    state.notes.append(BULK_NOTE)


def _read_sheet(
    job,
    actor,
    state,
    reporter,
    book,
    plan: _Plan,
    seen: Seen,
    notes: list[str],
    done: int,
    total: int | None,
    *,
    previous,
    several: bool,
    commit: bool,
):
    """One sheet's rows through its own importer (headers may differ between sheets)."""
    cls = importer_class(job.kind)
    where = _where(plan.name, several)
    sheet = book.open(plan.name, **_overrides(job, plan.name))
    if sheet.table is not None:  # in a list of organisations "Chi bộ thôn 2" is a row
        sheet.table.group_words = job.kind == ImportKind.MEMBERS
    early = len(sheet.notes)
    notes.extend(sheet.notes)
    # Headers typed in TCVN3/VNI too ("Hä vµ tªn"): read them as Unicode before matching.
    sheet.header = [legacy.fix(h)[0] if not h.isascii() else h for h in sheet.header]
    matched = _match(cls, sheet.header)
    labels = {key: sheet.header[pos] or key for key, pos in matched.positions.items()}
    if matched.duplicates:
        raise FileProblem(
            where
            + "Dòng tiêu đề: cột "
            + ", ".join(f"“{d}”" for d in matched.duplicates)
            + " bị lặp (hai cột cùng nghĩa)."
        )
    if matched.unknown:
        notes.append("Các cột không dùng, bỏ qua: " + ", ".join(f"“{u}”" for u in matched.unknown))
    rows = iter(sheet.rows)
    head = list(itertools.islice(rows, 200))
    legacy_columns = _legacy_columns(
        head, matched.positions, cls, path=stored_path(job), sheet=plan.name
    )
    for key, encoding in legacy_columns.items():
        notes.append(
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
        options=job.options,
        sheet=SheetInfo(plan.name, sheet.title),
    )
    if previous is not None and hasattr(importer, "follow"):
        importer.follow(previous)  # the file's duplicates and counts across sheets
    state.importer = importer
    if head:  # the group the first rows are under: a cell for a roll without a cell column
        importer.group = sheet.group_for(head[0][0])
    notes.extend(getattr(importer, "header_notes", list)())
    problems = importer.header_problems()
    if problems:
        state.fatal = True
        raise FileProblem(where + " ".join(problems))
    sheet_key = plan.name if several else ""
    try:
        done = _read_rows(
            job,
            state,
            reporter,
            sheet,
            importer,
            itertools.chain(head, rows),
            seen,
            done,
            total,
            sheet_key=sheet_key,
            commit=commit,
        )
    except BaseException:
        getattr(importer, "abandon", lambda: None)()
        raise
    notes.extend(sheet.notes[early:])  # the footer, group headings: known once read
    notes.extend(getattr(importer, "late_notes", []))  # what the importer learnt reading
    if sheet.table is not None:
        plan.layout = sheet.table.summary()
        if plan.height is None:
            plan.height = sheet.table.seen_last or None
    return importer, done


def _read_rows(
    job,
    state,
    reporter,
    sheet,
    importer,
    rows,
    seen: Seen,
    done: int,
    total: int | None,
    *,
    sheet_key: str,
    commit: bool,
) -> int:
    """The sheet's rows, chunk by chunk: parsed, checked against the database, written
    (when committing). A chunk's writes may run on while the next chunk is parsed
    (``importer.settle``)."""
    first = done
    bulk_rows = settings.DANGBO["IMPORT_BULK_ROWS"]
    for chunk in _chunks(rows, CHUNK):
        # A large file is written in bulk (staged, then flushed once it is all checked),
        # by its size: the sheets' heights, the preview's count, or what the share of the
        # file read so far says (a CSV) — else the rows past the bound are staged.
        if commit and getattr(importer, "staged", None) is False:
            read = done - first + len(chunk)
            size = max(total or 0, job.rows_total or 0, sheet.estimate_total(read) or 0, done)
            importer.staged = size >= bulk_rows
        parsed = []
        for row_no, cells_ in chunk:
            importer.group = sheet.group_for(row_no)  # the heading the row is listed under
            parsed.append(importer.parse(row_no, cells_))
        _settle(importer, state)
        outcomes = importer.resolve(parsed, seen)
        for outcome in outcomes:
            outcome.sheet = sheet_key
            if outcome.inferred:  # the key an override of this row is stored under
                row_key = f"{sheet_key}:{outcome.row_no}" if sheet_key else str(outcome.row_no)
                outcome.inferred["key"] = row_key
        if commit and state.writing:
            if any(o.state == RowState.ERROR for o in outcomes):
                state.writing = False
            else:
                try:
                    if hasattr(importer, "settle"):
                        importer.write(outcomes)  # in a savepoint of its own, maybe running on
                    else:
                        with transaction.atomic():
                            importer.write(outcomes)
                except IntegrityError:
                    # A number used twice in the file (found below) or just taken by someone
                    # else: stop writing, keep checking so every error is reported.
                    state.writing = False
                    state.integrity = True
        _record(job, state, outcomes, commit=commit)
        done += len(chunk)
        reporter(done, total if total is not None else sheet.estimate_total(done - first))
    _settle(importer, state)
    return done


def _settle(importer, state: "_State") -> None:
    """The previous chunk's writes, finished: a number it used twice (found by the second
    pass) or just taken by someone else stops the writing, as in ``_read_rows``."""
    settle = getattr(importer, "settle", None)
    if settle is None:
        return
    try:
        settle()
    except IntegrityError:
        state.writing = False
        state.integrity = True


def _questions(importers: list, *, chained: bool) -> list[dict]:
    """The questions the rows raised: the last importer's when each carries the ones before
    (``follow``), else merged by key with their counts summed."""
    if not importers:
        return []
    if chained:
        return list(getattr(importers[-1], "questions", list)())
    merged: dict[str, dict] = {}
    for importer in importers:
        for question in getattr(importer, "questions", list)():
            if question["key"] in merged:
                merged[question["key"]]["count"] += question.get("count", 0)
            else:
                merged[question["key"]] = dict(question)
    return list(merged.values())


def _legacy_columns(
    head: list, positions: dict[str, int], cls, *, path=None, sheet: str = ""
) -> dict[str, str]:
    """{column key: legacy encoding key} for the text columns typed in TCVN3 or VNI.

    In an .xlsx (``path``, ``sheet``) the font of a column's cells decides: ".VnTime" is
    TCVN3, ".VnTimeH" TCVN3 drawn in capitals ('tcvn3_caps'), "VNI-Times" VNI. Columns in a
    Unicode font, and every column of a file without fonts, are guessed from their text."""
    from .fonts import column_fonts, encoding_key

    text_keys = getattr(cls, "text_keys", ())
    names = ("full_name", "birth_name", "aliases")  # never typed in lower case
    fonts: dict[int, str] = {}
    if path is not None and head:
        fonts = column_fonts(path, sheet, head[0][0], head[-1][0])
    found = {}
    for key, pos in positions.items():
        if key not in text_keys:
            continue
        values = [str(r[1][pos]) for r in head if pos < len(r[1]) and isinstance(r[1][pos], str)]
        by_font = encoding_key(fonts.get(pos))
        if by_font:
            # Said only of a column with text to convert: a whole sheet is often typed in
            # ".VnTime", its ASCII-only columns too (in a capitals font lower-case ASCII
            # is drawn in capitals: "sung a pao" is "SUNG A PAO").
            caps = by_font.endswith(legacy.CAPS)
            if any(not v.isascii() or (caps and v != v.upper()) for v in values):
                found[key] = by_font
            continue
        encoding = legacy.detect_column(values) if values else None
        if encoding == "tcvn3" and key in names and legacy.typed_in_capitals_font(values):
            encoding = "tcvn3_caps"  # names all in lower-case codes: a ".VnTimeH" font
        if encoding:
            found[key] = encoding
    # A column whose cells are each unclear ("NghÖ An", "Thanh Hãa") takes the encoding the
    # sheet's other columns showed, when every one of its non-ASCII cells converts in it.
    if len({legacy.base_encoding(e) for e in found.values()}) == 1:
        sheet_encoding = legacy.base_encoding(next(iter(found.values())))
        for key, pos in positions.items():
            if key in found or key not in text_keys:
                continue
            values = [
                r[1][pos]
                for r in head
                if pos < len(r[1]) and isinstance(r[1][pos], str) and not r[1][pos].isascii()
            ]
            if values and all(legacy.convert_in_column(v, sheet_encoding) for v in values):
                found[key] = sheet_encoding
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
        action = "" if o.state == RowState.ERROR else o.action
        state.actions[action] = state.actions.get(action, 0) + 1
        if state.room(o.state):
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
                sheet=o.sheet[:100],
                error_count=o.error_count,
                inferred=o.inferred,
            )
            for o in outcomes
        ],
        batch_size=2000,
    )


Where = tuple[str, int]  # a row of the file: (its sheet as stored on the row, row number)


def _duplicates(
    job: ImportJob, state: _State, importers: list, seen: Seen, *, several: bool, commit: bool
) -> None:
    """Second, cheap pass over every sheet read for numbers met twice: name every row of
    each group (and its sheet, when the rows are on other sheets)."""
    candidates = seen.candidates
    if not any(candidates.values()):
        return
    groups: dict[tuple[str, str], list[Where]] = {}
    with readers.open_book(stored_path(job), job.original_name) as book:
        for name, importer in importers:
            sheet = book.open(name, **_overrides(job, name))
            if sheet.table is not None:
                sheet.table.group_words = job.kind == ImportKind.MEMBERS
            for row_no, cells_ in sheet.rows:
                for kind, value in importer.dup_keys(cells_):
                    if value in candidates.get(kind, ()):
                        groups.setdefault((kind, value), []).append((name, row_no))
    by_sheet = dict(importers)
    messages: dict[Where, list[str]] = {}
    for (kind, value), places in groups.items():
        if len(places) < 2:
            continue  # a hash collision, not a duplicate
        for place in places:
            others = ", ".join(
                str(r) if s == place[0] else f"{r} (trang “{s}”)"
                for s, r in places
                if (s, r) != place
            )
            key = (place[0] if several else "", place[1])
            messages.setdefault(key, []).append(by_sheet[place[0]].dup_message(kind, value, others))
    if not messages:
        return
    kept: dict[Where, Any]  # the outcomes kept in memory (commit) or the stored rows (preview)
    if commit:
        kept = {(o.sheet, o.row_no): o for o in state.kept}
    else:
        stored = ImportRow.objects.filter(job=job, row_no__in=[r for _, r in messages])
        kept = {(r.sheet, r.row_no): r for r in stored}
    dropped: set[Where] = set()
    for (sheet_key, row_no), extra in messages.items():
        row = kept.get((sheet_key, row_no))
        if row is not None:
            old_state = row.state
            old_action = row.action
            if old_state != RowState.ERROR and not state.room(RowState.ERROR):
                # Kept as another state, now an error beyond the bound: counted, not kept.
                if commit:
                    dropped.add((sheet_key, row_no))
                else:
                    row.delete()
            else:
                errors = row.error_count if old_state == RowState.ERROR else 0
                row.messages = extra + list(row.messages)
                row.error_count = errors + len(extra)
                row.state = RowState.ERROR
                row.action = ""
                if not commit:
                    row.save(update_fields=["messages", "state", "action", "error_count"])
        else:
            old_state = old_action = None
            if state.room(RowState.ERROR):  # beyond the bound: counted, not kept
                outcome = Outcome(
                    row_no,
                    RowState.ERROR,
                    "",
                    f"Dòng {row_no}",
                    extra,
                    sheet=sheet_key,
                    error_count=len(extra),
                )
                if commit:
                    state.kept.append(outcome)
                else:
                    _save_rows(job, [outcome])
        if old_state != RowState.ERROR:
            _move_action(state, old_action)
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
    state.kept = sorted(
        (o for o in state.kept if (o.sheet, o.row_no) not in dropped),
        key=lambda o: (o.sheet, o.row_no),
    )


def _move_action(state: _State, action: str | None) -> None:
    """A row found a duplicate late now counts as an error. ``None``: a row not kept, whose
    action is unknown — one is taken from the fullest action (as for the state counts)."""
    if action is None:
        action = max(
            (a for a, n in state.actions.items() if a and n),
            key=lambda a: state.actions[a],
            default=None,
        )
    if action is not None and state.actions.get(action):
        state.actions[action] -= 1
    state.actions[""] = state.actions.get("", 0) + 1


def _finish(job: ImportJob, state: _State, final: str) -> None:
    counts = {s: state.counts.get(s, 0) for s in RowState.values}
    ImportJob.objects.filter(pk=job.pk).update(
        state=final,
        counts=counts,
        actions={a: n for a, n in state.actions.items() if n},
        problem=state.problem,
        notes=state.notes,
        sheets=state.sheets,
        questions=state.questions,
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
    ImportKind.INDICATORS: ImportAudit.INDICATORS,
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
    """The background form of ``run``: queued through django-tasks. A job cancelled while
    it waited is not run."""
    job = ImportJob.objects.get(pk=job_id)
    if job.state != JobState.QUEUED:
        return {"state": job.state, "skipped": True}
    job = run(job, commit=commit)
    return {"state": job.state, "counts": job.counts}


def start(job: ImportJob, *, commit: bool, actor: Actor) -> ImportJob:
    """Small files now, in this request; big ones on the worker."""
    if job.size <= settings.DANGBO["IMPORT_INLINE_BYTES"]:
        return run(job, commit=commit, actor=actor)
    return enqueue(job, commit=commit)


def enqueue(job: ImportJob, *, commit: bool) -> ImportJob:
    """Hand the job to the background worker (``dangbo worker``, or the one in ``serve``)."""
    if commit and not (job.can_commit or _commit_interrupted(job)):
        raise invalid("job", "Chỉ ghi được khi lần kiểm tra gần nhất không có lỗi.")
    ImportJob.objects.filter(pk=job.pk).update(
        state=JobState.QUEUED,
        mode="commit" if commit else "preview",
        rows_done=0,
        owner="",
        task_id="",
        problem="",
    )
    progress_path(job).unlink(missing_ok=True)

    def queue() -> None:
        result = run_import.enqueue(job.pk, commit)
        ImportJob.objects.filter(pk=job.pk, state=JobState.QUEUED, task_id="").update(
            task_id=str(result.id)[:64]
        )

    transaction.on_commit(queue)
    job.refresh_from_db()
    return job


def is_stale(job: ImportJob) -> bool:
    """Whether a "running" job's process is gone (killed, server restarted): on this host the
    process table says so at once; for a job run elsewhere, its heartbeat (the progress file)
    has stopped for ``STALE_AFTER`` seconds. Such a job wrote nothing (one transaction).
    A queued job is not stale: it waits for a worker (and may be cancelled meanwhile)."""
    if job.state != JobState.RUNNING:
        return False
    gone = process_gone(job.owner)
    if gone is not None:
        return gone
    try:
        last = progress_path(job).stat().st_mtime
    except OSError:
        last = (job.started_at or job.created_at).timestamp()
    return time.time() - last > STALE_AFTER


def _mark_interrupted(pk: int, owner: str) -> bool:
    """RUNNING → INTERRUPTED, only if the same run still holds the job."""
    return bool(
        ImportJob.objects.filter(pk=pk, state=JobState.RUNNING, owner=owner).update(
            state=JobState.INTERRUPTED, problem=INTERRUPTED_PROBLEM, finished_at=timezone.now()
        )
    )


def settle(job: ImportJob) -> ImportJob:
    """Mark the job interrupted if its process is gone; the refreshed job."""
    if is_stale(job) and _mark_interrupted(job.pk, job.owner):
        _fail_tasks([job.task_id] if job.task_id else [], [])
        progress_path(job).unlink(missing_ok=True)
        job.refresh_from_db()
    return job


def recover() -> list[int]:
    """At the start of ``dangbo serve`` and ``dangbo worker``: jobs whose process is gone
    become "interrupted" (and so does a queued job whose task died before it began), and the
    task rows those processes held stop saying RUNNING. Returns the jobs marked."""
    marked = []
    for job in ImportJob.objects.filter(state=JobState.RUNNING):
        if is_stale(job) and _mark_interrupted(job.pk, job.owner):
            marked.append(job)
    task_ids = [job.task_id for job in marked if job.task_id]
    _fail_tasks(task_ids, [process_identity()])
    # A queued job whose task is no longer waiting or running will never start.
    if apps.is_installed("django_tasks_db"):
        from django_tasks_db.models import DBTaskResult

        for job in ImportJob.objects.filter(state=JobState.QUEUED).exclude(task_id=""):
            alive = DBTaskResult.objects.filter(
                pk=job.task_id, status__in=("READY", "RUNNING")
            ).exists()
            if not alive and ImportJob.objects.filter(pk=job.pk, state=JobState.QUEUED).update(
                state=JobState.INTERRUPTED,
                problem=INTERRUPTED_PROBLEM,
                finished_at=timezone.now(),
            ):
                marked.append(job)
    for job in marked:
        progress_path(job).unlink(missing_ok=True)
    return [job.pk for job in marked]


class Interrupted(Exception):
    """Recorded on a task row whose worker process died while running it."""


def _fail_tasks(task_ids: list[str], alive: list[str]) -> None:
    """Task rows still RUNNING whose worker process is gone (or whose import job was found
    interrupted) are marked FAILED: nothing else would ever finish them."""
    if not apps.is_installed("django_tasks_db"):
        return
    from django_tasks_db.models import DBTaskResult

    for row in DBTaskResult.objects.filter(status="RUNNING"):
        worker = row.worker_ids[-1] if row.worker_ids else ""
        if str(row.pk) in task_ids or (worker not in alive and process_gone(worker)):
            DBTaskResult.objects.filter(pk=row.pk, status="RUNNING").update(
                status="FAILED",
                finished_at=timezone.now(),
                exception_class_path=f"{__name__}.Interrupted",
                traceback=f"Interrupted: worker {worker or '?'} stopped while running this task",
            )


def cancel(job: ImportJob, *, actor: Actor) -> ImportJob:
    """Cancel a job not running (a queued one is not started): its stored rows, upload and
    progress file are deleted; the job stays, cancelled, for the record."""
    job = settle(job)
    cancellable = (
        JobState.UPLOADED,
        JobState.QUEUED,
        JobState.PREVIEWED,
        JobState.FAILED,
        JobState.INTERRUPTED,
    )
    done = ImportJob.objects.filter(pk=job.pk, state__in=cancellable).update(
        state=JobState.CANCELLED, finished_at=timezone.now(), owner=""
    )
    if not done:
        raise invalid("job", "Không hủy được: lần nhập đang chạy, đã ghi hoặc đã hủy.")
    ImportRow.objects.filter(job=job).delete()
    stored_path(job).unlink(missing_ok=True)
    progress_path(job).unlink(missing_ok=True)
    job.refresh_from_db()
    return job


def retry(job: ImportJob, *, actor: Actor) -> ImportJob:
    """Run an interrupted job again from its stored upload, in the mode it was cut off in
    (a commit re-checks every row inside its transaction, as always)."""
    job = settle(job)
    if job.state != JobState.INTERRUPTED:
        raise invalid("job", "Chỉ chạy lại được lần nhập bị gián đoạn.")
    if not stored_path(job).exists():
        raise invalid("job", "Không chạy lại được: tệp đã tải lên không còn. Hãy tải lên lại.")
    return start(job, commit=_commit_interrupted(job), actor=actor)


# -- the user's corrections (issue 13: sheets, header row, last row, answers) --------------

HEAD_CELL_CHARS = 40
HEAD_COLUMNS = 15


def configure(job: ImportJob, *, actor: Actor, changes: dict) -> ImportJob:
    """Check the user's choices (``options.clean_options``: sheets, header/last row, answers,
    organisation overrides…) against the job's file, merge them into its options and save
    them; nothing runs. The web page, the API and the command line all come here.

    ``sheets`` is applied first, so a bare row number is about the first sheet chosen;
    ``header_row``/``last_row`` may be a list (the command line's repeated "Trang:N"). Every
    bad field is reported at once; a job never run (just uploaded) is then cancelled, so a
    bad value leaves no upload behind."""
    from .options import clean_options, merge

    job = settle(job)
    if job.state in (JobState.RUNNING, JobState.QUEUED):
        raise invalid("job", "Lần nhập đang chạy: chờ chạy xong rồi hãy sửa tùy chọn.")
    if job.state in (JobState.COMMITTED, JobState.CANCELLED):
        raise invalid("job", "Lần nhập đã ghi hoặc đã hủy: không sửa tùy chọn được nữa.")
    if not stored_path(job).exists():
        raise invalid("job", "Tệp đã tải lên không còn. Hãy tải lên lại.")
    steps: list[dict] = []
    if "sheets" in changes:
        steps.append({"sheets": changes["sheets"]})
    rest = {}
    for key, value in changes.items():
        if key == "sheets":
            continue
        if key in ("header_row", "last_row") and isinstance(value, list | tuple):
            steps.extend({key: one} for one in value)  # each sheet's own "Trang:N"
        else:
            rest[key] = value
    if rest:
        steps.append(rest)
    saved = job.options or {}
    errors: dict[str, list[str]] = {}
    for step in steps:
        try:
            cleaned = clean_options(job, step, actor=actor)
        except ValidationError as exc:
            for field, msgs in exc.message_dict.items():
                errors.setdefault(field, msgs)
            continue
        job.options = merge(job.options or {}, cleaned)
    if errors:
        job.options = saved
        if job.state == JobState.UPLOADED:
            cancel(job, actor=actor)
        raise ValidationError(errors)
    ImportJob.objects.filter(pk=job.pk).update(options=job.options)
    return job


def reconfigure(job: ImportJob, *, actor: Actor, changes: dict) -> ImportJob:
    """Apply the user's corrections (``configure``) and preview the file again. A preview
    writes nothing; the options are kept on the job for every later run."""
    job = configure(job, actor=actor, changes=changes)
    return start(job, commit=False, actor=actor)


def sheet_head(job: ImportJob, sheet_name: str, rows: int = 20) -> list[list[str]]:
    """The first ``rows`` rows of one sheet of the stored upload as the user sees them (text,
    at most 40 characters a cell, 15 columns), for choosing the header row: item i is row
    i + 1 of the sheet."""
    path = stored_path(job)
    if not path.exists():
        raise invalid("job", "Tệp đã tải lên không còn. Hãy tải lên lại.")
    try:
        raw = _head_rows(path, job.original_name, sheet_name, rows)
    except FileProblem as exc:
        raise invalid("sheet", str(exc)) from None
    except (KeyError, IndexError):
        raise invalid("sheet", f"Trang: không có trang “{sheet_name}” trong tệp.") from None
    except Exception as exc:  # a damaged file: the preview has said so already
        raise invalid("sheet", "Không đọc được trang này của tệp.") from exc
    head = [[_shown(c) for c in list(r)[:HEAD_COLUMNS]] for r in raw[:rows]]
    width = max((len(r) for r in head), default=0)
    while width and not any(r[width - 1] for r in head if len(r) >= width):
        width -= 1
    return [(r + [""] * width)[:width] for r in head]


def _head_rows(path: Path, original_name: str, sheet_name: str, rows: int) -> list[list]:
    import csv

    with path.open("rb") as fh:
        magic = fh.read(8)
    if magic.startswith(b"PK\x03\x04") and "xl/workbook.xml" in readers._check_zip(path):
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True, data_only=True, keep_links=False)
        try:
            ws = book[sheet_name] if sheet_name else book.worksheets[0]
            out = [
                list(r)
                for r in ws.iter_rows(
                    min_row=1, max_row=rows, max_col=HEAD_COLUMNS, values_only=True
                )
            ]
        finally:
            book.close()
        return out
    if magic.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        from python_calamine import CalamineWorkbook

        workbook = CalamineWorkbook.from_path(str(path))
        sheet = (
            workbook.get_sheet_by_name(sheet_name) if sheet_name else workbook.get_sheet_by_index(0)
        )
        top, left = sheet.start or (0, 0)
        found: list[list] = [[] for _ in range(min(top, rows))]
        for r in itertools.islice(sheet.iter_rows(), max(0, rows - len(found))):
            found.append([""] * left + list(r))
        return found
    # CSV: decoded as the reader does (UTF-8/16, else 8-bit legacy), one row per line.
    with path.open("rb") as fh:
        sample = fh.read(64 * 1024)
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = sample.decode("utf-16", errors="ignore")
    else:
        try:
            text = sample.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            if exc.start >= len(sample) - 4:  # a character cut at the sample's end
                text = sample[: exc.start].decode("utf-8-sig")
            else:
                _encoding, table = legacy.eight_bit_reading(sample)
                text = sample.decode("latin-1").translate(table)
    lines = text.splitlines()[:rows]
    first = next((line for line in lines if line.strip()), "")
    counts = {d: first.count(d) for d in (",", ";", "\t", "|")}
    delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    return [next(csv.reader([line], delimiter=delimiter), []) for line in lines]


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if hasattr(value, "strftime"):
        text = value.strftime("%d/%m/%Y")
    else:
        text = " ".join(str(value).split())
    if text and not text.isascii():
        text = legacy.fix(text)[0]
    return text if len(text) <= HEAD_CELL_CHARS else text[: HEAD_CELL_CHARS - 1] + "…"
