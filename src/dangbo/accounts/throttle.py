"""Logins that resist guessing: django-axes with dangbo's rules (docs/operations.md, "Logins").

django-axes records each failed login (``AccessAttempt``: counters per account, address and
browser; ``AccessFailureLog``: one row per failure) and each login (``AccessLog``). On top of
it, ``ThrottleHandler`` decides, per account AND per client address:

- a growing delay: after ``DANGBO_LOGIN_DELAY_AFTER`` failures of an account (half the limit
  of an address) the next attempt waits 1, 2, 4 … seconds (at most ``DANGBO_LOGIN_MAX_DELAY``)
  after the last failure;
- a lockout at ``DANGBO_LOGIN_FAILURE_LIMIT`` failures of one account or
  ``DANGBO_LOGIN_IP_FAILURE_LIMIT`` of one address, lifted by time (``AXES_COOLOFF_TIME``)
  or by an administrator (the login log page, ``dangbo axes_reset_username``).

An attempt refused by either is stopped by ``ThrottleBackend`` (first in
``AUTHENTICATION_BACKENDS``) before any password is hashed and is not counted, so a flood
costs a few indexed reads per request. The same rules cover the API's keys, per address.
"""

import logging
import math
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

log = logging.getLogger("dangbo.auth")

API_PREFIX = "/api/"
CLEAN_EVERY = 60.0  # seconds between two deletions of expired attempts, per process


@dataclass(frozen=True)
class Count:
    """The failures of one account or one address still within the cool-off."""

    failures: int = 0
    last: datetime | None = None
    locked: bool = False
    until: datetime | None = None  # when attempts are accepted again (None: locked for good)


@dataclass(frozen=True)
class Verdict:
    refused: bool = False
    locked: bool = False  # a lockout, not only a delay
    until: datetime | None = None  # when to retry; None while locked: until an administrator


def _limit(field: str) -> int:
    if field == "username":
        return settings.DANGBO_LOGIN_FAILURE_LIMIT
    return settings.DANGBO_LOGIN_IP_FAILURE_LIMIT


def delay_after(failures: int, field: str = "username") -> timedelta:
    """How long the next attempt waits after the last of ``failures`` failures of an account
    (``field="username"``) or an address (from half its limit: an office's typos add up)."""
    free = (
        settings.DANGBO_LOGIN_DELAY_AFTER
        if field == "username"
        else settings.DANGBO_LOGIN_IP_FAILURE_LIMIT // 2
    )
    extra = failures - free
    if extra <= 0:
        return timedelta(0)
    return timedelta(seconds=min(2 ** (extra - 1), settings.DANGBO_LOGIN_MAX_DELAY))


def count(field: str, value: str | None, now: datetime | None = None) -> Count:
    """The failures recorded for ``field`` (``username`` or ``ip_address``) = ``value``."""
    if not value:
        return Count()
    now = now or timezone.now()
    limit = _limit(field)
    cool_off = get_cool_off()
    rows = AccessAttempt.objects.filter(**{field: value})
    if cool_off is not None:
        rows = rows.filter(attempt_time__gte=now - cool_off)
    # Every row holds at least one failure: the newest ``limit`` rows decide.
    recent = list(
        rows.order_by("-attempt_time").values_list("attempt_time", "failures_since_start")[:limit]
    )
    if not recent:
        return Count()
    total = 0
    for at, failures in recent:
        total += failures
        if total >= limit:
            # The lockout ends when this row leaves the window: the newer ones stay below.
            return Count(
                failures=total,
                last=recent[0][0],
                locked=True,
                until=at + cool_off if cool_off is not None else None,
            )
    last = recent[0][0]
    return Count(failures=total, last=last, until=last + delay_after(total, field))


def verdict_for(username: str | None, ip: str | None, now: datetime | None = None) -> Verdict:
    now = now or timezone.now()
    counts = [count("username", username, now), count("ip_address", ip, now)]
    locked = [c for c in counts if c.locked]
    if locked:
        if any(c.until is None for c in locked):
            return Verdict(refused=True, locked=True, until=None)
        return Verdict(refused=True, locked=True, until=max(c.until for c in locked))  # type: ignore[type-var]
    waiting = [c.until for c in counts if c.until is not None and c.until > now]
    if waiting:
        return Verdict(refused=True, until=max(waiting))
    return Verdict()


def verdict(request: HttpRequest, credentials: dict | None = None) -> Verdict:
    AxesProxyHandler.update_request(request)
    username = get_client_username(request, credentials) if credentials is not None else None
    return verdict_for(username, request.axes_ip_address, request.axes_attempt_time)  # type: ignore[attr-defined]


def message(v: Verdict, now: datetime | None = None) -> str:
    """What the person is told, in Vietnamese: when to retry, or whom to ask."""
    now = now or timezone.now()
    if v.locked and v.until is None:
        return (
            "Đăng nhập đã bị khóa do nhập sai quá nhiều lần. "
            "Vui lòng liên hệ quản trị viên để được mở khóa."
        )
    if v.locked and v.until is not None:
        at = timezone.localtime(v.until + timedelta(seconds=59)).strftime("%H:%M ngày %d/%m/%Y")
        return (
            "Đăng nhập tạm thời bị khóa do nhập sai quá nhiều lần. "
            f"Vui lòng thử lại sau {at}, hoặc liên hệ quản trị viên để được mở khóa sớm hơn."
        )
    seconds = retry_after(v, now) or 1
    return f"Nhập sai nhiều lần liên tiếp: vui lòng đợi {seconds} giây rồi thử lại."


