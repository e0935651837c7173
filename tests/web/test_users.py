"""The users-and-roles pages: only administrators (in their admin subtree) and superusers,
nobody changes their own roles, and every bad input is a Vietnamese form error, never a 500."""

import re
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from dangbo.core.dates import today
from dangbo.core.models import AuditEntry, RoleGrant

PASSWORD = "pw-test-123"  # the world's password (tests/conftest.py)

pytestmark = pytest.mark.django_db

MANAGERS = ["admin", "root"]
NOT_MANAGERS = [
    "staff",
    "committee",
    "secretary",
    "auditor",
    "sensitive_staff",
    "member",
    "outsider",
    "nobody",
]
NEW_PASSWORD = "Một-mật-khẩu-đủ-dài-2025"


def _snapshot():
    return (
        get_user_model().objects.count(),
        list(RoleGrant.objects.order_by("id").values_list("id", "valid_to")),
        AuditEntry.objects.count(),
    )


def _grant_of(world, username) -> RoleGrant:
    return RoleGrant.objects.get(user=world.users[username])


def _add_admin(world, username="admin2", org="tam-duong", sensitive=False):
    user = get_user_model().objects.create_user(username, password=PASSWORD)
    RoleGrant.objects.create(
        user=user,
        role="admin",
        org=world.orgs[org],
        can_view_sensitive=sensitive,
        valid_from=date(2000, 1, 1),
    )
    return user


def _grant(client, target, **data):
    payload = {"role": "org_staff", "org": "kim-long", "valid_from": ""} | data
    if payload.get("can_view_sensitive") is False:
        payload.pop("can_view_sensitive")
    return client.post(reverse("accounts:user_grant", args=[target.pk]), payload)


def _create(client, **data):
    payload = {
        "username": "moi",
        "full_name": "Nguyễn Văn Mới",
        "password": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    } | data
    return client.post(reverse("accounts:user_create"), payload)


# ---- who may manage ---------------------------------------------------------------------


@pytest.mark.parametrize("role", MANAGERS + NOT_MANAGERS)
def test_pages_only_for_managers(client, world, role):
    client.force_login(world.users[role])
    staff = world.users["staff"]
    staff_grant = _grant_of(world, "staff")
    pages = [
        reverse("accounts:users"),
        reverse("accounts:user_create"),
        reverse("accounts:user_detail", args=[staff.pk]),
    ]
    for url in pages:
        assert client.get(url).status_code == (200 if role in MANAGERS else 404), url
    if role in MANAGERS:
        return
    before = _snapshot()
    for url in [
        reverse("accounts:user_grant", args=[staff.pk]),
        reverse("accounts:grant_end", args=[staff_grant.pk]),
    ]:
        assert client.get(url).status_code == 404, url
    responses = [
        _create(client),
        _grant(client, staff, org="kl-thon-1"),
        _grant(client, world.users["nobody"], org="kl-thon-1"),
        client.post(reverse("accounts:grant_end", args=[staff_grant.pk])),
        client.post(reverse("accounts:grant_end", args=[_grant_of(world, "outsider").pk])),
    ]
    assert [r.status_code for r in responses] == [404] * len(responses)
    assert _snapshot() == before


