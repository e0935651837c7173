"""Every change to oversight: assignments and handovers, working groups and their plans,
visits, and the opinions heard with their lifecycle. One function per operation, one
transaction, keyword-only ``actor``, validation first, an audit entry (and, for opinions,
a step in the opinion's history)."""

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, Q, When

from dangbo.core import audit, scope
from dangbo.core.dates import fmt, not_in_future, today
from dangbo.core.errors import Problems, collect, invalid, messages_of
from dangbo.core.models import LegalDocument
from dangbo.core.text import clean_paragraphs, clean_text
from dangbo.core.types import Actor
from dangbo.meetings import services as meeting_services
from dangbo.meetings.choices import MeetingKind
from dangbo.meetings.models import Meeting
from dangbo.meetings.rules import quarter_bounds, quarter_of
from dangbo.members.choices import ACTIVE_STATUSES
from dangbo.members.models import Member
from dangbo.orgs.choices import CELL_KINDS, GRASSROOTS_KINDS, RESIDENTIAL_SECTORS, OrgKind, Title
from dangbo.orgs.models import Organisation, Position
from dangbo.orgs.queries import active_q

from . import hooks, planning
from .choices import (
    AssignmentRole,
    OpinionAudit,
    OpinionChannel,
    OpinionSource,
    OpinionState,
    OversightAudit,
    PlanMode,
    PlanSelection,
    TargetPeriod,
)
from .models import (
    GroupTarget,
    Opinion,
    OpinionStep,
    OpinionTopic,
    OversightAssignment,
    Visit,
    VisitAttendee,
    WorkingGroup,
)

COMMITTEE_TITLES = (
    Title.SECRETARY,
    Title.PERMANENT_DEPUTY,
    Title.DEPUTY,
    Title.STANDING_MEMBER,
    Title.COMMITTEE_MEMBER,
)
MAX_TEXT = 20_000


def _actor(actor: Actor) -> User | None:
    """The user to store on a row: None for the system and for an unsaved user."""
    return actor if actor is not None and actor.pk else None


def _date(value: date | None, field: str, label: str) -> date:
    if value is None:
        raise invalid(field, f"{label}: bắt buộc.")
    not_in_future(value, field, label)
    return value


def holds_committee_seat(member: Member, committee: Organisation, on: date) -> bool:
    return Position.objects.filter(
        active_q(on), member=member, org=committee, title__in=COMMITTEE_TITLES
    ).exists()


def _under(org: Organisation, committee: Organisation) -> bool:
    return org.pk != committee.pk and committee.path <= org.path < committee.subtree_upper


# ------------------------------------------------------------------ assignments


@transaction.atomic
def assign_oversight(
    *,
    actor: Actor,
    member: Member,
    committee: Organisation,
    target: Organisation,
    valid_from: date,
    role: str = AssignmentRole.OVERSEE,
    target_count: int = 1,
    target_period: str = TargetPeriod.QUARTER,
    document: LegalDocument | None = None,
    handed_over_from: OversightAssignment | None = None,
) -> OversightAssignment:
    """Make a committee member responsible for ``target``, an organisation below the
    committee; the same person cannot hold two overlapping assignments for one target.
    Every check is made before refusing (one pass): the answer names all the problems."""
    problems = Problems()
    errors = problems.errors
    if role not in AssignmentRole.values:
        errors["role"] = "Nhiệm vụ: không hợp lệ."
    if target_period not in TargetPeriod.values:
        errors["target_period"] = "Chu kỳ chỉ tiêu: chọn mỗi quý hoặc mỗi năm."
    if (
        not isinstance(target_count, int)
        or isinstance(target_count, bool)
        or not (1 <= target_count <= 50)
    ):
        errors["target_count"] = "Số lần dự sinh hoạt tối thiểu: từ 1 đến 50."
    with problems.check():
        valid_from = _date(valid_from, "valid_from", "Từ ngày")
    dated = "valid_from" not in problems
    if committee.kind in (OrgKind.SUB_CELL, OrgKind.PARTY_GROUP):
        errors["committee"] = f"Cấp ủy phân công: {committee.name} không có cấp ủy cấp dưới."
    if target is None or not _under(target, committee):
        errors["target"] = f"Tổ chức được phụ trách: phải là tổ chức trực thuộc {committee.name}."
    elif dated and not target.is_active(valid_from):
        errors["target"] = (
            f"Tổ chức được phụ trách: {target.name} không hoạt động ngày {fmt(valid_from)}."
        )
    member = Member.objects.select_for_update().get(pk=member.pk)
    if member.status not in ACTIVE_STATUSES:
        errors["member"] = f"Cấp ủy viên: {member.full_name} không còn trong danh sách."
    elif dated and not holds_committee_seat(member, committee, valid_from):
        errors["member"] = (
            f"Cấp ủy viên: {member.full_name} không phải ủy viên Ban Chấp hành {committee.name} "
            f"vào ngày {fmt(valid_from)}."
        )
    if dated and "target" not in problems:
        overlapping = OversightAssignment.objects.filter(member=member, target=target).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=valid_from)
        )
        if overlapping.exists():
            errors["target"] = (
                f"{member.full_name} đã được phân công phụ trách {target.name} trong thời gian này."
            )
    problems.raise_all()
    assignment = OversightAssignment.objects.create(
        member=member,
        committee=committee,
        target=target,
        role=role,
        valid_from=valid_from,
        target_count=target_count,
        target_period=target_period,
        document=document,
        handed_over_from=handed_over_from,
    )
    audit.record(
        actor=actor,
        action=OversightAudit.ASSIGNED,
        obj=assignment,
        summary=f"Phân công {member.full_name} {assignment.get_role_display().lower()} "
        f"{target.name} từ {fmt(valid_from)} (ít nhất {target_count} lần "
        f"{assignment.get_target_period_display()})",
        after={"member": member.pk, "target": target.code, "committee": committee.code},
    )
    return assignment


