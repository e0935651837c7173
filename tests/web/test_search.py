"""Search folds accents; lists are in Vietnamese order by given name."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _names(page: str) -> list[str]:
    return re.findall(r'<a href="/dang-vien/\d+/">([^<]+)</a>', page)


def test_accent_folding_search(client, world):
    client.force_login(world.users["staff"])
    page = client.get(reverse("members:list"), {"q": "nguyen thi huong"}).content.decode()
    assert _names(page) == ["Nguyễn Thị Hương"]
    page = client.get(reverse("members:list"), {"q": "12345678"}).content.decode()
    assert _names(page) == ["Nguyễn Thị Hương"]


def test_list_in_vietnamese_order(client, world):
    client.force_login(world.users["staff"])
    page = client.get(reverse("members:list")).content.decode()
    assert _names(page) == [
        "Trần Văn An",
        "Lê Văn Bình",
        "Phạm Thị Dung",
        "Đỗ Thị Hoa",
        "Nguyễn Thị Hương",
        "Vũ Quốc Khánh",
    ]


def test_filters_by_org_and_status(client, world):
    client.force_login(world.users["staff"])
    page = client.get(
        reverse("members:list"), {"to-chuc": "kim-long", "tinh-trang": "probationary"}
    ).content.decode()
    assert _names(page) == ["Lê Văn Bình"]
    assert "xuat.csv?to-chuc=kim-long&amp;tinh-trang=probationary" in page
    page = client.get(reverse("members:list"), {"to-chuc": "vt-thon"}).content.decode()
    assert _names(page) == [] and "không tìm thấy" in page


def test_pagination(client, world):
    from dangbo.core.views import PAGE_SIZE

    client.force_login(world.users["staff"])
    response = client.get(reverse("members:list"), {"trang": "999"})
    assert response.status_code == 200
    assert PAGE_SIZE == 50


def test_a_huge_result_is_counted_up_to_a_cap(client, world, monkeypatch):
    from dangbo.core.views import CappedPaginator

    monkeypatch.setattr(CappedPaginator, "cap", 3)
    client.force_login(world.users["staff"])
    response = client.get(reverse("members:list"))
    page = response.context["page"]
    assert page.paginator.capped and page.paginator.count == 3
    assert "Hơn 3 đảng viên" in response.content.decode()
    response = client.get(reverse("members:list"), {"q": "huong"})
    assert not response.context["page"].paginator.capped
    assert "1 đảng viên" in response.content.decode()


@pytest.mark.parametrize("rare", [2000, 0])
def test_common_and_rare_names_give_the_same_page(client, world, monkeypatch, rare):
    """PostgreSQL fetches few matches by id and reads many in name order with other plans;
    both give the same rows and count (on SQLite there is one path)."""
    from dangbo.members import queries

    monkeypatch.setattr(queries, "RARE", rare)
    client.force_login(world.users["staff"])
    response = client.get(reverse("members:list"), {"q": "thi"})
    names = [m.full_name for m in response.context["page"]]
    assert names == ["Phạm Thị Dung", "Đỗ Thị Hoa", "Nguyễn Thị Hương"]
    assert response.context["page"].paginator.count == 3
