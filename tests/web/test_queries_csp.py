"""Bounded query counts whatever the data size, and a strict CSP with nothing inline."""

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangbo.members import services

pytestmark = pytest.mark.django_db

# Measured on the small world; the limits leave a little headroom, not room to grow per row.
LIMITS = {"tree": 20, "org": 30, "cell": 32, "list": 12, "member": 24}


def _pages(world):
    return {
        "tree": reverse("orgs:tree"),
        "org": reverse("orgs:detail", args=["kim-long"]),
        "cell": reverse("orgs:detail", args=["kl-thon-1"]),
        "list": reverse("members:list"),
        "member": reverse("members:detail", args=[world.members["huong"].pk]),
    }


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _add_members(world, n=30):
    for i in range(n):
        services.admit_member(
            actor=None,
            org=world.orgs["kl-thon-1" if i % 2 else "kl-thon-2"],
            data={
                "full_name": f"Đảng Viên Thêm {i:02d}",
                "gender": "F" if i % 3 else "M",
                "date_of_birth": date(1980, 1, 1 + i % 28),
            },
            admission_decision_date=date(2010, 1, 5),
            admission_ceremony_date=date(2010, 1, 5),
        )


@pytest.mark.parametrize("name", list(LIMITS))
def test_query_count_is_bounded(client, world, django_assert_max_num_queries, name):
    client.force_login(world.users["admin"])
    url = _pages(world)[name]
    before = _count(client, url)
    _add_members(world)
    after = _count(client, url)
    assert after <= before, (name, before, after)
    with django_assert_max_num_queries(LIMITS[name]):
        client.get(url)


def _html_pages(client, world):
    binh = world.members["binh"]
    urls = [
        *_pages(world).values(),
        reverse("core:audit"),
        reverse("members:action", args=[binh.pk, "cong-nhan-chinh-thuc"]),
        reverse("members:admit", args=["kl-thon-1"]),
        reverse("orgs:action", args=["kim-long", "chuyen-truc-thuoc"]),
    ]
    for url in urls:
        yield url, client.get(url)


def test_csp_header_and_no_inline_code(client, world):
    client.logout()
    login = client.get(reverse("login"))
    client.force_login(world.users["admin"])
    for url, response in [("login", login), *_html_pages(client, world)]:
        assert response.status_code == 200, url
        csp = response["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp
        html = response.content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url
        assert " style=" not in html and "<style" not in html, url
        assert not re.search(r"\son[a-z]+=", html), url
        assert "http://" not in html and "https://" not in html, url


def test_static_assets_are_served(client, world):
    client.force_login(world.users["staff"])
    html = client.get(reverse("orgs:tree")).content.decode()
    for asset in re.findall(r'(?:href|src)="(/static/[^"]+)"', html):
        response = client.get(asset)
        assert response.status_code == 200, asset
