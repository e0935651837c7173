"""Read side of personal-data protection: scoped lists with their deadlines computed
(``rules``), the register of processing activities as rows, and a member's own records.

Who reads what: requests and consents, the holders of ``CHANGE`` over the handling
organisation (its staff, administrators); breaches, the holders of ``AUDIT`` (administrators,
auditors); the register, anyone with ``VIEW``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from dangbo.core import privacy, scope
from dangbo.core.dates import today
from dangbo.core.text import fold_spaces, strip_control
from dangbo.core.types import Viewer
from dangbo.members.models import Member

from . import rules
from .choices import OPEN_REQUEST_STATES
from .models import Breach, ConsentRecord, DataRequest

OVERVIEW_ROWS = 50


@dataclass(frozen=True)
class RequestRow:
    """A request with its deadlines as of ``on``."""

    request: DataRequest
    deadline: date
    days_left: int | None  # None once closed
    overdue: bool
    ack_overdue: bool  # received, not yet acknowledged, past the 2 working days


def request_row(request: DataRequest, on: date | None = None) -> RequestRow:
    on = on or today()
    open_ = request.is_open
    return RequestRow(
        request=request,
        deadline=request.deadline,
        days_left=(
            rules.days_left(request.due, on, extended_until=request.extended_until)
            if open_
            else None
        ),
        overdue=rules.overdue(
            request.due, on, extended_until=request.extended_until, closed=not open_
        ),
        ack_overdue=request.acknowledged_at is None and open_ and on > request.ack_due,
    )


def requests_for(user: Viewer, *, state: str = "", open_only: bool = False) -> QuerySet:
    qs = scope.restrict(DataRequest.objects.select_related("org"), user, scope.CHANGE)
    if open_only:
        qs = qs.filter(state__in=OPEN_REQUEST_STATES)
    elif state:
        qs = qs.filter(state=state)
    return qs.order_by("due", "received_at", "id") if open_only else qs


def request_rows(requests, on: date | None = None) -> list[RequestRow]:
    return [request_row(r, on) for r in requests]


def consents_for(user: Viewer, search: str = "") -> QuerySet:
    """Consents held by organisations the user may change; ``search`` matches the email or
    the name (a part of either)."""
    qs = scope.restrict(ConsentRecord.objects.select_related("org"), user, scope.CHANGE)
    text = fold_spaces(strip_control(search or ""))[:120]
    if text:
        qs = qs.filter(Q(subject_email__icontains=text.lower()) | Q(subject_name__icontains=text))
    return qs


@dataclass(frozen=True)
class BreachRow:
    """A breach with its 72-hour clock as of ``now``."""

    breach: Breach
    hours_left: int | None  # None once the authority was notified
    late: bool  # not notified, and the 72 hours are over


def breach_row(breach: Breach, now: datetime | None = None) -> BreachRow:
    now = now or timezone.now()
    notified = breach.authority_notified_at is not None
    left = None if notified else rules.hours_left(breach.notify_due, now)
    return BreachRow(
        breach=breach, hours_left=left, late=left is not None and now > breach.notify_due
    )


def breaches_for(user: Viewer, *, open_only: bool = False) -> QuerySet:
    qs = scope.restrict(Breach.objects.select_related("org"), user, scope.AUDIT)
    return qs.filter(closed_at__isnull=True) if open_only else qs


def breach_rows(breaches, now: datetime | None = None) -> list[BreachRow]:
    return [breach_row(b, now) for b in breaches]


@dataclass(frozen=True)
class RegisterRow:
    """One activity of the register of processing, as the page and ``--register`` print it."""

    code: str
    name: str
    purpose: str
    subjects: str
    data: tuple[str, ...]
    legal_basis: str
    recipients: str
    retention: str
    retention_action: str
    sensitive: bool
    sensitive_data: tuple[str, ...]
    consent_purpose: str

    def facts(self) -> list[tuple[str, str]]:
        return [
            ("Mục đích", self.purpose),
            ("Chủ thể dữ liệu", self.subjects),
            ("Dữ liệu", ", ".join(self.data)),
            (
                "Dữ liệu nhạy cảm",
                (", ".join(self.sensitive_data) or "Có") if self.sensitive else "Không",
            ),
            ("Cơ sở pháp lý", self.legal_basis),
            ("Bên nhận", self.recipients),
            ("Thời hạn lưu", self.retention),
        ]


ACTIONS = {"erase": "xóa", "anonymise": "ẩn danh"}


def register_rows() -> list[RegisterRow]:
    return [
        RegisterRow(
            code=a.code,
            name=a.name,
            purpose=a.purpose,
            subjects=a.subjects,
            data=tuple(a.data),
            legal_basis=a.legal_basis,
            recipients=a.recipients,
            retention=a.retention.period if a.retention else "Không quy định bước xóa tự động",
            retention_action=ACTIONS.get(a.retention.action, a.retention.action)
            if a.retention
            else "",
            sensitive=a.sensitive,
            sensitive_data=tuple(a.sensitive_data),
            consent_purpose=a.consent_purpose,
        )
        for a in privacy.register()
    ]


@dataclass(frozen=True)
class Overview:
    """The privacy office's board: open requests by deadline, open breaches by clock."""

    requests: list[RequestRow]
    open_requests: int
    overdue_requests: int
    breaches: list[BreachRow]
    open_breaches: int
    late_breaches: int
    sees_requests: bool
    sees_breaches: bool


