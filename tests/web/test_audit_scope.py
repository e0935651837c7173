"""The audit log answers to the same scope as everything else."""

from datetime import date

import pytest
from django.urls import reverse

from dangbo.core.models import RoleGrant
from dangbo.members import services

pytestmark = pytest.mark.django_db


def _log(client, user):
    client.force_login(user)
    return client.get(reverse("core:audit"))


def test_auditor_sees_the_entries_of_their_subtree_only(client, world, django_user_model):
    services.update_member(
        actor=None, member=world.members["dung"], data={"occupation": "Nông dân"}
    )
    services.update_member(
        actor=None, member=world.members["tien"], data={"occupation": "Giáo viên"}
    )
    page = _log(client, world.users["auditor"]).content.decode()  # auditor on tam-duong
    assert "Phạm Thị Dung" in page and "Hoàng Minh Tiến" not in page
    cell_auditor = django_user_model.objects.create_user("kt-thon", password="x-12345678")
    RoleGrant.objects.create(
        user=cell_auditor, role="auditor", org=world.org("kl-thon-1"), valid_from=date(2000, 1, 1)
    )
    page = _log(client, cell_auditor).content.decode()
    assert "Nguyễn Thị Hương" in page and "Phạm Thị Dung" not in page  # dung is in kl-thon-2
    assert "Hoàng Minh Tiến" in _log(client, world.users["root"]).content.decode()


@pytest.mark.parametrize("who", ["staff", "committee", "secretary", "member", "nobody"])
def test_no_audit_log_without_the_audit_action(client, world, who):
    assert _log(client, world.users[who]).status_code == 404


def test_django_admin_cannot_change_users(client, world, settings):
    settings.DANGBO_ADMIN = True  # off by default: /quan-tri/ is then a 404
    client.force_login(world.users["root"])
    staff = world.users["staff"]
    url = f"/quan-tri/auth/user/{staff.pk}/change/"
    assert client.get(url).status_code == 200  # read-only view
    response = client.post(url, {"username": "hacked", "is_superuser": "on"})
    assert response.status_code == 403
    staff.refresh_from_db()
    assert staff.username == "staff" and not staff.is_superuser
    assert client.get("/quan-tri/auth/user/add/").status_code == 403
    assert client.get("/quan-tri/auth/group/").status_code == 404
