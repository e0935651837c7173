"""Lifting a login lockout: the one change the login log page makes, audited."""

import ipaddress

from axes.models import AccessAttempt
from django.core.exceptions import ValidationError
from django.db import transaction

from dangbo.core import audit
from dangbo.core.types import Actor

from .choices import AccountAudit

ACCOUNT, ADDRESS = "username", "ip_address"


@transaction.atomic
def lift_lockout(*, actor: Actor, kind: str, value: str) -> int:
    """Forget the failures counted against one account (``kind="username"``) or one client
    address (``kind="ip_address"``): its delay and lockout end now. Returns how many counters
    were removed; the per-attempt history (``AccessFailureLog``) stays."""
    if kind not in (ACCOUNT, ADDRESS):
        raise ValidationError({"kind": "Loại khóa: chỉ nhận tài khoản hoặc địa chỉ IP."})
    value = (value or "").strip()
    if not value:
        raise ValidationError({"value": "Tài khoản hoặc địa chỉ IP: bắt buộc."})
    if kind == ADDRESS:
        try:
            value = str(ipaddress.ip_address(value))
        except ValueError as exc:
            raise ValidationError(
                {"value": f"Địa chỉ IP: “{value[:50]}” không phải địa chỉ hợp lệ."}
            ) from exc
    removed, _ = AccessAttempt.objects.filter(**{kind: value}).delete()
    what = "tài khoản" if kind == ACCOUNT else "địa chỉ"
    audit.record(
        actor=actor,
        action=AccountAudit.LOCKOUT_LIFTED,
        object_type=f"login.{kind}",
        object_id=value[:64],
        summary=f"Mở khóa đăng nhập cho {what} {value}",
        after={"kind": kind, "value": value, "counters_removed": removed},
    )
    return removed
