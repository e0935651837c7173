"""One codebase, two faces: a request naming the portal's own host gets the portal at "/"
and nothing of the registry (no login, no organisations, no members, no API, no newsroom,
no admin); the intranet host keeps serving the portal under its prefix; a public-side
deployment (``DANGBO_PORTAL_ONLY``: the portal's URL conf as the root) is the same."""

import pytest
from django.test import Client, RequestFactory
from django.urls import Resolver404, resolve, reverse

from dangbo.core.middleware import PortalHostMiddleware
from dangbo.portal import throttle
from dangbo.portal.models import Comment

pytestmark = pytest.mark.django_db

HOST = "congthongtin.example"
HOST_URLS = "dangbo.portal.host_urls"
REGISTRY = [
    "/dang-nhap/",
    "/dang-xuat/",
    "/to-chuc/",
    "/dang-vien/",
    "/giam-sat/y-kien/",
    "/du-lieu-ca-nhan/yeu-cau/",
    "/api/v1/",
    "/api/v1/docs",
    "/api/v1/members",
    "/tin-bai/",
    "/tin-bai/bai-viet/moi/",
    "/quan-tri/",
    "/quan-tri/login/",
    "/cong-thong-tin/",  # the intranet's prefix means nothing on the portal's host
]


@pytest.fixture
def two_faces(settings):
    settings.PORTAL = {**settings.PORTAL, "HOST": HOST}
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, HOST]
    return settings


@pytest.fixture
def portal_host(two_faces):
    """A browser on the portal's host: a new client loads the middleware (which reads the
    settings once) after the settings are changed."""
    return Client(HTTP_HOST=HOST)


def test_the_middleware_routes_only_the_portal_host(two_faces):
    middleware = PortalHostMiddleware(lambda request: request)
    factory = RequestFactory()
    on_portal = middleware(factory.get("/", HTTP_HOST=f"{HOST.upper()}:8443"))
    assert on_portal.urlconf == HOST_URLS and on_portal.portal_host is True
    intranet = middleware(factory.get("/", HTTP_HOST="testserver"))
    assert not hasattr(intranet, "urlconf")


def test_without_a_portal_host_nothing_is_rerouted(settings):
    settings.PORTAL = {**settings.PORTAL, "HOST": ""}
    request = PortalHostMiddleware(lambda r: r)(RequestFactory().get("/"))
    assert not hasattr(request, "urlconf")


@pytest.mark.parametrize("path", REGISTRY)
def test_the_portal_urlconf_has_nothing_but_the_portal(path):
    with pytest.raises(Resolver404):
        resolve(path, urlconf=HOST_URLS)
    assert resolve("/", urlconf=HOST_URLS).view_name == "portal:home"


def test_the_portal_host_serves_the_portal_at_the_root(world, published, portal_host):
    response = portal_host.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert published.title in html
    # Its links are the portal's own addresses on that host, not the intranet's prefix.
    assert f'href="/bai-viet/{published.slug}/"' in html
    assert "/cong-thong-tin/" not in html
    assert portal_host.get(f"/bai-viet/{published.slug}/").status_code == 200
    assert portal_host.get("/tin-moi.atom").status_code == 200


@pytest.mark.parametrize("path", REGISTRY)
def test_the_portal_host_answers_404_outside_the_portal(world, portal_host, path):
    assert portal_host.get(path).status_code == 404
    assert portal_host.post(path, {}).status_code in (403, 404)  # CSRF may refuse first


def test_a_comment_on_the_portal_host_comes_back_to_the_portal_host(world, published, portal_host):
    response = portal_host.post(
        f"/bai-viet/{published.slug}/",
        {
            "name": "Bạn đọc",
            "email": "bd@example.org",
            "text": "Ý kiến.",
            "consent": "on",
            throttle.STAMP: throttle.stamp(),
        },
    )
    assert response.status_code == 303
    assert response["Location"] == f"/bai-viet/{published.slug}/?da-gui=1#y-kien"
    assert Comment.objects.count() == 1


def test_the_intranet_host_keeps_the_portal_under_its_prefix(world, published, two_faces):
    intranet = Client()
    response = intranet.get(reverse("portal:home"))
    assert response.status_code == 200 and published.title in response.content.decode()
    assert reverse("portal:home") == f"/{two_faces.PORTAL['PREFIX']}/"
    login = intranet.get("/")
    assert login.status_code == 302 and login["Location"].startswith(reverse("login"))
    assert intranet.get(reverse("login")).status_code == 200


def test_a_portal_only_deployment_serves_the_portal_alone(world, published, settings):
    settings.ROOT_URLCONF = HOST_URLS  # what DANGBO_PORTAL_ONLY sets
    browser = Client()
    response = browser.get("/")
    assert response.status_code == 200 and published.title in response.content.decode()
    assert browser.get(f"/bai-viet/{published.slug}/").status_code == 200
    for path in ("/dang-nhap/", "/to-chuc/", "/api/v1/", "/tin-bai/", "/quan-tri/"):
        assert browser.get(path).status_code == 404, path


def test_the_portal_hosts_error_pages_are_in_the_portals_layout(world, portal_host):
    """A 404 on the portal's host is the portal's page: no registry link, no script."""
    html = portal_host.get("/dang-nhap/").content.decode()
    assert "Không tìm thấy trang" in html
    assert "<script" not in html and 'href="/dang-nhap/' not in html


def test_a_cross_site_post_on_the_portal_host_is_refused(world, published, two_faces):
    browser = Client(HTTP_HOST=HOST, enforce_csrf_checks=True, raise_request_exception=False)
    response = browser.post(f"/bai-viet/{published.slug}/", {"name": "x"})
    assert response.status_code == 403
    assert "Biểu mẫu đã hết hạn" in response.content.decode()  # the portal's own page
    assert Comment.objects.count() == 0