def test_anonymous_is_sent_to_login(client, world):
    response = client.get(reverse("accounts:users"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize(("role", "shown"), [("admin", True), ("root", True), ("staff", False)])
def test_nav_link(client, world, role, shown):
    client.force_login(world.users[role])
    page = client.get(reverse("orgs:tree")).content.decode()
    assert (reverse("accounts:users") in page) == shown
    assert ("Người dùng" in page) == shown


def test_ended_admin_grant_no_longer_manages(client, world):
    RoleGrant.objects.filter(user=world.users["admin"]).update(valid_to=date(2020, 1, 1))
    client.force_login(world.users["admin"])
    assert client.get(reverse("accounts:users")).status_code == 404


def test_list_is_scoped_to_admin_subtree(client, world):
    client.force_login(world.users["admin"])
    page = client.get(reverse("accounts:users")).content.decode()
    for name in ["staff", "committee", "secretary", "auditor", "huong", "nobody"]:
        assert f">{name}</a>" in page, name
    assert ">outsider</a>" not in page  # grants only on vinh-tuong
    assert ">root</a>" not in page  # superusers are not theirs to manage
    assert "Cán bộ tổ chức" in page and "Đảng bộ huyện Tam Dương" in page
    assert "xem thông tin nhạy cảm" in page  # admin's own sensitive grant
    client.force_login(world.users["root"])
    page = client.get(reverse("accounts:users")).content.decode()
    assert ">outsider</a>" in page and "Đảng bộ huyện Vĩnh Tường" in page


def test_out_of_subtree_user_page_is_404(client, world):
    client.force_login(world.users["admin"])
    for key in ["outsider", "root"]:
        url = reverse("accounts:user_detail", args=[world.users[key].pk])
        assert client.get(url).status_code == 404, key
    assert client.get(reverse("accounts:user_detail", args=[999999])).status_code == 404


def test_search_by_username_and_name(client, world):
    client.force_login(world.users["root"])
    assert _create(client, username="thu.ha", full_name="Lê Thu Hà").status_code == 302
    client.force_login(world.users["admin"])
    page = client.get(reverse("accounts:users"), {"q": "thu"}).content.decode()
    assert ">thu.ha</a>" in page and ">staff</a>" not in page
    page = client.get(reverse("accounts:users"), {"q": "Thu Hà"}).content.decode()
    assert ">thu.ha</a>" in page and ">auditor</a>" not in page
    page = client.get(reverse("accounts:users"), {"q": "aud"}).content.decode()
    assert ">auditor</a>" in page and ">thu.ha</a>" not in page


@pytest.mark.parametrize("params", [{"q": "st\x00aff"}, {"q": "x" * 500}, {"trang": "abc"}])
def test_odd_search_input_is_harmless(client, world, params):
    client.force_login(world.users["admin"])
    response = client.get(reverse("accounts:users"), params)
    assert response.status_code == 200
    if params.get("q", "").startswith("st"):
        assert ">staff</a>" in response.content.decode()


# ---- creating users ---------------------------------------------------------------------


def test_create_user(client, world):
    client.force_login(world.users["admin"])
    response = _create(client)
    user = get_user_model().objects.get(username="moi")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:user_detail", args=[user.pk])
    assert user.first_name == "Nguyễn Văn Mới"
    assert user.check_password(NEW_PASSWORD)
    assert not user.grants.exists()
    entry = AuditEntry.objects.filter(action="user.created").order_by("-id").first()
    assert entry.object_id == str(user.pk) and entry.actor == world.users["admin"]
    assert entry.request_id
    # The new user, without any role yet, is reachable to receive one.
    assert client.get(response["Location"]).status_code == 200


def test_password_is_kept_as_typed(client, world):
    client.force_login(world.users["admin"])
    password = "  hai  khoảng trắng  "
    assert _create(client, password=password, password2=password).status_code == 302
    assert get_user_model().objects.get(username="moi").check_password(password)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"username": "staff"}, "username", "Tên đăng nhập: “staff” đã có người dùng."),
        ({"username": "STAFF"}, "username", "Tên đăng nhập: “STAFF” đã có người dùng."),
        ({"username": ""}, "username", "Tên đăng nhập: bắt buộc."),
        ({"password": "abc", "password2": "abc"}, "password", "Mật khẩu: quá ngắn"),
        ({"password": "password", "password2": "password"}, "password", "Mật khẩu: quá phổ"),
        ({"password": "12345678901", "password2": "12345678901"}, "password", "Mật khẩu:"),
        ({"password": ""}, "password", "Mật khẩu: bắt buộc."),
        ({"password2": NEW_PASSWORD + "x"}, "password2", "Nhập lại mật khẩu: không khớp"),
        ({"full_name": "Nguyễn\x07 Văn Mới"}, "full_name", "Họ và tên: có ký tự điều khiển"),
        ({"username": "mo\x00i"}, "username", "Tên đăng nhập: có ký tự điều khiển"),
        ({"username": "mo\x1bi"}, "username", "Tên đăng nhập: có ký tự điều khiển"),
        ({"full_name": "x" * 151}, "full_name", "Họ và tên: dài quá"),
    ],
)
def test_create_user_bad_input(client, world, data, field, message):
    client.force_login(world.users["admin"])
    before = _snapshot()
    response = _create(client, **data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors, errors
    assert any(message in e for e in errors[field]), errors
    assert message in response.content.decode().replace("&ldquo;", "“").replace("&rdquo;", "”")
    assert _snapshot() == before


# ---- granting roles ---------------------------------------------------------------------


def test_admin_grants_inside_subtree(client, world):
    nobody = world.users["nobody"]
    client.force_login(world.users["admin"])
    response = _grant(client, nobody, org="kim-long", valid_from="05/06/2024")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:user_detail", args=[nobody.pk])
    grant = RoleGrant.objects.get(user=nobody)
    assert (grant.role, grant.org.code, grant.can_view_sensitive) == (
        "org_staff",
        "kim-long",
        False,
    )
    assert grant.valid_from == date(2024, 6, 5) and grant.valid_to is None
    entry = AuditEntry.objects.filter(action="user.role_granted").order_by("-id").first()
    assert entry.object_id == str(grant.pk) and entry.actor == world.users["admin"]
    page = client.get(response["Location"]).content.decode()
    assert "Đảng bộ xã Kim Long" in page and "05/06/2024" in page


def test_grant_defaults_to_today(client, world):
    client.force_login(world.users["admin"])
    assert _grant(client, world.users["nobody"]).status_code == 302
    assert RoleGrant.objects.get(user=world.users["nobody"]).valid_from == today()


@pytest.mark.parametrize("code", ["vinh-tuong", "vt-thon", "vinh-phuc", "central", "khong-co"])
def test_admin_cannot_grant_outside_subtree(client, world, code):
    client.force_login(world.users["admin"])
    before = _snapshot()
    response = _grant(client, world.users["nobody"], org=code)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "org" in errors and errors["org"][0].startswith("Tổ chức:"), errors
    assert code in errors["org"][0]
    assert _snapshot() == before


def test_change_scope_elsewhere_does_not_widen_admin_scope(client, world):
    """An admin on tam-duong who is also org_staff on vinh-tuong grants only in tam-duong."""
    mixed = _add_admin(world, "mixed", sensitive=True)
    RoleGrant.objects.create(
        user=mixed, role="org_staff", org=world.orgs["vinh-tuong"], valid_from=date(2000, 1, 1)
    )
    client.force_login(mixed)
    before = _snapshot()
    response = _grant(client, world.users["nobody"], org="vt-xa")
    assert response.status_code == 400 and "org" in response.context["form"].errors
    assert _snapshot() == before
    # …and the vinh-tuong user is not theirs to see either.
    url = reverse("accounts:user_detail", args=[world.users["outsider"].pk])
    assert client.get(url).status_code == 404


def test_root_grants_anywhere(client, world):
    client.force_login(world.users["root"])
    response = _grant(client, world.users["nobody"], org="vinh-phuc", can_view_sensitive="on")
    assert response.status_code == 302
    grant = RoleGrant.objects.get(user=world.users["nobody"])
    assert grant.org.code == "vinh-phuc" and grant.can_view_sensitive


def test_sensitive_grant_needs_own_sensitive_grant(client, world):
    nobody = world.users["nobody"]
    client.force_login(world.users["admin"])  # holds sensitive on tam-duong
    response = _grant(client, nobody, org="kl-thon-1", can_view_sensitive="on")
    assert response.status_code == 302
    assert RoleGrant.objects.get(user=nobody).can_view_sensitive

    client.force_login(_add_admin(world, "admin2", sensitive=False))
    before = _snapshot()
    response = _grant(client, world.users["staff"], org="kim-long", can_view_sensitive="on")
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["can_view_sensitive"][0].startswith("Được xem thông tin nhạy cảm:")
    assert _snapshot() == before
    # Without the flag the same admin may grant the role.
    assert _grant(client, world.users["staff"], org="kim-long").status_code == 302


def test_sensitive_must_cover_the_org(client, world):
    """An admin on tam-duong whose sensitive grant covers only kim-long."""
    admin3 = _add_admin(world, "admin3", sensitive=False)
    RoleGrant.objects.create(
        user=admin3,
        role="org_staff",
        org=world.orgs["kim-long"],
        can_view_sensitive=True,
        valid_from=date(2000, 1, 1),
    )
    client.force_login(admin3)
    nobody = world.users["nobody"]
    assert _grant(client, nobody, org="hop-hoa", can_view_sensitive="on").status_code == 400
    assert _grant(client, nobody, org="kl-thon-2", can_view_sensitive="on").status_code == 302


def test_nobody_grants_themselves(client, world):
    admin = world.users["admin"]
    client.force_login(admin)
    page = client.get(reverse("accounts:user_detail", args=[admin.pk])).content.decode()
    assert reverse("accounts:user_grant", args=[admin.pk]) not in page
    assert "/ket-thuc/" not in page
    before = _snapshot()
    response = _grant(client, admin, org="kim-long")
    assert response.status_code == 400
    assert "Không được tự cấp vai trò cho chính mình." in response.content.decode()
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"role": ""}, "role", "Vai trò: bắt buộc."),
        ({"role": "superuser"}, "role", "Vai trò: lựa chọn không hợp lệ."),
        ({"org": ""}, "org", "Tổ chức: bắt buộc."),
        ({"org": "KHÔNG CÓ"}, "org", "Tổ chức: không tìm thấy"),
        ({"org": "x" * 301}, "org", "Tổ chức: dài quá"),
        ({"valid_from": "31/02/2024"}, "valid_from", "Từ ngày: tháng 2/2024 không có ngày 31"),
        ({"role": "member", "can_view_sensitive": "on"}, "can_view_sensitive", "Vai trò đảng"),
    ],
)
def test_grant_bad_input(client, world, data, field, message):
    client.force_login(world.users["admin"])
    before = _snapshot()
    response = _grant(client, world.users["nobody"], **data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors and any(message in e for e in errors[field]), errors
    assert _snapshot() == before


def test_member_role_needs_member_record(client, world):
    client.force_login(world.users["admin"])
    before = _snapshot()
    response = _grant(client, world.users["nobody"], role="member", org="kl-thon-1")
    assert response.status_code == 400
    assert "chưa gắn với hồ sơ đảng viên" in response.content.decode()
    assert _snapshot() == before


# ---- ending roles -----------------------------------------------------------------------


def test_admin_ends_a_grant(client, world):
    grant = _grant_of(world, "staff")
    client.force_login(world.users["admin"])
    page = client.get(
        reverse("accounts:user_detail", args=[world.users["staff"].pk])
    ).content.decode()
    end_url = reverse("accounts:grant_end", args=[grant.pk])
    form = re.search(rf'<form[^>]*action="{re.escape(end_url)}"[^>]*>', page).group(0)
    assert 'method="post"' in form and "data-confirm=" in form
    response = client.post(end_url)
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.valid_to == today()
    entry = AuditEntry.objects.filter(action="user.role_ended").order_by("-id").first()
    assert entry.object_id == str(grant.pk) and entry.actor == world.users["admin"]
    page = client.get(response["Location"]).content.decode()
    assert "Đã kết thúc" in page and end_url not in page
    # Ending it again is a 400 with the service's message, nothing written.
    before = _snapshot()
    response = client.post(end_url)
    assert response.status_code == 400
    assert "Vai trò này đã kết thúc." in response.content.decode()
    assert _snapshot() == before


def test_admin_cannot_end_own_grant(client, world):
    grant = _grant_of(world, "admin")
    client.force_login(world.users["admin"])
    before = _snapshot()
    response = client.post(reverse("accounts:grant_end", args=[grant.pk]))
    assert response.status_code == 400
    assert "Không được tự kết thúc vai trò của chính mình." in response.content.decode()
    assert _snapshot() == before
    # Another administrator may.
    client.force_login(_add_admin(world, "admin2"))
    assert client.post(reverse("accounts:grant_end", args=[grant.pk])).status_code == 302
    grant.refresh_from_db()
    assert grant.valid_to == today()


def test_admin_cannot_end_grant_outside_subtree(client, world):
    grant = _grant_of(world, "outsider")
    client.force_login(world.users["admin"])
    before = _snapshot()
    assert client.post(reverse("accounts:grant_end", args=[grant.pk])).status_code == 404
    assert client.post(reverse("accounts:grant_end", args=[999999])).status_code == 404
    assert _snapshot() == before
    client.force_login(world.users["root"])
    assert client.post(reverse("accounts:grant_end", args=[grant.pk])).status_code == 302


def test_grant_above_subtree_is_invisible(client, world):
    """A user with grants both inside and above the admin's subtree: only the inside one shows."""
    target = world.users["committee"]
    above = RoleGrant.objects.create(
        user=target, role="auditor", org=world.orgs["vinh-phuc"], valid_from=date(2000, 1, 1)
    )
    client.force_login(world.users["admin"])
    page = client.get(reverse("accounts:user_detail", args=[target.pk])).content.decode()
    assert "Đảng bộ huyện Tam Dương" in page and "Đảng bộ tỉnh Vĩnh Phúc" not in page
    assert client.post(reverse("accounts:grant_end", args=[above.pk])).status_code == 404
    above.refresh_from_db()
    assert above.valid_to is None


def test_end_future_grant_is_a_form_error(client, world):
    future = RoleGrant.objects.create(
        user=world.users["nobody"],
        role="auditor",
        org=world.orgs["kim-long"],
        valid_from=date(today().year + 1, 1, 1),
    )
    client.force_login(world.users["admin"])
    before = _snapshot()
    response = client.post(reverse("accounts:grant_end", args=[future.pk]))
    assert response.status_code == 400
    assert "Ngày kết thúc: trước ngày bắt đầu." in response.content.decode()
    assert _snapshot() == before


# ---- CSRF, CSP, query count -------------------------------------------------------------


def test_posts_need_csrf(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["admin"])
    before = _snapshot()
    assert _create(client).status_code == 403
    assert _grant(client, world.users["nobody"]).status_code == 403
    end_url = reverse("accounts:grant_end", args=[_grant_of(world, "staff").pk])
    assert client.post(end_url).status_code == 403
    assert _snapshot() == before


def test_pages_have_no_inline_code(client, world):
    client.force_login(world.users["admin"])
    responses = [
        client.get(reverse("accounts:users")),
        client.get(reverse("accounts:user_create")),
        client.get(reverse("accounts:user_detail", args=[world.users["staff"].pk])),
        _create(client, password2="x"),
        _grant(client, world.users["nobody"], org="vinh-tuong"),
    ]
    for response in responses:
        html = response.content.decode()
        assert "default-src 'self'" in response["Content-Security-Policy"]
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
        assert " style=" not in html and "<style" not in html
        assert not re.search(r"\son[a-z]+=", html)
        assert 'name="csrfmiddlewaretoken"' in html or '<form method="post"' not in html


def test_list_query_count_is_bounded(client, world, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.users["admin"])
    url = reverse("accounts:users")
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    baseline = len(ctx.captured_queries)
    user_model = get_user_model()
    for i in range(20):
        user = user_model.objects.create_user(f"them-{i:02d}", first_name=f"Người Thêm {i}")
        for org in ("kim-long", "kl-thon-1"):
            RoleGrant.objects.create(
                user=user,
                role="committee_member",
                org=world.orgs[org],
                can_view_sensitive=bool(i % 2),
                valid_from=date(2000, 1, 1),
            )
    with django_assert_max_num_queries(baseline):
        page = client.get(url).content.decode()
    assert ">them-19</a>" in page and page.count("Cấp ủy viên") >= 40
