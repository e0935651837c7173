""" "Nhập tự đánh giá thay": staff name the member (or the organisation) as people do — by
name, accents optional — instead of a record's database id; several matches go back to
the cycle with the candidates listed; an old link's id still opens the form."""

import pytest
from django.urls import reverse

from dangbo.reviews.schemes import load
from tests.conftest import _member
from tests.reviews.test_web import open_cycle

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _schemes(db):
    load()


def test_self_assess_for_a_member_named_by_name(client, world):
    cycle = open_cycle(world)
    client.force_login(world.users["staff"])
    url = reverse("reviews:self_assess", args=[cycle.pk])
    page = client.get(url, {"dang-vien": "tran van an"})
    assert page.status_code == 200 and "Trần Văn An" in page.content.decode()
    old_link = client.get(url, {"dang-vien": world.members["an"].pk})
    assert old_link.status_code == 200 and "Trần Văn An" in old_link.content.decode()
    org = client.get(url, {"to-chuc": "gia du"})
    assert org.status_code == 200 and "Chi bộ thôn Gia Du" in org.content.decode()


def test_several_or_none_go_back_with_the_candidates(client, world):
    _member(world, "an2", "kl-thon-2", "Trần Văn An")
    cycle = open_cycle(world)
    client.force_login(world.users["staff"])
    url = reverse("reviews:self_assess", args=[cycle.pk])
    response = client.get(url, {"dang-vien": "tran van an"}, follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("reviews:cycle", args=[cycle.pk])
    assert "Trần Văn An (Chi bộ thôn Đồng Bông)" in html
    assert "Trần Văn An (Chi bộ thôn Gia Du)" in html
    picked = client.get(url, {"dang-vien": "Trần Văn An (Chi bộ thôn Gia Du)"})
    assert picked.status_code == 200
    none = client.get(url, {"dang-vien": "Hoàng Minh Tiến"}, follow=True)  # out of scope
    assert "không tìm thấy đảng viên “Hoàng Minh Tiến”" in none.content.decode()
    assert client.get(url, {"dang-vien": world.members["tien"].pk}).status_code == 404


def test_cycle_page_offers_pickers_not_ids(client, world):
    cycle = open_cycle(world)
    client.force_login(world.users["staff"])
    html = client.get(reverse("reviews:cycle", args=[cycle.pk])).content.decode()
    assert "số thứ tự hồ sơ" not in html and "Tổ chức (mã)" not in html
    assert f'data-picker="{reverse("members:pick")}"' in html
