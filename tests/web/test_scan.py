"""Pages a person can scan (issue 12, item 5 and its small things): operations offered by the
organisation's kind and refused when hidden, destructive ones confirmed, the committee as a
table with its changes on their own pages, the tree that expands, page numbers, warnings
citing their documents, people's names instead of usernames."""

from datetime import date

import pytest
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from dangbo.orgs import services as org_services
from dangbo.orgs.models import Organisation, Position
from dangbo.orgs.rules import OrgOperation, operations_for, rule_source
from dangbo.registry import services as registry_services
from tests.support import counts

pytestmark = pytest.mark.django_db

MODELS = (Organisation, Position)


def _page(client, code, **query):
    response = client.get(reverse("orgs:detail", args=[code]), query)
    assert response.status_code == 200
    return response.content.decode()


def _url(code, op):
    return reverse("orgs:action", args=[code, op])


@pytest.fixture
def staff(client, world):
    client.force_login(world.users["staff"])
    return client


# ---------------------------------------------------------------- operations by kind


def test_the_rule_decides_by_kind_and_sector():
    village = operations_for("sub_cell", "village")
    assert OrgOperation.FOUND_SUBORDINATE not in village
    assert OrgOperation.SPLIT not in village
    assert {OrgOperation.TRANSFER_IN, OrgOperation.ADMIT, OrgOperation.RENAME} <= village
    commune = operations_for("grassroots_committee", "commune")
    assert {OrgOperation.FOUND_SUBORDINATE, OrgOperation.SPLIT} <= commune
    assert OrgOperation.TRANSFER_IN not in commune and OrgOperation.ADMIT not in commune
    assert OrgOperation.SPLIT in operations_for("sub_cell", "agency")  # not one per village
    group = operations_for("party_group", "other")
    assert OrgOperation.CREATE_BODY not in group and OrgOperation.SPLIT not in group
    top = operations_for("central", "territorial")
    assert OrgOperation.DISSOLVE not in top and OrgOperation.FOUND_SUBORDINATE in top


def test_village_cell_page_offers_only_what_makes_sense(staff, world):
    page = _page(staff, "kl-thon-1")
    assert 'class="menu"' in page  # one "Thao tác" menu
    assert _url("kl-thon-1", "tao-truc-thuoc") not in page
    assert _url("kl-thon-1", "chia-tach") not in page
    assert _url("kl-thon-1", "tiep-nhan") in page
    assert reverse("members:admit", args=["kl-thon-1"]) in page
    # a cell's page has no grassroots/sub-cell figures nor an empty subordinate list
    assert "tổ chức cơ sở đảng</div>" not in page
    assert "Không có tổ chức trực thuộc vào ngày này." not in page
    commune = _page(staff, "kim-long")
    assert _url("kim-long", "tao-truc-thuoc") in commune
    assert _url("kim-long", "chia-tach") in commune
    assert _url("kim-long", "tiep-nhan") not in commune
    assert reverse("members:admit", args=["kim-long"]) not in commune


def test_destructive_operations_stand_apart(staff, world):
    page = _page(staff, "kim-long")
    danger = page[page.index('class="menu-group danger"') :]
    for op in ("giai-the", "hop-nhat", "chia-tach"):
        assert _url("kim-long", op) in danger
    assert _url("kim-long", "doi-ten") not in danger


@pytest.mark.parametrize(
    ("code", "op", "data"),
    [
        (
            "kl-thon-1",
            "tao-truc-thuoc",
            {
                "code": "kl-to-1",
                "name": "Tổ đảng 1",
                "kind": "party_group",
                "sector": "village",
                "valid_from": "01/01/2020",
            },
        ),
        (
            "kl-thon-1",
            "chia-tach",
            {
                "new_orgs": "kl-thon-1a | A",
                "allocation": "",
                "effective_date": "01/07/2024",
                "xac-nhan": "1",
            },
        ),
        ("kim-long", "tiep-nhan", {"full_name": "Lý Văn Đến", "gender": "M"}),
    ],
)
def test_a_hidden_operation_posted_by_hand_is_refused(staff, world, code, op, data):
    before = counts(*MODELS)
    assert staff.get(_url(code, op)).status_code == 404
    assert staff.post(_url(code, op), data).status_code == 404
    assert counts(*MODELS) == before


