"""Every change to reviews: cycles, the approval chain of each evaluation, locking and
re-opening, disciplines, self-criticism with remedies. One function per operation, one
transaction, keyword-only ``actor``, validation first, an audit entry (and a step)."""

import re
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from dangbo.core import audit
from dangbo.core import services as core_services
from dangbo.core.dates import fmt, not_in_future, today
from dangbo.core.errors import invalid
from dangbo.core.text import clean_paragraphs, clean_text
from dangbo.core.types import Actor
from dangbo.members.choices import MembershipKind
from dangbo.members.models import Member, Membership
from dangbo.orgs.choices import GRASSROOTS_KINDS
from dangbo.orgs.models import Organisation
from dangbo.orgs.queries import parent_on

from . import queries, rules
from .choices import (
    CycleWindow,
    DecidingBody,
    EvaluationState,
    PeriodKind,
    RemedyStatus,
    ReviewAudit,
    ReviewOp,
    StepAction,
    Subject,
)
from .models import (
    Discipline,
    Evaluation,
    EvaluationStep,
    Remedy,
    RemedyGroup,
    ReviewCycle,
    Scheme,
    SchemeLevel,
    Shortcoming,
)
from .schemes import NO_DISCIPLINE

MAX_TEXT = 20_000


def _actor(actor: Actor) -> Actor:
    """The user to store as the actor: None for the system or an unsaved user."""
    return actor if actor is not None and actor.pk else None


def scheme_for(subject: str, year: int, kind: str = PeriodKind.YEAR) -> Scheme:
    """Rule 21: the scheme in force for the year (and allowing that kind of period)."""
    scheme = (
        Scheme.objects.filter(subject=subject, first_year__lte=year)
        .filter(Q(last_year__isnull=True) | Q(last_year__gte=year))
        .order_by("-first_year")
        .first()
    )
    if scheme is None:
        raise invalid("year", f"Năm {year}: chưa có cách xếp loại nào được quy định.")
    if kind not in scheme.periods:
        raise invalid(
            "kind",
            f"Kỳ đánh giá: {scheme.name} không cho phép đánh giá theo {PeriodKind(kind).label.lower()}.",
        )
    return scheme


def self_assessment_window(cycle: ReviewCycle) -> CycleWindow:
    """Where ``cycle``'s window for self-assessments and proposals stands today, the lock
    aside (``_check_open`` judges it): the rule ``self_assess`` applies, also read by the
    self-assessment page so that a closed or not yet open window is said instead of a form
    that would be refused."""
    return rules.window(cycle.opens_on, cycle.closes_on, locked=False, day=today())


# The operations on an evaluation that the window binds: a proposal inside it (as a
# self-assessment), a decision from its start until the lock; a return is not bound.
_WINDOW_DECIDING = {ReviewOp.PROPOSE: False, ReviewOp.DECIDE: True}


def window_refusal(cycle: ReviewCycle, op: str | None = None) -> str:
    """Why the window refuses ``op`` on ``cycle`` today (``op`` None: a self-assessment), or
    "" — the message the service raises, also shown by a page instead of its form."""
    if op is not None and op not in _WINDOW_DECIDING:
        return ""
    deciding = _WINDOW_DECIDING.get(ReviewOp(op), False) if op is not None else False
    window = self_assessment_window(cycle)
    if window == CycleWindow.BEFORE:
        return f"Đợt kiểm điểm {cycle.year} bắt đầu ngày {fmt(cycle.opens_on)}: chưa đến kỳ."
    if not deciding and window == CycleWindow.CLOSED:
        return (
            f"Đợt kiểm điểm {cycle.year}: hạn tự đánh giá và đề xuất là {fmt(cycle.closes_on)}, "
            "đã qua; cấp có thẩm quyền vẫn quyết định được cho đến khi khóa."
        )
    return ""


def _check_window(cycle: ReviewCycle, op: str | None = None) -> None:
    """Self-assessments and proposals inside the window; decisions from its start."""
    message = window_refusal(cycle, op)
    if message:
        raise invalid("cycle", message)


def _check_open(cycle: ReviewCycle) -> None:
    if cycle.locked:
        raise invalid(
            "cycle",
            f"Đợt kiểm điểm {cycle.year} của {cycle.org.name} đã khóa ngày "
            f"{timezone.localdate(cycle.locked_at):%d/%m/%Y}; muốn sửa phải mở lại (có lý do).",
        )


