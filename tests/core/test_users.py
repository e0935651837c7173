"""Users and role grants: created only through audited services (web admin is read-only)."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from dangbo.core import scope
from dangbo.core.models import AuditEntry, RoleGrant
from dangbo.members.models import Member

pytestmark = pytest.mark.django_db


def test_create_grant_and_end_a_role_from_the_cli(world, monkeypatch):
    monkeypatch.setenv("DANGBO_NEW_PASSWORD", "mot-mat-khau-dai-2016")
    out = StringIO()
    call_command("user", "create", "lan", "--name", "Nguyễn Thị Lan", stdout=out)
    call_command("user", "grant", "lan", "org_staff", "kim-long", stdout=out)
    grant = RoleGrant.objects.get(user__username="lan")
    user = grant.user
    assert user.check_password("mot-mat-khau-dai-2016")
    visible = set(scope.restrict(Member.objects.all(), user).values_list("pk", flat=True))
    assert world.members["dung"].pk in visible and world.members["hoa"].pk not in visible
    actions = list(AuditEntry.objects.values_list("action", flat=True).order_by("-id")[:2])
    assert actions == ["user.role_granted", "user.created"]
    call_command("user", "end", str(grant.pk), stdout=out)
    grant.refresh_from_db()
    assert grant.valid_to is not None
    listing = StringIO()
    call_command("user", "list", "lan", stdout=listing)
    assert "Cán bộ tổ chức" in listing.getvalue() and "đến" in listing.getvalue()


@pytest.mark.parametrize(
    "args, message",
    [
        (["grant", "staff", "org_staff", "khong-co"], "Không có tổ chức mã “khong-co”"),
        (["grant", "ghost", "org_staff", "kim-long"], "Không có người dùng “ghost”"),
        (["grant", "nobody", "member", "kim-long"], "chưa gắn với hồ sơ đảng viên"),
        (["end", "99999"], "Không có vai trò số 99999"),
    ],
)
def test_bad_input_names_the_problem_and_changes_nothing(world, args, message):
    before = (RoleGrant.objects.count(), AuditEntry.objects.count())
    with pytest.raises(CommandError, match=message):
        call_command("user", *args, stdout=StringIO())
    assert (RoleGrant.objects.count(), AuditEntry.objects.count()) == before


def test_weak_password_and_duplicate_username_are_refused(world, monkeypatch):
    monkeypatch.setenv("DANGBO_NEW_PASSWORD", "123")
    with pytest.raises(CommandError, match="Mật khẩu"):
        call_command("user", "create", "lan", stdout=StringIO())
    monkeypatch.setenv("DANGBO_NEW_PASSWORD", "mot-mat-khau-dai-2016")
    with pytest.raises(CommandError, match="đã có người dùng"):
        call_command("user", "create", "STAFF", stdout=StringIO())


@pytest.mark.parametrize(
    "password, reason",
    [
        ("ngan", "quá ngắn, cần ít nhất 8 ký tự"),
        ("12345678901", "không được chỉ gồm chữ số"),
        ("password123", "quá phổ biến"),
        ("nguyenthilan", "quá giống thông tin của người dùng"),
    ],
)
def test_password_rules_answer_in_vietnamese(world, password, reason):
    from django.core.exceptions import ValidationError

    from dangbo.core import services

    with pytest.raises(ValidationError) as exc:
        services.create_user(
            actor=None, username="nguyenthilan", password=password, full_name="Nguyễn Thị Lan"
        )
    assert reason in exc.value.message_dict["password"][0]
