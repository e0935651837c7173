"""The layout every page shares: a menu of only what the user may open (the current section
marked), a skip link, Vietnamese error pages inside the layout with a way back, breadcrumbs
that link only where the user may go, and no English from Django."""

import re
from collections import deque

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views import defaults

pytestmark = pytest.mark.django_db

MENU = {
    "member": {"home", "reviews"},
    "nobody": {"home"},
    "secretary": {
        *("home", "orgs", "members", "meetings", "opinions", "reviews", "direction", "reports"),
    },
    # "Dữ liệu cá nhân": CHANGE or AUDIT somewhere; "Cổng thông tin" (the newsroom): CHANGE.
    "auditor": {
        *("home", "orgs", "members", "meetings", "opinions", "reviews", "direction", "audit"),
        *("reports", "privacy"),
    },
    "committee": {
        *("home", "orgs", "members", "meetings", "oversight", "opinions", "reviews", "direction"),
        "reports",
    },
    "staff": {
        *("home", "orgs", "members", "meetings", "oversight", "opinions", "reviews", "direction"),
        *("reports", "portal", "imports", "privacy"),
    },
    "admin": {
        *("home", "orgs", "members", "meetings", "oversight", "opinions", "reviews", "direction"),
        *("reports", "portal", "imports", "privacy", "audit", "users"),
    },
}
KEYS = {
    "Trang chủ": "home",
    "Tổ chức": "orgs",
    "Đảng viên": "members",
    "Sinh hoạt chi bộ": "meetings",
    "Phụ trách": "oversight",
    "Ý kiến": "opinions",
    "Đánh giá": "reviews",
    "Lãnh đạo, chỉ đạo": "direction",
    "Báo cáo": "reports",
    "Cổng thông tin": "portal",
    "Nhập dữ liệu": "imports",
    "Dữ liệu cá nhân": "privacy",
    "Nhật ký": "audit",
    "Người dùng": "users",
}
ENGLISH = ("Not Found", "Forbidden", "Server Error", "CSRF", "This field is required", "Please")


