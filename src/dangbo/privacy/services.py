"""Every change to personal-data protection: consents given and withdrawn, data subjects'
requests through their lifecycle, breaches and their notifications, and the retention run.
One function per operation, one transaction, keyword-only ``actor``, validation first (a
Vietnamese message naming the field, nothing written), a named audit entry.

Audit summaries and log lines name records by number or reference, never by a person's name
or email: the audit log is read by auditors, and logs must not hold personal data."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from dangbo.core import audit, privacy
from dangbo.core.dates import fmt
from dangbo.core.errors import Problems, invalid
from dangbo.core.text import clean_paragraphs, clean_text
from dangbo.core.types import Actor
from dangbo.members.choices import ACTIVE_STATUSES
from dangbo.members.models import Member
from dangbo.orgs.choices import GRASSROOTS_KINDS
from dangbo.orgs.models import Organisation

from . import rules
from .choices import (
    OPEN_REQUEST_STATES,
    BreachAudit,
    ConsentAudit,
    DataRequestAudit,
    RequestKind,
    RequestState,
    RetentionAudit,
)
from .models import Breach, ConsentRecord, DataRequest, RetentionRun

log = logging.getLogger(__name__)

MAX_REQUEST_TEXT = 4000
MAX_ANSWER = 8000
MAX_BREACH_TEXT = 8000
ANONYMISED = "(đã ẩn danh)"


def _actor(actor: Actor) -> User | None:
    """The user to store on a row: None for the system and for an unsaved user."""
    return actor if actor is not None and actor.pk else None


def _now() -> datetime:
    return timezone.now()


def _local_day(moment: datetime):
    return timezone.localtime(moment).date()


def clean_email(value: str | None, field: str, *, required: bool = False) -> str:
    """An email address as stored: trimmed, lower-case, valid (``validate_email``)."""
    email = clean_text(value, "Email", max_length=254, required=required, field=field).lower()
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise invalid(field, "Email: không phải địa chỉ email hợp lệ.") from exc
    return email


def grassroots_of(org: Organisation) -> Organisation:
    """The grassroots organisation (commune, town, agency…) at or above ``org`` — where a
    member's data is kept and their requests handled; ``org`` itself when none is above."""
    ids = [int(p) for p in org.path.split(".") if p]
    found = (
        Organisation.objects.filter(pk__in=ids, kind__in=GRASSROOTS_KINDS)
        .order_by("-depth")
        .first()
    )
    return found or org


# ------------------------------------------------------------------ consents


@transaction.atomic
def record_consent(
    *,
    actor: Actor,
    purpose: str,
    subject_name: str,
    subject_email: str,
    ref: str,
    member: Member | None = None,
    user: User | None = None,
    org: Organisation | None = None,
) -> ConsentRecord:
    """Record that a person consented to ``purpose`` (a ``core.privacy`` consent purpose),
    keeping the exact words and version they were shown. ``org``: the committee holding the
    data (a member's own grassroots organisation when not given)."""
    declared = privacy.purpose(purpose)
    problems = Problems()
    if declared is None:
        problems.errors["purpose"] = f"Mục đích: không có mục đích “{purpose[:64]}” được khai báo."
    name = email = ""
    with problems.check():
        name = clean_text(
            subject_name, "Họ tên", max_length=120, required=False, field="subject_name"
        )
    with problems.check():
        email = clean_email(subject_email, "subject_email")
    with problems.check():
        ref = clean_text(ref, "Hồ sơ liên quan", max_length=100, required=False, field="ref")
    if member is not None and user is None:
        user = member.user
    if not (name or email or member or user) and "subject_name" not in problems:
        problems.errors["subject_name"] = "Họ tên: cần họ tên hoặc email của người đồng ý."
    if org is None and member is not None:
        org = grassroots_of(member.org)
    problems.raise_all()
    assert declared is not None  # noqa: S101 - raise_all refused a missing purpose
    consent = ConsentRecord.objects.create(
        purpose=declared.code,
        text_version=declared.version,
        text=declared.text,
        subject_name=name,
        subject_email=email,
        member=member,
        user=_actor(user),
        org=org,
        ref=ref,
        given_at=_now(),
    )
    audit.record(
        actor=actor,
        action=ConsentAudit.GIVEN,
        obj=consent,
        summary=f"Ghi nhận đồng ý #{consent.pk}: mục đích {declared.code}, "
        f"phiên bản {declared.version}" + (f", hồ sơ {ref}" if ref else ""),
    )
    return consent


