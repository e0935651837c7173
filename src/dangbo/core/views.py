"""Shared helpers of the web UI (as-of dates, service errors, page rendering), the audit log
and the users-and-roles pages.

Views stay thin: they parse, authorise through ``scope``, call a service and render.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from dangbo.orgs import queries

from . import scope, services
from .choices import Role
from .dates import today
from .errors import messages_of
from .forms import SEARCH_MAX_LENGTH, CreateUserForm, GrantRoleForm
from .models import AuditEntry, RoleGrant
from .text import nfc

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
        n = self.object_list.order_by()[: self.cap + 1].count()
        self.capped = n > self.cap
        return min(n, self.cap)

    capped = False


def page_of(request, queryset, per_page: int = PAGE_SIZE, *, capped: bool = False):
    paginator = (CappedPaginator if capped else Paginator)(queryset, per_page)
    return paginator.get_page(request.GET.get("trang"))


def nav_context(user) -> dict:
    return {
        "nav_audit": scope.has_any(user, scope.AUDIT),
        "nav_users": may_manage_users(user),
        "nav_imports": scope.has_any(user, scope.CHANGE),
    }


def render_page(request, template: str, context: dict, status: int = 200):
    return render(request, template, {**nav_context(request.user), **context}, status=status)


def history_of(obj, user, *, can_change: bool = False, limit: int = HISTORY_LIMIT):
    """The latest audit entries about one object, newest first; None unless the user may
    audit that object (or, where the page allows it, change it)."""
    if not (can_change or scope.can(user, scope.AUDIT, obj)):
        return None
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
    entries = scope.restrict(
        AuditEntry.objects.only(
            "id", "at", "actor_name", "action", "object_type", "object_id", "summary", "request_id"
        ),
        request.user,
        scope.AUDIT,
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


# ---- users and role grants ------------------------------------------------------------------
#
# Who may manage: superusers, and holders of an active ``admin`` grant, over the grants on
# organisations inside their admin subtrees. Users with no grant at all are visible to every
# manager (a new login must be reachable to receive its first role); superusers only to
# superusers. Nobody changes their own grants (four-eyes). Everything else is a 404.


def may_manage_users(user) -> bool:
    return getattr(user, "is_authenticated", False) and scope.has_any(user, scope.MANAGE_USERS)


def _managed_grants(user):
    """Role grants on organisations inside ``user``'s admin subtrees (all, for superusers)."""
    q = scope.q(user, scope.MANAGE_USERS, "org__")
    return RoleGrant.objects.all() if q is None else RoleGrant.objects.filter(q)


def _managed_users(user):
    users = get_user_model().objects.all()
    if user.is_superuser:
        return users
    return users.filter(is_superuser=False).filter(
        Q(pk__in=_managed_grants(user).values("user_id"))
        | ~Exists(RoleGrant.objects.filter(user=OuterRef("pk")))
    )


def _in_admin_subtree(user, org) -> bool:
    return scope.covers(user, scope.MANAGE_USERS, org)


def _may_grant_sensitive(user, org) -> bool:
    """Only what one holds: a sensitive grant of one's own covering ``org``."""
    return scope.covers(user, scope.SENSITIVE, org)


def _require_manager(request) -> None:
    if not may_manage_users(request.user):
        raise Http404


def _managed_user_or_404(request, pk: int):
    _require_manager(request)
    try:
        return _managed_users(request.user).get(pk=pk)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


def _grant_rows(user, target) -> list:
    day = today()
    rows = list(
        _managed_grants(user)
        .filter(user=target)
        .select_related("org")
        .order_by("-valid_from", "-id")
    )
    for g in rows:
        if g.valid_from > day:
            g.state, g.state_label = "future", _("Chưa hiệu lực")
        elif g.valid_to is None or g.valid_to >= day:
            g.state, g.state_label = "active", _("Đang hiệu lực")
        else:
            g.state, g.state_label = "ended", _("Đã kết thúc")
        g.can_end = g.valid_to is None and target.pk != user.pk
    return rows


def _render_user(request, target, form=None, errors=(), status=200):
    is_self = target.pk == request.user.pk
    if form is None and not is_self:
        form = GrantRoleForm()
    return render_page(
        request,
        "core/users_detail.html",
        {
            "target": target,
            "grants": _grant_rows(request.user, target),
            "form": None if is_self else form,
            "is_self": is_self,
            "errors": list(errors),
        },
        status=status,
    )


