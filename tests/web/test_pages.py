"""Every page renders in Vietnamese, with dates dd/mm/yyyy, and walks the tree by links."""

import pytest
from django.urls import reverse

from dangbo.registry import services as registry_services

pytestmark = pytest.mark.django_db


def test_root_is_the_home(client, world):
    """'/' is the page of what the user has to do (tests/home), no longer a redirect."""
    client.force_login(world.users["staff"])
    response = client.get("/")
    assert response.status_code == 200
    assert "Việc cần làm" in response.content.decode()


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


def test_tree_bad_date_keeps_the_period(client, world):
    client.force_login(world.users["staff"])
    response = client.get(reverse("orgs:tree"), {"ngay": "31/02/2016"})
    assert response.status_code == 200
    as_of = response.context["as_of"]
    assert as_of.error.startswith("Kỳ số liệu:") and as_of.error in response.content.decode()
    assert as_of.is_today


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
    # Gia Du has fewer than 3 official members: the rule in words, with its documents
    assert "cần ít nhất 3" in page and "theo Điều lệ Đảng, Điều 21" in page
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


def test_member_page_offers_only_the_operations_that_apply(client, world):
    client.force_login(world.users["staff"])
    recognise = reverse("members:action", args=[world.members["binh"].pk, "cong-nhan-chinh-thuc"])
    end_exemption = reverse("members:action", args=[world.members["binh"].pk, "het-mien"])
    page = client.get(reverse("members:detail", args=[world.members["binh"].pk])).content.decode()
    assert recognise in page  # probationary
    assert end_exemption not in page  # not exempted
    official = world.members["dung"]
    page = client.get(reverse("members:detail", args=[official.pk])).content.decode()
    assert reverse("members:action", args=[official.pk, "cong-nhan-chinh-thuc"]) not in page
    assert reverse("members:action", args=[official.pk, "mien-sinh-hoat"]) in page


def test_children_in_vietnamese_order_and_committee_by_rank(client, world):
    from datetime import date

    from dangbo.orgs import services

    for code, name in (("kl-thon-3", "Chi bộ thôn Đạo Tú"), ("kl-thon-4", "Chi bộ thôn Dũng")):
        services.create_org(
            actor=None,
            code=code,
            name=name,
            kind="sub_cell",
            sector="village",
            parent=world.org("kim-long"),
            valid_from=date(2001, 1, 1),
        )
    body = services.create_body(
        actor=None,
        org=world.org("kim-long"),
        body_type="executive_committee",
        term_start_year=2015,
        term_end_year=2020,
        valid_from=date(2015, 7, 1),
    )
    for key, title in (("an", "committee_member"), ("dung", "secretary")):
        registry_services.assign_position(
            actor=None,
            member=world.members[key],
            org=world.org("kim-long"),
            title=title,
            body=body,
            valid_from=date(2015, 7, 1),
        )
    client.force_login(world.users["staff"])
    page = client.get(reverse("orgs:detail", args=["kim-long"])).content.decode()
    # The Vietnamese alphabet has d < đ < g (a binary sort would put Đ after every Latin letter).
    children = page[page.index("Tổ chức trực thuộc") :]
    names = ("thôn Dũng", "thôn Đạo Tú", "thôn Đồng Bông", "thôn Gia Du")
    order = [children.index(n) for n in names]
    assert order == sorted(order)
    assert page.index("Phạm Thị Dung") < page.index("Trần Văn An")  # Bí thư before members


def test_a_large_organisation_lists_its_children_a_page_at_a_time(client, world, monkeypatch):
    """A province has a thousand children: the table shows a page of them, in the same
    Vietnamese order, each linking to its own page; the page count and the kinds in words."""
    from dangbo.registry import views

    monkeypatch.setattr(views, "CHILDREN_PAGE", 1)
    client.force_login(world.users["staff"])
    url = reverse("orgs:detail", args=["kim-long"])
    first = client.get(url).content.decode()
    second = client.get(url + "?trang=2").content.decode()
    cells = {"kl-thon-1": "Chi bộ thôn Đồng Bông", "kl-thon-2": "Chi bộ thôn Gia Du"}
    for page, (code, name) in zip((first, second), cells.items(), strict=True):
        table = page[page.index("Tổ chức trực thuộc (2)") :]
        assert f'href="{reverse("orgs:detail", args=[code])}"' in table and name in table
        rows = table.split("</table>")[0]
        assert "Chi bộ trực thuộc" in rows and "sub_cell" not in rows  # labels, not codes
        assert "Trang " in table and "/2" in table
    assert cells["kl-thon-2"] not in first.split("Tổ chức trực thuộc (2)")[1].split("</table>")[0]