@transaction.atomic
def withdraw_consent(*, actor: Actor, consent: ConsentRecord, how: str) -> ConsentRecord:
    """Withdraw a consent (law Art. 4: the subject may withdraw at any time). The app that
    declared the purpose acts on it (``on_withdraw(ref)``, e.g. erasing a comment's email)
    in the same transaction: if it fails, nothing is withdrawn."""
    how = clean_text(how, "Cách rút lại", max_length=300, field="how")
    consent = ConsentRecord.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_at is not None:
        raise invalid(
            "consent",
            f"Sự đồng ý #{consent.pk} đã được rút lại ngày "
            f"{fmt(_local_day(consent.withdrawn_at))}.",
        )
    consent.withdrawn_at = _now()
    consent.withdrawn_how = how
    consent.save(update_fields=["withdrawn_at", "withdrawn_how"])
    declared = privacy.purpose(consent.purpose)
    if declared is not None and declared.on_withdraw is not None and consent.ref:
        declared.on_withdraw(consent.ref)
    audit.record(
        actor=actor,
        action=ConsentAudit.WITHDRAWN,
        obj=consent,
        summary=f"Rút lại đồng ý #{consent.pk} ({consent.purpose})",
        after={"withdrawn_how": how},
    )
    return consent


# ------------------------------------------------------------------ data subjects' requests


def _unique_code() -> str:
    for _attempt in range(10):
        code = rules.new_code(secrets.token_bytes(8))
        if not DataRequest.objects.filter(code=code).exists():
            return code
    raise RuntimeError("no free request code")  # 10 collisions in 2^50: never


@transaction.atomic
def file_request(
    *,
    actor: Actor,
    kind: str,
    text: str,
    name: str = "",
    email: str = "",
    member: Member | None = None,
    org: Organisation | None,
    third_party: bool = False,
) -> DataRequest:
    """A data subject's request, received now and handled by ``org``: from a member (their
    record; name and email are then optional) or from anyone else (name and email, so that
    the answer reaches them). The deadlines are the law's (``rules``), fixed at filing."""
    problems = Problems()
    if kind not in RequestKind.values:
        problems.errors["kind"] = "Loại yêu cầu: chọn một loại trong danh sách."
    with problems.check():
        text = clean_paragraphs(
            text, "Nội dung yêu cầu", max_length=MAX_REQUEST_TEXT, required=True, field="text"
        )
    with problems.check():
        name = clean_text(name, "Họ tên", max_length=120, required=member is None, field="name")
    with problems.check():
        email = clean_email(email, "email", required=member is None)
    if org is None:
        problems.errors["org"] = "Tổ chức tiếp nhận: bắt buộc."
    problems.raise_all()
    assert org is not None  # noqa: S101 - raise_all refused a missing organisation
    received_at = _now()
    local = timezone.localtime(received_at)
    request = DataRequest.objects.create(
        code=_unique_code(),
        kind=kind,
        requester_name=name or (member.full_name if member is not None else ""),
        requester_email=email,
        member=member,
        user=member.user if member is not None else None,
        text=text,
        received_at=received_at,
        third_party=bool(third_party),
        ack_due=rules.ack_due(local),
        due=rules.due(kind, local, bool(third_party)),
        org=org,
    )
    audit.record(
        actor=actor,
        action=DataRequestAudit.FILED,
        obj=request,
        summary=f"Tiếp nhận yêu cầu {request.code} ({request.get_kind_display().lower()}): "
        f"xác nhận trước {fmt(request.ack_due)}, xử lý trước {fmt(request.due)}",
    )
    return request


