"""Program pages: the list with overall progress, a program's tree as of a date, the task
page with its reports and the report form, and the forms that create and edit.

Thin as everywhere: parse, authorise (a program or task out of scope is 404, and so is a
change the user may not make on one they see: "as if absent", like the other apps' forms;
the API answers 403 there), call one service or query, render. The API answers from
the same queries."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangbo.core import scope
from dangbo.core.dates import fmt
from dangbo.core.errors import messages_of
from dangbo.core.text import strip_control
from dangbo.core.views import apply_service_errors, form_page, parse_as_of, render_page
from dangbo.orgs import fields as org_fields
from dangbo.orgs.models import Organisation
from dangbo.orgs.queries import pick_label

from . import documents, forms, queries, services
from .models import Program, Task


def _year(request) -> int | None:
    raw = (request.GET.get("nam") or "").strip()[:4]
    return int(raw) if raw.isdigit() and 1990 <= int(raw) <= 2100 else None


def _org(request) -> Organisation | None:
    text = " ".join(strip_control(request.GET.get("to-chuc") or "").split())[:300]
    if not text:
        return None
    try:
        return org_fields.resolve(request.user, text, _("Tổ chức"), scope.VIEW)
    except ValidationError as exc:
        request.org_error = exc.messages[0]
        return None


@login_required
def program_list(request):
    """Programs the user sees (of a committee, or through tasks their organisation leads),
    with their progress as of the period's day. No VIEW grant anywhere: 404, like the
    other registers."""
    if not scope.has_any(request.user, scope.VIEW):
        raise Http404
    as_of = parse_as_of(request)
    org, year = _org(request), _year(request)
    rows = queries.programs_for(request.user, org, year, as_of.day)
    return render_page(
        request,
        "programs/list.html",
        {
            "rows": rows,
            "as_of": as_of,
            "org": org,
            "year": year,
            "typed": request.GET.get("to-chuc", "")[:300],
            "org_error": getattr(request, "org_error", ""),
            "can_create": scope.has_any(request.user, scope.CHANGE),
        },
    )


def _program_kwargs(data: dict) -> dict:
    """The program form's fields as the services take them (create and edit alike)."""
    return {
        "kind": data["kind"],
        "title": data["title"],
        "start": data["start"],
        "end": data["end"],
        "document": data.get("document"),
    }


@login_required
def program_create(request):
    if not scope.has_any(request.user, scope.CHANGE):
        raise Http404
    form = forms.ProgramCreateForm(request.POST or None, user=request.user)

    def save(data):
        program = services.create_program(
            actor=request.user, org=data["org"], **_program_kwargs(data)
        )
        return _("Đã tạo chương trình."), reverse("programs:detail", args=[program.pk])

    return form_page(
        request,
        form,
        save,
        "programs/program_form.html",
        {"title": _("Tạo chương trình"), "back": reverse("programs:list")},
    )


def _editable_program(request, pk: int) -> Program:
    program = queries.program_or_404(request.user, pk)
    if not queries.may_edit(request.user, program):
        raise Http404
    return program


@login_required
def program_detail(request, pk: int):
    """The tree with progress bars and badges as of the chosen day (``?ngay=``)."""
    program = queries.program_or_404(request.user, pk)
    as_of = parse_as_of(request)
    visible = queries.visible_task_ids(request.user, program)
    tree = queries.program_tree(program, as_of.day, visible=visible)
    return render_page(
        request,
        "programs/detail.html",
        {
            "program": program,
            "tree": tree,
            "as_of": as_of,
            "partial": visible is not None,
            "can_edit": queries.may_edit(request.user, program),
        },
    )


@login_required
def program_edit(request, pk: int):
    program = _editable_program(request, pk)
    initial = {
        "title": program.title,
        "kind": program.kind,
        "start": fmt(program.start),
        "end": fmt(program.end),
        "document": documents.label(program.document) if program.document else "",
    }
    form = forms.ProgramForm(request.POST or None, initial=initial)

    def save(data):
        services.edit_program(actor=request.user, program=program, **_program_kwargs(data))
        return _("Đã sửa chương trình."), reverse("programs:detail", args=[program.pk])

    return form_page(
        request,
        form,
        save,
        "programs/program_form.html",
        {
            "title": _("Sửa chương trình"),
            "program": program,
            "back": reverse("programs:detail", args=[program.pk]),
        },
    )


def _task_kwargs(data: dict) -> dict:
    return {
        "title": data["title"],
        "kind": data["kind"],
        "lead_org": data.get("lead_org"),
        "lead_partner": data.get("lead_partner"),
        "lead_person": data.get("lead_person"),
        "start": data.get("start"),
        "deadline": data.get("deadline"),
        "weight": data.get("weight") or "1",
        "note": data.get("note") or "",
        "coordinators": list(data.get("coordinators") or [])
        + list(data.get("partner_coordinators") or []),
        "indicators": list(data.get("indicators") or []),
    }


@login_required
def task_add(request, pk: int):
    program = _editable_program(request, pk)
    initial = {}
    parent_id = (request.GET.get("muc") or "").strip()
    if parent_id.isdigit():
        initial["parent"] = parent_id
    form = forms.TaskForm(request.POST or None, initial=initial, user=request.user, program=program)

    def save(data):
        task = services.add_task(
            actor=request.user, program=program, parent=data.get("parent"), **_task_kwargs(data)
        )
        message = _("Đã thêm nhiệm vụ %(n)s.") % {"n": task.number}
        return message, reverse("programs:detail", args=[program.pk])

    return form_page(
        request,
        form,
        save,
        "programs/tasks/form.html",
        {
            "program": program,
            "title": _("Thêm nhiệm vụ"),
            "back": reverse("programs:detail", args=[program.pk]),
        },
    )