def _step(
    evaluation: Evaluation,
    actor: Actor,
    action: StepAction,
    *,
    level: SchemeLevel | None = None,
    org: Organisation | None = None,
    note: str = "",
) -> None:
    user = _actor(actor)
    EvaluationStep.objects.create(
        evaluation=evaluation,
        action=action,
        level=level,
        org=org,
        note=note,
        actor=user,
        actor_name=(user.get_username() if user is not None else "hệ thống")[:150],
    )


def _level(scheme: Scheme, code: str, field: str) -> SchemeLevel:
    level = scheme.levels.filter(code=code).first() if code else None
    if level is None:
        names = ", ".join(f"{lv.code} ({lv.name})" for lv in scheme.levels.all())
        raise invalid(field, f"Mức xếp loại: “{code}” không có trong {scheme.name}; chọn: {names}.")
    return level


# ------------------------------------------------------------------ cycles


@transaction.atomic
def open_cycle(
    *,
    actor: Actor,
    org: Organisation,
    year: int,
    kind: str = PeriodKind.YEAR,
    period_start: date | None = None,
    period_end: date | None = None,
    opens_on: date | None = None,
    closes_on: date | None = None,
) -> ReviewCycle:
    """A review of ``org``'s subtree for a year (or a term, quarter or ad-hoc period where
    the scheme allows it), under the schemes in force that year."""
    if kind not in PeriodKind.values:
        raise invalid("kind", "Kỳ đánh giá: không hợp lệ.")
    if not isinstance(year, int) or not (1990 <= year <= today().year):
        raise invalid("year", f"Năm: từ 1990 đến {today().year}.")
    org_scheme = scheme_for(Subject.ORGANISATION, year, kind)
    member_scheme = scheme_for(Subject.MEMBER, year, kind)
    start = period_start or date(year, 1, 1)
    end = period_end or date(year, 12, 31)
    if end < start:
        raise invalid("period_end", "Đến ngày: trước ngày bắt đầu.")
    opens_on = opens_on or max(start, end - timedelta(days=46))  # mid-November for a year
    closes_on = closes_on or end + timedelta(days=31)
    if closes_on < opens_on:
        raise invalid("closes_on", "Hạn tự đánh giá: trước ngày bắt đầu kiểm điểm.")
    if ReviewCycle.objects.filter(org=org, kind=kind, period_start=start, period_end=end).exists():
        raise invalid("year", f"Đã có đợt kiểm điểm {year} của {org.name} cho kỳ này.")
    cycle = ReviewCycle.objects.create(
        org=org,
        kind=kind,
        year=year,
        period_start=start,
        period_end=end,
        org_scheme=org_scheme,
        member_scheme=member_scheme,
        opens_on=opens_on,
        closes_on=closes_on,
    )
    audit.record(
        actor=actor,
        action=ReviewAudit.CYCLE_OPENED,
        obj=cycle,
        scope_org=org,
        summary=f"Mở đợt kiểm điểm {cycle.get_kind_display().lower()} {year} của {org.name} "
        f"({org_scheme.name}; {member_scheme.name})",
    )
    return cycle


@transaction.atomic
def lock_cycle(*, actor: Actor, cycle: ReviewCycle) -> ReviewCycle:
    cycle = ReviewCycle.objects.select_for_update().select_related("org").get(pk=cycle.pk)
    _check_open(cycle)
    pending = cycle.evaluations.exclude(state=EvaluationState.DECIDED).count()
    if pending:
        raise invalid("cycle", f"Còn {pending} trường hợp chưa có quyết định: chưa khóa được.")
    cycle.locked_at, cycle.locked_by = timezone.now(), _actor(actor)
    cycle.save(update_fields=["locked_at", "locked_by"])
    audit.record(
        actor=actor,
        action=ReviewAudit.CYCLE_LOCKED,
        obj=cycle,
        scope_org=cycle.org,
        summary=f"Khóa kết quả đợt kiểm điểm {cycle.year} của {cycle.org.name}",
    )
    return cycle