def own_member(actor: Actor) -> Member | None:
    user = _actor(actor)
    if user is None:
        return None
    return Member.objects.select_related("org").filter(user=user).first()


@transaction.atomic
def file_member_request(
    *, actor: Actor, kind: str, text: str, third_party: bool = False
) -> DataRequest:
    """A member's own request, from "Trang của tôi": the member is the one linked to the
    login, and the handling organisation is their grassroots organisation — not a choice."""
    member = own_member(actor)
    if member is None or member.status not in ACTIVE_STATUSES:
        raise invalid("member", "Chỉ đảng viên có hồ sơ gắn với tài khoản mới gửi được yêu cầu.")
    return file_request(
        actor=actor,
        kind=kind,
        text=text,
        member=member,
        org=grassroots_of(member.org),
        third_party=third_party,
    )


def _open_request(request: DataRequest) -> DataRequest:
    request = DataRequest.objects.select_for_update().get(pk=request.pk)
    if request.state not in OPEN_REQUEST_STATES:
        raise invalid(
            "state",
            f"Yêu cầu {request.code} đã kết thúc ({request.get_state_display().lower()}).",
        )
    return request


@transaction.atomic
def acknowledge_request(*, actor: Actor, request: DataRequest) -> DataRequest:
    """Confirm to the requester that the request was received (within 2 working days)."""
    request = _open_request(request)
    if request.state != RequestState.RECEIVED:
        raise invalid("state", f"Yêu cầu {request.code} đã được xác nhận.")
    request.state = RequestState.ACKNOWLEDGED
    request.acknowledged_at = _now()
    request.handled_by = _actor(actor)
    request.save(update_fields=["state", "acknowledged_at", "handled_by"])
    late = _local_day(request.acknowledged_at) > request.ack_due
    audit.record(
        actor=actor,
        action=DataRequestAudit.ACKNOWLEDGED,
        obj=request,
        summary=f"Xác nhận đã nhận yêu cầu {request.code}"
        + (" (quá hạn xác nhận)" if late else ""),
    )
    return request


@transaction.atomic
def extend_request(*, actor: Actor, request: DataRequest, reason: str) -> DataRequest:
    """Extend the deadline by 15 days, once, with the reason told to the requester."""
    reason = clean_text(reason, "Lý do gia hạn", max_length=500, field="reason")
    request = _open_request(request)
    problem = rules.extension_error(1 if request.extended_until else 0)
    if problem:
        raise invalid(
            "reason",
            f"Yêu cầu {request.code} đã được gia hạn đến {fmt(request.extended_until)}. {problem}",
        )
    before = request.due
    request.extended_until = rules.extended(request.due)
    request.extension_reason = reason
    request.handled_by = request.handled_by or _actor(actor)
    request.save(update_fields=["extended_until", "extension_reason", "handled_by"])
    audit.record(
        actor=actor,
        action=DataRequestAudit.EXTENDED,
        obj=request,
        summary=f"Gia hạn yêu cầu {request.code} đến {fmt(request.extended_until)}",
        before={"due": before},
        after={"extended_until": request.extended_until, "reason": reason},
    )
    return request


def _close(actor: Actor, request: DataRequest, state: str, outcome: str, label: str) -> DataRequest:
    outcome = clean_paragraphs(
        outcome, label, max_length=MAX_ANSWER, required=True, field="outcome"
    )
    request = _open_request(request)
    now = _now()
    request.state = state
    request.outcome = outcome
    request.closed_at = now
    request.acknowledged_at = request.acknowledged_at or now
    request.handled_by = _actor(actor) or request.handled_by
    request.save(update_fields=["state", "outcome", "closed_at", "acknowledged_at", "handled_by"])
    return request