@transaction.atomic
def end_assignment(
    *, actor: Actor, assignment: OversightAssignment, valid_to: date, reason: str
) -> OversightAssignment:
    assignment = OversightAssignment.objects.select_for_update().get(pk=assignment.pk)
    reason = clean_text(reason, "Lý do kết thúc", max_length=300, field="reason")
    valid_to = _date(valid_to, "valid_to", "Đến ngày")
    if assignment.valid_to is not None:
        raise invalid("valid_to", "Phân công này đã kết thúc.")
    if valid_to < assignment.valid_from:
        raise invalid("valid_to", f"Đến ngày: trước ngày bắt đầu ({fmt(assignment.valid_from)}).")
    assignment.valid_to, assignment.end_reason = valid_to, reason
    assignment.save(update_fields=["valid_to", "end_reason"])
    audit.record(
        actor=actor,
        action=OversightAudit.ENDED,
        obj=assignment,
        summary=f"Kết thúc phân công {assignment.member} phụ trách {assignment.target} "
        f"ngày {fmt(valid_to)}: {reason}",
    )
    return assignment


@transaction.atomic
def hand_over(
    *, actor: Actor, assignment: OversightAssignment, to_member: Member, on: date, reason: str
) -> OversightAssignment:
    """The term or position ended: the old holder's assignment ends the day before ``on``
    and the successor's starts on ``on``, with the same target and frequency."""
    if to_member is None:
        raise invalid("to_member", "Người nhận bàn giao: bắt buộc.")
    if to_member.pk == assignment.member_id:
        raise invalid("to_member", "Người nhận bàn giao: phải là người khác.")
    on = _date(on, "on", "Ngày bàn giao")
    if on <= assignment.valid_from:
        raise invalid("on", f"Ngày bàn giao: phải sau ngày bắt đầu ({fmt(assignment.valid_from)}).")
    end_assignment(
        actor=actor, assignment=assignment, valid_to=on - timedelta(days=1), reason=reason
    )
    return assign_oversight(
        actor=actor,
        member=to_member,
        committee=assignment.committee,
        target=assignment.target,
        valid_from=on,
        role=assignment.role,
        target_count=assignment.target_count,
        target_period=assignment.target_period,
        document=assignment.document,
        handed_over_from=assignment,
    )


# ------------------------------------------------------------------ working groups


@transaction.atomic
def create_working_group(
    *,
    actor: Actor,
    committee: Organisation,
    name: str,
    period_start: date,
    period_end: date,
    leader: Member,
    members: Sequence[Member] = (),
    note: str = "",
) -> WorkingGroup:
    name = clean_text(name, "Tên tổ", max_length=200, field="name")
    note = clean_text(note, "Ghi chú", max_length=500, required=False, field="note")
    errors = {}
    if period_start is None:
        errors["period_start"] = "Từ ngày: bắt buộc."
    if period_end is None:
        errors["period_end"] = "Đến ngày: bắt buộc."
    elif period_start is not None and period_end < period_start:
        errors["period_end"] = "Đến ngày: trước ngày bắt đầu."
    if leader is None:
        errors["leader"] = "Tổ trưởng: bắt buộc."
    collect(errors)
    if committee.kind in (OrgKind.SUB_CELL, OrgKind.PARTY_GROUP, *CELL_KINDS):
        raise invalid("committee", f"Cấp ủy: {committee.name} không có chi bộ trực thuộc để dự.")
    people = {leader.pk: leader, **{m.pk: m for m in members}}
    inactive = [m.full_name for m in people.values() if m.status not in ACTIVE_STATUSES]
    if inactive:
        raise invalid("members", f"Thành viên: {', '.join(inactive)} không còn trong danh sách.")
    group = WorkingGroup.objects.create(
        committee=committee,
        name=name,
        period_start=period_start,
        period_end=period_end,
        leader=leader,
        note=note,
    )
    group.members.set(list(people.values()))
    audit.record(
        actor=actor,
        action=OversightAudit.GROUP_CREATED,
        obj=group,
        summary=f"Lập {name} ({fmt(period_start)}–{fmt(period_end)}), tổ trưởng "
        f"{leader.full_name}, {len(people)} thành viên",
    )
    return group


def _check_target_cell(group: WorkingGroup, org: Organisation) -> None:
    if org.kind not in CELL_KINDS or not _under(org, group.committee):
        raise invalid("org", f"Chi bộ: {org.name} không phải chi bộ thuộc {group.committee.name}.")
    if not (
        org.valid_from <= group.period_end
        and (org.valid_to is None or org.valid_to >= group.period_start)
    ):
        raise invalid("org", f"Chi bộ: {org.name} không hoạt động trong thời gian của tổ.")
    taken = (
        GroupTarget.objects.filter(org=org, group__committee=group.committee)
        .filter(
            group__period_start__lte=group.period_end, group__period_end__gte=group.period_start
        )
        .exclude(group=group)
        .select_related("group")
        .first()
    )
    if taken is not None:
        raise invalid(
            "org", f"Chi bộ: {org.name} đã có trong kế hoạch của {taken.group.name} cùng kỳ."
        )


