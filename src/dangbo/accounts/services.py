"""Lifting a login lockout (the one change the login log page makes) and the first install
(``dangbo setup``): audited."""

import ipaddress
import re
from datetime import date

from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from dangbo.core import audit
from dangbo.core import services as core_services
from dangbo.core.choices import Role
from dangbo.core.models import RoleGrant
from dangbo.core.text import fold
from dangbo.core.types import Actor
from dangbo.orgs.choices import ALLOWED_PARENTS, OrgKind, Sector
from dangbo.orgs.models import Organisation
from dangbo.orgs.services import create_org

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


# ---------------------------------------------------------------- first install

ROOT_CODE, ROOT_NAME, ROOT_FOUNDED = "central", "Trung ương", date(1930, 2, 3)


def code_from_name(name: str) -> str:
    """A readable organisation code from its name: 'Đảng bộ huyện Tam Dương' → 'dang-bo-huyen-tam-duong'."""
    return "-".join(re.findall(r"[a-z0-9]+", fold(name)))[:64].strip("-")


def installed() -> bool:
    """Whether this database already has an organisation or an administrator."""
    return (
        Organisation.objects.exists()
        or RoleGrant.objects.filter(role=Role.ADMIN).exists()
        or get_user_model().objects.filter(is_superuser=True).exists()
    )


@transaction.atomic
def install(
    *,
    actor: Actor,
    org_name: str,
    org_code: str,
    kind: str,
    sector: str,
    since: date,
    parent_name: str = "",
    username: str,
    password: str,
    full_name: str = "",
) -> tuple[Organisation, RoleGrant]:
    """A first real install: the top organisation (with the chain above it that the Charter's
    levels require: 'Trung ương', and a province committee when the kind sits under one),
    its first administrator and the administrator's grant with the sensitive right, each
    through its own audited service. Refused once anything is installed."""
    if installed():
        raise ValidationError(
            {"org": "Đã cài đặt: cơ sở dữ liệu đã có tổ chức hoặc người quản trị."}
        )
    if kind not in OrgKind.values:
        raise ValidationError({"kind": "Loại tổ chức: không hợp lệ."})
    parents = ALLOWED_PARENTS.get(kind, ())
    parent = None
    if parents:
        parent = create_org(
            actor=actor,
            code=ROOT_CODE,
            name=ROOT_NAME,
            kind=OrgKind.CENTRAL,
            sector=Sector.TERRITORIAL,
            parent=None,
            valid_from=ROOT_FOUNDED,
        )
        if OrgKind.CENTRAL not in parents:
            if not (parent_name or "").strip():
                raise ValidationError(
                    {
                        "parent_name": f"Tên tỉnh ủy cấp trên: bắt buộc với "
                        f"{OrgKind(kind).label} (ví dụ “Đảng bộ tỉnh Vĩnh Phúc”)."
                    }
                )
            parent = create_org(
                actor=actor,
                code=code_from_name(parent_name),
                name=parent_name,
                kind=OrgKind.PROVINCE_COMMITTEE,
                sector=Sector.TERRITORIAL,
                parent=parent,
                valid_from=since,
            )
    org = create_org(
        actor=actor,
        code=org_code or code_from_name(org_name),
        name=org_name,
        kind=kind,
        sector=sector,
        parent=parent,
        valid_from=since,
    )
    user = core_services.create_user(
        actor=actor, username=username, password=password, full_name=full_name
    )
    grant = core_services.grant_role(
        actor=actor, user=user, role=Role.ADMIN, org=org, can_view_sensitive=True
    )
    return org, grant