@transaction.atomic
def reopen_cycle(*, actor: Actor, cycle: ReviewCycle, reason: str) -> ReviewCycle:
    """Re-opening a decided cycle is an audited act with a reason."""
    cycle = ReviewCycle.objects.select_for_update().select_related("org").get(pk=cycle.pk)
    reason = clean_paragraphs(
        reason, "Lý do mở lại", max_length=MAX_TEXT, required=True, field="reason"
    )
    if not cycle.locked:
        raise invalid("cycle", "Đợt kiểm điểm này chưa khóa.")
    cycle.locked_at, cycle.locked_by = None, None
    cycle.save(update_fields=["locked_at", "locked_by"])
    audit.record(
        actor=actor,
        action=ReviewAudit.CYCLE_REOPENED,
        obj=cycle,
        scope_org=cycle.org,
        summary=f"Mở lại đợt kiểm điểm {cycle.year} của {cycle.org.name}: {reason[:200]}",
    )
    return cycle


# ------------------------------------------------------------------ the approval chain


def cell_of(member: Member, cycle: ReviewCycle) -> Organisation | None:
    """The cell the member belonged to at the end of the period (or last during it),
    within the cycle's subtree; None if they were not there that period."""
    ms = (
        Membership.objects.filter(
            member=member, kind=MembershipKind.OFFICIAL, valid_from__lte=cycle.period_end
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=cycle.period_start))
        .filter(org__path__gte=cycle.org.path, org__path__lt=cycle.org.subtree_upper)
        .select_related("org")
        .order_by("-valid_from")
        .first()
    )
    return ms.org if ms else None


def competent_body(evaluation: Evaluation) -> Organisation:
    """Rule 24: the grassroots committee decides for its members; the directly superior
    committee's standing committee decides for an organisation."""
    if evaluation.member_id:
        cell = evaluation.org
        if cell.kind in GRASSROOTS_KINDS:
            return cell
        ids = [int(p) for p in cell.path.split(".") if p]
        return Organisation.objects.filter(pk__in=ids, kind__in=GRASSROOTS_KINDS).get()
    subject = _subject_org(evaluation)
    superior = parent_on(subject, evaluation.cycle.period_end) or subject.parent
    if superior is None:  # never for a subject inside a cycle's organisation
        raise invalid("subject_org", f"Tổ chức: {subject.name} không có cấp trên trực tiếp.")
    return superior


def _subject_org(evaluation: Evaluation) -> Organisation:
    """The organisation an organisation's evaluation is about."""
    subject = evaluation.subject_org
    if subject is None:
        raise invalid("subject_org", "Đối tượng: kết quả này là của một đảng viên.")
    return subject


def _scores(
    scheme: Scheme, general: object, tasks: object
) -> tuple[Decimal | None, Decimal | None]:
    if not scheme.scored:
        if general not in (None, "") or tasks not in (None, ""):
            raise invalid("score_general", f"Điểm: {scheme.name} không chấm điểm.")
        return None, None
    out = []
    for value, field, label, top in (
        (general, "score_general", "Điểm tiêu chí chung", scheme.general_max),
        (tasks, "score_tasks", "Điểm kết quả thực hiện nhiệm vụ", scheme.tasks_max),
    ):
        try:
            number = Decimal(str(value))
        except (InvalidOperation, ValueError, TypeError):
            raise invalid(field, f"{label}: bắt buộc, là một số từ 0 đến {top}.") from None
        if not number.is_finite() or not (0 <= number <= top):
            raise invalid(field, f"{label}: {value} ngoài khung 0–{top}.")
        out.append(number)
    return out[0], out[1]


def _num(value: Decimal) -> str:
    """90.00 → "90", 85.50 → "85,5": numbers as Vietnamese readers write them."""
    text = f"{value.normalize():f}"
    return text.replace(".", ",")


def _check_band(
    level: SchemeLevel, general: Decimal | None, tasks: Decimal | None, field: str
) -> None:
    """Rule 22: the score sets the highest level possible (conditions may lower it)."""
    if general is None or tasks is None or level.min_score is None:
        return
    total = general + tasks
    if total < level.min_score:
        raise invalid(
            field,
            f"Mức xếp loại: {level.name} cần từ {_num(level.min_score)} điểm; tổng điểm là "
            f"{_num(total)}.",
        )