@transaction.atomic
def add_group_target(
    *, actor: Actor, group: WorkingGroup, org: Organisation, planned_date: date | None = None
) -> GroupTarget:
    group = WorkingGroup.objects.select_for_update().select_related("committee").get(pk=group.pk)
    _check_target_cell(group, org)
    if GroupTarget.objects.filter(group=group, org=org).exists():
        raise invalid("org", f"Chi bộ: {org.name} đã có trong kế hoạch của tổ.")
    if planned_date is not None and not (group.period_start <= planned_date <= group.period_end):
        raise invalid("planned_date", "Ngày dự kiến: phải nằm trong thời gian hoạt động của tổ.")
    target = GroupTarget.objects.create(group=group, org=org, planned_date=planned_date)
    audit.record(
        actor=actor,
        action=OversightAudit.PLAN_CHANGED,
        obj=group,
        summary=f"Thêm {org.name} vào kế hoạch của {group.name}",
    )
    return target


@transaction.atomic
def remove_group_target(*, actor: Actor, target: GroupTarget) -> None:
    target = (
        GroupTarget.objects.select_for_update().select_related("group", "org").get(pk=target.pk)
    )
    group = target.group
    if Visit.objects.filter(group=group, org=target.org).exists():
        raise invalid(
            "org", f"Chi bộ: tổ đã dự sinh hoạt {target.org.name}, không bỏ khỏi kế hoạch."
        )
    target.delete()
    audit.record(
        actor=actor,
        action=OversightAudit.PLAN_CHANGED,
        obj=group,
        summary=f"Bỏ {target.org.name} khỏi kế hoạch của {group.name}",
    )


@transaction.atomic
def move_group_target(*, actor: Actor, target: GroupTarget, to_group: WorkingGroup) -> GroupTarget:
    """Give a planned cell to another group of the same committee; the receiving group's
    period is checked as when adding (the cell exists then, no third group has it)."""
    target = (
        GroupTarget.objects.select_for_update().select_related("group", "org").get(pk=target.pk)
    )
    if to_group is None:
        raise invalid("to_group", "Tổ nhận: bắt buộc.")
    to_group = WorkingGroup.objects.select_related("committee").get(pk=to_group.pk)
    source, org = target.group, target.org
    if to_group.pk == source.pk:
        raise invalid("to_group", "Tổ nhận: phải là tổ khác.")
    if to_group.committee_id != source.committee_id:
        raise invalid("to_group", "Tổ nhận: phải thuộc cùng cấp ủy.")
    if GroupTarget.objects.filter(group=to_group, org=org).exists():
        raise invalid("to_group", f"Tổ nhận: đã có {org.name} trong kế hoạch.")
    if not (
        org.valid_from <= to_group.period_end
        and (org.valid_to is None or org.valid_to >= to_group.period_start)
    ):
        raise invalid(
            "to_group", f"Tổ nhận: {org.name} không hoạt động trong thời gian của {to_group.name}."
        )
    taken = (
        GroupTarget.objects.filter(org=org, group__committee_id=to_group.committee_id)
        .filter(
            group__period_start__lte=to_group.period_end,
            group__period_end__gte=to_group.period_start,
        )
        .exclude(pk=target.pk)
        .select_related("group")
        .first()
    )
    if taken is not None:
        raise invalid(
            "to_group", f"Tổ nhận: {org.name} đã có trong kế hoạch của {taken.group.name} cùng kỳ."
        )
    if Visit.objects.filter(group=source, org=target.org).exists():
        raise invalid("to_group", f"Tổ {source.name} đã dự sinh hoạt {target.org.name}.")
    target.group = to_group
    target.save(update_fields=["group"])
    audit.record(
        actor=actor,
        action=OversightAudit.PLAN_CHANGED,
        obj=to_group,
        summary=f"Chuyển {target.org.name} từ {source.name} sang {to_group.name}",
    )
    return target


def plan_candidates(
    committee: Organisation, start: date, end: date, selection: str, mode: str
) -> list[Organisation]:
    """Cells a plan for [start, end] should cover, in path order (a commune's villages
    together): not yet planned in an overlapping period; in rotation, also not planned or
    visited earlier in the year, and only this quarter's share."""
    cells = Organisation.objects.filter(committee.subtree_q(), active_q(start)).exclude(
        pk=committee.pk
    )
    if selection == PlanSelection.RESIDENTIAL:
        cells = cells.filter(kind=OrgKind.SUB_CELL, sector__in=RESIDENTIAL_SECTORS)
    else:
        cells = cells.filter(kind__in=CELL_KINDS)
    same_committee = GroupTarget.objects.filter(group__committee=committee)
    cells = cells.exclude(
        pk__in=same_committee.filter(
            group__period_start__lte=end, group__period_end__gte=start
        ).values("org_id")
    )
    if mode == PlanMode.ROTATION:
        year_start = date(start.year, 1, 1)
        cells = cells.exclude(
            pk__in=same_committee.filter(
                group__period_start__gte=year_start, group__period_end__lt=start
            ).values("org_id")
        ).exclude(
            pk__in=Visit.objects.filter(date__gte=year_start, date__lt=start).values("org_id")
        )
    ordered = list(cells.order_by("path"))
    if mode == PlanMode.ROTATION:
        quarters_left = 4 - quarter_of(start) + 1
        ordered = ordered[: planning.rotation_share(len(ordered), quarters_left)]
    return ordered


