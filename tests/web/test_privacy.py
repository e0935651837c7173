"""Health is sensitive: nothing derived from it reaches a reader without the grant."""

from datetime import date

import pytest
from django.urls import reverse

from dangbo.core.models import AuditEntry
from dangbo.core.services import issue_token
from dangbo.members import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def ill_member(world):
    """Thirty years of party age on 01/03/2027: within a year, so a badge may come early."""
    member = services.admit_member(
        actor=None,
        org=world.org("kl-thon-1"),
        data={"full_name": "Khổng Văn Lực", "gender": "M", "date_of_birth": date(1960, 1, 1)},
        admission_decision_date=date(1997, 3, 1),
        admission_ceremony_date=date(1997, 3, 1),
    )
    services.recognise_official(actor=None, member=member, recognition_date=date(1998, 3, 1))
    member = services.update_member(actor=None, member=member, data={"severe_illness": True})
    services.exempt_member(actor=None, member=member, category="health", start=date(2025, 1, 1))
    return member


def _page(client, world, who, member):
    client.force_login(world.users[who])
    return client.get(reverse("members:detail", args=[member.pk])).content.decode()


def test_member_page_hides_health_without_the_grant(client, world, ill_member):
    page = _page(client, world, "staff", ill_member)
    assert "trao sớm" not in page and "Sức khỏe yếu" not in page
    assert "severe_illness" not in page
    assert not AuditEntry.objects.filter(action="member.sensitive_read").exists()
    page = _page(client, world, "admin", ill_member)
    assert "trao sớm" in page and "Sức khỏe yếu" in page
    assert AuditEntry.objects.filter(action="member.sensitive_read").count() == 1


def test_api_hides_health_without_the_grant(client, world, ill_member):
    def get(who, path):
        key = issue_token(actor=None, user=world.users[who], name="t")
        return client.get(
            f"/api/v1/members/{ill_member.pk}{path}", HTTP_AUTHORIZATION=f"Bearer {key}"
        ).json()

    assert get("staff", "")["summary"]["badge_due"] is None
    assert get("admin", "")["summary"]["badge_due"]["early"] is True
    staff_events = get("staff", "/timeline")
    assert "health" not in str(staff_events) and "severe_illness" not in str(staff_events)
    assert "health" in str(get("admin", "/timeline"))


@pytest.mark.parametrize("query", ["q=a%00b", "to-chuc=a%00", "q=%00%01"])
def test_control_characters_in_search_are_harmless(client, world, query):
    client.force_login(world.users["staff"])
    assert client.get(reverse("members:list") + "?" + query).status_code == 200
    assert client.get(reverse("members:export") + "?" + query).status_code == 200


def test_new_member_forms_offer_sensitive_fields_only_with_the_grant(client, world):
    for who, shown in (("staff", False), ("admin", True)):
        client.force_login(world.users[who])
        for url in (
            reverse("members:admit", args=["kl-thon-1"]),
            reverse("orgs:action", args=["kl-thon-1", "tiep-nhan"]),
        ):
            page = client.get(url).content.decode()
            assert ('name="id_number"' in page) is shown, (who, url)


def test_history_on_a_page_follows_the_audit_scope(client, world, django_user_model):
    from dangbo.core.models import RoleGrant

    services.update_member(actor=None, member=world.members["dung"], data={"occupation": "Nông"})
    narrow = django_user_model.objects.create_user("kt-hep", password="x-12345678")
    RoleGrant.objects.create(
        user=narrow, role="auditor", org=world.org("kl-thon-1"), valid_from=date(2000, 1, 1)
    )
    RoleGrant.objects.create(
        user=narrow,
        role="committee_member",
        org=world.org("tam-duong"),
        valid_from=date(2000, 1, 1),
    )
    client.force_login(narrow)
    page = client.get(reverse("members:detail", args=[world.members["dung"].pk])).content.decode()
    assert "Nhật ký thay đổi" not in page  # may view dung, may not audit kl-thon-2
    page = client.get(reverse("members:detail", args=[world.members["huong"].pk])).content.decode()
    assert "Nhật ký thay đổi" in page