@transaction.atomic
def self_assess(
    *,
    actor: Actor,
    cycle: ReviewCycle,
    level: str,
    member: Member | None = None,
    subject_org: Organisation | None = None,
    score_general: object = None,
    score_tasks: object = None,
    comment: str = "",
    residence_comment: str = "",
) -> Evaluation:
    """The subject's self-assessment opens its evaluation for the cycle."""
    cycle = ReviewCycle.objects.select_related("org").get(pk=cycle.pk)
    _check_open(cycle)
    _check_window(cycle)
    place: Organisation | None
    if member is not None and subject_org is None:
        scheme = cycle.member_scheme
        place = cell_of(member, cycle)
        if place is None:
            raise invalid(
                "member",
                f"Đảng viên: {member.full_name} không sinh hoạt trong {cycle.org.name} trong kỳ "
                f"{fmt(cycle.period_start)}–{fmt(cycle.period_end)}.",
            )
        if Evaluation.objects.filter(cycle=cycle, member=member).exists():
            raise invalid("member", f"Đảng viên: {member.full_name} đã có kết quả trong đợt này.")
    elif subject_org is not None and member is None:
        scheme = cycle.org_scheme
        place = subject_org
        inside = cycle.org.path <= subject_org.path < cycle.org.subtree_upper
        if (
            not inside
            or subject_org.pk == cycle.org.pk
            or not (
                subject_org.valid_from <= cycle.period_end
                and (subject_org.valid_to is None or subject_org.valid_to >= cycle.period_start)
            )
        ):
            raise invalid(
                "subject_org",
                f"Tổ chức: {subject_org.name} không thuộc {cycle.org.name} trong kỳ này.",
            )
        if Evaluation.objects.filter(cycle=cycle, subject_org=subject_org).exists():
            raise invalid(
                "subject_org", f"Tổ chức: {subject_org.name} đã có kết quả trong đợt này."
            )
    else:
        raise invalid("member", "Đối tượng: một đảng viên hoặc một tổ chức đảng.")
    chosen = _level(scheme, level, "level")
    general, tasks = _scores(scheme, score_general, score_tasks)
    _check_band(chosen, general, tasks, "level")
    comment = clean_paragraphs(comment, "Tự nhận xét", max_length=MAX_TEXT, field="comment")
    residence = clean_paragraphs(
        residence_comment,
        "Nhận xét của chi bộ nơi cư trú",
        max_length=MAX_TEXT,
        field="residence_comment",
    )
    evaluation = Evaluation(
        cycle=cycle,
        scheme=scheme,
        member=member,
        subject_org=subject_org,
        org=place,
        state=EvaluationState.SELF_ASSESSED,
        self_level=chosen,
        score_general=general,
        score_tasks=tasks,
        self_comment=comment,
        residence_comment=residence,
    )
    deciding = competent_body(evaluation)
    evaluation.peer_group = peer_group(evaluation, deciding)
    evaluation.save()
    _step(evaluation, actor, StepAction.SELF_ASSESSED, level=chosen)
    audit.record(
        actor=actor,
        action=ReviewAudit.SELF_ASSESSED,
        obj=evaluation,
        summary=f"{evaluation.subject_name} tự đánh giá: {chosen.name} ({cycle.year})",
    )
    return evaluation


def peer_group(evaluation: Evaluation, deciding: Organisation) -> str:
    """Peers share a deciding body (and, for organisations, a sector): the quota's group."""
    sector = evaluation.subject_org.sector if evaluation.subject_org is not None else None
    return rules.PeerGroup(deciding.code, sector).key()


def _load(evaluation: Evaluation) -> Evaluation:
    evaluation = (
        Evaluation.objects.select_for_update(of=("self",))
        .select_related("cycle__org", "scheme", "member", "subject_org", "org")
        .get(pk=evaluation.pk)
    )
    _check_open(evaluation.cycle)
    return evaluation


@transaction.atomic
def propose(*, actor: Actor, evaluation: Evaluation, level: str, note: str = "") -> Evaluation:
    """The cell's proposal for a member (the superior's appraisal for an organisation)."""
    evaluation = _load(evaluation)
    _check_window(evaluation.cycle, ReviewOp.PROPOSE)
    if evaluation.state not in (EvaluationState.SELF_ASSESSED, EvaluationState.RETURNED):
        raise invalid("state", f"Đánh giá đang ở trạng thái “{evaluation.get_state_display()}”.")
    _check_not_own(actor, evaluation)
    chosen = _level(evaluation.scheme, level, "level")
    _check_band(chosen, evaluation.score_general, evaluation.score_tasks, "level")
    note = clean_paragraphs(note, "Nhận xét", max_length=MAX_TEXT, field="note")
    proposer = evaluation.org if evaluation.member_id else competent_body(evaluation)
    evaluation.state, evaluation.proposed_level, evaluation.proposed_by = (
        EvaluationState.PROPOSED,
        chosen,
        proposer,
    )
    evaluation.save(update_fields=["state", "proposed_level", "proposed_by"])
    _step(evaluation, actor, StepAction.PROPOSED, level=chosen, org=proposer, note=note)
    audit.record(
        actor=actor,
        action=ReviewAudit.PROPOSED,
        obj=evaluation,
        summary=f"{proposer.name} đề xuất {evaluation.subject_name}: {chosen.name}",
    )
    return evaluation