@transaction.atomic
def generate_plan(
    *,
    actor: Actor,
    committee: Organisation,
    groups: list[WorkingGroup],
    selection: str = PlanSelection.RESIDENTIAL,
    mode: str = PlanMode.EACH,
) -> int:
    """Give each group its share of the cells to attend in their (common) period, evenly;
    returns how many cells were planned. The plan stays editable afterwards."""
    if not groups:
        raise invalid("groups", "Tổ công tác: chọn ít nhất một tổ.")
    if selection not in PlanSelection.values:
        raise invalid("selection", "Chi bộ cần dự: không hợp lệ.")
    if mode not in PlanMode.values:
        raise invalid("mode", "Cách chia: không hợp lệ.")
    starts = {g.period_start for g in groups}
    ends = {g.period_end for g in groups}
    if len(starts) > 1 or len(ends) > 1 or any(g.committee_id != committee.pk for g in groups):
        raise invalid("groups", "Tổ công tác: các tổ phải cùng cấp ủy và cùng thời gian hoạt động.")
    start, end = starts.pop(), ends.pop()
    cells = plan_candidates(committee, start, end, selection, mode)
    loads = [g.targets.count() for g in groups]
    shares = planning.spread(cells, loads)
    GroupTarget.objects.bulk_create(
        GroupTarget(group=g, org=org)
        for g, share in zip(groups, shares, strict=True)
        for org in share
    )
    audit.record(
        actor=actor,
        action=OversightAudit.PLAN_GENERATED,
        obj=committee,
        summary=f"Lập kế hoạch dự sinh hoạt {fmt(start)}–{fmt(end)}: {len(cells)} chi bộ "
        f"chia cho {len(groups)} tổ ({', '.join(str(len(s)) for s in shares)})",
    )
    return len(cells)


# ------------------------------------------------------------------ visits


def assignment_covering(
    member_id: int,
    cell: Organisation,
    on: date,
    assignments: Iterable[OversightAssignment] | None = None,
) -> OversightAssignment | None:
    """The assignment (if any) under which ``member`` attending ``cell`` on ``on`` counts:
    one whose target is the cell or above it, the most specific first."""
    rows = assignments
    if rows is None:
        rows = OversightAssignment.objects.filter(active_q(on), member_id=member_id).select_related(
            "target"
        )
    best: OversightAssignment | None = None
    for a in rows:
        if a.member_id != member_id or not a.target.path:
            continue
        if a.valid_from > on or (a.valid_to is not None and a.valid_to < on):
            continue
        if a.target.path <= cell.path < a.target.subtree_upper and (
            best is None or len(a.target.path) > len(best.target.path)
        ):
            best = a
    return best


@dataclass(frozen=True)
class Heard:
    """One opinion heard at a visit, as the visit's form or request gives it."""

    source: str
    topic: OpinionTopic | None
    text: str
    place: str = ""
    submitter_name: str = ""
    submitter_contact: str = ""
    consent: bool = False


def follow_up_committee(
    actor: Actor,
    cell: Organisation,
    group: WorkingGroup | None,
    assignments: Iterable[OversightAssignment | None],
) -> Organisation | None:
    """The committee that receives what was heard at a visit to ``cell``, and so steers it
    (it then assigns each opinion to the organisation that must answer):

    1. the working group's committee;
    2. else the committee of the most specific assignment under which someone attended;
    3. else the highest committee above the cell for which the recorder attends meetings
       (a district's people heard it: the district steers, as the district's working
       groups attend village cells so that its standing committee can steer);
    4. else the committee directly above the cell (None only for a cell without one, which
       ``record_opinion`` refuses by name)."""
    if group is not None:
        return group.committee
    links = sorted(
        (a for a in assignments if a is not None), key=lambda a: (-len(a.target.path), a.pk)
    )
    if links:
        return links[0].committee
    held = scope.roots(actor, scope.OVERSEE) if actor is not None else []
    above = [o for o in held or () if _under(cell, o)]
    if above:
        return min(above, key=lambda o: len(o.path))
    return cell.parent


def _renamed(exc: ValidationError, names: dict[str, str], prefix: str = "") -> ValidationError:
    out: dict[str, list[str]] = {}
    for key, msgs in messages_of(exc).items():
        out.setdefault(prefix + names.get(key, key), []).extend(msgs)
    return ValidationError(out)


