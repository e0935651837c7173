"""Every page renders in Vietnamese, with dates dd/mm/yyyy, and walks the tree by links."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_root_redirects_to_tree(client, world):
    client.force_login(world.users["staff"])
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("orgs:tree")


def test_anonymous_goes_to_login(client, world):
    response = client.get(reverse("orgs:tree"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    page = client.get(reverse("login")).content.decode()
    assert "Đăng nhập" in page and "Mật khẩu" in page


def test_login_with_password(client, world):
    response = client.post(reverse("login"), {"username": "staff", "password": "pw-test-123"})
    assert response.status_code == 302
    page = client.get(reverse("orgs:tree")).content.decode()
    assert "Đảng bộ huyện Tam Dương" in page
    assert "Đăng xuất" in page


def test_tree_shows_scope_roots_and_children(client, world):
    client.force_login(world.users["staff"])
    page = client.get(reverse("orgs:tree")).content.decode()
    assert "Đảng bộ huyện Tam Dương" in page
    assert "Đảng bộ xã Kim Long" in page
    assert "Vĩnh Tường" not in page
    assert "Đảng bộ tỉnh Vĩnh Phúc" not in page
    client.force_login(world.users["secretary"])
    page = client.get(reverse("orgs:tree")).content.decode()
    assert "Chi bộ thôn Đồng Bông" in page and "Kim Long" not in page


def test_tree_bad_date_falls_back_to_today(client, world):
    client.force_login(world.users["staff"])
    response = client.get(reverse("orgs:tree"), {"ngay": "31/02/2016"})
    assert response.status_code == 200
    assert "không hợp lệ" in response.content.decode()


def test_tree_as_of_before_founding_hides_children(client, world):
    client.force_login(world.users["staff"])
    page = client.get(reverse("orgs:tree"), {"ngay": "01/01/1996"}).content.decode()
    assert "Đảng bộ xã Kim Long" not in page


def test_org_page(client, world):
    client.force_login(world.users["staff"])
    page = client.get(reverse("orgs:detail", args=["kim-long"])).content.decode()
    assert "Đảng bộ huyện Tam Dương" in page  # breadcrumb
    assert "Chi bộ thôn Đồng Bông" in page and "Chi bộ thôn Gia Du" in page
    assert "Thống kê" in page and "Thôn" in page  # sub-cells by parent sector label "Xã"
    assert "Quy tắc 1" in page  # Gia Du has fewer than 3 official members
    assert "Thành lập tổ chức trực thuộc" in page
    assert "Kết nạp đảng viên" not in page
    cell = client.get(reverse("orgs:detail", args=["kl-thon-1"])).content.decode()
    assert "Kết nạp đảng viên" in cell
    assert "Lê Văn Bình" in cell and "Nguyễn Thị Hương" in cell
    assert "01/06/1990" not in cell  # dates print dd/mm/yyyy: Bình born 01/02/1990
    assert "01/02/1990" in cell


def test_breadcrumb_links_only_visible_ancestors(client, world):
    client.force_login(world.users["secretary"])
    page = client.get(reverse("orgs:detail", args=["kl-thon-1"])).content.decode()
    assert "Đảng bộ xã Kim Long" in page
    assert reverse("orgs:detail", args=["kim-long"]) not in page


def test_member_page(client, world):
    client.force_login(world.users["staff"])
    binh = world.members["binh"]
    page = client.get(reverse("members:detail", args=[binh.pk])).content.decode()
    assert "Lê Văn Bình" in page
    assert "01/06/2017" in page  # probation end
    assert "Kết nạp" in page and "Chi bộ thôn Đồng Bông" in page
    assert "cần quyền xem thông tin nhạy cảm" in page
    assert "Công nhận đảng viên chính thức" in page


def test_audit_log_for_auditor_only(client, world):
    client.force_login(world.users["auditor"])
    response = client.get(reverse("core:audit"))
    assert response.status_code == 200
    assert "member.admitted" in response.content.decode()
    client.force_login(world.users["staff"])
    assert client.get(reverse("core:audit")).status_code == 404
    page = client.get(reverse("orgs:tree")).content.decode()
    assert reverse("core:audit") not in page


def test_success_message_after_recognition(client, world):
    client.force_login(world.users["staff"])
    binh = world.members["binh"]
    url = reverse("members:action", args=[binh.pk, "cong-nhan-chinh-thuc"])
    response = client.post(url, {"recognition_date": "05/06/2017"}, follow=True)
    page = response.content.decode()
    assert "Đã ghi việc công nhận" in page
    assert "05/06/2017" in page