@transaction.atomic
def return_evaluation(*, actor: Actor, evaluation: Evaluation, reason: str) -> Evaluation:
    """The deciding body sends a proposal back: a reason is required."""
    evaluation = _load(evaluation)
    reason = clean_paragraphs(
        reason, "Lý do trả lại", max_length=MAX_TEXT, required=True, field="reason"
    )
    if evaluation.state != EvaluationState.PROPOSED:
        raise invalid("state", "Chỉ trả lại được đề xuất đang chờ quyết định.")
    _check_not_own(actor, evaluation)
    evaluation.state = EvaluationState.RETURNED
    evaluation.save(update_fields=["state"])
    _step(evaluation, actor, StepAction.RETURNED, note=reason)
    audit.record(
        actor=actor,
        action=ReviewAudit.RETURNED,
        obj=evaluation,
        summary=f"Trả lại đề xuất xếp loại {evaluation.subject_name}: {reason[:200]}",
    )
    return evaluation


def _check_quota(evaluation: Evaluation, level: SchemeLevel) -> None:
    """Rule 23: at most rate × (peers decided at the base level) at the capped level."""
    scheme = evaluation.scheme
    if level.code != scheme.quota_level:
        return
    usage = queries.quota_usage(
        evaluation.cycle, scheme=scheme, peer_group=evaluation.peer_group, exclude=evaluation
    )
    if not usage or scheme.quota_rate is None:  # no quota under this scheme
        return
    use = usage[0]
    after = use.capped + 1
    if not rules.within_quota(scheme.quota_rate, use.base, after):
        base_name = scheme.levels.get(code=scheme.quota_base).name
        raise invalid(
            "level",
            f"Tỷ lệ: nhóm “{use.label}” có {use.base} trường hợp “{base_name}”, nên tối "
            f"đa {use.allowed} trường hợp “{level.name}” ({_num(scheme.quota_rate * 100)}%); "
            f"quyết định này sẽ là {after}. ({scheme.quota_note})",
        )


def _check_not_own(actor: Actor, evaluation: Evaluation) -> None:
    """Four eyes: nobody proposes, returns or decides their own case."""
    own = getattr(_actor(actor), "member", None)
    if own is not None and own.pk == evaluation.member_id:
        raise invalid(
            "member", "Không ai tự đề xuất, trả lại hay quyết định xếp loại cho chính mình."
        )


def _check_conditions(evaluation: Evaluation, level: SchemeLevel) -> None:
    """The scheme's extra conditions on its top level (e.g. no disciplined subordinate)."""
    org = evaluation.subject_org
    if level.rank != 1 or org is None:
        return
    if NO_DISCIPLINE in evaluation.scheme.conditions:
        cycle = evaluation.cycle
        inside = Q(subject_org__path__gte=org.path, subject_org__path__lt=org.subtree_upper) & ~Q(
            subject_org=org
        ) | Q(member__org__path__gte=org.path, member__org__path__lt=org.subtree_upper)
        n = Discipline.objects.filter(
            inside, decided_on__gte=cycle.period_start, decided_on__lte=cycle.period_end
        ).count()
        if n:
            raise invalid(
                "level",
                f"Mức xếp loại: {level.name} đòi hỏi không có tổ chức hoặc đảng viên trực thuộc "
                f"bị kỷ luật trong kỳ; {org.name} có {n} trường hợp.",
            )


