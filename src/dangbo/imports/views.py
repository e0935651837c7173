"""Import pages: upload, a preview with every row's state, progress, commit or cancel.

A job is visible to the person who uploaded it (and superusers): its rows name people.
Small files run during the request; bigger ones go to the background worker and the page
follows their progress.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dangbo.core.errors import messages_of
from dangbo.core.text import vn_number
from dangbo.core.views import page_of, render_page
from dangbo.orgs.choices import OrgKind, Sector

from . import services
from .models import ImportJob, ImportKind, JobState, RowState
from .options import FIELD_LABELS, in_file_order, sheet_names
from .queries import job_for, jobs_of, may_import, template_response
from .readers import FileProblem


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Dữ liệu"), choices=ImportKind.choices)
    file = forms.FileField(
        label=gettext_lazy("Tệp .xlsx, .xls, .ods hoặc .csv"),
        error_messages={
            "required": gettext_lazy("Tệp: hãy chọn một tệp."),
            "empty": gettext_lazy("Tệp: tệp rỗng, không có dữ liệu."),
        },
    )


def _job_or_404(request, pk: int) -> ImportJob:
    return job_for(request.user, pk)


@login_required
def index(request):
    if not may_import(request.user):
        raise Http404
    too_big = request.method == "POST" and int(request.META.get("CONTENT_LENGTH") or 0) > (
        settings.DANGBO["IMPORT_MAX_BYTES"] + 100_000
    )
    refused = ""
    if too_big:
        # Refused before Django reads the body (and spools it to disk).
        form = UploadForm()
        refused = _(
            "Tệp quá lớn (hơn %(mb)s MB). Hãy chia tệp hoặc nhập bằng lệnh dangbo import."
        ) % {"mb": max(1, settings.DANGBO["IMPORT_MAX_BYTES"] // 1_000_000)}
    else:
        form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and not too_big:
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                job = services.create_job(
                    actor=request.user,
                    kind=form.cleaned_data["kind"],
                    source=upload,
                    original_name=upload.name,
                )
            except FileProblem as exc:
                form.add_error("file", str(exc))
            except ValidationError as exc:
                for field, msgs in messages_of(exc).items():
                    form.add_error(field if field in form.fields else None, msgs[0])
            else:
                services.start(job, commit=False, actor=request.user)
                return redirect("imports:job", pk=job.pk)
    jobs = jobs_of(request.user).select_related("created_by")[:20]
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "jobs": jobs, "refused": refused}
    return render_page(request, "imports/index.html", context, status=status)


@login_required
def template(request, kind: str):
    return template_response(request.user, kind)


# Each row's action as the preview names it ("" is a row with errors: nothing written).
ACTION_LABELS = {
    "new": gettext_lazy("Thêm mới"),
    "update": gettext_lazy("Cập nhật"),
    "unchanged": gettext_lazy("Không đổi"),
    "duplicate": gettext_lazy("Trùng"),
    "": gettext_lazy("Lỗi"),
}
ACTION_FILTERS = {
    "new": "new",
    "update": "update",
    "unchanged": "unchanged",
    "duplicate": "duplicate",
    "error": "",
}
SHEET_STATUS = {
    "read": gettext_lazy("Đã đọc"),
    "not_roll": gettext_lazy("Không phải danh sách"),
    "empty": gettext_lazy("Trang trống"),
    "unselected": gettext_lazy("Không chọn"),
}
HEAD_ROWS_SHOWN = 20
KIND_LABELS = dict(OrgKind.choices)
SECTOR_LABELS = dict(Sector.choices)


def _picker_sheet(request, job: ImportJob) -> str | None:
    """The sheet whose header row the user corrects: ?tieu-de=NAME, else the first one read
    (the first sheet when the run found none)."""
    names = sheet_names(job)
    asked = request.GET.get("tieu-de")
    if asked is not None and asked in names:
        return asked
    read = [s.get("name", "") for s in job.sheets or [] if s.get("status") == "read"]
    return (read or names)[0]


def _header_picker(request, job: ImportJob) -> dict | None:
    if job.state in (JobState.COMMITTED, JobState.CANCELLED, JobState.QUEUED, JobState.RUNNING):
        return None
    name = _picker_sheet(request, job)
    if name is None:
        return None
    try:
        head = services.sheet_head(job, name, rows=HEAD_ROWS_SHOWN)
    except ValidationError:
        return None
    info = next((s for s in job.sheets or [] if s.get("name", "") == name), {})
    chosen = (job.options.get("header_row") or {}).get(name) or info.get("header_row")
    last = (job.options.get("last_row") or {}).get(name) or info.get("data_last") or ""
    return {
        "sheet": name,
        "rows": [(i, cells) for i, cells in enumerate(head, start=1)],
        "chosen": chosen,
        "last": last,
        "declared": info.get("rows"),
        "open": request.GET.get("tieu-de") is not None or job.state == JobState.FAILED,
    }


def _missing(job: ImportJob) -> list[str]:
    """What stands between a preview and its commit, in words."""
    if job.state != JobState.PREVIEWED:
        return []
    missing = []
    if job.errors:
        missing.append(
            _("còn %(n)s dòng lỗi (sửa tệp rồi tải lên lại, hoặc sửa tùy chọn bên dưới)")
            % {"n": job.errors}
        )
    if job.problem:
        missing.append(_("tệp có lỗi chung ở trên"))
    if job.unanswered:
        missing.append(
            _("chưa trả lời %(n)s câu hỏi ở mục “Câu hỏi về tệp”") % {"n": len(job.unanswered)}
        )
    return missing


@login_required
def job(request, pk: int):
    # A job whose process died is marked interrupted as soon as someone looks at it.
    job = services.settle(_job_or_404(request, pk))
    state = request.GET.get("loc")
    action = request.GET.get("tac")
    rows = job.rows.all()
    if state in RowState.values:
        rows = rows.filter(state=state)
    else:
        state = None
    rows = in_file_order(job, rows)
    if action in ACTION_FILTERS:
        rows = rows.filter(action=ACTION_FILTERS[action])
    else:
        action = None
    counts = [(value, label, job.counts.get(value, 0)) for value, label in RowState.choices]
    # Counted during the pass over every row (not only the rows kept for the preview).
    action_counts = [
        (key, ACTION_LABELS[value], job.actions.get(value, 0))
        for key, value in ACTION_FILTERS.items()
        if job.actions.get(value)
    ]
    progress = services.read_progress(job)
    page = page_of(request, rows, per_page=100)
    shown = [
        {
            "row": r,
            "action": ACTION_LABELS.get(r.action, r.action)
            if r.state != RowState.ERROR
            else ACTION_LABELS[""],
            "errors": r.errors,
            "warnings": r.warnings,
            "kind": KIND_LABELS.get(r.inferred.get("kind", ""), r.inferred.get("kind", "")),
            "sector": SECTOR_LABELS.get(r.inferred.get("sector", ""), r.inferred.get("sector", "")),
        }
        for r in page
    ]
    sheets = [
        {**s, "status_label": SHEET_STATUS.get(s.get("status", ""), s.get("status", ""))}
        for s in job.sheets or []
    ]
    chosen_sheets = job.options.get("sheets") or [
        s["name"] for s in sheets if s.get("status") == "read"
    ]
    questions = [
        {
            **q,
            "answer": job.options.get(q["key"], ""),
            # The count, unless the question already says it.
            "count": q.get("count") if vn_number(q.get("count") or 0) not in q["text"] else None,
        }
        for q in job.questions or []
    ]
    return render_page(
        request,
        "imports/job.html",
        {
            "job": job,
            "page": page,
            "shown": shown,
            "counts": counts,
            "action_counts": action_counts,
            "filter": state,
            "action_filter": action,
            "progress": progress,
            "phase": services.progress_label(job, progress),
            "busy": job.state in (JobState.QUEUED, JobState.RUNNING),
            "kept": services.KEEP_ROWS_PER_STATE,
            "truncated": any(n > services.KEEP_ROWS_PER_STATE for _v, _l, n in counts),
            "sheets": sheets,
            "several_sheets": len(sheets) > 1 or len({r.sheet for r in page}) > 1,
            "chosen_sheets": chosen_sheets,
            "picker": _header_picker(request, job),
            "questions": questions,
            "missing": _missing(job),
            "editable": job.state
            in (JobState.PREVIEWED, JobState.FAILED, JobState.INTERRUPTED, JobState.UPLOADED),
            "valid_from": _shown_day(job.options.get("valid_from")),
            "org_kinds": OrgKind.choices,
            "sectors": Sector.choices,
        },
    )


def _shown_day(value) -> str:
    """An ISO date option as people write it (dd/mm/yyyy)."""
    if isinstance(value, str) and len(value) == 10 and value[4] == "-":
        return f"{value[8:]}/{value[5:7]}/{value[:4]}"
    return str(value or "")


def _changes(post) -> dict:
    """The one correction a form of the job page sends (``what`` says which form)."""
    what = post.get("what")
    if what == "sheets":
        return {"sheets": post.getlist("sheet")}
    if what == "header":
        sheet = post.get("sheet", "")
        changes: dict = {"header_row": {sheet: post.get("header_row") or None}}
        if "last_row" in post:
            changes["last_row"] = {sheet: post.get("last_row") or None}
        return changes
    if what == "question":
        key = post.get("key", "")
        return {key: post.get("answer") or None}
    if what == "org":
        key = post.get("key", "")
        return {
            "orgs": {
                key: {f: post.get(f, "") for f in ("kind", "sector", "code")},
            }
        }
    if what == "parent":
        return {
            "parent": post.get("parent") or None,
            "valid_from": post.get("valid_from") or None,
        }
    return {}


@login_required
@require_POST
def options(request, pk: int):
    """Correct the preview (sheets, header row, last row, answers, an organisation's kind,
    sector or code): the options are kept on the job and the file is previewed again."""
    job = _job_or_404(request, pk)
    url = reverse("imports:job", args=[job.pk])
    try:
        services.reconfigure(job, actor=request.user, changes=_changes(request.POST))
    except ValidationError as exc:
        for field, msgs in messages_of(exc).items():
            label = FIELD_LABELS.get(field)
            for msg in msgs:
                messages.error(
                    request, msg if not label or msg.startswith(label) else f"{label}: {msg}"
                )
        if request.POST.get("what") == "header":
            url += "?" + urlencode({"tieu-de": request.POST.get("sheet", "")})
    else:
        messages.success(request, _("Đã lưu lựa chọn và kiểm tra lại tệp. Chưa ghi gì."))
    return redirect(url)


@login_required
def progress(request, pk: int):
    job = services.settle(_job_or_404(request, pk))
    data = services.read_progress(job)
    return JsonResponse(
        {
            "state": job.state,
            # During a commit: "Đang ghi (chưa xác nhận)" until the transaction has committed.
            "state_label": services.progress_label(job, data),
            "phase": data.get("phase", ""),
            "done": data.get("done", job.rows_done),
            "total": data.get("total") or job.rows_total,
            "rate": round(data.get("rate") or 0),
            "eta": round(data["eta"]) if data.get("eta") is not None else None,
            "finished": job.state not in (JobState.QUEUED, JobState.RUNNING),
        }
    )


@login_required
@require_POST
def commit(request, pk: int):
    job = _job_or_404(request, pk)
    try:
        services.start(job, commit=True, actor=request.user)
    except ValidationError as exc:
        for msgs in messages_of(exc).values():
            messages.error(request, msgs[0])
    return redirect("imports:job", pk=job.pk)


@login_required
@require_POST
def cancel(request, pk: int):
    job = _job_or_404(request, pk)
    try:
        services.cancel(job, actor=request.user)
    except ValidationError as exc:
        for msgs in messages_of(exc).values():
            messages.error(request, msgs[0])
    return redirect("imports:job", pk=job.pk)


@login_required
@require_POST
def retry(request, pk: int):
    job = _job_or_404(request, pk)
    try:
        services.retry(job, actor=request.user)
    except ValidationError as exc:
        for msgs in messages_of(exc).values():
            messages.error(request, msgs[0])
    return redirect("imports:job", pk=job.pk)
