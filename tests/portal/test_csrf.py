"""A cross-site or replayed post to a public form is refused in the portal's own page
(never the intranet's layout, whose addresses the portal's host does not have) and nothing
is stored."""

import pytest
from django.test import Client

from dangbo.portal.models import Comment, Submission

pytestmark = pytest.mark.django_db


def test_a_post_without_a_token_gets_the_portals_refusal(published):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        f"/cong-thong-tin/bai-viet/{published.slug}/",
        {"name": "A", "email": "a@example.org", "text": "x", "consent": "on"},
    )
    html = response.content.decode()
    assert response.status_code == 403
    assert "Biểu mẫu đã hết hạn" in html and "Đăng xuất" not in html
    assert 'href="/dang-nhap/' not in html
    assert not Comment.objects.exists() and not Submission.objects.exists()


def test_on_the_portals_own_host_too(published, settings):
    settings.ROOT_URLCONF = "dangbo.portal.host_urls"
    response = Client(enforce_csrf_checks=True).post("/tra-cuu/", {"code": "PA-0000-0000"})
    assert response.status_code == 403 and "Biểu mẫu đã hết hạn" in response.content.decode()