@transaction.atomic
def record_visit(
    *,
    actor: Actor,
    cell: Organisation,
    day: date,
    attendees: list[Member],
    group: WorkingGroup | None = None,
    notes: str = "",
    kind: str = MeetingKind.REGULAR,
    meeting: Meeting | None = None,
    meeting_topic: str = "",
    opinions: Sequence[Heard] = (),
    received_by: Organisation | None = None,
) -> Visit:
    """Superiors attended ``cell``'s meeting on ``day`` and heard ``opinions``: all of it or
    nothing. The meeting is the one already recorded that day (else a record is opened for
    the cell secretary to complete; ``meeting_topic`` is its theme, needed for a thematic
    meeting). Each attendee's attendance counts toward their assignment covering the cell;
    a visit with no assignment and no group plan is allowed and marked as such. The
    opinions are received by ``received_by`` when given, else by ``follow_up_committee``.
    A bad opinion is reported as ``opinions.<i>.<field>`` (each of them, at once)."""
    if cell.kind not in CELL_KINDS:
        raise invalid("org", f"Chi bộ: {cell.name} không phải là chi bộ.")
    day = _date(day, "date", "Ngày dự sinh hoạt")
    notes = clean_paragraphs(notes, "Nội dung nắm được", max_length=MAX_TEXT, field="notes")
    people = {m.pk: m for m in attendees if m is not None}
    if not people:
        raise invalid("attendees", "Người dự: cần ít nhất một người.")
    gone = sorted(
        m.full_name
        for m in Member.objects.filter(pk__in=people).exclude(status__in=ACTIVE_STATUSES)
    )
    if gone:
        raise invalid("attendees", f"Người dự: {', '.join(gone)} không còn trong danh sách.")
    if group is not None:
        if not _under(cell, group.committee):
            raise invalid(
                "group",
                f"Tổ công tác: {group.name} không thuộc cấp ủy cấp trên của {cell.name}.",
            )
        if not (group.period_start <= day <= group.period_end):
            raise invalid(
                "group",
                f"Tổ công tác: {group.name} hoạt động {fmt(group.period_start)}–"
                f"{fmt(group.period_end)}, không gồm ngày {fmt(day)}.",
            )
    if received_by is not None and not (received_by.path <= cell.path < received_by.subtree_upper):
        raise invalid(
            "received_by", f"Cấp ủy tiếp nhận: {cell.name} không thuộc {received_by.name}."
        )
    if meeting is None:
        # That day's meeting of the kind asked for, else any meeting that day.
        meeting = (
            Meeting.objects.filter(org=cell, date=day)
            .order_by(Case(When(kind=kind, then=0), default=1), "id")
            .first()
        )
        if meeting is None:
            try:
                meeting = meeting_services.record_meeting(
                    actor=actor, org=cell, day=day, data={"kind": kind, "topic": meeting_topic}
                )
            except ValidationError as exc:
                raise _renamed(exc, {"topic": "meeting_topic"}) from exc
    elif meeting.org_id != cell.pk or meeting.date != day:
        raise invalid("meeting", "Buổi sinh hoạt: không khớp chi bộ và ngày đã chọn.")
    already = set(
        VisitAttendee.objects.filter(visit__meeting=meeting, member_id__in=people).values_list(
            "member__full_name", flat=True
        )
    )
    if already:
        raise invalid(
            "attendees", f"Người dự: {', '.join(sorted(already))} đã được ghi dự buổi này."
        )
    assignments = list(
        OversightAssignment.objects.filter(active_q(day), member_id__in=people).select_related(
            "target", "committee"
        )
    )
    links = {pk: assignment_covering(pk, cell, day, assignments) for pk in people}
    planned = group is not None and GroupTarget.objects.filter(group=group, org=cell).exists()
    visit = Visit.objects.create(
        meeting=meeting,
        org=cell,
        path=cell.path,
        date=day,
        group=group,
        notes=notes,
        without_mandate=not planned and not any(links.values()),
        recorded_by=_actor(actor),
    )
    VisitAttendee.objects.bulk_create(
        VisitAttendee(visit=visit, member=m, assignment=links[pk]) for pk, m in people.items()
    )
    audit.record(
        actor=actor,
        action=OversightAudit.VISIT,
        obj=visit,
        summary=f"{', '.join(m.full_name for m in people.values())} dự sinh hoạt {cell.name} "
        f"ngày {fmt(day)}" + (" (ngoài phân công)" if visit.without_mandate else ""),
        after={"meeting": meeting.pk, "group": group.pk if group else None},
    )
    if opinions:
        received_by = received_by or follow_up_committee(actor, cell, group, links.values())
        errors: dict[str, list[str]] = {}
        for i, heard in enumerate(opinions):
            try:
                record_opinion(
                    actor=actor,
                    received_on=day,
                    source=heard.source,
                    channel=OpinionChannel.VISIT,
                    text=heard.text,
                    topic=heard.topic,
                    org=cell,
                    received_by=received_by,
                    visit=visit,
                    place=heard.place,
                    submitter_name=heard.submitter_name,
                    submitter_contact=heard.submitter_contact,
                    consent=heard.consent,
                )
            except ValidationError as exc:
                errors.update(messages_of(_renamed(exc, {}, f"opinions.{i}.")))
        if errors:
            raise ValidationError(errors)  # the visit and every opinion roll back together
    return visit


# ------------------------------------------------------------------ opinions

