"""Logins resist guessing (issue 11): growing delays and lockouts per account and per address on
the login page, Django's admin and the API's keys; refused attempts hash nothing; the login log
and the lifting of a lockout are for administrators only; no password is ever written down.
Also the smaller surface (admin off, API docs private) and Cache-Control on personal data.

Time moves by editing the attempts' timestamps (``_age``), never by sleeping."""

import logging
from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.hashers import MD5PasswordHasher
from django.db.models import F
from django.test import Client, RequestFactory
from django.urls import reverse

from dangbo.core.middleware import client_ip
from dangbo.core.models import AuditEntry
from dangbo.core.services import issue_token

pytestmark = pytest.mark.django_db

PASSWORD = "pw-test-123"  # the world's (tests/conftest.py)
WRONG = "Sai-Mat-Khau-7f3Q"  # must never appear in any log
LOGIN = "/dang-nhap/"
ADMIN_LOGIN = "/quan-tri/login/"
API = "/api/v1"
STEP = timedelta(seconds=61)  # past the longest delay, well inside the 30-minute cool-off


class CountingHasher(MD5PasswordHasher):
    """The world's MD5 hasher, counting every password it hashes or checks."""

    calls = 0

    def encode(self, password, salt):
        CountingHasher.calls += 1
        return super().encode(password, salt)


@pytest.fixture
def hasher(settings):
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    CountingHasher.calls = 0
    return CountingHasher


def _age(delta: timedelta = STEP) -> None:
    """Move every recorded failure ``delta`` into the past."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - delta)


def _post(client, username, password, url=LOGIN, ip="127.0.0.1"):
    data = {"username": username, "password": password}
    if url == ADMIN_LOGIN:
        data["next"] = "/quan-tri/"
    return client.post(url, data, REMOTE_ADDR=ip)


def _fail(client, username, times, url=LOGIN, ip="127.0.0.1"):
    """``times`` wrong passwords, each after the previous one's delay: the last answer."""
    response = None
    for _ in range(times):
        response = _post(client, username, WRONG, url, ip)
        _age()
    return response


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def _locked_text(response) -> str:
    return response.content.decode()


# ---- the login page ---------------------------------------------------------------------------


def test_wrong_passwords_then_lockout_refuses_the_right_one(client, world, settings):
    for _ in range(settings.DANGBO_LOGIN_FAILURE_LIMIT - 1):
        response = _post(client, "staff", WRONG)
        assert response.status_code == 200  # the form's own error, not a lockout
        _age()
    response = _post(client, "staff", WRONG)
    assert response.status_code == 429
    page = _locked_text(response)
    assert "tạm thời bị khóa" in page and "thử lại sau" in page
    assert "liên hệ quản trị viên" in page
    assert 0 < int(response["Retry-After"]) <= 30 * 60
    response = _post(client, "staff", PASSWORD)
    assert response.status_code == 429 and not _logged_in(client)
    # Another account from the same address is not held back by this account's lock.
    _age()
    assert _post(client, "admin", PASSWORD).status_code == 302 and _logged_in(client)


def test_delays_grow_and_a_refused_attempt_is_not_counted(client, world):
    for _ in range(3):
        assert _post(client, "staff", WRONG).status_code == 200
    response = _post(client, "staff", PASSWORD)  # too soon after the third failure
    assert response.status_code == 429 and not _logged_in(client)
    assert "vui lòng đợi 1 giây" in _locked_text(response)
    assert AccessAttempt.objects.get(username="staff").failures_since_start == 3
    _age(timedelta(seconds=1))
    assert _post(client, "staff", WRONG).status_code == 200  # fourth: waits 2 s now
    _age(timedelta(seconds=1))
    assert "vui lòng đợi 1 giây" in _locked_text(_post(client, "staff", PASSWORD))
    _age(timedelta(seconds=1))
    assert _post(client, "staff", PASSWORD).status_code == 302 and _logged_in(client)
    # The account's counter goes with a login; the address's history stays in the log.
    assert not AccessAttempt.objects.filter(username="staff").exists()
    assert AccessFailureLog.objects.filter(username="staff").count() == 4


