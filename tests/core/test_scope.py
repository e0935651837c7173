"""Scoping: which organisations and members each role may see and act on."""

from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from dangbo.core import scope
from dangbo.core.dates import today
from dangbo.core.models import RoleGrant
from dangbo.members.models import Member
from dangbo.orgs.models import Organisation

TAM_DUONG_ORGS = {
    "tam-duong",
    "kim-long",
    "kl-thon-1",
    "kl-thon-2",
    "hop-hoa",
    "hh-tdp-1",
    "cb-toa-an",
}
TAM_DUONG_MEMBERS = {"huong", "an", "binh", "dung", "hoa", "khanh"}
ALL_ORGS = TAM_DUONG_ORGS | {"central", "vinh-phuc", "vinh-tuong", "vt-xa", "vt-thon"}
ALL_MEMBERS = TAM_DUONG_MEMBERS | {"tien"}
KL1_MEMBERS = {"huong", "an", "binh"}


def _fresh(user):
    """A new user object: grants are cached per object."""
    return get_user_model().objects.get(pk=user.pk)


def visible_orgs(user, action=scope.VIEW):
    return set(
        scope.restrict(Organisation.objects.all(), _fresh(user), action).values_list(
            "code", flat=True
        )
    )


def visible_members(world, user, action=scope.VIEW):
    ids = set(
        scope.restrict(Member.objects.all(), _fresh(user), action).values_list("pk", flat=True)
    )
    return {k for k, m in world.members.items() if m.pk in ids}


@pytest.mark.parametrize("username", ["admin", "staff", "committee", "auditor"])
def test_district_roles_see_their_subtree_only(world, username):
    user = world.users[username]
    assert visible_orgs(user) == TAM_DUONG_ORGS
    assert visible_members(world, user) == TAM_DUONG_MEMBERS


def test_secretary_sees_own_cell(world):
    assert visible_orgs(world.users["secretary"]) == {"kl-thon-1"}
    assert visible_members(world, world.users["secretary"]) == KL1_MEMBERS


def test_sensitive_staff_and_outsider(world):
    assert visible_orgs(world.users["sensitive_staff"]) == {"kim-long", "kl-thon-1", "kl-thon-2"}
    assert visible_members(world, world.users["sensitive_staff"]) == KL1_MEMBERS | {"dung"}
    assert visible_orgs(world.users["outsider"]) == {"vinh-tuong", "vt-xa", "vt-thon"}
    assert visible_members(world, world.users["outsider"]) == {"tien"}


def test_member_role_sees_only_own_record(world):
    user = world.users["member"]
    assert visible_orgs(user) == set()
    assert visible_members(world, user) == {"huong"}
    for action in (scope.CHANGE, scope.EXPORT, scope.AUDIT):
        assert visible_members(world, user, action) == set()


def test_nobody_and_anonymous_see_nothing(world):
    for user in (world.users["nobody"],):
        for action in (scope.VIEW, scope.CHANGE, scope.EXPORT, scope.AUDIT):
            assert visible_orgs(user, action) == set()
            assert visible_members(world, user, action) == set()
    anon = AnonymousUser()
    assert not scope.restrict(Organisation.objects.all(), anon).exists()
    assert not scope.restrict(Member.objects.all(), anon).exists()
    assert not scope.can_view_sensitive(anon, world.members["huong"])


def test_superuser_sees_everything(world):
    root = world.users["root"]
    for action in (scope.VIEW, scope.CHANGE, scope.EXPORT, scope.AUDIT):
        assert visible_orgs(root, action) == ALL_ORGS
        assert visible_members(world, root, action) == ALL_MEMBERS


@pytest.mark.parametrize(
    ("username", "change", "export", "audit"),
    [
        ("admin", True, True, True),
        ("staff", True, True, False),
        ("committee", False, True, False),
        ("secretary", False, True, False),
        ("auditor", False, True, True),
        ("member", False, False, False),
        ("nobody", False, False, False),
    ],
)
def test_actions_per_role(world, username, change, export, audit):
    user = world.users[username]
    cell = world.org("kl-thon-1")
    huong = world.members["huong"]
    for action, allowed in ((scope.CHANGE, change), (scope.EXPORT, export), (scope.AUDIT, audit)):
        assert scope.can(_fresh(user), action, cell) is allowed
        assert scope.can(_fresh(user), action, huong) is allowed
        assert scope.has_any(_fresh(user), action) is allowed
        # Never beyond the subtree, whatever the action.
        assert scope.can(_fresh(user), action, world.members["tien"]) is False


