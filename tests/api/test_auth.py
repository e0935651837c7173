"""Health, schema, docs page and bearer-token authentication."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dangbo.core.models import ApiToken, AuditEntry
from dangbo.core.services import issue_token, revoke_token

from .conftest import API

pytestmark = pytest.mark.django_db

UNAUTH = "Cần đăng nhập (thiếu hoặc sai khóa API)."


@pytest.fixture
def public_docs(settings):
    """The schema and the Swagger page for everyone (off by default: tests/core/
    test_login_throttle.py checks who sees them then)."""
    settings.DANGBO_API_DOCS_PUBLIC = True


def test_health_needs_no_token(client):
    response = client.get(f"{API}/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_openapi_schema_is_public_and_lists_the_endpoints(client, public_docs):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    for path in (
        "/api/v1/orgs/",
        "/api/v1/orgs/{code}",
        "/api/v1/orgs/{code}/stats",
        "/api/v1/orgs/{code}/reparent",
        "/api/v1/members/",
        "/api/v1/members/{id}",
        "/api/v1/members/{id}/recognise",
        "/api/v1/members/{id}/badges",
    ):
        assert path in paths
    assert schema["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"


def test_openapi_schema_is_valid(client, public_docs):
    validator = pytest.importorskip("openapi_spec_validator")
    validator.validate(client.get(f"{API}/openapi.json").json())


def test_docs_page_works_under_csp_without_cdn(client, public_docs):
    response = client.get(f"{API}/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "cdn" not in html.lower() and "https://" not in html
    # Only external same-origin scripts and a JSON data block: nothing the CSP blocks.
    import re

    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert client.get("/static/ninja/swagger-ui-init.js").status_code == 200


@pytest.mark.parametrize(
    "header",
    [None, "Bearer", "Bearer nope", "Token abc", "Basic dXNlcjpwYXNz", "Bearer " + "x" * 5000],
)
def test_missing_or_bad_token_is_401_in_vietnamese(api, header):
    extra = {"HTTP_AUTHORIZATION": header} if header is not None else {}
    response = api.client.get(f"{API}/orgs/", **extra)
    assert response.status_code == 401
    assert response.json() == {"detail": UNAUTH}
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_auth_is_checked_before_the_body(api):
    response = api.post(None, "/members/1/recognise", raw="garbage")
    assert response.status_code == 401


def test_revoked_token_is_401(api, world):
    key = issue_token(actor=None, user=world.users["staff"], name="tạm")
    assert api.get(key, "/orgs/").status_code == 200
    token = ApiToken.objects.get(key_hash=ApiToken.hash_key(key))
    revoke_token(actor=world.users["root"], token_id=token.pk)
    response = api.get(key, "/orgs/")
    assert response.status_code == 401
    assert response.json()["detail"] == UNAUTH


def test_inactive_user_token_is_401(api, world):
    user = world.users["staff"]
    user.is_active = False
    user.save()
    assert api.get("staff", "/orgs/").status_code == 401


def test_tokens_are_stored_hashed_and_audited(world):
    key = issue_token(actor=world.users["root"], user=world.users["staff"], name="máy in")
    token = ApiToken.objects.get(prefix=key[:8])
    assert token.key_hash == ApiToken.hash_key(key) and key not in token.key_hash
    assert len(key) >= 40
    entry = AuditEntry.objects.filter(action="api.token_issued").last()
    assert entry.actor == world.users["root"] and key not in entry.summary
    revoke_token(actor=world.users["root"], token_id=token.pk)
    assert AuditEntry.objects.filter(action="api.token_revoked", object_id=str(token.pk)).exists()
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        revoke_token(actor=None, token_id=token.pk)
    with pytest.raises(ValidationError):
        issue_token(actor=None, user=world.users["staff"], name="  ")


def test_last_used_is_recorded(api, world):
    api.get("staff", "/orgs/")
    assert ApiToken.objects.get(name="test staff").last_used_at is not None


def test_token_command_create_list_revoke(world, api):
    out = io.StringIO()
    call_command("token", "create", "staff", "--name", "báo cáo", stdout=out, stderr=io.StringIO())
    key = out.getvalue().strip()
    assert api.get(key, "/orgs/").status_code == 200
    token = ApiToken.objects.get(key_hash=ApiToken.hash_key(key))
    listing = io.StringIO()
    call_command("token", "list", stdout=listing)
    assert token.prefix in listing.getvalue() and key not in listing.getvalue()
    call_command("token", "revoke", str(token.pk), stdout=io.StringIO())
    assert api.get(key, "/orgs/").status_code == 401
    with pytest.raises(CommandError, match="thu hồi"):
        call_command("token", "revoke", str(token.pk), stdout=io.StringIO())
    with pytest.raises(CommandError, match="Không có người dùng"):
        call_command("token", "create", "ghost", stdout=io.StringIO())


def test_token_clients_need_no_csrf_cookie(api, world):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        f"{API}/orgs/kim-long/rename",
        data={"name": "Đảng bộ xã Kim Long mới", "effective_date": "2020-01-01"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api.keys['staff']}",
    )
    assert response.status_code == 200, response.content


def test_session_login_alone_does_not_open_the_api(api, world):
    """A browser session is not an API credential: no cookie-borne writes (and no CSRF hole)."""
    from django.test import Client

    browser = Client()
    browser.force_login(world.users["staff"])
    assert browser.get(f"{API}/orgs/").status_code == 401