@login_required
def users(request):
    """Users holding grants in the manager's subtree, with their active roles there."""
    _require_manager(request)
    raw = request.GET.get("q") or ""
    # Control characters dropped: PostgreSQL refuses NUL in a query parameter outright.
    q = nfc("".join(ch for ch in raw if ch.isprintable()).strip()[:SEARCH_MAX_LENGTH])
    qs = _managed_users(request.user)
    if q:
        qs = qs.filter(
            Q(username__icontains=q) | Q(first_name__icontains=q) | Q(last_name__icontains=q)
        )
    day = today()
    shown = (
        _managed_grants(request.user)
        .filter(valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .select_related("org")
        .order_by("role", "org__path", "id")
    )
    qs = qs.order_by("username").prefetch_related(
        Prefetch("grants", queryset=shown, to_attr="shown_grants")
    )
    return render_page(request, "core/users.html", {"page": page_of(request, qs), "q": q})


@login_required
def user_create(request):
    _require_manager(request)
    form = CreateUserForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                user = services.create_user(
                    actor=request.user,
                    username=data["username"],
                    password=data["password"],
                    full_name=data.get("full_name") or "",
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("Đã tạo người dùng %(u)s.") % {"u": user.username})
                return redirect(reverse("core:user_detail", args=[user.pk]))
        status = 400
    return render_page(request, "core/users_create.html", {"form": form}, status=status)


@login_required
def user_detail(request, pk):
    return _render_user(request, _managed_user_or_404(request, pk))


@login_required
def user_grant(request, pk):
    target = _managed_user_or_404(request, pk)
    if request.method != "POST":
        return redirect(reverse("core:user_detail", args=[target.pk]))
    if target.pk == request.user.pk:
        return _render_user(
            request, target, errors=[_("Không được tự cấp vai trò cho chính mình.")], status=400
        )
    form = GrantRoleForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        org = queries.org_by_code(request.user, data["org"], scope.CHANGE)
        if org is None or not _in_admin_subtree(request.user, org):
            form.add_error(
                "org",
                _("Tổ chức: không tìm thấy tổ chức mã “%(code)s” trong phạm vi quản trị của bạn.")
                % {"code": data["org"]},
            )
        elif data["can_view_sensitive"] and not _may_grant_sensitive(request.user, org):
            form.add_error(
                "can_view_sensitive",
                _(
                    "Được xem thông tin nhạy cảm: bạn không có quyền này tại “%(org)s” "
                    "nên không cấp được cho người khác."
                )
                % {"org": org.name},
            )
        else:
            try:
                services.grant_role(
                    actor=request.user,
                    user=target,
                    role=data["role"],
                    org=org,
                    can_view_sensitive=data["can_view_sensitive"],
                    valid_from=data.get("valid_from"),
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Đã cấp vai trò %(role)s tại %(org)s.")
                    % {"role": Role(data["role"]).label, "org": org.name},
                )
                return redirect(reverse("core:user_detail", args=[target.pk]))
    return _render_user(request, target, form=form, status=400)


@login_required
def grant_end(request, pk):
    _require_manager(request)
    with transaction.atomic():
        grant = (
            _managed_grants(request.user)
            .select_for_update(of=("self",))
            .select_related("user", "org")
            .filter(pk=pk, user__in=_managed_users(request.user))
            .first()
        )
        if grant is None:
            raise Http404
        target = grant.user
        if request.method != "POST":
            return redirect(reverse("core:user_detail", args=[target.pk]))
        if target.pk == request.user.pk:
            error = _("Không được tự kết thúc vai trò của chính mình.")
        else:
            try:
                services.end_grant(actor=request.user, grant=grant)
            except ValidationError as exc:
                error = " ".join(m for msgs in messages_of(exc).values() for m in msgs)
            else:
                messages.success(
                    request,
                    _("Đã kết thúc vai trò %(role)s tại %(org)s.")
                    % {"role": grant.get_role_display(), "org": grant.org or "—"},
                )
                return redirect(reverse("core:user_detail", args=[target.pk]))
    return _render_user(request, target, errors=[error], status=400)


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
