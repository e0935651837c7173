"""The programs API (/api/v1/programs): programs with their progress, a program's tree as
of a date, tasks and their progress reports. The same queries and services as the pages.

Reading: whoever sees the program's committee sees the whole program; the staff of an
organisation leading a task see that task (and the program through it). Creating and
changing a program or its tasks: CHANGE on the program's committee. Reporting progress: the
committee, the lead organisation's staff, or (partner lead) the staff of the Party
organisation leading the partner. Out of scope: 404; seen but not changeable: 403."""

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from django.db import transaction
from ninja import Query, Router
from ninja.errors import HttpError

from dangbo.core import scope
from dangbo.core.api import FORBIDDEN, READ_ERRORS, WRITE_ERRORS, Code, Day, Year
from dangbo.core.dates import today
from dangbo.core.errors import invalid
from dangbo.core.models import LegalDocument
from dangbo.indicators.models import Indicator
from dangbo.members.lookups import person
from dangbo.orgs.lookups import org_field, org_or_404
from dangbo.orgs.models import PartnerBody

from .. import queries, services
from ..models import Program, Task
from .tasks_schemas import (
    ProgramCreate,
    ProgramId,
    ProgramOut,
    ProgramPatch,
    ProgramTreeOut,
    ReportCreate,
    ReportOut,
    TaskCreate,
    TaskId,
    TaskOut,
    TaskPatch,
)

router = Router(tags=["programs"])

AsOfParam = Annotated[Day | None, Query(title="Tính đến ngày")]


def _f(value: Decimal | None) -> float | None:
    return None if value is None else float(round(value, 2))


def _progress(p: queries.Progress) -> dict[str, Any]:
    return {
        "percent": _f(p.percent),
        "status": p.status,
        "status_label": p.status_label,
        "own": p.own,
        "overdue": p.overdue,
        "at_risk": p.at_risk,
        "reasons": list(p.reasons),
        "expected": _f(p.expected),
        "last_report_id": p.report_id,
    }


def _program(program: Program, percent: Decimal, tasks: int, overdue: int, at_risk: int):
    return {
        "id": program.pk,
        "kind": program.kind,
        "title": program.title,
        "org": program.org.code,
        "org_name": program.org.name,
        "start": program.start,
        "end": program.end,
        "document_id": program.document_id,
        "percent": _f(percent),
        "tasks": tasks,
        "overdue": overdue,
        "at_risk": at_risk,
    }


def _row(task: Task, progress: queries.Progress, coordinators: list[str]) -> dict[str, Any]:
    return {
        "id": task.pk,
        "parent_id": task.parent_id,
        "number": task.number,
        "depth": task.depth,
        "kind": task.kind,
        "title": task.title,
        "lead_org": task.lead_org.code if task.lead_org is not None else None,
        "lead_partner": task.lead_partner.code if task.lead_partner is not None else None,
        "lead": queries.lead_name(task),
        "lead_person_id": task.lead_person_id,
        "lead_person": task.lead_person.full_name if task.lead_person is not None else "",
        "coordinators": coordinators,
        "start": task.start,
        "deadline": task.deadline,
        "weight": float(task.weight),
        "progress": _progress(progress),
    }


def _task_out(user, task: Task, as_of: date) -> dict[str, Any]:
    progress = queries.progress_as_of([task.pk], as_of)[task.pk]
    return {
        **_row(task, progress, queries.coordinator_names(task)),
        "indicators": list(task.indicators.order_by("code").values_list("code", flat=True)),
        "program_id": task.program_id,
        "program": task.program.title,
        "note": task.note,
        "as_of": as_of,
    }


def _tree_out(user, program: Program, as_of: date) -> dict[str, Any]:
    visible = queries.visible_task_ids(user, program)
    tree = queries.program_tree(program, as_of, visible=visible)
    return {
        **_program(
            program,
            tree.percent,
            tree.counts["total"],
            tree.counts["overdue"],
            tree.counts["at_risk"],
        ),
        "as_of": as_of,
        "done": tree.counts["done"],
        "partial": visible is not None,
        "rows": [_row(r.task, r.progress, r.coordinators) for r in tree.rows if r.visible],
    }


def _editable(user, pk: int) -> Program:
    program = queries.program_or_404(user, pk)
    if not queries.may_edit(user, program):
        raise HttpError(403, FORBIDDEN)
    return program


def _partner(user, code: str | None, field: str, label: str) -> PartnerBody | None:
    if code is None:
        return None
    found = scope.restrict(PartnerBody.objects.all(), user).filter(code=code).first()
    if found is None:
        found = PartnerBody.objects.filter(code=code, leads__isnull=True).first()
    if found is None:
        raise invalid(field, f"{label}: không có cơ quan mã “{code}” trong phạm vi được giao.")
    return found


