"""Shared helpers of the web UI (as-of dates, service errors, page rendering), the audit log
and the users-and-roles pages.

Views stay thin: they parse, authorise through ``scope``, call a service and render.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import audit, period, scope
from .errors import messages_of
from .models import AuditEntry
from .types import Viewer

PAGE_SIZE = 50
HISTORY_LIMIT = 100


@dataclass
class AsOf:
    """The day a page answers for: the period (``core.period``), or the page's
    ``?ngay=dd/mm/yyyy`` (which then becomes the period), the raw text and an error if the
    text was bad (the period then stays as it was)."""

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
    if raw:
        try:
            day = period.parse(raw)
        except ValidationError as exc:
            kept = period.current(request)
            return AsOf(
                kept.day,
                raw,
                _("%(problem)s Đang hiển thị số liệu ngày %(d)s.")
                % {"problem": " ".join(exc.messages), "d": f"{kept.day:%d/%m/%Y}"},
                kept.is_today,
            )
        chosen = period.choose(request, day)
        return AsOf(chosen.day, raw, "", chosen.is_today)
    kept = period.current(request)
    return AsOf(kept.day, "", "", kept.is_today)


@require_http_methods(["GET", "POST"])
@login_required
def choose_period(request):
    """The header's form: keep the period typed (or today) for the session and go back to
    the page it came from (without that page's own ``?ngay=``, which would override it)."""
    data = request.POST if request.method == "POST" else request.GET
    back = _back(request, data.get("next") or "")
    if "ngay" not in data and "hom-nay" not in data:
        return redirect(back)  # nothing asked
    if data.get("hom-nay"):
        period.choose(request, None)
        return redirect(back)
    try:
        day = period.parse(data.get("ngay") or "")
    except ValidationError as exc:
        kept = period.current(request)
        messages.error(
            request,
            _("%(problem)s Kỳ số liệu vẫn là %(d)s.")
            % {"problem": " ".join(exc.messages), "d": f"{kept.day:%d/%m/%Y}"},
        )
        return redirect(back)
    period.choose(request, day)
    return redirect(back)


def _back(request, target: str) -> str:
    """A local URL to return to, minus its ``ngay`` parameter; the home page otherwise."""
    if not target or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return "/"
    parts = urlsplit(target)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "ngay"]
    return urlunsplit(("", "", parts.path or "/", urlencode(query), ""))


def apply_service_errors(form, exc: ValidationError) -> None:
    """Put a service's field → message map onto the form; unknown fields become form errors."""
    for field, msgs in messages_of(exc).items():
        for msg in msgs:
            form.add_error(field if field in form.fields else None, msg)


class CappedPaginator(Paginator):
    """Counts at most ``cap`` rows: "nguyen van" matches half a million members, and
    nobody pages that far — counting them all would cost more than the page itself. Past a
    thousand ("Hơn 1.000"), an exact number says nothing a person can use: counting to ten
    thousand was half the SQL of a common-name search at national scale (issue 17)."""

    cap = 1_000

    @cached_property
    def count(self) -> int:
        # Without the ORDER BY: sorting rows only to count them would cost more than counting.
        n = self.object_list.order_by()[: self.cap + 1].count()  # type: ignore[attr-defined]  # a QuerySet
        self.capped = n > self.cap
        return min(n, self.cap)

    capped = False


def form_page(request, form, save, template: str, context: dict[str, Any]):
    """A form's page: a valid POST calls ``save(cleaned_data)``, which answers the message of
    success and where to go next (a service's refusal lands on the form, field by field);
    otherwise the form again, 400 after a POST."""
    if request.method == "POST" and form.is_valid():
        try:
            message, url = save(form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, message)
            return redirect(url)
    status = 400 if request.method == "POST" else 200
    return render_page(request, template, {"form": form, **context}, status=status)


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
    render the form (its effective date proposed from a past period)."""
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
        period.propose(request, form)
    return render_page(
        request, template, {**context, "form": form, "title": spec.title}, status=status
    )