def test_org_page_lists_probationers_overdue_for_recognition(client, world):
    client.force_login(world.users["staff"])
    page = client.get(reverse("orgs:detail", args=["tam-duong"])).content.decode()
    assert "quá hạn xét công nhận chính thức (1)" in page
    assert reverse("members:detail", args=[world.members["binh"].pk]) in page
    page = client.get(reverse("orgs:detail", args=["tam-duong"]) + "?ngay=01/01/2017").content
    assert "quá hạn xét công nhận" not in page.decode()


def test_reorganisation_records_its_decision_and_shows_in_the_history(client, world):
    from dangbo.core.models import LegalDocument

    client.force_login(world.users["staff"])
    url = reverse("orgs:action", args=["kl-thon-2", "doi-ten"])
    form = {
        "name": "Chi bộ thôn Gia Du mới",
        "effective_date": "01/03/2016",
        "doc_number": "125-QĐ/ĐU",
        "doc_issuer": "Đảng ủy xã Kim Long",
        "doc_date": "20/02/2016",
    }
    assert client.post(url, form).status_code == 302
    doc = LegalDocument.objects.get(number="125-QĐ/ĐU")
    assert doc.issue_date.isoformat() == "2016-02-20"
    page = client.get(reverse("orgs:detail", args=["kl-thon-2"])).content.decode()
    assert "Lịch sử tổ chức" in page and "“Chi bộ thôn Gia Du” → “Chi bộ thôn Gia Du mới”" in page
    assert "125-QĐ/ĐU, 20/02/2016, Đảng ủy xã Kim Long" in page
    # The same number from another year is another document, never confused with this one.
    form.update(name="Chi bộ thôn Gia Du", effective_date="01/03/2017", doc_date="20/02/2017")
    assert client.post(url, form).status_code == 302
    assert LegalDocument.objects.filter(number="125-QĐ/ĐU").count() == 2


def test_half_a_document_reference_is_refused_and_changes_nothing(client, world):
    from dangbo.core.models import AuditEntry, LegalDocument

    client.force_login(world.users["staff"])
    before = (AuditEntry.objects.count(), LegalDocument.objects.count())
    response = client.post(
        reverse("orgs:action", args=["kl-thon-2", "doi-ten"]),
        {"name": "Tên mới", "effective_date": "01/03/2016", "doc_number": "125-QĐ/ĐU"},
    )
    assert response.status_code == 400
    assert "Ngày ban hành: cần ghi đủ số, cơ quan và ngày ban hành." in response.content.decode()
    # A complete reference with a bad rename: the document is not registered either.
    response = client.post(
        reverse("orgs:action", args=["kl-thon-2", "doi-ten"]),
        {
            "name": "Chi bộ thôn Gia Du",
            "effective_date": "01/03/2016",
            "doc_number": "9-QĐ/ĐU",
            "doc_issuer": "Đảng ủy xã Kim Long",
            "doc_date": "20/02/2016",
        },
    )
    assert response.status_code == 400  # same name as now
    assert (AuditEntry.objects.count(), LegalDocument.objects.count()) == before
    assert world.org("kl-thon-2").name == "Chi bộ thôn Gia Du"


def test_heavy_blocks_are_cached_until_the_next_change(client, world):
    """A second view of a big organisation reuses its figures; any change (an audit entry)
    makes the next view recompute them."""
    from datetime import date

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dangbo.members import services

    client.force_login(world.users["staff"])
    url = reverse("orgs:detail", args=["tam-duong"])
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    # Another address of the same page is built again, from the cached figures.
    with CaptureQueriesContext(connection) as second:
        assert client.get(url, {"trang": 1}).context["stats"]["members"]["total"] == 6
    assert len(second) < len(first)
    # The same address is the stored page (core.cache.page): the version, nothing else.
    with CaptureQueriesContext(connection) as third:
        assert client.get(url).status_code == 200
    assert len(third) == 1
    services.admit_member(
        actor=None,
        org=world.org("kl-thon-2"),
        data={"full_name": "Người Mới", "gender": "F", "date_of_birth": date(1990, 1, 1)},
        admission_decision_date=date(2020, 1, 1),
        admission_ceremony_date=date(2020, 1, 1),
    )
    response = client.get(url)
    assert response.context["stats"]["members"]["total"] == 7