def _bodies(user, orgs: list[str], partners: list[str]) -> list:
    found: list = [
        org_field(user, code, "coordinators", "Tổ chức đảng phối hợp", scope.VIEW) for code in orgs
    ]
    found += [_partner(user, code, "partner_coordinators", "Cơ quan phối hợp") for code in partners]
    return found


def _indicators(codes: list[str]) -> list[Indicator]:
    found = {i.code: i for i in Indicator.objects.filter(code__in=set(codes))}
    for code in codes:
        if code not in found:
            raise invalid("indicators", f"Chỉ tiêu liên quan: không có chỉ tiêu mã “{code}”.")
    return list(found.values())


def _parent(program: Program, parent_id: int | None) -> Task | None:
    if parent_id is None:
        return None
    parent = Task.objects.filter(program=program, pk=parent_id).first()
    if parent is None:
        raise invalid("parent_id", "Thuộc mục: không có nhiệm vụ này trong chương trình.")
    return parent


# ---------------------------------------------------------------- programs


@router.get("", response={200: list[ProgramOut], **READ_ERRORS}, summary="Chương trình, kế hoạch")
def list_programs(
    request,
    org: Annotated[Code | None, Query(title="Cấp ủy ban hành")] = None,
    year: Annotated[Year | None, Query(title="Năm")] = None,
    as_of: AsOfParam = None,
):
    """Programs the caller sees (issued by ``org`` or below it; running in ``year``) with
    their progress as of ``as_of`` (default today), as on the page ``programs:list``."""
    committee = org_or_404(request.auth, org) if org else None
    rows = queries.programs_for(request.auth, committee, year, as_of)
    return [_program(r.program, r.percent, r.tasks, r.overdue, r.at_risk) for r in rows]


@router.post("", response={201: ProgramTreeOut, **WRITE_ERRORS}, summary="Tạo chương trình")
def create_program(request, payload: ProgramCreate):
    org = org_field(request.auth, payload.org, "org", "Cấp ủy ban hành")
    document = None
    if payload.document_id is not None:
        document = LegalDocument.objects.filter(pk=payload.document_id).first()
        if document is None:
            raise invalid("document_id", "Văn bản ban hành: không có văn bản này.")
    program = services.create_program(
        actor=request.auth,
        org=org,
        kind=payload.kind,
        title=payload.title,
        start=payload.start,
        end=payload.end,
        document=document,
    )
    return 201, _tree_out(request.auth, program, today())


@router.get(
    "/{pk}", response={200: ProgramTreeOut, **READ_ERRORS}, summary="Chương trình và cây nhiệm vụ"
)
def get_program(request, pk: ProgramId, as_of: AsOfParam = None):
    """The tree in order with progress and flags as of ``as_of`` (reports after it are
    ignored); a caller who sees only some tasks gets those (``partial``)."""
    program = queries.program_or_404(request.auth, pk)
    return _tree_out(request.auth, program, as_of or today())


@router.patch("/{pk}", response={200: ProgramTreeOut, **WRITE_ERRORS}, summary="Sửa chương trình")
def patch_program(request, pk: ProgramId, payload: ProgramPatch):
    program = _editable(request.auth, pk)
    services.edit_program(
        actor=request.auth,
        program=program,
        kind=payload.kind or program.kind,
        title=payload.title if payload.title is not None else program.title,
        start=payload.start or program.start,
        end=payload.end or program.end,
        document=program.document,
    )
    return _tree_out(request.auth, program, today())


# ---------------------------------------------------------------- tasks


@router.post("/{pk}/tasks", response={201: TaskOut, **WRITE_ERRORS}, summary="Thêm nhiệm vụ")
def add_task(request, pk: ProgramId, payload: TaskCreate):
    program = _editable(request.auth, pk)
    user = request.auth
    task = services.add_task(
        actor=user,
        program=program,
        title=payload.title,
        kind=payload.kind,
        parent=_parent(program, payload.parent_id),
        lead_org=org_field(user, payload.lead_org, "lead_org", "Cơ quan chủ trì", scope.VIEW),
        lead_partner=_partner(user, payload.lead_partner, "lead_partner", "Cơ quan chủ trì"),
        lead_person=person(
            user, payload.lead_person_id, "lead_person_id", "Người chịu trách nhiệm"
        ),
        start=payload.start,
        deadline=payload.deadline,
        weight=payload.weight,
        note=payload.note,
        coordinators=_bodies(user, payload.coordinators, payload.partner_coordinators),
        indicators=_indicators(payload.indicators),
    )
    return 201, _task_out(user, queries.task_or_404(user, task.pk), today())


