"""The users-and-roles pages: who may log in, and which roles they hold where.

The rules (four-eyes, grant only inside one's admin subtree, sensitive only where one holds
it) are ``core.services``'; these views parse, look up, call one service and render.
"""

from axes.helpers import get_cool_off
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import Exists, Max, OuterRef, Prefetch, Q, Sum
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangbo.core import scope, services
from dangbo.core.choices import Role
from dangbo.core.dates import today
from dangbo.core.errors import messages_of
from dangbo.core.models import RoleGrant
from dangbo.core.text import nfc
from dangbo.core.views import apply_service_errors, page_of, render_page
from dangbo.orgs.fields import bind

from . import services as account_services
from . import throttle
from .forms import SEARCH_MAX_LENGTH, CreateUserForm, GrantRoleForm

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
                return redirect(reverse("accounts:user_detail", args=[user.pk]))
        status = 400
    return render_page(request, "core/users_create.html", {"form": form}, status=status)


@login_required
def user_detail(request, pk):
    return _render_user(request, _managed_user_or_404(request, pk))


@login_required
def user_grant(request, pk):
    target = _managed_user_or_404(request, pk)
    if request.method != "POST":
        return redirect(reverse("accounts:user_detail", args=[target.pk]))
    form = bind(GrantRoleForm(request.POST), request.user)
    if form.is_valid():
        data = form.cleaned_data
        org = data["org"]  # named within the change scope (the form's picker)
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
            if "user" in exc.message_dict:
                return _render_user(request, target, errors=exc.message_dict["user"], status=400)
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Đã cấp vai trò %(role)s tại %(org)s.")
                % {"role": Role(data["role"]).label, "org": org.name},
            )
            return redirect(reverse("accounts:user_detail", args=[target.pk]))
    return _render_user(request, target, form=form, status=400)


@login_required
def grant_end(request, pk):
    _require_manager(request)
    grant = (
        _managed_grants(request.user)
        .select_related("user", "org")
        .filter(pk=pk, user__in=_managed_users(request.user))
        .first()
    )
    if grant is None:
        raise Http404
    target = grant.user
    if request.method != "POST":
        return redirect(reverse("accounts:user_detail", args=[target.pk]))
    try:
        services.end_grant(actor=request.user, grant=grant)
    except ValidationError as exc:
        error = " ".join(m for msgs in messages_of(exc).values() for m in msgs)
        return _render_user(request, target, errors=[error], status=400)
    messages.success(
        request,
        _("Đã kết thúc vai trò %(role)s tại %(org)s.")
        % {"role": grant.get_role_display(), "org": grant.org or "—"},
    )
    return redirect(reverse("accounts:user_detail", args=[target.pk]))


# ---- the login log: attempts, lockouts, and lifting them ---------------------------------------
#
# Managers see the attempts on the accounts they manage, on names that are nobody's account
# (guesses) and on API keys; superusers see everything. Any manager may lift an address's
# lockout (it holds back everyone behind that address); an account's only where they see it.

LOG_ROWS = 100
COUNTER_ROWS = 50


def _visible(user, rows):
    if user.is_superuser:
        return rows
    accounts = get_user_model().objects.values("username")
    return rows.filter(
        Q(username__isnull=True)
        | Q(username__in=_managed_users(user).values("username"))
        | ~Q(username__in=accounts)
    )


def _counters(user, field: str) -> list[dict]:
    now = timezone.now()
    cool_off = get_cool_off()
    rows = _visible(user, AccessAttempt.objects.exclude(**{f"{field}__isnull": True}))
    if cool_off is not None:
        rows = rows.filter(attempt_time__gte=now - cool_off)
    groups = (
        rows.values(field)
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .order_by("-last")[:COUNTER_ROWS]
    )
    out = []
    for g in groups:
        state = throttle.count(field, g[field], now)
        if state.locked:
            label = (
                _("Bị khóa đến %(t)s")
                % {"t": timezone.localtime(state.until).strftime("%H:%M %d/%m/%Y")}
                if state.until
                else _("Bị khóa cho đến khi quản trị viên mở")
            )
        elif state.until and state.until > now:
            label = _("Phải đợi đến %(t)s") % {
                "t": timezone.localtime(state.until).strftime("%H:%M:%S")
            }
        else:
            label = _("Đang đếm lần sai")
        out.append(
            {
                "value": g[field],
                "failures": g["failures"],
                "last": g["last"],
                "state": label,
                "locked": state.locked,
            }
        )
    return out


def _recent(user) -> list[dict]:
    failures = _visible(user, AccessFailureLog.objects.all()).order_by("-attempt_time")[:LOG_ROWS]
    logins = _visible(user, AccessLog.objects.all()).order_by("-attempt_time")[:LOG_ROWS]
    rows = [
        {
            "at": f.attempt_time,
            "username": f.username,
            "ip": f.ip_address,
            "path": f.path_info,
            "ok": False,
            "locked": f.locked_out,
        }
        for f in failures
    ] + [
        {
            "at": a.attempt_time,
            "username": a.username,
            "ip": a.ip_address,
            "path": a.path_info,
            "ok": True,
            "locked": False,
        }
        for a in logins
    ]
    rows.sort(key=lambda r: r["at"], reverse=True)
    return rows[:LOG_ROWS]


@login_required
def logins(request):
    """Recent logins and failures, the counters in force, and a button to lift each lock."""
    _require_manager(request)
    return render_page(
        request,
        "accounts/logins.html",
        {
            "accounts": _counters(request.user, account_services.ACCOUNT),
            "addresses": _counters(request.user, account_services.ADDRESS),
            "recent": _recent(request.user),
            "limits": {
                "account": settings.DANGBO_LOGIN_FAILURE_LIMIT,
                "address": settings.DANGBO_LOGIN_IP_FAILURE_LIMIT,
                "cool_off": _minutes(get_cool_off()),
            },
        },
    )


@login_required
@require_POST
def lift_lockout(request):
    _require_manager(request)
    kind = request.POST.get("kind", "")
    value = (request.POST.get("value") or "")[:255]
    if (
        kind == account_services.ACCOUNT
        and not _visible(request.user, AccessAttempt.objects.filter(username=value)).exists()
    ):
        raise Http404
    try:
        removed = account_services.lift_lockout(actor=request.user, kind=kind, value=value)
    except ValidationError as exc:
        for msgs in messages_of(exc).values():
            for m in msgs:
                messages.error(request, m)
    else:
        messages.success(
            request,
            _("Đã mở khóa đăng nhập cho %(v)s (%(n)s bộ đếm được xóa).")
            % {"v": value, "n": removed},
        )
    return redirect(reverse("accounts:logins"))


def _minutes(delta) -> int | None:
    """A cool-off as whole minutes (at least one), as the page says it."""
    return None if delta is None else max(1, round(delta.total_seconds() / 60))