def retry_after(v: Verdict, now: datetime | None = None) -> int | None:
    if v.until is None:
        return None
    now = now or timezone.now()
    return max(1, math.ceil((v.until - now).total_seconds()))


# ---- django-axes: the handler, the backend, the answer ---------------------------------------


class ThrottleHandler(AxesDatabaseHandler):
    """axes' database handler with dangbo's rules: separate limits for accounts and
    addresses, growing delays, no count for a username nobody typed (API keys)."""

    _cleaned_at = 0.0

    def is_locked(self, request, credentials: dict | None = None) -> bool:
        return verdict(request, credentials).refused

    def get_failures(self, request, credentials: dict | None = None) -> int:
        """axes locks when this reaches ``AXES_FAILURE_LIMIT``: the limit itself when either
        the account or the address reached its own."""
        v = verdict(request, credentials)
        limit = settings.AXES_FAILURE_LIMIT
        if v.locked:
            return limit
        username = get_client_username(request, credentials) if credentials is not None else None
        return min(count("username", username).failures, limit - 1)

    def reset_user_attempts(self, request, credentials: dict | None = None) -> int:
        """After a login, the account's own failures go; the address's stay (else one valid
        account would wipe the count of an address trying many others)."""
        username = get_client_username(request, credentials) if credentials is not None else None
        if not username:
            return 0
        deleted, _ = AccessAttempt.objects.filter(username=username).delete()
        return deleted

    def clean_expired_user_attempts(self, request=None, credentials=None) -> int:
        """Expired rows no longer count (``count`` reads the window); deleting them once a
        minute is enough and keeps refused attempts from writing."""
        now = time.monotonic()
        if now - ThrottleHandler._cleaned_at < CLEAN_EVERY:
            return 0
        ThrottleHandler._cleaned_at = now
        return super().clean_expired_user_attempts(request, credentials)


class ThrottleBackend(AxesStandaloneBackend):
    """First of ``AUTHENTICATION_BACKENDS``: refuses an attempt the throttle holds back,
    before ``ModelBackend`` hashes anything. Authenticates nobody by itself."""


def lockout_response(
    request: HttpRequest, original_response=None, credentials: dict | None = None
) -> HttpResponse:
    """``AXES_LOCKOUT_CALLABLE``: the login page with the reason (429), or JSON for the API."""
    v = verdict(request, credentials)
    if not v.refused:  # lifted in between: say so rather than nothing
        v = Verdict(refused=True, until=timezone.now())
    text = message(v)
    response: HttpResponse
    if request.path.startswith(API_PREFIX):
        response = JsonResponse(
            {"detail": text}, status=429, json_dumps_params={"ensure_ascii": False}
        )
    else:
        username = get_client_username(request, credentials) if credentials else ""
        form = AuthenticationForm(request, initial={"username": username or ""})
        response = render(
            request,
            "registration/login.html",
            {"form": form, "lockout": text, "next": request.POST.get("next", "")},
            status=429,
        )
    seconds = retry_after(v)
    if seconds is not None:
        response["Retry-After"] = str(seconds)
    return response


# ---- the API's keys --------------------------------------------------------------------------


def api_refusal(request: HttpRequest) -> str | None:
    """The message refusing an API request from an address the throttle holds back."""
    v = verdict(request, {"username": None})
    if not v.refused:
        return None
    request.axes_locked_out = True  # type: ignore[attr-defined]  # AxesMiddleware answers
    request.axes_credentials = {"username": None}  # type: ignore[attr-defined]
    return message(v)


def api_failed(request: HttpRequest) -> None:
    """A wrong API key: counted against the address (no account is known)."""
    user_login_failed.send(
        sender=__name__, credentials={"username": None}, request=request, channel="api"
    )


# ---- the log (never a password: Django masks it in ``credentials``; only the username is read)


def _where(request) -> str:
    path = getattr(request, "path", "") or ""
    return "api" if path.startswith(API_PREFIX) else path[:100]


def on_login(sender, request, user, **kwargs) -> None:
    log.info(
        "login ok: user=%r ip=%s path=%s",
        user.get_username(),
        getattr(request, "axes_ip_address", ""),
        _where(request),
    )


def on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    if request is None:
        return
    username = (credentials or {}).get("username")
    # Counted failures carry the count; an attempt the throttle stopped does not.
    refused = getattr(request, "axes_failures_since_start", None) is None
    log.warning(
        "login %s: user=%r ip=%s path=%s",
        "refused (throttled)" if refused else "failed",
        username[:150] if isinstance(username, str) else None,
        getattr(request, "axes_ip_address", ""),
        _where(request),
    )


def on_locked_out(sender, request, username, ip_address, **kwargs) -> None:
    if getattr(request, "axes_failures_since_start", None) is not None:
        log.warning("login locked: user=%r ip=%s", username, ip_address)


def connect() -> None:
    from axes.signals import user_locked_out

    # After axes' own receivers (connected when axes is ready): the request carries the
    # address and the throttle's decision by then.
    user_login_failed.connect(on_login_failed, dispatch_uid="dangbo.auth.failed")
    user_logged_in.connect(on_login, dispatch_uid="dangbo.auth.login")
    user_locked_out.connect(on_locked_out, dispatch_uid="dangbo.auth.locked")