@router.get("/tasks/{pk}", response={200: TaskOut, **READ_ERRORS}, summary="Nhiệm vụ")
def get_task(request, pk: TaskId, as_of: AsOfParam = None):
    task = queries.task_or_404(request.auth, pk)
    return _task_out(request.auth, task, as_of or today())


@router.patch("/tasks/{pk}", response={200: TaskOut, **WRITE_ERRORS}, summary="Sửa nhiệm vụ")
def patch_task(request, pk: TaskId, payload: TaskPatch):
    """Fields left out keep their value. ``parent_id`` (or ``top_level``) moves the task
    with its sub-tasks; ``position`` places it among its new siblings."""
    user = request.auth
    task = queries.task_or_404(user, pk)
    if not queries.may_edit(user, task.program):
        raise HttpError(403, FORBIDDEN)
    sent = payload.model_fields_set
    lead_org, lead_partner = task.lead_org, task.lead_partner
    if "lead_org" in sent or "lead_partner" in sent:
        lead_org = org_field(user, payload.lead_org, "lead_org", "Cơ quan chủ trì", scope.VIEW)
        lead_partner = _partner(user, payload.lead_partner, "lead_partner", "Cơ quan chủ trì")
    coordinators = None
    if "coordinators" in sent or "partner_coordinators" in sent:
        current = list(task.coordinators.select_related("org", "partner"))
        orgs = payload.coordinators
        if orgs is None:
            orgs = [c.org.code for c in current if c.org is not None]
        partners = payload.partner_coordinators
        if partners is None:
            partners = [c.partner.code for c in current if c.partner is not None]
        coordinators = _bodies(user, orgs, partners)
    with transaction.atomic():
        services.edit_task(
            actor=user,
            task=task,
            title=payload.title if payload.title is not None else task.title,
            kind=payload.kind or task.kind,
            lead_org=lead_org,
            lead_partner=lead_partner,
            lead_person=person(
                user, payload.lead_person_id, "lead_person_id", "Người chịu trách nhiệm"
            )
            if "lead_person_id" in sent
            else (task.lead_person if lead_org == task.lead_org else None),
            start=payload.start if "start" in sent else task.start,
            deadline=payload.deadline if "deadline" in sent else task.deadline,
            weight=payload.weight if payload.weight is not None else task.weight,
            note=payload.note if payload.note is not None else task.note,
            coordinators=coordinators,
            indicators=None if payload.indicators is None else _indicators(payload.indicators),
        )
        if payload.top_level or payload.parent_id is not None or payload.position is not None:
            parent = None if payload.top_level else _parent(task.program, payload.parent_id)
            if not payload.top_level and payload.parent_id is None:
                parent = task.parent
            services.move_task(actor=user, task=task, parent=parent, position=payload.position)
    return _task_out(user, queries.task_or_404(user, task.pk), today())


@router.get(
    "/tasks/{pk}/reports", response={200: list[ReportOut], **READ_ERRORS}, summary="Báo cáo tiến độ"
)
def list_reports(request, pk: TaskId, as_of: AsOfParam = None):
    """The task's reports, newest first (up to ``as_of`` when given)."""
    task = queries.task_or_404(request.auth, pk)
    return [_report(r) for r in queries.reports_of(task, as_of)]


@router.post(
    "/tasks/{pk}/reports", response={201: ReportOut, **WRITE_ERRORS}, summary="Báo cáo tiến độ"
)
def report_progress(request, pk: TaskId, payload: ReportCreate):
    """Append a report (reports are never changed). Progress below the last reported percent
    needs ``reason``."""
    user = request.auth
    task = queries.task_or_404(user, pk)
    if not queries.may_report(user, task):
        raise HttpError(403, FORBIDDEN)
    report = services.report_progress(
        actor=user,
        task=task,
        period_end=payload.period_end,
        status=payload.status,
        percent=None if payload.percent is None else str(payload.percent),
        milestone=payload.milestone,
        text=payload.text,
        reason=payload.reason,
    )
    return 201, _report(report)


def _report(r) -> dict[str, Any]:
    return {
        "id": r.pk,
        "task_id": r.task_id,
        "period_end": r.period_end,
        "percent": _f(r.percent),
        "milestone": r.milestone,
        "status": r.status,
        "text": r.text,
        "reason": r.reason,
        "evidence": [f.original_name for f in r.evidence.all()],
        "reported_by": r.reported_by.username if r.reported_by is not None else None,
        "reported_at": r.reported_at,
    }
