"""Shared helpers of the web UI (as-of dates, service errors, page rendering), the audit log
and the users-and-roles pages.

Views stay thin: they parse, authorise through ``scope``, call a service and render.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from . import audit, scope
from .dates import today
from .errors import messages_of
from .models import AuditEntry
from .types import Viewer

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


class CappedPaginator(Paginator):
    """Counts at most ``cap`` rows: "nguyen van" matches a hundred thousand members, and
    nobody pages that far — counting them all would cost more than the page itself."""

    cap = 10_000

    @cached_property
    def count(self) -> int:
        # Without the ORDER BY: sorting rows only to count them would cost more than counting.
        n = self.object_list.order_by()[: self.cap + 1].count()  # type: ignore[attr-defined]  # a QuerySet
        self.capped = n > self.cap
        return min(n, self.cap)

    capped = False


def page_of(request, queryset, per_page: int = PAGE_SIZE, *, capped: bool = False):
    paginator = (CappedPaginator if capped else Paginator)(queryset, per_page)
    return paginator.get_page(request.GET.get("trang"))


def render_page(request, template: str, context: dict, status: int = 200):
    """The page; the menu comes from the context processor ``dangbo.home.nav.menu``."""
    return render(request, template, context, status=status)


def history_of(obj, user: Viewer, *, can_change: bool = False, limit: int = HISTORY_LIMIT):
    """The latest audit entries about one object, newest first; None unless the user may
    audit that object (or, where the page allows it, change it)."""
    if not (can_change or scope.can(user, scope.AUDIT, obj)):
        return None
    return _labelled(
        AuditEntry.objects.filter(
            object_type=obj._meta.label_lower, object_id=str(obj.pk)
        ).order_by("-id")[:limit]
    )


def _labelled(entries) -> list:
    """The entries, each with ``action_label``: its event's label (the stored action when the
    event is no longer declared)."""
    labels = {value: str(event.label) for value, event in audit.events().items()}
    entries = list(entries)
    for entry in entries:
        entry.action_label = labels.get(entry.action, entry.action)
    return entries


@login_required
def audit_log(request):
    """Latest audit entries; only for users with the audit action anywhere (else 404)."""
    if not scope.has_any(request.user, scope.AUDIT):
        raise Http404
    entries = scope.restrict(
        AuditEntry.objects.only(
            "id", "at", "actor_name", "action", "object_type", "object_id", "summary", "request_id"
        ),
        request.user,
        scope.AUDIT,
    ).order_by("-id")
    page = page_of(request, entries)
    page.object_list = _labelled(page.object_list)
    return render_page(request, "core/audit.html", {"page": page})


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


def operation_page(request, spec: Action, obj, form, *, success_url: str, template: str, context):
    """The page of one operation: on POST validate, call the service in one transaction and
    redirect (to the URL the operation returns, if any); otherwise, or on bad input (400),
    render the form."""
    if request.method == "POST":
        if form.is_valid():
            try:
                with transaction.atomic():  # one operation: all of it or nothing
                    target = spec.run(request.user, obj, form.cleaned_data)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, str(spec.done))
                return redirect(target or success_url)
        status = 400
    else:
        status = 200
    return render_page(
        request, template, {**context, "form": form, "title": spec.title}, status=status
    )