@transaction.atomic
def decide(
    *,
    actor: Actor,
    evaluation: Evaluation,
    level: str,
    by_org: Organisation,
    decision_ref: str = "",
    on: date | None = None,
) -> Evaluation:
    """The competent body's decision (rule 24); quota and conditions checked now."""
    evaluation = _load(evaluation)
    # Rule 23 counts the peer group's decisions: two decisions at once would both pass the
    # count, so decisions in one cycle take its row in turn (until this transaction ends).
    evaluation.cycle = (
        ReviewCycle.objects.select_for_update().select_related("org").get(pk=evaluation.cycle_id)
    )
    _check_open(evaluation.cycle)
    _check_window(evaluation.cycle, ReviewOp.DECIDE)
    if evaluation.state != EvaluationState.PROPOSED:
        raise invalid("state", "Chỉ quyết định được trường hợp đã có đề xuất.")
    competent = competent_body(evaluation)
    if by_org is None or by_org.pk != competent.pk:
        body = (
            DecidingBody.GRASSROOTS_COMMITTEE
            if evaluation.member_id
            else DecidingBody.STANDING_COMMITTEE
        ).label
        raise invalid(
            "by_org",
            f"Cơ quan quyết định: {by_org.name if by_org else '—'} không có thẩm quyền; thẩm "
            f"quyền là {body} — {competent.name}.",
        )
    _check_not_own(actor, evaluation)
    chosen = _level(evaluation.scheme, level, "level")
    _check_band(chosen, evaluation.score_general, evaluation.score_tasks, "level")
    _check_quota(evaluation, chosen)
    _check_conditions(evaluation, chosen)
    on = on or today()
    not_in_future(on, "on", "Ngày quyết định")
    if on < evaluation.cycle.period_start:
        raise invalid(
            "on", f"Ngày quyết định: trước kỳ đánh giá ({fmt(evaluation.cycle.period_start)})."
        )
    decision_ref = clean_text(
        decision_ref, "Số quyết định", max_length=100, required=False, field="decision_ref"
    )
    evaluation.state, evaluation.final_level = EvaluationState.DECIDED, chosen
    evaluation.final_common_rank = chosen.common_rank
    evaluation.decided_by, evaluation.decided_on, evaluation.decision_ref = (
        competent,
        on,
        decision_ref,
    )
    evaluation.decided_body = (
        DecidingBody.GRASSROOTS_COMMITTEE
        if evaluation.member_id
        else DecidingBody.STANDING_COMMITTEE
    )
    evaluation.save()
    _step(evaluation, actor, StepAction.DECIDED, level=chosen, org=competent, note=decision_ref)
    audit.record(
        actor=actor,
        action=ReviewAudit.DECIDED,
        obj=evaluation,
        summary=f"{competent.name} quyết định xếp loại {evaluation.subject_name}: "
        f"{chosen.name} ({evaluation.cycle.year})",
    )
    return evaluation


# ------------------------------------------------------------------ discipline, remedies


@transaction.atomic
def record_discipline(
    *,
    actor: Actor,
    form: str,
    decided_on: date,
    decided_by: Organisation,
    member: Member | None = None,
    subject_org: Organisation | None = None,
    decision_ref: str = "",
) -> Discipline:
    if (member is None) == (subject_org is None):
        raise invalid("member", "Đối tượng: một đảng viên hoặc một tổ chức đảng.")
    form = clean_text(form, "Hình thức kỷ luật", max_length=32, field="form")
    not_in_future(decided_on, "decided_on", "Ngày quyết định")
    discipline = Discipline.objects.create(
        member=member,
        subject_org=subject_org,
        form=form,
        decided_on=decided_on,
        decided_by=decided_by,
        decision_ref=decision_ref,
    )
    audit.record(
        actor=actor,
        action=ReviewAudit.DISCIPLINE,
        obj=discipline,
        scope_org=decided_by,
        summary=f"Kỷ luật {form}: {member or subject_org} ({fmt(decided_on)})",
    )
    return discipline