@transaction.atomic
def complete_request(*, actor: Actor, request: DataRequest, outcome: str) -> DataRequest:
    """The request carried out: what was done, as told to the requester."""
    request = _close(actor, request, RequestState.DONE, outcome, "Kết quả")
    late = rules.overdue(
        request.due, _local_day(request.closed_at or _now()), extended_until=request.extended_until
    )
    audit.record(
        actor=actor,
        action=DataRequestAudit.DONE,
        obj=request,
        summary=f"Thực hiện xong yêu cầu {request.code}" + (" (quá hạn)" if late else ""),
    )
    return request


@transaction.atomic
def refuse_request(*, actor: Actor, request: DataRequest, reason: str) -> DataRequest:
    """The request refused, with the reason (the law's grounds) told to the requester."""
    request = _close(actor, request, RequestState.REFUSED, reason, "Lý do từ chối")
    audit.record(
        actor=actor,
        action=DataRequestAudit.REFUSED,
        obj=request,
        summary=f"Từ chối yêu cầu {request.code}",
    )
    return request


# ------------------------------------------------------------------ breaches


def _moment(value: datetime | None, field: str, label: str, *, not_before=None) -> datetime:
    if value is None:
        raise invalid(field, f"{label}: bắt buộc.")
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value > _now():
        raise invalid(field, f"{label}: không được sau thời điểm hiện tại.")
    if not_before is not None and value < not_before:
        local = timezone.localtime(not_before)
        raise invalid(
            field, f"{label}: không được trước thời điểm phát hiện ({local:%H:%M %d/%m/%Y})."
        )
    return value


@transaction.atomic
def record_breach(
    *,
    actor: Actor,
    org: Organisation | None,
    detected_at: datetime | None,
    description: str,
    data_kinds: str,
    sensitive: bool = False,
    subjects_estimate: int | None = None,
    measures: str = "",
) -> Breach:
    """A breach as detected: the 72-hour notification deadline runs from ``detected_at``."""
    problems = Problems()
    if org is None:
        problems.errors["org"] = "Tổ chức: bắt buộc."
    moment = _now()
    with problems.check():
        moment = _moment(detected_at, "detected_at", "Thời điểm phát hiện")
    with problems.check():
        description = clean_paragraphs(
            description,
            "Mô tả vi phạm",
            max_length=MAX_BREACH_TEXT,
            required=True,
            field="description",
        )
    with problems.check():
        data_kinds = clean_text(
            data_kinds, "Loại dữ liệu bị ảnh hưởng", max_length=500, field="data_kinds"
        )
    with problems.check():
        measures = clean_paragraphs(
            measures, "Biện pháp khắc phục", max_length=MAX_BREACH_TEXT, field="measures"
        )
    if subjects_estimate is not None and not (0 <= subjects_estimate <= 100_000_000):
        problems.errors["subjects_estimate"] = "Số người bị ảnh hưởng: từ 0 trở lên."
    problems.raise_all()
    assert org is not None  # noqa: S101 - raise_all refused a missing organisation
    breach = Breach.objects.create(
        org=org,
        detected_at=moment,
        description=description,
        data_kinds=data_kinds,
        sensitive=bool(sensitive),
        subjects_estimate=subjects_estimate,
        notify_due=rules.notify_due(moment),
        measures=measures,
        recorded_by=_actor(actor),
    )
    due = timezone.localtime(breach.notify_due)
    audit.record(
        actor=actor,
        action=BreachAudit.RECORDED,
        obj=breach,
        summary=f"Ghi nhận vi phạm dữ liệu cá nhân #{breach.pk}: hạn thông báo "
        f"{due:%H:%M %d/%m/%Y}",
    )
    return breach


def _open_breach(breach: Breach) -> Breach:
    breach = Breach.objects.select_for_update().get(pk=breach.pk)
    if breach.closed_at is not None:
        raise invalid("closed_at", f"Vi phạm #{breach.pk} đã kết thúc xử lý.")
    return breach