def test_an_account_is_locked_whatever_the_address(client, world, settings):
    for n in range(settings.DANGBO_LOGIN_FAILURE_LIMIT):
        _fail(client, "staff", 1, ip=f"192.0.2.{n + 1}")
    response = _post(client, "staff", PASSWORD, ip="198.51.100.7")
    assert response.status_code == 429 and not _logged_in(client)


def test_an_address_is_locked_whatever_the_account(client, world, settings):
    for n in range(settings.DANGBO_LOGIN_IP_FAILURE_LIMIT):
        _fail(client, f"guess{n}", 1, ip="192.0.2.9")
    response = _post(client, "staff", PASSWORD, ip="192.0.2.9")
    assert response.status_code == 429 and not _logged_in(client)
    assert _post(client, "staff", PASSWORD, ip="192.0.2.10").status_code == 302


def test_refused_attempts_do_not_hash_a_password(client, world, settings, hasher):
    limit = settings.DANGBO_LOGIN_FAILURE_LIMIT
    _fail(client, "staff", limit)
    assert hasher.calls == limit  # one check per attempt that was let through
    for password in (WRONG, PASSWORD, WRONG):
        assert _post(client, "staff", password).status_code == 429
    assert hasher.calls == limit
    # An unknown account costs one hashing too (timing), then nothing once the address is held.
    _post(client, "nobody-at-all", WRONG, ip="192.0.2.50")
    assert hasher.calls == limit + 1


def test_lockout_lifts_with_time(client, world, settings):
    _fail(client, "staff", settings.DANGBO_LOGIN_FAILURE_LIMIT)
    assert _post(client, "staff", PASSWORD).status_code == 429
    _age(settings.AXES_COOLOFF_TIME)
    assert _post(client, "staff", PASSWORD).status_code == 302 and _logged_in(client)


def test_without_cool_off_only_an_administrator_lifts_it(client, world, settings):
    settings.AXES_COOLOFF_TIME = None
    _fail(client, "staff", settings.DANGBO_LOGIN_FAILURE_LIMIT)
    _age(timedelta(days=30))
    response = _post(client, "staff", PASSWORD)
    assert response.status_code == 429 and "Retry-After" not in response
    assert "liên hệ quản trị viên" in _locked_text(response)


# ---- Django's admin -----------------------------------------------------------------------------


def test_admin_is_off_by_default(client, world):
    assert client.get("/quan-tri/").status_code == 404
    assert client.get(ADMIN_LOGIN).status_code == 404
    assert _post(client, "root", PASSWORD, ADMIN_LOGIN).status_code == 404
    client.force_login(world.users["root"])
    assert client.get("/quan-tri/").status_code == 404


def test_admin_login_is_throttled_when_on(client, world, settings):
    settings.DANGBO_ADMIN = True
    world.users["root"].is_staff = True
    world.users["root"].save()
    assert client.get(ADMIN_LOGIN).status_code == 200
    response = _fail(client, "root", settings.DANGBO_LOGIN_FAILURE_LIMIT, ADMIN_LOGIN)
    assert response.status_code == 429 and "tạm thời bị khóa" in _locked_text(response)
    response = _post(client, "root", PASSWORD, ADMIN_LOGIN)
    assert response.status_code == 429 and not _logged_in(client)
    # The same account's lock holds on the login page too.
    assert _post(client, "root", PASSWORD).status_code == 429


# ---- API keys -----------------------------------------------------------------------------------


def _key_get(client, key, ip="127.0.0.1"):
    return client.get(f"{API}/orgs/", HTTP_AUTHORIZATION=f"Bearer {key}", REMOTE_ADDR=ip)


def test_wrong_api_keys_lock_the_address(client, world, settings):
    good = issue_token(actor=None, user=world.users["admin"], name="t")
    for n in range(settings.DANGBO_LOGIN_IP_FAILURE_LIMIT - 1):
        assert _key_get(client, f"wrong-key-{n}").status_code == 401
        _age()
    response = _key_get(client, "wrong-key-last")
    assert response.status_code == 429
    assert "tạm thời bị khóa" in response.json()["detail"]
    assert int(response["Retry-After"]) > 0
    response = _key_get(client, good)  # a valid key from the locked address
    assert response.status_code == 429 and "liên hệ quản trị viên" in response.json()["detail"]
    assert _key_get(client, good, ip="192.0.2.77").status_code == 200
    _age(settings.AXES_COOLOFF_TIME)
    assert _key_get(client, good).status_code == 200


