"""Entries about no organisation (the demo load, exports, API keys) reach the administrators of
the top of the tree, and nobody else (issue 12, item 12)."""

from datetime import date

import pytest
from django.urls import reverse

from dangbo.core import scope, services
from dangbo.core.models import AuditEntry, RoleGrant

pytestmark = pytest.mark.django_db

KEY_NAME = "khoa-kiem-tra-operator"


def _user(django_user_model, username, role, org):
    user = django_user_model.objects.create_user(username, password="x-12345678")
    RoleGrant.objects.create(user=user, role=role, org=org, valid_from=date(2000, 1, 1))
    return user


@pytest.fixture
def orgless(world):
    """An API key issued by the system: an entry with no organisation."""
    services.issue_token(actor=None, user=world.users["staff"], name=KEY_NAME)
    entry = AuditEntry.objects.order_by("-id").first()
    assert entry.scope_path == ""  # what this test is about
    return entry


def _page(client, user):
    client.force_login(user)
    return client.get(reverse("core:audit"))


def test_admin_of_the_top_sees_orgless_entries(
    client, world, orgless, django_user_model, django_assert_max_num_queries
):
    # vinh-phuc is the only branch under "central": nothing lies outside it but its ancestor.
    top = _user(django_user_model, "qt-tinh", "admin", world.org("vinh-phuc"))
    client.force_login(top)
    with django_assert_max_num_queries(7):  # session, user, grants, top?, count, page, names
        response = client.get(reverse("core:audit"))
    assert response.status_code == 200
    assert KEY_NAME in response.content.decode()
    assert scope.restrict(AuditEntry.objects.filter(pk=orgless.pk), top, scope.AUDIT).exists()
    root = _user(django_user_model, "qt-tw", "admin", world.org("central"))
    assert KEY_NAME in _page(client, root).content.decode()


def test_nobody_else_sees_them(client, world, orgless, django_user_model):
    # The district's administrator: vinh-tuong lies outside their subtree.
    page = _page(client, world.users["admin"])
    assert page.status_code == 200 and KEY_NAME not in page.content.decode()
    # An auditor of the top audits their subtree, not what concerns no organisation.
    auditor = _user(django_user_model, "kt-tinh", "auditor", world.org("vinh-phuc"))
    page = _page(client, auditor)
    assert page.status_code == 200 and KEY_NAME not in page.content.decode()
    # The district's organisation staff have no audit log at all.
    assert _page(client, world.users["staff"]).status_code == 404
    for user in (world.users["admin"], auditor, world.users["staff"]):
        assert not scope.restrict(
            AuditEntry.objects.filter(pk=orgless.pk), user, scope.AUDIT
        ).exists()


def test_a_second_branch_under_the_root_takes_the_top_away(client, world, django_user_model):
    """Once another province exists beside vinh-phuc, its administrator is no longer the top."""
    from dangbo.orgs import services as org_services

    top = _user(django_user_model, "qt-tinh", "admin", world.org("vinh-phuc"))
    assert scope.sees_orgless(top)
    org_services.create_org(
        actor=None,
        code="ha-noi",
        name="Đảng bộ thành phố Hà Nội",
        kind="province_committee",
        sector="territorial",
        parent=world.org("central"),
        valid_from=date(2008, 8, 1),
    )
    top = type(top).objects.get(pk=top.pk)  # a new request: no cached grants
    assert not scope.sees_orgless(top)