def test_get_or_404(world):
    staff = _fresh(world.users["staff"])
    qs = Member.objects.all()
    assert scope.get_or_404(qs, staff, pk=world.members["hoa"].pk) == world.members["hoa"]
    with pytest.raises(Http404):
        scope.get_or_404(qs, staff, pk=world.members["tien"].pk)
    with pytest.raises(Http404):
        scope.get_or_404(qs, staff, pk=-1)
    with pytest.raises(Http404):
        scope.get_or_404(Organisation.objects.all(), staff, code="vinh-phuc")
    with pytest.raises(Http404):
        scope.get_or_404(
            qs, _fresh(world.users["committee"]), scope.CHANGE, pk=world.members["hoa"].pk
        )


def test_restrict_refuses_unscoped_models(world):
    with pytest.raises(TypeError):
        scope.restrict(RoleGrant.objects.all(), world.users["admin"])


@pytest.mark.parametrize(
    ("username", "member", "allowed"),
    [
        ("admin", "huong", True),
        ("admin", "tien", False),
        ("staff", "huong", False),  # no explicit grant
        ("committee", "huong", False),
        ("sensitive_staff", "dung", True),
        ("sensitive_staff", "hoa", False),  # sibling commune
        ("outsider", "tien", True),
        ("outsider", "huong", False),
        ("member", "huong", False),  # even one's own record needs a grant
        ("nobody", "huong", False),
        ("root", "tien", True),
    ],
)
def test_can_view_sensitive(world, username, member, allowed):
    assert scope.can_view_sensitive(_fresh(world.users[username]), world.members[member]) is allowed


def test_member_role_grant_with_sensitive_flag_does_not_count(world):
    user = world.users["member"]
    RoleGrant.objects.filter(user=user).update(can_view_sensitive=True)
    assert not scope.can_view_sensitive(_fresh(user), world.members["huong"])


def _user_with_grant(name, world, **grant):
    user = get_user_model().objects.create_user(name, password="x")
    RoleGrant.objects.create(user=user, org=world.org("tam-duong"), **grant)
    return _fresh(user)


def test_expired_and_future_grants_do_not_count(world):
    day = today()
    expired = _user_with_grant(
        "old",
        world,
        role="admin",
        can_view_sensitive=True,
        valid_from=date(2010, 1, 1),
        valid_to=day - timedelta(days=1),
    )
    future = _user_with_grant(
        "new", world, role="admin", can_view_sensitive=True, valid_from=day + timedelta(days=1)
    )
    current = _user_with_grant(
        "now",
        world,
        role="admin",
        can_view_sensitive=True,
        valid_from=day,
        valid_to=day,
    )
    huong = world.members["huong"]
    for user in (expired, future):
        assert visible_orgs(user) == set()
        assert not scope.can_view_sensitive(user, huong)
        assert not scope.has_any(user, scope.VIEW)
    assert visible_orgs(current) == TAM_DUONG_ORGS
    assert scope.can_view_sensitive(current, huong)


def test_subtree_range_does_not_leak_to_prefix_sibling(world):
    """A sibling whose id starts with the granted org's id ('…3.' vs '…37.') is outside."""
    tam, vp = world.org("tam-duong"), world.org("vinh-phuc")
    taken = set(Organisation.objects.values_list("pk", flat=True))
    pk = next(int(f"{tam.pk}{n}") for n in range(10, 100) if int(f"{tam.pk}{n}") not in taken)
    twin = Organisation.objects.create(
        pk=pk,
        code="twin",
        name="Đảng bộ huyện Sinh Đôi",
        kind="district_committee",
        sector="territorial",
        parent=vp,
        valid_from=date(2000, 1, 1),
        path=f"{vp.path}{pk}.",
        depth=vp.depth + 1,
    )
    cell_pk = pk + 1 if pk + 1 not in taken else pk + 2
    twin_cell = Organisation.objects.create(
        pk=cell_pk,
        code="twin-cell",
        name="Chi bộ Sinh Đôi",
        kind="grassroots_cell",
        sector="agency",
        parent=twin,
        valid_from=date(2000, 1, 1),
        path=f"{twin.path}{cell_pk}.",
        depth=twin.depth + 1,
    )
    assert twin.path.startswith(tam.path[:-1])  # the shared textual prefix
    tien = world.members["tien"]
    Member.objects.filter(pk=tien.pk).update(org=twin_cell)
    tien.refresh_from_db()
    admin = world.users["admin"]
    assert "twin" not in visible_orgs(admin) and "twin-cell" not in visible_orgs(admin)
    assert "tien" not in visible_members(world, admin)
    assert not scope.can_view_sensitive(_fresh(admin), tien)
    # …while the twin's own subtree range does cover it.
    root_like = _user_with_grant("twinadmin", world, role="admin", can_view_sensitive=True)
    RoleGrant.objects.filter(user=root_like).update(org=twin)
    assert visible_orgs(root_like) == {"twin", "twin-cell"}
    assert scope.can_view_sensitive(_fresh(root_like), tien)