def test_destructive_operation_states_its_consequence_and_needs_confirmation(staff, world):
    org = org_services.create_org(
        actor=None,
        code="kl-thon-8",
        name="Chi bộ thôn Tám",
        kind="sub_cell",
        sector="village",
        parent=world.org("kim-long"),
        valid_from=date(2010, 1, 1),
    )
    url = _url("kl-thon-8", "giai-the")
    form = staff.get(url).content.decode()
    assert "Hậu quả" in form and "không còn trong cây tổ chức" in form
    assert 'name="xac-nhan"' in form
    response = staff.post(url, {"effective_date": "01/02/2020"})
    assert response.status_code == 400
    assert "Tôi đã hiểu hậu quả" in response.content.decode()
    org.refresh_from_db()
    assert org.valid_to is None  # nothing written
    assert staff.post(url, {"effective_date": "01/02/2020", "xac-nhan": "1"}).status_code == 302
    org.refresh_from_db()
    assert org.valid_to is not None


# ---------------------------------------------------------------- committee


def test_committee_is_a_table_with_changes_on_their_own_pages(staff, world):
    position = registry_services.assign_position(
        actor=None,
        member=world.members["huong"],
        org=world.org("kl-thon-1"),
        title="secretary",
        valid_from=date(2020, 10, 5),
    )
    page = _page(staff, "kl-thon-1")
    assert 'class="grid compact committee"' in page
    assert "<td>Bí thư</td>" in page and "<td>05/10/2020</td>" in page
    assert 'name="valid_to"' not in page  # no inline form per row
    url = _url("kl-thon-1", "thoi-chuc-vu")
    assert f"{url}?chuc-vu={position.pk}" in page
    form = staff.get(url, {"chuc-vu": position.pk}).content.decode()
    assert f'<option value="{position.pk}" selected>' in form
    response = staff.post(url, {"position": str(position.pk), "valid_to": "30/06/2024"})
    assert response.status_code == 302
    position.refresh_from_db()
    assert position.valid_to == date(2024, 6, 30)


def test_committee_member_sees_the_table_without_change_links(client, world):
    registry_services.assign_position(
        actor=None,
        member=world.members["huong"],
        org=world.org("kl-thon-1"),
        title="secretary",
        valid_from=date(2020, 10, 5),
    )
    client.force_login(world.users["committee"])
    page = _page(client, "kl-thon-1")
    assert "Nguyễn Thị Hương" in page and 'class="menu"' not in page
    assert "thoi-chuc-vu" not in page


# ---------------------------------------------------------------- tree


