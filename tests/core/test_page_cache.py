"""Whole pages, sessions and users from the cache (issue 17): a warm page costs one query,
yet every change is seen at once, each browser gets its own form token, no one gets
another person's page, and a message is shown once. The shared cache is a real Redis."""

import re
import shutil
import subprocess
import time
from datetime import timedelta

import pytest
from django.core.cache import cache as django_cache
from django.test import Client, override_settings
from django.urls import reverse

from dangbo import config
from dangbo.core import services as core_services
from dangbo.core.dates import today
from dangbo.core.models import RoleGrant
from dangbo.orgs import services as org_services
from tests.conftest import PASSWORD
from tests.portal.smtp import free_port

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def _empty_cache():
    django_cache.clear()
    yield
    django_cache.clear()


def _org_url(code="tam-duong"):
    return reverse("orgs:detail", args=[code])


def _logged_in(world, who="staff", **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(world.users[who])
    return client


def test_a_warm_page_costs_one_query(world, django_assert_num_queries):
    client = _logged_in(world)
    first = client.get(_org_url())
    assert first.status_code == 200
    # The session, the user, their grants and the page itself come from the cache; what is
    # left is the data version that proves them current.
    with django_assert_num_queries(1):
        again = client.get(_org_url())
    assert again.status_code == 200
    assert TOKEN.sub("", again.content.decode()) == TOKEN.sub("", first.content.decode())


def test_member_search_is_served_warm_too(world, django_assert_num_queries):
    client = _logged_in(world)
    url = reverse("members:list") + "?q=nguyen"
    first = client.get(url).content.decode()
    assert "Nguyễn Thị Hương" in first
    with django_assert_num_queries(1):
        assert "Nguyễn Thị Hương" in client.get(url).content.decode()


def test_a_change_is_seen_at_once(world):
    client = _logged_in(world)
    assert "Chi bộ thôn Gia Du" in client.get(_org_url("kl-thon-2")).content.decode()
    org_services.rename_org(
        actor=world.users["staff"],
        org=world.orgs["kl-thon-2"],
        name="Chi bộ thôn Gia Du Mới",
        effective_date=today(),
    )
    assert "Chi bộ thôn Gia Du Mới" in client.get(_org_url("kl-thon-2")).content.decode()


def test_each_browser_posts_with_its_own_token(world):
    """The page stored for one browser carries no token another browser could use; each
    gets a token of its own, and it is accepted."""
    first = _logged_in(world, enforce_csrf_checks=True)
    second = _logged_in(world, enforce_csrf_checks=True)
    one = TOKEN.findall(first.get(_org_url("kl-thon-2")).content.decode())
    two = TOKEN.findall(second.get(_org_url("kl-thon-2")).content.decode())
    assert one and two and set(one).isdisjoint(two)
    assert "\x00" not in "".join(two)
    form = {
        "csrfmiddlewaretoken": two[0],
        "name": "Chi bộ thôn Gia Du Mới",
        "effective_date": today().strftime("%d/%m/%Y"),
    }
    response = second.post(reverse("orgs:action", args=["kl-thon-2", "doi-ten"]), form)
    assert response.status_code == 302
    # The first browser's token was made from another cookie's secret: refused.
    form["csrfmiddlewaretoken"] = one[0]
    refused = second.post(reverse("orgs:action", args=["kl-thon-2", "doi-ten"]), form)
    assert refused.status_code == 403


def test_no_one_gets_another_persons_page(world):
    staff = _logged_in(world, "staff")
    outsider = _logged_in(world, "outsider")
    assert staff.get(_org_url()).status_code == 200
    assert outsider.get(_org_url()).status_code == 404
    root = _logged_in(world, "root")
    assert root.get(_org_url()).status_code == 200


def test_the_message_after_a_change_shows_once(world):
    client = _logged_in(world)
    client.get(_org_url("kl-thon-2"))  # stored before the change
    form = {"name": "Chi bộ thôn Gia Du Mới", "effective_date": today().strftime("%d/%m/%Y")}
    response = client.post(reverse("orgs:action", args=["kl-thon-2", "doi-ten"]), form)
    assert response.status_code == 302
    shown = client.get(_org_url("kl-thon-2")).content.decode()
    assert "Đã ghi việc đổi tên." in shown and "Chi bộ thôn Gia Du Mới" in shown
    assert "Đã ghi việc đổi tên." not in client.get(_org_url("kl-thon-2")).content.decode()


def test_an_ended_role_closes_the_page_at_once(world):
    client = _logged_in(world, "committee")
    assert client.get(_org_url()).status_code == 200
    grant = RoleGrant.objects.get(user=world.users["committee"])
    core_services.end_grant(
        actor=world.users["admin"], grant=grant, valid_to=today() - timedelta(days=1)
    )
    assert client.get(_org_url()).status_code == 404


def test_a_deactivated_user_is_logged_out_at_once(world):
    client = _logged_in(world, "committee")
    assert client.get(_org_url()).status_code == 200
    user = world.users["committee"]
    user.is_active = False
    user.save(update_fields=["is_active"])  # Django's admin does this; no audit entry
    response = client.get(_org_url())
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_logout_ends_the_session(world):
    client = Client()
    login = client.post(reverse("login"), {"username": "staff", "password": PASSWORD})
    assert login.status_code == 302
    assert client.get(_org_url()).status_code == 200
    cookie = client.cookies["sessionid"].value
    client.post(reverse("logout"))
    replay = Client()
    replay.cookies["sessionid"] = cookie
    response = replay.get(_org_url())
    assert response.status_code == 302 and reverse("login") in response["Location"]


# ---------------------------------------------------------------- a real Redis


@pytest.fixture
def redis_url(tmp_path):
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (.ci/run installs it)")
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 - our own argv, no shell
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    import redis

    deadline = time.monotonic() + 10
    while True:
        try:
            redis.Redis.from_url(url).ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                process.kill()
                raise
            time.sleep(0.05)
    yield url, process
    process.kill()
    process.wait()


def _caches_for(url: str) -> dict:
    env = config.Env({"DANGBO_CACHE_URL": url})
    caches = config.caches(env)
    assert not env.problems
    return caches


def test_processes_share_pages_and_sessions_through_redis(world, redis_url):
    import redis

    url, process = redis_url
    with override_settings(CACHES=_caches_for(url)):
        client = _logged_in(world)
        first = client.get(_org_url())
        assert first.status_code == 200
        keys = {k.decode() for k in redis.Redis.from_url(url).keys("*")}
        assert any(":dangbo:page:" in k for k in keys)  # the page
        assert any("django.contrib.sessions.cached_db" in k for k in keys)  # the session
        assert any(":dangbo:user:" in k for k in keys)  # who is logged in
        # The server goes away: pages are built again, never an error.
        process.kill()
        process.wait()
        again = client.get(_org_url())
        assert again.status_code == 200
        assert "Đảng bộ huyện Tam Dương" in again.content.decode()


def test_a_cache_url_that_is_not_redis_is_named():
    env = config.Env({"DANGBO_CACHE_URL": "memcached://127.0.0.1:11211"})
    caches = config.caches(env)
    assert caches["default"]["BACKEND"].endswith("LocMemCache")
    assert env.problems and env.problems[0].startswith("DANGBO_CACHE_URL")