@transaction.atomic
def add_remedy_group(
    *,
    actor: Actor,
    cycle: ReviewCycle,
    org: Organisation,
    title: str,
    shortcomings: list[str],
    remedies: list[dict[str, Any]],
) -> RemedyGroup:
    """A group of remedies with the shortcomings it answers; each remedy has an owner and a
    deadline (after the period reviewed)."""
    cycle = ReviewCycle.objects.select_related("org").get(pk=cycle.pk)  # a fresh lock state
    _check_open(cycle)
    if not (cycle.org.path <= org.path < cycle.org.subtree_upper):
        raise invalid("org", f"Tổ chức: {org.name} không thuộc {cycle.org.name}.")
    title = clean_text(title, "Nhóm giải pháp", max_length=300, field="title")
    texts = [
        clean_paragraphs(t, "Hạn chế, khuyết điểm", max_length=MAX_TEXT, field="shortcomings")
        for t in shortcomings
    ]
    texts = [t for t in texts if t]
    if not texts:
        raise invalid("shortcomings", "Hạn chế, khuyết điểm: cần ít nhất một.")
    if not remedies:
        raise invalid("remedies", "Giải pháp: cần ít nhất một.")
    rows = []
    for i, given in enumerate(remedies, start=1):
        text = clean_paragraphs(
            given.get("text"),
            f"Giải pháp {i}",
            max_length=MAX_TEXT,
            required=True,
            field="remedies",
        )
        owner = clean_text(
            given.get("owner"),
            f"Giải pháp {i}: người chịu trách nhiệm",
            max_length=200,
            field="remedies",
        )
        deadline = given.get("deadline")
        if deadline is None or deadline <= cycle.period_end:
            raise invalid("remedies", f"Giải pháp {i}: thời hạn phải sau kỳ kiểm điểm.")
        rows.append(
            Remedy(
                text=text, owner=owner, deadline=deadline, carried_from=given.get("carried_from")
            )
        )
    position = RemedyGroup.objects.filter(cycle=cycle, org=org).count()
    group = RemedyGroup.objects.create(cycle=cycle, org=org, title=title, position=position)
    Shortcoming.objects.bulk_create(Shortcoming(group=group, text=t) for t in texts)
    for r in rows:
        r.group = group
    Remedy.objects.bulk_create(rows)
    audit.record(
        actor=actor,
        action=ReviewAudit.REMEDIES,
        obj=group,
        scope_org=org,
        summary=f"{org.name}: nhóm giải pháp “{title}” ({len(texts)} hạn chế, "
        f"{len(rows)} giải pháp)",
    )
    return group


@transaction.atomic
def report_remedy(*, actor: Actor, remedy: Remedy, status: str, evidence: str) -> Remedy:
    if status not in RemedyStatus.values:
        raise invalid("status", "Tình trạng: không hợp lệ.")
    evidence = clean_paragraphs(
        evidence,
        "Kết quả, minh chứng",
        max_length=MAX_TEXT,
        required=status == RemedyStatus.DONE,
        field="evidence",
    )
    remedy.status, remedy.evidence = status, evidence
    remedy.save(update_fields=["status", "evidence"])
    audit.record(
        actor=actor,
        action=ReviewAudit.REMEDY_REPORTED,
        obj=remedy.group,
        scope_org=remedy.group.org,
        summary=f"Giải pháp “{remedy.text[:80]}”: {remedy.get_status_display()}",
    )
    return remedy


def open_remedies(org: Organisation, before: ReviewCycle):
    """Remedies still open from earlier reviews of ``org``: the next review reports on them."""
    return (
        Remedy.objects.filter(group__org=org, group__cycle__period_end__lt=before.period_start)
        .exclude(status=RemedyStatus.DONE)
        .filter(carried_to__isnull=True)
    )


# ------------------------------------------------------------------ schemes as data