def test_api_key_delay_answers_429_in_vietnamese(client, world, settings):
    allowed = settings.DANGBO_LOGIN_IP_FAILURE_LIMIT // 2 + 1  # an address's delays start later
    for n in range(allowed):
        assert _key_get(client, f"wrong-{n}").status_code == 401
    response = _key_get(client, "wrong-last")
    assert response.status_code == 429
    assert response.json() == {
        "detail": "Nhập sai nhiều lần liên tiếp: vui lòng đợi 1 giây rồi thử lại."
    }
    assert AccessAttempt.objects.get().failures_since_start == allowed  # refusal not counted


def test_no_key_at_all_is_not_a_failure(client, world):
    for _ in range(5):
        assert client.get(f"{API}/orgs/").status_code == 401
    assert not AccessAttempt.objects.exists()


# ---- the login log and lifting a lockout --------------------------------------------------------

LOG = reverse("accounts:logins")
LIFT = reverse("accounts:lift_lockout")


@pytest.mark.parametrize(
    ("who", "status"),
    [("root", 200), ("admin", 200), ("staff", 404), ("secretary", 404), ("member", 404)],
)
def test_login_log_is_for_administrators(client, world, who, status):
    _fail(Client(), "staff", 2)
    client.force_login(world.users[who])
    response = client.get(LOG)
    assert response.status_code == status
    if status == 200:
        page = response.content.decode()
        assert "staff" in page and "Mở khóa" in page


def test_login_log_needs_a_login(client, world):
    response = client.get(LOG)
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_a_subtree_administrator_sees_only_their_accounts(client, world):
    _fail(Client(), "outsider", 1)  # a vinh-tuong account: outside admin's tam-duong
    _fail(Client(), "staff", 1)
    _fail(Client(), "no-such-account", 1)
    client.force_login(world.users["admin"])
    page = client.get(LOG).content.decode()
    assert "staff" in page and "no-such-account" in page and "outsider" not in page
    client.force_login(world.users["root"])
    assert "outsider" in client.get(LOG).content.decode()


@pytest.mark.parametrize("who", ["staff", "secretary", "member", "nobody"])
def test_only_administrators_lift_a_lockout(client, world, settings, who):
    _fail(Client(), "committee", settings.DANGBO_LOGIN_FAILURE_LIMIT)
    audits = AuditEntry.objects.count()
    client.force_login(world.users[who])
    for kind, value in (("username", "committee"), ("ip_address", "127.0.0.1")):
        assert client.post(LIFT, {"kind": kind, "value": value}).status_code == 404
    assert AccessAttempt.objects.filter(username="committee").exists()
    assert AuditEntry.objects.count() == audits