# Which operation moves an opinion from which states to which, and who acts:
# "owner" = the committee that received it; "handler" = the organisation it was assigned to.
TRANSITIONS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "assign": (
        (
            OpinionState.RECEIVED,
            OpinionState.ASSIGNED,
            OpinionState.RETURNED,
            OpinionState.ESCALATED,
        ),
        OpinionState.ASSIGNED,
        "owner",
    ),
    "start": ((OpinionState.ASSIGNED,), OpinionState.IN_PROGRESS, "handler"),
    "answer": (
        (OpinionState.RECEIVED, OpinionState.ASSIGNED, OpinionState.IN_PROGRESS),
        OpinionState.ANSWERED,
        "handler",
    ),
    "return": ((OpinionState.ASSIGNED, OpinionState.IN_PROGRESS), OpinionState.RETURNED, "handler"),
    "escalate": (
        (OpinionState.ASSIGNED, OpinionState.IN_PROGRESS),
        OpinionState.ESCALATED,
        "handler",
    ),
    "reopen": ((OpinionState.ANSWERED,), OpinionState.IN_PROGRESS, "owner"),
    "close": (
        (
            OpinionState.ANSWERED,
            OpinionState.RECEIVED,
            OpinionState.RETURNED,
            OpinionState.ESCALATED,
        ),
        OpinionState.CLOSED,
        "owner",
    ),
}


def grassroots_of(org: Organisation) -> Organisation | None:
    """The grassroots organisation (commune, town, agency…) at or above ``org``."""
    ids = [int(p) for p in org.path.split(".") if p]
    return (
        Organisation.objects.filter(pk__in=ids, kind__in=GRASSROOTS_KINDS)
        .order_by("-depth")
        .first()
    )


def _step(
    opinion: Opinion, actor: Actor, on: date, from_state: str, shown_as: str = "", **fields: Any
) -> OpinionStep:
    """One step; ``shown_as`` replaces the actor's name in the history everyone in scope
    reads (a member's own opinion: its sender is sensitive, like any submitter)."""
    user = _actor(actor)
    name = shown_as or (user.get_username() if user is not None else "hệ thống")
    return OpinionStep.objects.create(
        opinion=opinion,
        on=on,
        from_state=from_state,
        to_state=opinion.state,
        actor=user,
        actor_name=name[:150],
        **fields,
    )


@transaction.atomic
def record_opinion(
    *,
    actor: Actor,
    received_on: date,
    source: str,
    channel: str,
    text: str,
    topic: OpinionTopic | None,
    org: Organisation | None,
    received_by: Organisation | None,
    visit: Visit | None = None,
    meeting: Meeting | None = None,
    place: str = "",
    submitter_member: Member | None = None,
    submitter_name: str = "",
    submitter_contact: str = "",
    consent: bool = False,
    recorder_shown_as: str = "",
) -> Opinion:
    errors = {}
    if source not in OpinionSource.values:
        errors["source"] = "Người nêu: chọn cán bộ, đảng viên hoặc nhân dân."
    if channel not in OpinionChannel.values:
        errors["channel"] = "Kênh tiếp nhận: không hợp lệ."
    if topic is None or not topic.active:
        errors["topic"] = "Lĩnh vực: bắt buộc (chọn trong danh mục đang dùng)."
    if org is None:
        errors["org"] = "Tổ chức liên quan: bắt buộc."
    if received_by is None:
        errors["received_by"] = "Cấp ủy tiếp nhận: bắt buộc."
    if errors or topic is None or org is None or received_by is None:
        # (what ``collect`` raises; written out so that the checker sees the three are set)
        raise ValidationError({k: [v] for k, v in errors.items()})  # each None is named above
    text = clean_paragraphs(
        text, "Nội dung ý kiến", max_length=MAX_TEXT, required=True, field="text"
    )
    place = clean_text(place, "Địa điểm", max_length=300, required=False, field="place")
    name = clean_text(
        submitter_name, "Họ tên người nêu", max_length=120, required=False, field="submitter_name"
    )
    contact = clean_text(
        submitter_contact, "Liên hệ", max_length=200, required=False, field="submitter_contact"
    )
    if contact and not consent:
        raise invalid(
            "submitter_contact",
            "Liên hệ: chỉ lưu khi người nêu đồng ý (đánh dấu “đồng ý cho lưu thông tin liên hệ”).",
        )
    received_on = _date(received_on, "received_on", "Ngày tiếp nhận")
    if visit is not None:
        meeting = visit.meeting
        if received_on != visit.date:
            raise invalid("received_on", "Ngày tiếp nhận: phải là ngày dự sinh hoạt.")
    if meeting is not None and received_on < meeting.date:
        raise invalid("received_on", "Ngày tiếp nhận: trước ngày buổi sinh hoạt.")
    if not (received_by.path <= org.path < received_by.subtree_upper):
        raise invalid(
            "received_by", f"Cấp ủy tiếp nhận: {org.name} không thuộc {received_by.name}."
        )
    opinion = Opinion.objects.create(
        received_on=received_on,
        source=source,
        channel=channel,
        visit=visit,
        meeting=meeting,
        text=text,
        topic=topic,
        org=org,
        grassroots=grassroots_of(org),
        place=place,
        received_by=received_by,
        submitter_member=submitter_member,
        submitter_name=name,
        submitter_contact=contact,
        consent=consent,
        recorded_by=_actor(actor),
    )
    _step(opinion, actor, received_on, "", shown_as=recorder_shown_as, org=received_by)
    audit.record(
        actor=actor,
        action=OpinionAudit.RECEIVED,
        obj=opinion,
        summary=f"Tiếp nhận ý kiến #{opinion.pk} ({opinion.get_source_display().lower()}, "
        f"{topic.name}) tại {org.name}",
    )
    return opinion


