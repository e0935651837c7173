"""Abuse limits of the public forms, without any outside CAPTCHA service.

- **Rate limits** per client address and per email address in a rolling window
  (``settings.PORTAL``), counted in the database (``Submission``) so that every process of a
  deployment shares them. Addresses and emails are kept only as keyed hashes (HMAC with the
  secret key), and only for a day.
- **A honeypot**: a field people never see (hidden by CSS and ``aria-hidden``); a form that
  fills it is answered as if accepted and nothing is kept.
- **A minimum fill time**: the form carries the time it was served, signed; a post faster
  than a person types, or carrying no valid stamp, is refused.
- **Link limits**: a text with more links than ``MAX_LINKS`` is refused (spam is links).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import connection, transaction
from django.utils import timezone

from dangbo.core.errors import invalid

from .models import Submission

HONEYPOT = "website"  # the trap field's name: bots fill "website" fields
STAMP = "started"
STAMP_MAX_AGE = 24 * 3600  # a form left open longer is served again
_SALT = "dangbo.portal.form-stamp"
_LINK = re.compile(r"(?:https?://|www\.|\b[a-z0-9-]+\.(?:com|net|org|info|xyz|top|ru|cn)\b)", re.I)


def portal_setting(name: str) -> Any:
    """One of ``settings.PORTAL`` (typed loosely: the settings module's dict is read at run
    time, and a test may replace it)."""
    return getattr(settings, "PORTAL")[name]  # noqa: B009


@dataclass(frozen=True)
class Refusal:
    message: str
    status: int
    retry_after: int | None = None
    silent: bool = False  # the honeypot: answer as if accepted


def key(value: str) -> str:
    """A keyed hash: the same input gives the same key, and nobody without the secret can
    tell an address from its key (a plain hash of an IPv4 address is reversed in seconds)."""
    return hmac.new(
        settings.SECRET_KEY.encode(), value.strip().lower().encode(), hashlib.sha256
    ).hexdigest()


def stamp() -> str:
    """The signed time a form is served at (``STAMP``'s value)."""
    return signing.dumps(int(time.time()), salt=_SALT)


def check_form(data, *, now: float | None = None) -> Refusal | None:
    """The honeypot and the fill time of a posted form."""
    if (data.get(HONEYPOT) or "").strip():
        return Refusal("", 200, silent=True)
    now = time.time() if now is None else now
    try:
        started = int(signing.loads(data.get(STAMP) or "", salt=_SALT))
    except (signing.BadSignature, ValueError, TypeError):
        started = None
    if started is None or now - started > STAMP_MAX_AGE:
        return Refusal(
            "Biểu mẫu đã hết hạn hoặc không hợp lệ: vui lòng tải lại trang và gửi lại.", 400
        )
    if now - started < int(portal_setting("MIN_FILL_SECONDS")):
        return Refusal("Biểu mẫu được gửi quá nhanh: vui lòng đọc lại nội dung rồi bấm gửi.", 400)
    return None


def check_links(text: str, label: str, field: str) -> None:
    limit = int(portal_setting("MAX_LINKS"))
    if len(_LINK.findall(text or "")) > limit:
        raise invalid(field, f"{label}: có quá nhiều đường liên kết (tối đa {limit}).")


def _window(now: datetime) -> datetime:
    return now - timedelta(seconds=int(portal_setting("RATE_WINDOW_SECONDS")))


@transaction.atomic
def admit(
    kind: str,
    address: str,
    email: str = "",
    *,
    factor: int = 1,
    now: datetime | None = None,
) -> Refusal | None:
    """Count one use of form ``kind`` by ``address`` (and ``email``); refuse it when either is
    over its limit (times ``factor``: look-ups are allowed more often than submissions).
    Refused attempts are not counted, so a flood cannot extend its own ban."""
    now = now or timezone.now()
    since = _window(now)
    address_key = key(address or "?")
    email_key = key(email) if email else ""
    _serialise(kind, address_key)
    recent = Submission.objects.filter(kind=kind, at__gte=since)
    by_address = recent.filter(address_key=address_key)
    over = by_address.count() >= int(portal_setting("RATE_PER_ADDRESS")) * factor
    if not over and email_key:
        limit = int(portal_setting("RATE_PER_EMAIL")) * factor
        over = recent.filter(email_key=email_key).count() >= limit
    if over:
        oldest = by_address.order_by("at").values_list("at", flat=True).first() or now
        wait = int((oldest - since).total_seconds()) + 1
        minutes = max(1, (wait + 59) // 60)
        return Refusal(
            f"Bạn đã gửi nhiều lần trong thời gian ngắn. Vui lòng thử lại sau {minutes} phút.",
            429,
            retry_after=max(1, wait),
        )
    Submission.objects.create(kind=kind, address_key=address_key, email_key=email_key, at=now)
    return None


def _serialise(kind: str, address_key: str) -> None:
    """Count-then-insert must not interleave for one address: on PostgreSQL a transaction-
    scoped advisory lock on (form, address) makes concurrent posts from it wait their turn
    (SQLite's write lock already serialises them)."""
    if connection.vendor != "postgresql":
        return
    lock = int.from_bytes(hashlib.sha256(f"{kind}:{address_key}".encode()).digest()[:8], "big")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock - (1 << 63)])


def purge(now: datetime) -> int:
    """Forget the counted uses older than a day (the retention step of the register)."""
    deleted, _ = Submission.objects.filter(at__lt=now - timedelta(days=1)).delete()
    return deleted