@login_required
def task_detail(request, pk: int):
    """A task with its progress as of the day, its sub-tasks, its reports (newest first) and,
    for those who may report, the report form."""
    task = queries.task_or_404(request.user, pk)
    as_of = parse_as_of(request)
    progress = queries.progress_as_of([task.pk], as_of.day)[task.pk]
    can_report = queries.may_report(request.user, task)
    form = forms.ReportForm(initial={"period_end": f"{as_of.day:%d/%m/%Y}"}) if can_report else None
    return render_page(
        request, "programs/tasks/detail.html", _task_context(request, task, progress, as_of, form)
    )


def _task_context(request, task: Task, progress, as_of, form) -> dict:
    return {
        "task": task,
        "program": task.program,
        "progress": progress,
        "as_of": as_of,
        "reports": queries.reports_of(task),
        "children": list(task.children.order_by("position", "id")),
        "coordinators": queries.coordinator_names(task),
        "indicators": list(task.indicators.order_by("position", "code")),
        "form": form,
        "can_report": form is not None,
        "can_edit": queries.may_edit(request.user, task.program),
        "sees_program": queries.sees_whole(request.user, task.program),
    }


@login_required
@require_POST
def task_report(request, pk: int):
    """Append a progress report (with one evidence file) to a task the user may report on."""
    task = queries.task_or_404(request.user, pk)
    if not queries.may_report(request.user, task):
        raise Http404
    form = forms.ReportForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        upload = data.get("evidence")
        try:
            services.report_progress(
                actor=request.user,
                task=task,
                period_end=data["period_end"],
                status=data["status"],
                percent=data.get("percent"),
                milestone=data.get("milestone") or "",
                text=data.get("text") or "",
                reason=data.get("reason") or "",
                files=[(upload, upload.name)] if upload else [],
            )
        except ValidationError as exc:
            errors = messages_of(exc)
            if "files" in errors and "evidence" not in errors:
                errors["evidence"] = errors.pop("files")
            apply_service_errors(form, ValidationError(errors))
        else:
            messages.success(request, _("Đã ghi báo cáo tiến độ."))
            return redirect("programs:task", task.pk)
    as_of = parse_as_of(request)
    progress = queries.progress_as_of([task.pk], as_of.day)[task.pk]
    return render_page(
        request,
        "programs/tasks/detail.html",
        _task_context(request, task, progress, as_of, form),
        status=400,
    )


@login_required
def task_edit(request, pk: int):
    """Edit a task; a new "Thuộc mục" moves it (with its sub-tasks) there."""
    task = queries.task_or_404(request.user, pk)
    program = task.program
    if not queries.may_edit(request.user, program):
        raise Http404
    coordinators = list(task.coordinators.select_related("org", "partner"))
    initial = {
        "title": task.title,
        "kind": task.kind,
        "parent": task.parent_id,
        "lead_org": task.lead_org,
        "lead_partner": task.lead_partner_id,
        "lead_person": task.lead_person,
        "start": fmt(task.start),
        "deadline": fmt(task.deadline),
        "weight": f"{task.weight.normalize():f}",
        "note": task.note,
        "coordinators": "\n".join(pick_label(c.org) for c in coordinators if c.org is not None),
        "partner_coordinators": [c.partner_id for c in coordinators if c.partner_id],
        "indicators": list(task.indicators.values_list("pk", flat=True)),
    }
    form = forms.TaskForm(
        request.POST or None,
        initial=initial,
        user=request.user,
        program=program,
        exclude_subtree_of=task,
    )

    def save(data):
        with transaction.atomic():
            services.edit_task(actor=request.user, task=task, **_task_kwargs(data))
            parent = data.get("parent")
            if (parent.pk if parent else None) != task.parent_id:
                services.move_task(actor=request.user, task=task, parent=parent)
        return _("Đã sửa nhiệm vụ."), reverse("programs:task", args=[task.pk])

    return form_page(
        request,
        form,
        save,
        "programs/tasks/form.html",
        {
            "program": program,
            "task": task,
            "title": _("Sửa nhiệm vụ"),
            "back": reverse("programs:task", args=[task.pk]),
        },
    )


@login_required
@require_POST
def task_remove(request, pk: int):
    task = queries.task_or_404(request.user, pk)
    if not queries.may_edit(request.user, task.program):
        raise Http404
    try:
        services.remove_task(actor=request.user, task=task)
    except ValidationError as exc:
        for msgs in messages_of(exc).values():
            for msg in msgs:
                messages.error(request, msg)
        return redirect("programs:task", task.pk)
    messages.success(request, _("Đã xóa nhiệm vụ."))
    return redirect("programs:detail", task.program_id)


@login_required
def evidence(request, pk: int, file_id: int):
    """An evidence file of one of the task's reports, as a download, for those who see the
    task (404 otherwise, and for a file of another task)."""
    from dangbo.core.files import response

    task = queries.task_or_404(request.user, pk)
    stored = queries.evidence_of(task, file_id)
    if stored is None:
        raise Http404
    return response(stored)