# How the history of a member's own opinion names who recorded it: the member themself, whose
# identity is the submitter's (sensitive), so not by name.
MEMBER_SENDER = "Đảng viên gửi qua Trang của tôi"


def member_cell_committee(cell: Organisation) -> Organisation:
    """Who receives and steers what a member sends from their own page: a grassroots cell
    (chi bộ cơ sở) itself; a cell under a grassroots committee, that committee (the
    committee directly above the cell)."""
    if cell.kind == OrgKind.GRASSROOTS_CELL or cell.parent is None:
        return cell
    return cell.parent


@transaction.atomic
def send_member_opinion(*, actor: Actor, text: str, topic: OpinionTopic | None) -> Opinion:
    """A member's own opinion, sent from "Trang của tôi": it enters the opinions pipeline
    at their own cell (received today, source "member", the cell as the organisation it
    concerns, received by the cell's committee), never anywhere else — the cell is the
    member's, not a choice. Their name is kept as the submitter (sensitive: readable only
    with the grant); they follow it on their own page."""
    user = _actor(actor)
    member = (
        Member.objects.select_related("org__parent").filter(user=user).first()
        if user is not None
        else None
    )
    if member is None or member.status not in ACTIVE_STATUSES:
        raise invalid("member", "Chỉ đảng viên đang sinh hoạt mới gửi được ý kiến tại chi bộ.")
    cell = member.org
    return record_opinion(
        actor=actor,
        received_on=today(),
        source=OpinionSource.MEMBER,
        channel=OpinionChannel.PORTAL,
        text=text,
        topic=topic,
        org=cell,
        received_by=member_cell_committee(cell),
        submitter_member=member,
        submitter_name=member.full_name,
        recorder_shown_as=MEMBER_SENDER,
    )


def _transition(opinion: Opinion, op: str, on: date | None) -> tuple[Opinion, str, date]:
    opinion = Opinion.objects.select_for_update().get(pk=opinion.pk)
    allowed, _to, _side = TRANSITIONS[op]
    if opinion.state not in allowed:
        raise invalid(
            "state",
            f"Ý kiến #{opinion.pk} đang ở trạng thái “{opinion.get_state_display()}”: "
            "không thực hiện được thao tác này.",
        )
    on = _date(on or today(), "on", "Ngày")
    last = opinion.steps.order_by("-on", "-id").values_list("on", flat=True).first()
    if on < opinion.received_on or (last is not None and on < last):
        raise invalid(
            "on", f"Ngày: trước bước xử lý gần nhất ({fmt(last or opinion.received_on)})."
        )
    return opinion, opinion.state, on


def _after(
    opinion: Opinion,
    actor: Actor,
    event: OpinionAudit,
    from_state: str,
    on: date,
    summary: str,
    **step: Any,
) -> Opinion:
    opinion.save()
    _step(opinion, actor, on, from_state, **step)
    audit.record(
        actor=actor,
        action=event,
        obj=opinion,
        summary=summary,
        before={"state": from_state},
        after={"state": opinion.state},
    )
    return opinion


@transaction.atomic
def assign_opinion(
    *,
    actor: Actor,
    opinion: Opinion,
    to_org: Organisation,
    deadline: date,
    note: str = "",
    on: date | None = None,
) -> Opinion:
    opinion, from_state, on = _transition(opinion, "assign", on)
    problems = Problems()  # every problem of the form in one answer
    with problems.check():
        note = clean_paragraphs(note, "Chỉ đạo", max_length=MAX_TEXT, field="note")
    errors = problems.errors
    if to_org is None:
        errors["to_org"] = "Giao cho: bắt buộc."
    elif to_org.valid_to is not None and to_org.valid_to < on:
        errors["to_org"] = f"Giao cho: {to_org.name} đã kết thúc hoạt động."
    if deadline is None:
        errors["deadline"] = "Hạn xử lý: bắt buộc."
    elif deadline < opinion.received_on:
        errors["deadline"] = (
            f"Hạn xử lý: {fmt(deadline)} trước ngày tiếp nhận ý kiến ({fmt(opinion.received_on)})."
        )
    elif deadline < on:
        errors["deadline"] = f"Hạn xử lý: {fmt(deadline)} trước ngày giao ({fmt(on)})."
    problems.raise_all()
    assert to_org is not None and deadline is not None  # refused above otherwise
    opinion.state, opinion.assigned_to, opinion.deadline = OpinionState.ASSIGNED, to_org, deadline
    return _after(
        opinion,
        actor,
        OpinionAudit.ASSIGNED,
        from_state,
        on,
        f"Giao ý kiến #{opinion.pk} cho {to_org.name}, hạn {fmt(deadline)}",
        org=to_org,
        deadline=deadline,
        note=note,
    )


@transaction.atomic
def start_opinion(
    *, actor: Actor, opinion: Opinion, note: str = "", on: date | None = None
) -> Opinion:
    opinion, from_state, on = _transition(opinion, "start", on)
    note = clean_paragraphs(note, "Ghi chú", max_length=MAX_TEXT, field="note")
    opinion.state = OpinionState.IN_PROGRESS
    return _after(
        opinion,
        actor,
        OpinionAudit.STARTED,
        from_state,
        on,
        f"{opinion.assigned_to} nhận xử lý ý kiến #{opinion.pk}",
        org=opinion.assigned_to,
        note=note,
    )


