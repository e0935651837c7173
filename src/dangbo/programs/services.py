"""Workflows of programs and tasks: create and edit a program, add, edit, move and remove a
task (its path, depth and number kept right), set its lead and coordinators, and report
progress (append-only). Each is one transaction with its audit entry; bad input raises a
Vietnamese message naming the field and writes nothing.

Who may call what is checked by the callers through ``queries.may_edit`` /
``queries.may_report`` (the web and the API ask the same functions)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Q

from dangbo.core import audit
from dangbo.core.dates import fmt, today
from dangbo.core.errors import Problems, invalid
from dangbo.core.text import clean_paragraphs, clean_text
from dangbo.core.types import Actor
from dangbo.orgs.choices import Title
from dangbo.orgs.models import Organisation, PartnerBody, PartnerLead, Position

from . import rules
from .choices import ProgramAudit, ProgramKind, TaskKind, TaskStatus
from .models import Program, ProgressReport, Task, TaskCoordinator

# ---------------------------------------------------------------- helpers


def _decimal(value: Any, field: str, label: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise invalid(field, f"{label}: phải là một số.") from None
    if not number.is_finite():
        raise invalid(field, f"{label}: phải là một số.")
    return number


def head_of(org: Organisation, on: date | None = None) -> Any:
    """The secretary of ``org`` on ``on`` (default today), the default person of its tasks."""
    on = on or today()
    position = (
        Position.objects.filter(org=org, title=Title.SECRETARY, valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .select_related("member")
        .order_by("-valid_from")
        .first()
    )
    return position.member if position else None


def _lead_spans(partner: PartnerBody) -> list[rules.LeadSpan]:
    return [
        rules.LeadSpan(lead.org.path, lead.valid_from, lead.valid_to)
        for lead in PartnerLead.objects.filter(partner=partner).select_related("org")
    ]


def _check_lead(
    program: Program,
    lead_org: Organisation | None,
    lead_partner: PartnerBody | None,
    start: date | None,
) -> None:
    if (lead_org is None) == (lead_partner is None):
        raise invalid("lead_org", "Cơ quan chủ trì: chọn một tổ chức đảng hoặc một cơ quan.")
    days = [d for d in (start, today()) if d is not None]
    allowed = rules.lead_allowed(
        program.org.path,
        lead_org_path=lead_org.path if lead_org is not None else None,
        partner_leads=_lead_spans(lead_partner) if lead_partner is not None else (),
        days=days,
    )
    if not allowed:
        field = "lead_org" if lead_org is not None else "lead_partner"
        raise invalid(
            field,
            f"Cơ quan chủ trì: phải là {program.org.name} hoặc tổ chức trực thuộc, hoặc cơ quan "
            "do một tổ chức đảng trực thuộc lãnh đạo.",
        )


def renumber(program: Program) -> None:
    """Numbers "1", "1.2" of every task of ``program`` from the tree order (two queries)."""
    from .queries import tree_order  # the same order as the tree page

    tasks = list(Task.objects.filter(program=program).only("id", "parent_id", "position", "number"))
    numbers = rules.numbers((t.pk, t.parent_id) for t in tree_order(tasks))
    changed = [t for t in tasks if t.number != numbers[t.pk]]
    for task in changed:
        task.number = numbers[task.pk]
    if changed:
        Task.objects.bulk_update(changed, ["number"])


def _snapshot(task: Task) -> dict[str, Any]:
    return {
        "title": task.title,
        "kind": task.kind,
        "parent": task.parent_id,
        "lead_org": task.lead_org_id,
        "lead_partner": task.lead_partner_id,
        "lead_person": task.lead_person_id,
        "start": task.start,
        "deadline": task.deadline,
        "weight": str(task.weight),
        "note": task.note,
    }


# ---------------------------------------------------------------- programs


def _program_fields(
    problems: Problems,
    *,
    kind: str,
    title: str,
    start: date | None,
    end: date | None,
) -> str:
    clean_title = ""
    with problems.check():
        if kind not in ProgramKind.values:
            raise invalid("kind", "Loại chương trình: không hợp lệ.")
    with problems.check():
        clean_title = clean_text(title, "Tên chương trình", max_length=500, field="title")
    with problems.check():
        if start is None:
            raise invalid("start", "Từ ngày: không được để trống.")
    with problems.check():
        if end is None:
            raise invalid("end", "Đến ngày: không được để trống.")
        if start is not None and end < start:
            raise invalid("end", "Đến ngày: không được trước ngày bắt đầu.")
    return clean_title


@transaction.atomic
def create_program(
    *,
    actor: Actor,
    org: Organisation,
    kind: str,
    title: str,
    start: date | None,
    end: date | None,
    document: Any = None,
) -> Program:
    """A program of ``org`` (the issuing committee), empty until tasks are added."""
    problems = Problems()
    clean_title = _program_fields(problems, kind=kind, title=title, start=start, end=end)
    with problems.check():
        if org is None:
            raise invalid("org", "Cấp ủy ban hành: chưa chọn.")
    problems.raise_all()
    assert start is not None and end is not None
    program = Program.objects.create(
        kind=kind,
        title=clean_title,
        org=org,
        document=document,
        start=start,
        end=end,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit.record(
        actor=actor,
        action=ProgramAudit.PROGRAM_CREATED,
        obj=program,
        scope_org=org,
        summary=f"Tạo chương trình “{program.title}” của {org.name} "
        f"({fmt(program.start)}–{fmt(program.end)})",
    )
    return program


def _program_snapshot(program: Program) -> dict[str, Any]:
    return {
        "kind": program.kind,
        "title": program.title,
        "start": program.start,
        "end": program.end,
        "document": program.document_id,
    }


@transaction.atomic
def edit_program(
    *,
    actor: Actor,
    program: Program,
    kind: str,
    title: str,
    start: date | None,
    end: date | None,
    document: Any = None,
) -> Program:
    problems = Problems()
    clean_title = _program_fields(problems, kind=kind, title=title, start=start, end=end)
    problems.raise_all()
    assert start is not None and end is not None
    before = _program_snapshot(program)
    program.kind, program.title, program.start, program.end = kind, clean_title, start, end
    program.document = document
    program.save()
    audit.record(
        actor=actor,
        action=ProgramAudit.PROGRAM_CHANGED,
        obj=program,
        scope_org=program.org,
        summary=f"Sửa chương trình “{program.title}”",
        before=before,
        after=_program_snapshot(program),
    )
    return program


# ---------------------------------------------------------------- tasks


def _task_fields(
    problems: Problems,
    program: Program,
    *,
    title: str,
    kind: str,
    lead_org: Organisation | None,
    lead_partner: PartnerBody | None,
    start: date | None,
    deadline: date | None,
    weight: Any,
    note: str,
) -> tuple[str, Decimal, str]:
    clean_title, clean_note, number = "", "", Decimal(1)
    with problems.check():
        clean_title = clean_text(title, "Nội dung", max_length=500, field="title")
    with problems.check():
        if kind not in TaskKind.values:
            raise invalid("kind", "Loại: không hợp lệ.")
    with problems.check():
        parsed = _decimal(weight, "weight", "Trọng số")
        number = parsed if parsed is not None else Decimal(1)
        if number >= Decimal("100000"):
            raise invalid("weight", "Trọng số: quá lớn (tối đa 99.999,99).")
        # Stored with two decimals: 0.001 would become 0, which the database refuses.
        number = number.quantize(Decimal("0.01"))
        rules.check_weight(number)
    with problems.check():
        rules.check_interval(start, deadline, "deadline")
    with problems.check():
        _check_lead(program, lead_org, lead_partner, start)
    with problems.check():
        clean_note = clean_paragraphs(note, "Ghi chú", max_length=5000, field="note")
    return clean_title, number, clean_note


def _check_parent(program: Program, parent: Task | None) -> int:
    if parent is None:
        return 0
    if parent.program_id != program.pk:
        raise invalid("parent", "Thuộc mục: không thuộc chương trình này.")
    depth = parent.depth + 1
    rules.check_depth(depth)
    return depth


def _next_position(program: Program, parent: Task | None) -> int:
    last = (
        Task.objects.filter(program=program, parent=parent)
        .order_by("-position")
        .values_list("position", flat=True)
        .first()
    )
    return (last or 0) + 1


@transaction.atomic
def add_task(
    *,
    actor: Actor,
    program: Program,
    title: str,
    parent: Task | None = None,
    kind: str = TaskKind.TASK,
    lead_org: Organisation | None = None,
    lead_partner: PartnerBody | None = None,
    lead_person: Any = None,
    start: date | None = None,
    deadline: date | None = None,
    weight: Any = 1,
    note: str = "",
    coordinators: Sequence[Organisation | PartnerBody] = (),
    indicators: Sequence[Any] = (),
) -> Task:
    """A task (or objective) under ``parent`` (top level: None), last among its siblings.
    The person answering defaults to the secretary of the lead organisation."""
    problems = Problems()
    depth = 0
    with problems.check():
        depth = _check_parent(program, parent)
    clean_title, number, clean_note = _task_fields(
        problems,
        program,
        title=title,
        kind=kind,
        lead_org=lead_org,
        lead_partner=lead_partner,
        start=start,
        deadline=deadline,
        weight=weight,
        note=note,
    )
    problems.raise_all()
    if lead_person is None and lead_org is not None:
        lead_person = head_of(lead_org, start)
    task = Task.objects.create(
        program=program,
        parent=parent,
        depth=depth,
        position=_next_position(program, parent),
        kind=kind,
        title=clean_title,
        lead_org=lead_org,
        lead_partner=lead_partner,
        lead_person=lead_person,
        start=start,
        deadline=deadline,
        weight=number,
        note=clean_note,
    )
    task.path = (parent.path if parent else "") + f"{task.pk}."
    task.save(update_fields=["path"])
    _replace_coordinators(task, coordinators)
    if indicators:
        task.indicators.set(indicators)
    renumber(program)
    task.refresh_from_db(fields=["number"])
    audit.record(
        actor=actor,
        action=ProgramAudit.TASK_CREATED,
        obj=task,
        scope_org=program.org,
        summary=f"Thêm nhiệm vụ {task.number} “{task.title}” vào “{program.title}”",
        after=_snapshot(task),
    )
    return task


@transaction.atomic
def edit_task(
    *,
    actor: Actor,
    task: Task,
    title: str,
    kind: str = TaskKind.TASK,
    lead_org: Organisation | None = None,
    lead_partner: PartnerBody | None = None,
    lead_person: Any = None,
    start: date | None = None,
    deadline: date | None = None,
    weight: Any = 1,
    note: str = "",
    coordinators: Sequence[Organisation | PartnerBody] | None = None,
    indicators: Sequence[Any] | None = None,
) -> Task:
    """Change a task's content, lead, dates, weight (not its place: ``move_task``).
    ``coordinators`` and ``indicators`` None keep them."""
    program = task.program
    problems = Problems()
    clean_title, number, clean_note = _task_fields(
        problems,
        program,
        title=title,
        kind=kind,
        lead_org=lead_org,
        lead_partner=lead_partner,
        start=start,
        deadline=deadline,
        weight=weight,
        note=note,
    )
    problems.raise_all()
    before = _snapshot(task)
    if lead_person is None and lead_org is not None and lead_org.pk != task.lead_org_id:
        lead_person = head_of(lead_org, start)
    elif lead_person is None and lead_org is not None:
        lead_person = task.lead_person
    task.title, task.kind, task.start, task.deadline = clean_title, kind, start, deadline
    task.lead_org, task.lead_partner, task.lead_person = lead_org, lead_partner, lead_person
    task.weight, task.note = number, clean_note
    task.save()
    if coordinators is not None:
        _replace_coordinators(task, coordinators)
    if indicators is not None:
        task.indicators.set(indicators)
    audit.record(
        actor=actor,
        action=ProgramAudit.TASK_CHANGED,
        obj=task,
        scope_org=program.org,
        summary=f"Sửa nhiệm vụ {task.number} “{task.title}”",
        before=before,
        after=_snapshot(task),
    )
    return task


def _replace_coordinators(task: Task, bodies: Iterable[Organisation | PartnerBody]) -> None:
    orgs: dict[int, Organisation] = {}
    partners: dict[int, PartnerBody] = {}
    for body in bodies:
        if isinstance(body, Organisation):
            orgs[body.pk] = body
        elif isinstance(body, PartnerBody):
            partners[body.pk] = body
        else:
            raise invalid("coordinators", "Cơ quan phối hợp: không hợp lệ.")
    if task.lead_org_id in orgs or task.lead_partner_id in partners:
        raise invalid("coordinators", "Cơ quan phối hợp: không được trùng cơ quan chủ trì.")
    TaskCoordinator.objects.filter(task=task).delete()
    TaskCoordinator.objects.bulk_create(
        [TaskCoordinator(task=task, org=o) for o in orgs.values()]
        + [TaskCoordinator(task=task, partner=p) for p in partners.values()]
    )


@transaction.atomic
def set_coordinators(
    *, actor: Actor, task: Task, bodies: Sequence[Organisation | PartnerBody]
) -> Task:
    before = sorted(
        str(c)
        for c in TaskCoordinator.objects.filter(task=task).values_list("org_id", "partner_id")
    )
    _replace_coordinators(task, bodies)
    audit.record(
        actor=actor,
        action=ProgramAudit.TASK_CHANGED,
        obj=task,
        scope_org=task.program.org,
        summary=f"Đổi cơ quan phối hợp của nhiệm vụ {task.number}: "
        + ", ".join(b.name for b in bodies),
        before={"coordinators": before},
    )
    return task


@transaction.atomic
def move_task(
    *, actor: Actor, task: Task, parent: Task | None, position: int | None = None
) -> Task:
    """Put ``task`` (with its sub-tasks) under ``parent`` (None: top level), at ``position``
    among its new siblings (default: last). Refuses a cycle and the depth limit."""
    program = task.program
    if parent is not None and parent.program_id != program.pk:
        raise invalid("parent", "Thuộc mục: không thuộc chương trình này.")
    rules.check_move(task.path, parent.path if parent is not None else None)
    subtree = list(Task.objects.filter(program=program, path__startswith=task.path))
    new_depth = parent.depth + 1 if parent is not None else 0
    height = rules.subtree_height(task.path, [t.path for t in subtree])
    rules.check_depth(new_depth + height)
    before = {"parent": task.parent_id, "number": task.number}
    old_prefix = task.path
    new_prefix = (parent.path if parent is not None else "") + f"{task.pk}."
    shift = new_depth - task.depth
    siblings = list(
        Task.objects.filter(program=program, parent=parent)
        .exclude(pk=task.pk)
        .order_by("position", "id")
    )
    place = len(siblings) if position is None else max(0, min(int(position) - 1, len(siblings)))
    for node in subtree:
        node.path = new_prefix + node.path[len(old_prefix) :]
        node.depth = node.depth + shift
        if node.pk == task.pk:
            node.parent = parent
    Task.objects.bulk_update(subtree, ["path", "depth", "parent"])
    ordered = siblings[:place] + [next(n for n in subtree if n.pk == task.pk)] + siblings[place:]
    for i, node in enumerate(ordered, start=1):
        node.position = i
    Task.objects.bulk_update(ordered, ["position"])
    renumber(program)
    task.refresh_from_db()
    audit.record(
        actor=actor,
        action=ProgramAudit.TASK_MOVED,
        obj=task,
        scope_org=program.org,
        summary=f"Chuyển nhiệm vụ “{task.title}” thành mục {task.number}",
        before=before,
        after={"parent": task.parent_id, "number": task.number},
    )
    return task


@transaction.atomic
def remove_task(*, actor: Actor, task: Task) -> None:
    """Remove a task entered by mistake: only one without sub-tasks and without reports
    (reports are kept forever; a task that will not be done is reported cancelled)."""
    if Task.objects.filter(parent=task).exists():
        raise invalid("task", "Không thể xóa: nhiệm vụ còn nhiệm vụ con.")
    if ProgressReport.objects.filter(task=task).exists():
        raise invalid(
            "task", "Không thể xóa: nhiệm vụ đã có báo cáo tiến độ (hãy báo cáo “Hủy bỏ”)."
        )
    program = task.program
    before = _snapshot(task)
    summary = f"Xóa nhiệm vụ {task.number} “{task.title}”"
    pk = task.pk
    TaskCoordinator.objects.filter(task=task).delete()
    task.indicators.clear()
    task.delete()
    renumber(program)
    audit.record(
        actor=actor,
        action=ProgramAudit.TASK_CHANGED,
        object_type="programs.task",
        object_id=pk,
        scope_org=program.org,
        summary=summary,
        before=before,
    )


# ---------------------------------------------------------------- progress


@transaction.atomic
def report_progress(
    *,
    actor: Actor,
    task: Task,
    period_end: date | None,
    status: str,
    percent: Any = None,
    milestone: str = "",
    text: str = "",
    reason: str = "",
    files: Sequence[tuple[Any, str]] = (),
) -> ProgressReport:
    """A new report on ``task`` (never an edit of an old one). Progress below the latest
    report's percent needs a reason. A percent of 100 with no state means done; the task's
    current state follows its latest report. ``files``: (upload or file object, name)."""
    problems = Problems()
    number: Decimal | None = None
    clean_milestone = clean_body = clean_reason = ""
    with problems.check():
        if period_end is None:
            raise invalid("period_end", "Tính đến ngày: không được để trống.")
        if period_end > today():
            raise invalid("period_end", "Tính đến ngày: không được sau hôm nay.")
        if task.start is not None and period_end < task.start:
            raise invalid("period_end", "Tính đến ngày: trước ngày bắt đầu của nhiệm vụ.")
    with problems.check():
        number = _decimal(percent, "percent", "Tiến độ (%)")
        rules.check_percent(number)
        if number is not None:
            number = number.quantize(Decimal("0.01"))
    with problems.check():
        if status not in TaskStatus.values:
            raise invalid("status", "Trạng thái: không hợp lệ.")
    with problems.check():
        clean_milestone = clean_text(
            milestone, "Mốc đạt được", max_length=300, required=False, field="milestone"
        )
    with problems.check():
        clean_body = clean_paragraphs(text, "Nội dung báo cáo", max_length=10000, field="text")
    with problems.check():
        clean_reason = clean_paragraphs(reason, "Lý do điều chỉnh", max_length=5000, field="reason")
    if not problems.errors:
        with problems.check():
            rules.check_report(number, clean_milestone, status)
        previous = (
            ProgressReport.objects.filter(task=task, percent__isnull=False)
            .order_by("-period_end", "-id")
            .values_list("percent", flat=True)
            .first()
        )
        with problems.check():
            rules.check_backwards(previous, number, clean_reason)
    problems.raise_all()
    assert period_end is not None
    report = ProgressReport.objects.create(
        task=task,
        period_end=period_end,
        percent=number,
        milestone=clean_milestone,
        status=status,
        text=clean_body,
        reason=clean_reason,
        reported_by=actor if getattr(actor, "pk", None) else None,
    )
    if files:
        from dangbo.core.files import store  # helper B's attachments

        stored = [store(f, name, actor=actor, field="evidence") for f, name in files]
        report.evidence.add(*stored)
    latest = ProgressReport.objects.filter(task=task).order_by("-period_end", "-id").first()
    if latest is not None and latest.status != task.status:
        Task.objects.filter(pk=task.pk).update(status=latest.status)
        task.status = latest.status
    shown = f"{number.normalize()}%" if number is not None else clean_milestone
    audit.record(
        actor=actor,
        action=ProgramAudit.PROGRESS_REPORTED,
        obj=report,
        scope_org=task.lead_org or task.program.org,
        summary=f"Báo cáo tiến độ nhiệm vụ {task.number} “{task.title[:80]}” đến "
        f"{fmt(period_end)}: {shown} ({TaskStatus(status).label})",
        after={"percent": str(number) if number is not None else None, "status": status},
    )
    return report
