"""The "Báo cáo" pages: choose a kind, an organisation and a period; read it; download it as
.docx, PDF or .xlsx; issue it; the issued reports and what changed since; background runs.

One query string (``loai``, ``to_chuc``, ``nam``, ``quy``) names a report everywhere: the
page, its downloads and its issue form read it through ``ReportForm``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangbo.core import files, replicas, scope
from dangbo.core import period as session_period
from dangbo.core.views import apply_service_errors, page_of, render_page

from . import kinds, queries, services, tasks
from .document_html import blocks_of
from .forms import IssueForm, ReportForm

FORMAT_BUTTONS = (
    ("docx", gettext_lazy("Tải Word (.docx)")),
    ("pdf", gettext_lazy("Tải PDF")),
    ("xlsx", gettext_lazy("Tải Excel (.xlsx)")),
)


def _visible_or_404(request) -> None:
    if not scope.has_any(request.user, scope.VIEW):
        raise Http404


def _chosen(request, data):
    """The bound form and, when valid, (kind, org, period, the canonical query string)."""
    form = ReportForm(data, user=request.user)
    if not form.is_valid():
        return form, None
    kind = kinds.get(form.cleaned_data["loai"])
    org, period = form.cleaned_data["to_chuc"], form.cleaned_data["period"]
    query = {"loai": kind.key, "to_chuc": org.code, "nam": period.year}
    if period.quarter:
        query["quy"] = period.quarter
    return form, (kind, org, period, urlencode(query))


def _build(request, kind, org, period):
    try:
        return services.build(kind.key, org, period, viewer=request.user)
    except PermissionDenied as exc:
        raise Http404 from exc


@login_required
@require_GET
@replicas.reads
def index(request):
    """The chooser; with a chosen report, the report itself under it."""
    _visible_or_404(request)
    context: dict = {"formats": FORMAT_BUTTONS}
    if "loai" not in request.GET:
        form = ReportForm(user=request.user, day=session_period.current(request).day)
        return render_page(request, "reports/index.html", {**context, "form": form})
    form, chosen = _chosen(request, request.GET)
    if chosen is None:
        return render_page(request, "reports/index.html", {**context, "form": form}, status=400)
    kind, org, period, query = chosen
    context.update(form=form, kind=kind, org=org, report_period=period, query=query)
    context["can_issue"] = scope.covers(request.user, scope.CHANGE, org)
    context["issued"] = queries.issued(request.user, kind=kind.key, year=period.year).filter(
        org=org, quarter=period.quarter
    )[:10]
    if services.in_background(kind, org):
        context["background"] = True
        return render_page(request, "reports/index.html", context)
    try:
        built = _build(request, kind, org, period)
    except ValidationError as exc:
        apply_service_errors(form, exc)
        return render_page(request, "reports/index.html", context, status=400)
    context.update(
        built=built,
        blocks=blocks_of(built.document),
        issue_form=IssueForm(day=built.document.day if built.document else None),
        has_tables=bool(built.sheets or services.table_sheets(built)),
    )
    return render_page(request, "reports/index.html", context)


@login_required
@require_GET
@replicas.reads
def download(request, fmt: str):
    _visible_or_404(request)
    form, chosen = _chosen(request, request.GET)
    if chosen is None or fmt not in services.FORMATS:
        raise Http404
    kind, org, period, _query = chosen
    try:
        services.format_of(kind, fmt)
        built = _build(request, kind, org, period)
        content, ctype, name = services.render(built, fmt)
    except ValidationError as exc:
        return HttpResponse(" ".join(exc.messages), status=400, content_type="text/plain")
    response = HttpResponse(content, content_type=ctype)
    disposition = "inline" if fmt == "text" else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def issue(request):
    """Issue the report named by the query string with the posted number and date."""
    _visible_or_404(request)
    form, chosen = _chosen(request, request.GET)
    if chosen is None:
        raise Http404
    kind, org, period, query = chosen
    if not scope.covers(request.user, scope.CHANGE, org):
        raise PermissionDenied(_("Bạn không có quyền ban hành báo cáo của tổ chức này."))
    issue_form = IssueForm(request.POST)
    built = None
    if issue_form.is_valid():
        try:
            built = _build(request, kind, org, period)
            report = services.issue(
                built,
                actor=request.user,
                number=issue_form.cleaned_data["number"],
                issued_on=issue_form.cleaned_data["issued_on"],
            )
        except ValidationError as exc:
            apply_service_errors(issue_form, exc)
        else:
            messages.success(request, _("Đã ban hành “%(t)s”.") % {"t": report.title})
            return redirect("reports:issued_detail", pk=report.pk)
    if built is None:
        built = _build(request, kind, org, period)
    context = {
        "form": form,
        "kind": kind,
        "org": org,
        "report_period": period,
        "query": query,
        "formats": FORMAT_BUTTONS,
        "can_issue": True,
        "built": built,
        "blocks": blocks_of(built.document),
        "issue_form": issue_form,
        "has_tables": bool(built.sheets or services.table_sheets(built)),
    }
    return render_page(request, "reports/index.html", context, status=400)


@login_required
@require_GET
def issued_list(request):
    _visible_or_404(request)
    reports = queries.issued(request.user)
    return render_page(request, "reports/issued_list.html", {"page": page_of(request, reports)})


@login_required
@require_GET
def issued_detail(request, pk: int):
    report = queries.issued_report(request.user, pk)
    changes = None
    problem = ""
    if request.GET.get("so-sanh"):
        try:
            changes = services.changes_since(report, viewer=request.user)
        except (ValidationError, PermissionDenied) as exc:
            problem = " ".join(getattr(exc, "messages", [str(exc)]))
    return render_page(
        request,
        "reports/issued_detail.html",
        {
            "report": report,
            "files": sorted(report.files.all(), key=lambda f: f.pk),
            "kind": kinds._kinds.get(report.kind),
            "changes": changes,
            "problem": problem,
            "intact": services.verify(report),
        },
    )


@login_required
@require_GET
def issued_file(request, pk: int, file_pk: int):
    report = queries.issued_report(request.user, pk)
    stored = next((f for f in report.files.all() if f.pk == file_pk), None)
    if stored is None:
        raise Http404
    return files.response(stored)


@login_required
@require_http_methods(["GET", "POST"])
def runs(request):
    """The user's background runs; a POST starts one (the report's query and a format)."""
    _visible_or_404(request)
    if request.method == "POST":
        form, chosen = _chosen(request, request.POST)
        if chosen is None:
            raise Http404
        kind, org, period, query = chosen
        try:
            run = tasks.start_run(
                kind.key, org, period, request.POST.get("format", ""), actor=request.user
            )
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(reverse("reports:index") + "?" + query)
        return redirect("reports:run", pk=run.pk)
    return render_page(request, "reports/runs.html", {"runs": queries.runs_of(request.user)})


@login_required
@require_GET
def run_detail(request, pk: int):
    run = services.settle(queries.run_of(request.user, pk))
    return render_page(
        request,
        "reports/run.html",
        {"run": run, "busy": run.state in (run.State.QUEUED, run.State.RUNNING)},
    )


@login_required
@require_GET
def run_progress(request, pk: int):
    """The progress bar's JSON (the same shape as the imports' one, for app.js)."""
    run = services.settle(queries.run_of(request.user, pk))
    return JsonResponse(
        {
            "state": run.state,
            "state_label": run.phase or run.get_state_display(),
            "phase": run.phase,
            "done": run.done,
            "total": run.total,
            "unit": "",
            "rate": 0,
            "eta": None,
            "finished": run.state not in (run.State.QUEUED, run.State.RUNNING),
        }
    )


@login_required
@require_GET
def run_file(request, pk: int):
    run = queries.run_of(request.user, pk)
    if run.result is None:
        raise Http404
    return files.response(run.result)