@transaction.atomic
def answer_opinion(
    *, actor: Actor, opinion: Opinion, answer: str, approved_by: str, on: date | None = None
) -> Opinion:
    opinion, from_state, on = _transition(opinion, "answer", on)
    answer = clean_paragraphs(
        answer, "Nội dung trả lời", max_length=MAX_TEXT, required=True, field="answer"
    )
    approved_by = clean_text(
        approved_by, "Người duyệt trả lời", max_length=200, field="approved_by"
    )
    opinion.state, opinion.answer = OpinionState.ANSWERED, answer
    opinion.answered_on, opinion.approved_by = on, approved_by
    hooks.answered(opinion.pk)
    return _after(
        opinion,
        actor,
        OpinionAudit.ANSWERED,
        from_state,
        on,
        f"Trả lời ý kiến #{opinion.pk} (duyệt: {approved_by})",
        org=opinion.assigned_to or opinion.received_by,
        note=answer,
    )


def _with_reason(op: str, event: OpinionAudit, to_state: str, verb: str) -> Callable[..., Opinion]:
    @transaction.atomic
    def run(*, actor: Actor, opinion: Opinion, reason: str, on: date | None = None) -> Opinion:
        opinion, from_state, on = _transition(opinion, op, on)
        reason = clean_paragraphs(
            reason, "Lý do", max_length=MAX_TEXT, required=True, field="reason"
        )
        opinion.state = to_state
        if to_state == OpinionState.IN_PROGRESS and opinion.assigned_to_id is None:
            opinion.state = OpinionState.RECEIVED  # answered on the spot: back to the owner
        return _after(
            opinion,
            actor,
            event,
            from_state,
            on,
            f"{verb} ý kiến #{opinion.pk}: {reason[:200]}",
            org=opinion.assigned_to,
            note=reason,
        )

    run.__name__ = f"{op}_opinion"
    return run


return_opinion = _with_reason("return", OpinionAudit.RETURNED, OpinionState.RETURNED, "Trả lại")
escalate_opinion = _with_reason(
    "escalate", OpinionAudit.ESCALATED, OpinionState.ESCALATED, "Đề nghị cấp trên xử lý"
)
reopen_opinion = _with_reason(
    "reopen", OpinionAudit.REOPENED, OpinionState.IN_PROGRESS, "Chưa đạt, xử lý lại"
)


@transaction.atomic
def close_opinion(
    *, actor: Actor, opinion: Opinion, note: str = "", on: date | None = None
) -> Opinion:
    """Answered opinions close with an optional note; others only with a reason."""
    opinion, from_state, on = _transition(opinion, "close", on)
    note = clean_paragraphs(note, "Ghi chú", max_length=MAX_TEXT, field="note")
    if from_state != OpinionState.ANSWERED and not note:
        raise invalid("note", "Ghi chú: cần nêu lý do kết thúc ý kiến chưa được trả lời.")
    opinion.state, opinion.closed_on = OpinionState.CLOSED, on
    return _after(
        opinion,
        actor,
        OpinionAudit.CLOSED,
        from_state,
        on,
        f"Kết thúc ý kiến #{opinion.pk}",
        org=opinion.received_by,
        note=note,
    )


def quarter_period(year: int, quarter: int) -> tuple[date, date]:
    return quarter_bounds(year, quarter)


# ------------------------------------------------------------------ the topic list


@transaction.atomic
def add_topic(*, actor: Actor, code: str, name: str) -> OpinionTopic:
    """A new topic at the end of the list (the list is data: offices adapt it)."""
    code = (code or "").strip().lower()
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", code) or len(code) > 40:
        raise invalid("code", "Mã lĩnh vực: chữ thường không dấu, số và dấu gạch ngang (≤ 40).")
    if OpinionTopic.objects.filter(code=code).exists():
        raise invalid("code", f"Mã lĩnh vực: đã có “{code}”.")
    name = clean_text(name, "Tên lĩnh vực", max_length=120, field="name")
    last = OpinionTopic.objects.order_by("-position").values_list("position", flat=True).first()
    topic = OpinionTopic.objects.create(code=code, name=name, position=(last or 0) + 1)
    audit.record(
        actor=actor, action=OpinionAudit.TOPIC_ADDED, obj=topic, summary=f"Thêm lĩnh vực “{name}”"
    )
    return topic


@transaction.atomic
def set_topic_active(*, actor: Actor, topic: OpinionTopic, active: bool) -> OpinionTopic:
    """Retire a topic (kept for the opinions filed under it) or bring it back."""
    if topic.active == active:
        raise invalid(
            "code", f"Lĩnh vực “{topic.name}” đã {'đang dùng' if active else 'ngừng dùng'}."
        )
    topic.active = active
    topic.save(update_fields=["active"])
    audit.record(
        actor=actor,
        action=OpinionAudit.TOPIC_RESTORED if active else OpinionAudit.TOPIC_RETIRED,
        obj=topic,
        summary=f"{'Dùng lại' if active else 'Ngừng dùng'} lĩnh vực “{topic.name}”",
    )
    return topic