@transaction.atomic
def mark_authority_notified(
    *, actor: Actor, breach: Breach, at: datetime | None = None, reference: str = ""
) -> Breach:
    """The Ministry of Public Security (A05) notified, with the notice's number."""
    reference = clean_text(
        reference, "Số văn bản thông báo", max_length=100, required=False, field="reference"
    )
    breach = _open_breach(breach)
    if breach.authority_notified_at is not None:
        raise invalid("at", "Đã ghi nhận thông báo cho cơ quan chức năng.")
    at = _moment(at or _now(), "at", "Thời điểm thông báo", not_before=breach.detected_at)
    breach.authority_notified_at = at
    breach.authority_reference = reference
    breach.save(update_fields=["authority_notified_at", "authority_reference"])
    late = at > breach.notify_due
    audit.record(
        actor=actor,
        action=BreachAudit.AUTHORITY_NOTIFIED,
        obj=breach,
        summary=f"Đã thông báo vi phạm #{breach.pk} cho cơ quan chức năng"
        + (" (quá 72 giờ)" if late else ""),
    )
    return breach


@transaction.atomic
def mark_subjects_notified(*, actor: Actor, breach: Breach, at: datetime | None = None) -> Breach:
    """The people whose data was breached told of it."""
    breach = _open_breach(breach)
    if breach.subjects_notified_at is not None:
        raise invalid("at", "Đã ghi nhận thông báo cho chủ thể dữ liệu.")
    at = _moment(at or _now(), "at", "Thời điểm thông báo", not_before=breach.detected_at)
    breach.subjects_notified_at = at
    breach.save(update_fields=["subjects_notified_at"])
    audit.record(
        actor=actor,
        action=BreachAudit.SUBJECTS_NOTIFIED,
        obj=breach,
        summary=f"Đã thông báo vi phạm #{breach.pk} cho chủ thể dữ liệu",
    )
    return breach


@transaction.atomic
def close_breach(*, actor: Actor, breach: Breach, measures: str = "") -> Breach:
    """The breach dealt with: the measures taken are required (given now or before)."""
    measures = clean_paragraphs(
        measures, "Biện pháp khắc phục", max_length=MAX_BREACH_TEXT, field="measures"
    )
    breach = _open_breach(breach)
    if not (measures or breach.measures):
        raise invalid("measures", "Biện pháp khắc phục: cần ghi trước khi kết thúc.")
    breach.measures = measures or breach.measures
    breach.closed_at = _now()
    breach.save(update_fields=["measures", "closed_at"])
    audit.record(
        actor=actor,
        action=BreachAudit.CLOSED,
        obj=breach,
        summary=f"Kết thúc xử lý vi phạm #{breach.pk}",
    )
    return breach


# ------------------------------------------------------------------ retention


class _DryRun(Exception):
    """Raised inside a dry run's step to roll its savepoint back."""

    def __init__(self, count: int):
        self.count = count


@dataclass(frozen=True)
class StepResult:
    code: str
    count: int | None  # None: the step failed
    error: str = ""


def _run_step(activity: privacy.Processing, now: datetime, actor: Actor, dry_run: bool):
    """One activity's step in its own transaction (a savepoint inside an outer one). A dry
    run performs it and rolls it back, so the count is exact; what a step does outside the
    database must wait for the commit (``transaction.on_commit``), which a rollback drops."""
    assert activity.retention is not None  # noqa: S101 - the caller picks these
    try:
        with transaction.atomic():
            count = int(activity.retention.run(now, actor))
            if dry_run:
                raise _DryRun(count)
    except _DryRun as done:
        return StepResult(activity.code, done.count)
    except Exception as exc:  # noqa: BLE001 - one failing step must not stop the others
        # The class only: an exception's text may quote the data it choked on.
        log.exception("retention step %s failed", activity.code)
        return StepResult(activity.code, None, type(exc).__name__)
    return StepResult(activity.code, count)