def test_tree_expands_two_levels_in_bounded_queries(staff, world, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = staff.get(reverse("orgs:tree"))
    page = response.content.decode()
    assert '<ul class="tree">' in page and "<details>" in page
    kim_long = page.index("Đảng bộ xã Kim Long")
    # the commune's cells are inside its <details>, under it
    assert kim_long < page.index("Chi bộ thôn Đồng Bông") < page.index("</details>", kim_long)
    assert "Chi bộ tổ dân phố Đông Hòa" in page
    assert "Vĩnh Tường" not in page  # out of scope


def test_tree_query_count_does_not_grow_with_the_tree(staff, world, django_assert_max_num_queries):
    for n in range(12):
        org_services.create_org(
            actor=None,
            code=f"kl-extra-{n}",
            name=f"Chi bộ thôn Thêm {n}",
            kind="sub_cell",
            sector="village",
            parent=world.org("kim-long"),
            valid_from=date(2010, 1, 1),
        )
    with django_assert_max_num_queries(12):
        page = staff.get(reverse("orgs:tree")).content.decode()
    assert "Chi bộ thôn Thêm 11" in page


def test_tree_reroots_in_scope_only(staff, world):
    page = staff.get(reverse("orgs:tree"), {"goc": "kim-long"}).content.decode()
    assert "Đảng bộ xã Kim Long" in page and "Chi bộ thôn Gia Du" in page
    assert "Về cây tổ chức đầy đủ" in page
    assert staff.get(reverse("orgs:tree"), {"goc": "vt-xa"}).status_code == 404


# ---------------------------------------------------------------- pages, warnings, names


def test_pagination_shows_page_numbers():
    page = Paginator(list(range(1000)), 10).get_page(5)
    request = RequestFactory().get("/", {"loc": "x", "trang": "5"})
    html = render_to_string("includes/pagination.html", {"page": page}, request=request)
    assert 'aria-current="page">5</span>' in html
    assert "?loc=x&amp;trang=1" in html and "?loc=x&amp;trang=100" in html
    assert "?loc=x&amp;trang=4" in html and "?loc=x&amp;trang=6" in html
    assert "…" in html and "trang=50" not in html
    assert "Trang 5/100" in html
    assert "Trang trước" in html and "Trang sau" in html


def test_warnings_cite_their_documents_not_a_rule_number(staff, world):
    page = _page(staff, "kim-long")  # kl-thon-2 has one official member (rule 1)
    assert "Chi bộ chỉ có 1 đảng viên chính thức (cần ít nhất 3)." in page
    assert "theo Điều lệ Đảng, Điều 21; Quy định 232-QĐ/TW ngày 20/01/2025" in page
    assert "Quy tắc" not in page
    assert "Quy định 29-QĐ/TW" in rule_source(1, date(2016, 12, 31))
    assert "Nghị quyết 203/2025/QH15" in rule_source(5, date(2026, 1, 1))


def test_people_are_named_not_their_usernames(client, world):
    staff = world.users["staff"]
    staff.first_name = "Nguyễn Văn Ba"
    staff.save()
    client.force_login(staff)
    response = client.post(
        _url("kl-thon-2", "doi-ten"),
        {"name": "Chi bộ thôn Gia Du mới", "effective_date": "01/01/2024"},
    )
    assert response.status_code == 302
    client.force_login(world.users["auditor"])  # sees the organisation's change log
    page = _page(client, "kl-thon-2")
    log = page[page.index('class="history"') :]
    assert "Nguyễn Văn Ba" in log
    assert "<td>staff</td>" not in log


def test_member_page_groups_its_operations(staff, world):
    page = staff.get(reverse("members:detail", args=[world.members["an"].pk])).content.decode()
    assert page.count('class="button" href="/dang-vien/') == 0  # no flat row of buttons
    menu = page[page.index('class="menu"') :]
    danger = menu[menu.index('class="menu-group danger"') :]
    assert reverse("members:action", args=[world.members["an"].pk, "ra-khoi-danh-sach"]) in danger
    assert reverse("members:action", args=[world.members["an"].pk, "sua-ho-so"]) in menu


def test_a_meeting_without_times_says_so(client, world):
    from dangbo.meetings import services as meeting_services

    meeting = meeting_services.record_meeting(
        actor=None, org=world.org("kl-thon-1"), day=date(2024, 5, 10), data={}
    )
    client.force_login(world.users["staff"])
    page = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "chưa ghi giờ" in page
    assert "— – —" not in page


def test_org_page_query_count_is_pinned(staff, world, django_assert_max_num_queries):
    registry_services.assign_position(
        actor=None,
        member=world.members["huong"],
        org=world.org("kl-thon-1"),
        title="secretary",
        valid_from=date(2020, 10, 5),
    )
    for code in ("tam-duong", "kim-long", "kl-thon-1"):
        with django_assert_max_num_queries(30):  # 28 + the two member charts (age, party age)
            _page(staff, code)
        with django_assert_max_num_queries(19):  # the heavy blocks cached
            _page(staff, code)


def test_tree_on_a_past_date_counts_from_the_intervals(staff, world, django_assert_max_num_queries):
    with django_assert_max_num_queries(18):  # the intervals cost a few more than today
        page = staff.get(reverse("orgs:tree"), {"ngay": "01/01/2020"}).content.decode()
    cell = page.index("Chi bộ thôn Đồng Bông")
    assert "(3 đảng viên)" in page[cell : cell + 200]  # Hương, An and Bình (probationary)
    assert "Chi bộ thôn Gia Du" in page