def client_for(world, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def menu(html: str) -> list[tuple[str, str, bool]]:
    nav = re.search(r'<nav class="main"[^>]*>(.*?)</nav>', html, re.S)
    assert nav, "no menu"
    return [
        (href, label.strip(), bool(current))
        for href, current, label in re.findall(
            r'<a href="([^"]+)"( aria-current="page")?[^>]*>([^<]+)</a>', nav.group(1)
        )
    ]


@pytest.mark.parametrize("role", sorted(MENU))
def test_the_menu_shows_what_the_user_may_open(world, role):
    client = client_for(world, role)
    items = menu(client.get("/").content.decode())
    assert {KEYS[label] for _href, label, _cur in items} == MENU[role]
    for href, label, _current in items:
        response = client.get(href)
        assert response.status_code == 200, (label, href)
        assert "chưa được phân quyền" not in response.content.decode(), (label, href)


def test_a_member_no_longer_meets_english_not_found(world):
    client = client_for(world, "member")
    response = client.get(reverse("meetings:compliance"))
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


@pytest.mark.parametrize(
    ("url", "label"),
    [
        ("/", "Trang chủ"),
        ("/dang-vien/", "Đảng viên"),
        ("/giam-sat/y-kien/", "Ý kiến"),
        ("/giam-sat/", "Phụ trách"),
        ("/sinh-hoat/", "Sinh hoạt chi bộ"),
    ],
)
def test_the_current_section_is_marked(world, url, label):
    items = menu(client_for(world, "staff").get(url).content.decode())
    assert [lbl for _h, lbl, current in items if current] == [label]


def test_the_skip_link_comes_first(world):
    html = client_for(world, "staff").get("/").content.decode()
    body = html.split("<body>", 1)[1]
    first = re.search(r"<(a|button|input|select|textarea)\b[^>]*>", body).group(0)
    assert 'href="#noi-dung"' in first
    assert "Bỏ qua đến nội dung chính" in body.split("</a>", 1)[0]
    assert '<main id="noi-dung"' in body


# ---------------------------------------------------------------- error pages


def assert_vietnamese_in_layout(response, status: int, heading: str) -> str:
    assert response.status_code == status
    html = response.content.decode()
    assert heading in html
    assert '<main id="noi-dung"' in html and 'class="site"' in html
    assert "Về trang chủ" in html
    for word in ENGLISH:
        assert word not in html, word
    return html


@pytest.mark.parametrize("role", ["staff", "member", None])
def test_an_unknown_url_is_a_vietnamese_404(world, role):
    client = client_for(world, role) if role else Client()
    html = assert_vietnamese_in_layout(
        client.get("/khong-co-trang-nay/"), 404, "Không tìm thấy trang"
    )
    if role:
        assert "Trang chủ" in menu(html)[0][1]


def test_the_404_offers_the_way_back(world):
    response = client_for(world, "staff").get(
        "/khong-co/", HTTP_REFERER="http://testserver/dang-vien/"
    )
    html = assert_vietnamese_in_layout(response, 404, "Không tìm thấy trang")
    assert 'href="http://testserver/dang-vien/"' in html
    # Not back to another site.
    response = client_for(world, "staff").get("/khong-co/", HTTP_REFERER="https://evil.example/")
    assert "evil.example" not in response.content.decode()


def test_a_refused_form_is_a_vietnamese_403(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["staff"])
    response = client.post(reverse("logout"))
    assert_vietnamese_in_layout(response, 403, "Biểu mẫu đã hết hạn")


def test_permission_denied_is_a_vietnamese_403(world):
    request = RequestFactory().get("/")
    request.user = world.users["staff"]
    response = defaults.permission_denied(request, PermissionDenied())
    assert_vietnamese_in_layout(response, 403, "Không được phép")


def test_the_500_page_is_static_vietnamese(django_assert_num_queries):
    request = RequestFactory().get("/")
    with django_assert_num_queries(0):
        response = defaults.server_error(request)
    assert_vietnamese_in_layout(response, 500, "Hệ thống gặp lỗi")


def test_login_errors_are_vietnamese_whatever_the_browser_asks(world):
    client = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = client.post(reverse("login"), {"username": "staff", "password": "sai"}).content.decode()
    assert "Please enter" not in html
    assert "Vui lòng điền vào Tên đăng nhập và mật khẩu chính xác" in html
    html = client.post(reverse("login"), {"username": "", "password": ""}).content.decode()
    assert "This field is required" not in html


# ---------------------------------------------------------------- breadcrumbs

SKIP = re.compile(r"\.(csv|xlsx|docx)$|/dang-xuat/|/ky-so-lieu/|/api/")
CRAWL_PAGES = 45


def crumbs(html: str) -> list[str]:
    nav = re.search(r'<nav class="breadcrumb"[^>]*>(.*?)</nav>', html, re.S)
    return (
        [h.replace("&amp;", "&") for h in re.findall(r'href="([^"]+)"', nav.group(1))]
        if nav
        else []
    )


def page_links(html: str) -> list[str]:
    main = html.split('<main id="noi-dung"', 1)[-1]
    found = re.findall(r'href="(/[^"#]*)"', html.split("<main", 1)[0]) + re.findall(
        r'href="(/[^"#]*)"', main
    )
    return [h.replace("&amp;", "&") for h in found if not SKIP.search(h)]


@pytest.mark.parametrize("role", ["secretary", "committee", "auditor", "staff", "member"])
def test_every_breadcrumb_link_opens(world, role):
    """From the home page, open up to CRAWL_PAGES pages the user can reach by links; every
    link in every breadcrumb must answer 200 for that user."""
    client = client_for(world, role)
    seen, status, queue = set(), {}, deque(["/"])
    dead = []
    while queue and len(seen) < CRAWL_PAGES:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        status[url] = response.status_code
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        for link in crumbs(html):
            if link not in status:
                status[link] = client.get(link).status_code
            if status[link] != 200:
                dead.append((url, link, status[link]))
        queue.extend(link for link in page_links(html) if link not in seen)
    assert not dead, dead
    assert len(seen) > 5


# ---------------------------------------------------------------- Django's own messages


def _form_messages() -> list[str]:
    """Every default error message of Django's form fields, model fields and validators."""
    import inspect

    from django import forms
    from django.core import validators
    from django.db import models

    found = []
    for module, base in ((forms, forms.Field), (models, models.Field)):
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, base):
                for klass in cls.__mro__:
                    found += [
                        str(m) for m in vars(klass).get("default_error_messages", {}).values()
                    ]
    for _name, cls in inspect.getmembers(validators, inspect.isclass):
        message = vars(cls).get("message")
        if message is not None:
            found.append(str(message))
    return sorted(set(found))


def test_django_never_answers_a_form_in_english():
    """Django's Vietnamese catalogue leaves some messages empty; dangbo's own catalogue
    (src/dangbo/locale) fills those a form can show."""
    from django.utils import translation

    with translation.override("en"):
        english = _form_messages()
    with translation.override("vi"):
        vietnamese = _form_messages()
    assert len(english) > 40
    left = sorted((set(english) & set(vietnamese)) - {""})
    assert not left, left


def test_a_foreign_host_is_a_vietnamese_400(world):
    response = Client().get("/", HTTP_HOST="evil.example")
    assert_vietnamese_in_layout(response, 400, "Yêu cầu không hợp lệ")