def run_retention(
    *, actor: Actor, now: datetime | None = None, dry_run: bool = False
) -> RetentionRun:
    """Run the retention step of every activity of the register (``core.privacy``) as of
    ``now``: each in its own transaction, so that one failing step is reported and the others
    still run. The run and its counts are recorded and audited (a dry run too, marked)."""
    now = now or _now()
    if timezone.is_naive(now):
        now = timezone.make_aware(now)
    results = [
        _run_step(activity, now, actor, dry_run)
        for activity in privacy.register()
        if activity.retention is not None
    ]
    counts = {r.code: r.count for r in results if r.count is not None}
    failures = {r.code: r.error for r in results if r.count is None}
    with transaction.atomic():
        run = RetentionRun.objects.create(
            at=now, actor=_actor(actor), counts=counts, failures=failures, dry_run=dry_run
        )
        done = ", ".join(f"{code}: {n}" for code, n in counts.items() if n) or "không có bản ghi"
        audit.record(
            actor=actor,
            action=RetentionAudit.RUN,
            obj=run,
            summary=("Chạy thử — " if dry_run else "")
            + f"xóa, ẩn danh dữ liệu hết hạn lưu tính đến "
            f"{timezone.localtime(now):%d/%m/%Y}: {done}"
            + (f"; lỗi: {', '.join(failures)}" if failures else ""),
            after={"counts": counts, "failures": failures, "dry_run": dry_run},
        )
    return run


def _cutoff(now: datetime, years: int) -> datetime:
    return rules.years_before(now, years)


def erase_withdrawn_consents(now: datetime, actor: Actor) -> int:
    """Consent records withdrawn more than ``CONSENT_KEEP_YEARS`` ago: erased."""
    due = ConsentRecord.objects.filter(
        withdrawn_at__lt=_cutoff(now, rules.CONSENT_KEEP_YEARS)
    ).order_by("pk")
    ids = list(due.values_list("pk", flat=True))
    if not ids:
        return 0
    ConsentRecord.objects.filter(pk__in=ids).delete()
    audit.record(
        actor=actor,
        action=RetentionAudit.ERASED,
        object_type=ConsentRecord._meta.label_lower,
        summary=f"Xóa {len(ids)} hồ sơ đồng ý đã rút lại quá {rules.CONSENT_KEEP_YEARS} năm",
        after={"ids": ids[:1000]},
    )
    return len(ids)


def anonymise_closed_requests(now: datetime, actor: Actor) -> int:
    """Requests closed more than ``REQUEST_KEEP_YEARS`` ago: the requester and the texts
    blanked; the kind, the dates and the state stay (the proof of answers in time)."""
    due = DataRequest.objects.filter(
        closed_at__lt=_cutoff(now, rules.REQUEST_KEEP_YEARS), anonymised_at__isnull=True
    )
    ids = list(due.order_by("pk").values_list("pk", flat=True))
    if not ids:
        return 0
    DataRequest.objects.filter(pk__in=ids).update(
        requester_name="",
        requester_email="",
        member=None,
        user=None,
        text=ANONYMISED,
        outcome=ANONYMISED,
        extension_reason="",
        anonymised_at=now,
    )
    audit.record(
        actor=actor,
        action=RetentionAudit.ANONYMISED,
        object_type=DataRequest._meta.label_lower,
        summary=f"Ẩn danh {len(ids)} yêu cầu của chủ thể dữ liệu đã kết thúc quá "
        f"{rules.REQUEST_KEEP_YEARS} năm",
        after={"ids": ids[:1000]},
    )
    return len(ids)


def erase_old_breaches(now: datetime, actor: Actor) -> int:
    """Breach records closed more than ``BREACH_KEEP_YEARS`` ago (so kept at least that long
    after detection): erased. An open breach is never erased."""
    due = Breach.objects.filter(closed_at__lt=_cutoff(now, rules.BREACH_KEEP_YEARS))
    ids = list(due.order_by("pk").values_list("pk", flat=True))
    if not ids:
        return 0
    Breach.objects.filter(pk__in=ids).delete()
    audit.record(
        actor=actor,
        action=RetentionAudit.ERASED,
        object_type=Breach._meta.label_lower,
        summary=f"Xóa {len(ids)} hồ sơ vi phạm dữ liệu cá nhân đã kết thúc quá "
        f"{rules.BREACH_KEEP_YEARS} năm",
        after={"ids": ids[:1000]},
    )
    return len(ids)