def test_administrator_lifts_an_account_lockout_audited(world, settings):
    _fail(Client(), "staff", settings.DANGBO_LOGIN_FAILURE_LIMIT)
    manager = Client(enforce_csrf_checks=True)
    manager.force_login(world.users["admin"])
    assert manager.post(LIFT, {"kind": "username", "value": "staff"}).status_code == 403
    page = manager.get(LOG)
    token = page.context["csrf_token"]
    response = manager.post(
        LIFT, {"kind": "username", "value": "staff", "csrfmiddlewaretoken": str(token)}
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.order_by("-id").first()
    assert entry.action == "login.lockout_lifted" and entry.actor == world.users["admin"]
    assert entry.object_id == "staff"
    person = Client()
    assert _post(person, "staff", PASSWORD).status_code == 302 and _logged_in(person)


def test_administrator_lifts_an_address_lockout(client, world, settings):
    for n in range(settings.DANGBO_LOGIN_IP_FAILURE_LIMIT):
        _fail(Client(), f"guess{n}", 1, ip="192.0.2.9")
    assert _post(Client(), "staff", PASSWORD, ip="192.0.2.9").status_code == 429
    client.force_login(world.users["admin"])
    assert client.post(LIFT, {"kind": "ip_address", "value": "192.0.2.9"}).status_code == 302
    assert _post(Client(), "staff", PASSWORD, ip="192.0.2.9").status_code == 302
    response = client.post(LIFT, {"kind": "ip_address", "value": "not-an-ip"}, follow=True)
    assert "Địa chỉ IP" in response.content.decode()  # a message naming the field, no 500


def test_no_password_is_written_anywhere(client, world, settings, caplog):
    caplog.set_level(logging.INFO)
    admin_client = Client()
    settings.DANGBO_ADMIN = True
    _fail(client, "staff", settings.DANGBO_LOGIN_FAILURE_LIMIT + 2)
    _fail(client, "root", 2, ADMIN_LOGIN)
    _post(client, "admin", PASSWORD)
    admin_client.force_login(world.users["admin"])
    admin_client.post(LIFT, {"kind": "username", "value": "staff"})
    assert "login failed: user='staff'" in caplog.text
    assert "login ok: user='admin'" in caplog.text
    assert "login locked" in caplog.text
    for secret in (WRONG, PASSWORD):
        assert secret not in caplog.text
        for model in (AccessAttempt, AccessFailureLog, AccessLog, AuditEntry):
            for row in model.objects.values():
                assert secret not in repr(row), (model.__name__, row)
    assert AccessLog.objects.filter(username="admin").exists()
    assert AccessFailureLog.objects.filter(username="staff", locked_out=True).exists()


# ---- the client's address -----------------------------------------------------------------------


def test_forwarded_header_is_ignored_unless_a_proxy_is_configured(settings):
    factory = RequestFactory()
    request = factory.get("/", REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert client_ip(request) == "10.1.1.1"
    settings.DANGBO_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.5"
    spoofed = factory.get("/", REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.5")
    assert client_ip(spoofed) == "203.0.113.5"  # the client's own entry is never read
    assert client_ip(factory.get("/", REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="junk")) == (
        "10.1.1.1"
    )


def test_a_forged_header_does_not_escape_the_address_lock(client, world, settings):
    for n in range(settings.DANGBO_LOGIN_IP_FAILURE_LIMIT):
        client.post(
            LOGIN,
            {"username": f"guess{n}", "password": WRONG},
            REMOTE_ADDR="192.0.2.9",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        )
        _age()
    assert _post(client, "staff", PASSWORD, ip="192.0.2.9").status_code == 429


# ---- a smaller surface: the API's docs ----------------------------------------------------------


@pytest.mark.parametrize("url", [f"{API}/docs", f"{API}/openapi.json"])
def test_api_docs_need_a_session_or_a_key(client, world, url):
    assert client.get(url).status_code == 404
    assert client.get(url, HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    key = issue_token(actor=None, user=world.users["member"], name="t")
    assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
    client.force_login(world.users["member"])
    assert client.get(url).status_code == 200


def test_api_docs_public_by_setting(client, world, settings):
    settings.DANGBO_API_DOCS_PUBLIC = True
    assert client.get(f"{API}/docs").status_code == 200
    assert client.get(f"{API}/openapi.json").status_code == 200


# ---- Cache-Control on personal data -------------------------------------------------------------


def test_personal_pages_downloads_and_api_are_not_cached(client, world):
    anonymous = client.get(f"{API}/health")
    assert anonymous.status_code == 200 and "no-store" not in anonymous.get("Cache-Control", "")
    client.force_login(world.users["staff"])
    page = client.get(reverse("orgs:tree"))
    assert page.status_code == 200 and page["Cache-Control"] == "no-store, private"
    export = client.get(reverse("members:export_xlsx"))
    assert export.status_code == 200 and export["Cache-Control"] == "no-store, private"
    assert "attachment" in export["Content-Disposition"]
    key = issue_token(actor=None, user=world.users["staff"], name="t")
    answer = Client().get(f"{API}/orgs/", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert answer.status_code == 200 and answer["Cache-Control"] == "no-store, private"
    static = Client().get("/static/ninja/swagger-ui-init.js")
    assert static.status_code == 200 and "no-store" not in static.get("Cache-Control", "")
