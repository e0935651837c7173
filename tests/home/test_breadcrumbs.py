"""Breadcrumbs link only to pages the user may open: from each role's home and from every
object page of the matrix world (a meeting, an opinion, a visit, a review cycle…), every
link in every breadcrumb answers 200 for that user — a link that would answer 404 is plain
text (a cell's secretary sees the commune's name, not a link to its page)."""

import re
from collections import deque

import pytest
from django.urls import reverse

from tests.matrix_support import IN, matrix_fixture

pytestmark = pytest.mark.django_db

matrix = matrix_fixture()

SKIP = re.compile(r"\.(csv|xlsx|docx)(\?|$)|/dang-xuat/|/ky-so-lieu/|/api/|/quan-tri/")
PAGES_PER_ROLE = 70


def crumbs(html: str) -> list[str]:
    nav = re.search(r'<nav class="breadcrumb"[^>]*>(.*?)</nav>', html, re.S)
    if not nav:
        return []
    return [h.replace("&amp;", "&") for h in re.findall(r'href="([^"]+)"', nav.group(1))]


def links(html: str) -> list[str]:
    return [
        h.replace("&amp;", "&")
        for h in re.findall(r'href="(/[^"#]*)"', html)
        if not SKIP.search(h.replace("&amp;", "&"))
    ]


def starts(m) -> list[str]:
    """The home page and the in-scope object pages."""
    thing = m.thing
    return [
        "/",
        reverse("meetings:detail", args=[thing("meeting", IN).pk]),
        reverse("meetings:cell", args=["kl-thon-1"]),
        reverse("meetings:create", args=["kl-thon-1"]),
        reverse("oversight:opinion", args=[thing("opinion", IN).pk]),
        reverse("oversight:visit", args=[thing("visit", IN).pk]),
        reverse("oversight:group", args=[thing("group", IN).pk]),
        reverse("reviews:cycle", args=[thing("cycle", IN).pk]),
        reverse("reviews:evaluation", args=[thing("evaluation", IN).pk]),
        reverse("reviews:evaluations", args=[thing("cycle", IN).pk]),
        reverse("members:detail", args=[thing("member", IN).pk]),
        reverse("orgs:detail", args=["kl-thon-1"]),
        reverse("imports:job", args=[thing("job", IN).pk]),
    ]


@pytest.mark.parametrize(
    "role", ["secretary", "member", "committee", "auditor", "sensitive_staff", "staff"]
)
def test_every_breadcrumb_link_opens(matrix, role):
    client = matrix.client_as(role)
    status: dict[str, int] = {}
    seen: set[str] = set()
    queue = deque(starts(matrix))
    dead, opened = [], 0
    while queue and opened < PAGES_PER_ROLE:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        status[url] = response.status_code
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        opened += 1
        html = response.content.decode()
        for link in crumbs(html):
            if link not in status:
                status[link] = client.get(link).status_code
            if status[link] != 200:
                dead.append((url, link, status[link]))
        queue.extend(link for link in links(html) if link not in seen)
    assert not dead, dead
    assert opened >= 3


def test_the_secretary_sees_the_commune_as_text(matrix):
    html = (
        matrix.client_as("secretary")
        .get(reverse("meetings:cell", args=["kl-thon-1"]))
        .content.decode()
    )
    trail = re.search(r'<nav class="breadcrumb"[^>]*>(.*?)</nav>', html, re.S).group(1)
    assert "<li>Đảng bộ xã Kim Long</li>" in trail
    assert "Kim Long</a>" not in trail


def test_a_member_s_own_record_has_no_link_to_the_member_list(matrix):
    """The list is not in a member's menu: the crumb is text (staff keep the link)."""
    url = reverse("members:detail", args=[matrix.thing("member", IN).pk])
    for role, linked in (("member", False), ("staff", True)):
        html = matrix.client_as(role).get(url).content.decode()
        trail = re.search(r'<nav class="breadcrumb"[^>]*>(.*?)</nav>', html, re.S).group(1)
        assert (f'href="{reverse("members:list")}"' in trail) is linked, role
