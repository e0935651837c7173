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
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dangbo.core.errors import messages_of
from dangbo.core.views import page_of, render_page

from . import services
from .models import ImportJob, ImportKind, JobState, RowState
from .queries import job_for, jobs_of, may_import, template_response
from .readers import FileProblem


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Dữ liệu"), choices=ImportKind.choices)
    file = forms.FileField(
        label=gettext_lazy("Tệp .xlsx hoặc .csv"),
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


@login_required
def job(request, pk: int):
    # A job whose process died is marked interrupted as soon as someone looks at it.
    job = services.settle(_job_or_404(request, pk))
    state = request.GET.get("loc")
    rows = job.rows.all()
    if state in RowState.values:
        rows = rows.filter(state=state)
    counts = [(value, label, job.counts.get(value, 0)) for value, label in RowState.choices]
    progress = services.read_progress(job)
    return render_page(
        request,
        "imports/job.html",
        {
            "job": job,
            "page": page_of(request, rows, per_page=100),
            "counts": counts,
            "filter": state,
            "progress": progress,
            "phase": services.progress_label(job, progress),
            "busy": job.state in (JobState.QUEUED, JobState.RUNNING),
            "kept": services.KEEP_ROWS_PER_STATE,
            "truncated": any(n > services.KEEP_ROWS_PER_STATE for _v, _l, n in counts),
        },
    )


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
