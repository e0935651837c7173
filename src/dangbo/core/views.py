"""Shared helpers of the web UI (as-of dates, service errors, page rendering) and the audit log.

Views stay thin: they parse, authorise through ``scope``, call a service and render.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from . import scope
from .dates import today
from .errors import messages_of
from .models import AuditEntry

PAGE_SIZE = 50
HISTORY_LIMIT = 100


@dataclass
class AsOf:
    """The ``?ngay=dd/mm/yyyy`` parameter: a date, the raw text and an error if it was bad."""

    day: date
    raw: str
    error: str
    is_today: bool

    @property
    def query(self) -> str:
        """Suffix that keeps the chosen date on links; empty for today."""
        return "" if self.is_today else f"?ngay={self.day:%d/%m/%Y}"


def parse_as_of(request) -> AsOf:
    raw = (request.GET.get("ngay") or "").strip()[:20]
    current = today()
    if not raw:
        return AsOf(current, "", "", True)
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            day = datetime.strptime(raw, fmt).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
        if day.year < 1930 or day > current:
            break
        return AsOf(day, raw, "", day == current)
    return AsOf(
        current,
        raw,
        _(
            "Ngày xem số liệu: “%(raw)s” không hợp lệ (dd/mm/yyyy, không sau hôm nay); "
            "đang hiển thị số liệu hôm nay."
        )
        % {"raw": raw},
        True,
    )


def apply_service_errors(form, exc: ValidationError) -> None:
    """Put a service's field → message map onto the form; unknown fields become form errors."""
    for field, msgs in messages_of(exc).items():
        for msg in msgs:
            form.add_error(field if field in form.fields else None, msg)


def page_of(request, queryset, per_page: int = PAGE_SIZE):
    return Paginator(queryset, per_page).get_page(request.GET.get("trang"))


def nav_context(user) -> dict:
    return {"nav_audit": scope.has_any(user, scope.AUDIT)}


def render_page(request, template: str, context: dict, status: int = 200):
    return render(request, template, {**nav_context(request.user), **context}, status=status)


def history_of(obj, limit: int = HISTORY_LIMIT) -> list[AuditEntry]:
    """The latest audit entries about one object, newest first."""
    return list(
        AuditEntry.objects.filter(
            object_type=obj._meta.label_lower, object_id=str(obj.pk)
        ).order_by("-id")[:limit]
    )


@login_required
def audit_log(request):
    """Latest audit entries; only for users with the audit action anywhere (else 404)."""
    if not scope.has_any(request.user, scope.AUDIT):
        raise Http404
    entries = AuditEntry.objects.only(
        "id", "at", "actor_name", "action", "object_type", "object_id", "summary", "request_id"
    ).order_by("-id")
    return render_page(request, "core/audit.html", {"page": page_of(request, entries)})


@dataclass(frozen=True)
class Action:
    """One form-backed operation of a detail page: its form, the service call and the
    message shown on success."""

    title: Any
    form: type
    run: Any
    done: Any
    initial: Any = None
    confirm: bool = False
    when: Any = None  # predicate on the object's state: is the operation offered at all?