def overview(user: Viewer, now: datetime | None = None) -> Overview:
    now = now or timezone.now()
    on = timezone.localtime(now).date()
    sees_requests = scope.has_any(user, scope.CHANGE)
    sees_breaches = scope.has_any(user, scope.AUDIT)
    requests: list[RequestRow] = []
    open_requests = overdue_requests = 0
    if sees_requests:
        qs = requests_for(user, open_only=True)
        open_requests = qs.count()
        overdue_requests = qs.filter(
            Q(extended_until__isnull=True, due__lt=on) | Q(extended_until__lt=on)
        ).count()
        requests = request_rows(qs[:OVERVIEW_ROWS], on)
    breaches: list[BreachRow] = []
    open_breaches = late_breaches = 0
    if sees_breaches:
        qs_b = breaches_for(user, open_only=True).order_by("notify_due", "id")
        open_breaches = qs_b.count()
        late_breaches = qs_b.filter(authority_notified_at__isnull=True, notify_due__lt=now).count()
        breaches = breach_rows(qs_b[:OVERVIEW_ROWS], now)
    return Overview(
        requests=requests,
        open_requests=open_requests,
        overdue_requests=overdue_requests,
        breaches=breaches,
        open_breaches=open_breaches,
        late_breaches=late_breaches,
        sees_requests=sees_requests,
        sees_breaches=sees_breaches,
    )


# ------------------------------------------------------------------ a member's own


def _own(user, member: Member | None) -> Q:
    q = Q(user=user)
    if member is not None:
        q |= Q(member=member)
    return q


def own_consents(user, member: Member | None) -> QuerySet:
    """The consents a person gave (linked to their login or their member record)."""
    return ConsentRecord.objects.filter(_own(user, member)).order_by("-given_at", "-id")


def own_requests(user, member: Member | None) -> QuerySet:
    return DataRequest.objects.filter(_own(user, member)).order_by("-received_at", "-id")


@dataclass(frozen=True)
class OwnSummary:
    """What "Trang của tôi" says about the person's data: counts, linking to the page."""

    consents: int
    withdrawable: int
    open_requests: int


def own_summary(user, member: Member | None) -> OwnSummary:
    tally = ConsentRecord.objects.filter(_own(user, member)).aggregate(
        consents=Count("id"), withdrawable=Count("id", filter=Q(withdrawn_at__isnull=True))
    )
    return OwnSummary(
        consents=tally["consents"],
        withdrawable=tally["withdrawable"],
        open_requests=own_requests(user, member).filter(state__in=OPEN_REQUEST_STATES).count(),
    )