@transaction.atomic
def add_scheme(*, actor: Actor, data: dict, document: core_services.Document) -> Scheme:
    """A new scheme from data (levels, bands, quota): no code change for a scheme that only
    changes those. ``data`` = {code, name, subject, first_year, last_year?, periods?, scored?,
    general_max?, tasks_max?, quota?: {enabled, rate, level, base, note}, conditions?,
    levels: [{code, name, common_rank, min_score?, max_score?}] best first}. ``document``:
    the one that sets it, registered here (with the scheme, or neither) when only named."""
    code = str(data.get("code") or "").strip().lower()
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", code) or len(code) > 40:
        raise invalid("code", "Mã: chữ thường không dấu, số và dấu gạch ngang (≤ 40).")
    if Scheme.objects.filter(code=code).exists():
        raise invalid("code", f"Mã: đã có cách xếp loại “{code}”.")
    name = clean_text(data.get("name"), "Tên", max_length=200, field="name")
    subject = data.get("subject")
    if subject not in Subject.values:
        raise invalid("subject", "Đối tượng: organisation hoặc member.")
    first, last = data.get("first_year"), data.get("last_year")
    if not isinstance(first, int) or not 1990 <= first <= 2100:
        raise invalid("first_year", "Áp dụng từ năm: một năm từ 1990 đến 2100.")
    if last is not None and (not isinstance(last, int) or last < first):
        raise invalid("last_year", "Đến năm: không trước năm bắt đầu.")
    periods = data.get("periods") or [PeriodKind.YEAR]
    if not isinstance(periods, list) or any(p not in PeriodKind.values for p in periods):
        raise invalid("periods", f"Kỳ đánh giá: trong {', '.join(PeriodKind.values)}.")
    levels = data.get("levels")
    if not isinstance(levels, list) or len(levels) < 2:
        raise invalid("levels", "Các mức: cần ít nhất hai mức, mức cao nhất trước.")
    codes = set()
    for i, lv in enumerate(levels, start=1):
        if not isinstance(lv, dict) or not lv.get("code") or not lv.get("name"):
            raise invalid("levels", f"Mức {i}: cần mã và tên.")
        if lv["code"] in codes:
            raise invalid("levels", f"Mức {i}: mã “{lv['code']}” bị trùng.")
        codes.add(lv["code"])
        if lv.get("common_rank") not in (1, 2, 3, 4):
            raise invalid("levels", f"Mức {i}: bậc quy đổi (common_rank) từ 1 đến 4.")
    quota = data.get("quota") or {}
    if quota.get("enabled") and (
        quota.get("level") not in codes
        or quota.get("base") not in codes
        or not 0 < float(quota.get("rate") or 0) <= 1
    ):
        raise invalid(
            "quota",
            "Tỷ lệ: cần mức bị giới hạn, mức làm căn cứ (có trong danh sách) "
            "và tỷ lệ trong (0, 1].",
        )
    registered = core_services.resolve_document(actor=actor, document=document)
    if registered is None:
        raise invalid("document", "Văn bản quy định: bắt buộc.")
    scheme = Scheme.objects.create(
        code=code,
        name=name,
        subject=subject,
        document=registered,
        first_year=first,
        last_year=last,
        periods=periods,
        scored=bool(data.get("scored")),
        general_max=int(data.get("general_max") or 0),
        tasks_max=int(data.get("tasks_max") or 0),
        quota_enabled=bool(quota.get("enabled")),
        quota_rate=quota.get("rate"),
        quota_level=quota.get("level") or "",
        quota_base=quota.get("base") or "",
        quota_note=str(quota.get("note") or "")[:300],
        conditions=[c for c in data.get("conditions") or [] if c == NO_DISCIPLINE],
    )
    SchemeLevel.objects.bulk_create(
        SchemeLevel(
            scheme=scheme,
            code=lv["code"],
            name=str(lv["name"])[:200],
            rank=rank,
            common_rank=lv["common_rank"],
            min_score=lv.get("min_score"),
            max_score=lv.get("max_score"),
        )
        for rank, lv in enumerate(levels, start=1)
    )
    audit.record(
        actor=actor,
        action=ReviewAudit.SCHEME_ADDED,
        obj=scheme,
        object_type="reviews.scheme",
        summary=f"Thêm cách xếp loại “{name}” ({first}–{last or '…'}) theo {document}",
    )
    return scheme


@transaction.atomic
def set_quota(*, actor: Actor, scheme: Scheme, enabled: bool, rate=None, note: str = "") -> Scheme:
    """Switch a scheme's quota on or off (off where its text is not verified)."""
    if enabled and not (scheme.quota_level and scheme.quota_base):
        raise invalid("quota", f"{scheme.name}: chưa có mức bị giới hạn và mức làm căn cứ.")
    if rate is not None:
        try:
            rate = Decimal(str(rate))
        except InvalidOperation:
            raise invalid("rate", "Tỷ lệ: một số trong (0, 1].") from None
        if not 0 < rate <= 1:
            raise invalid("rate", "Tỷ lệ: một số trong (0, 1].")
        scheme.quota_rate = rate
    if enabled and not scheme.quota_rate:
        raise invalid("rate", "Tỷ lệ: cần nêu khi bật.")
    before = {"enabled": scheme.quota_enabled, "rate": str(scheme.quota_rate)}
    scheme.quota_enabled = enabled
    if note:
        scheme.quota_note = clean_text(note, "Ghi chú", max_length=300, field="note")
    scheme.save(update_fields=["quota_enabled", "quota_rate", "quota_note"])
    audit.record(
        actor=actor,
        action=ReviewAudit.QUOTA_SET,
        obj=scheme,
        object_type="reviews.scheme",
        summary=f"{scheme.name}: tỷ lệ {'bật' if enabled else 'tắt'}"
        + (f" ({scheme.quota_rate})" if enabled else ""),
        before=before,
        after={"enabled": enabled, "rate": str(scheme.quota_rate)},
    )
    return scheme
