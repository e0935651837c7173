"""Picking a member by name: the type-ahead endpoint (scope, shape, query count), the form
field that resolves what a person typed, and the one ranking rule the member list shares
(whole words, typed accents respected, exact full name first, active members by default)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dangbo.core import scope
from dangbo.members import fields, queries
from dangbo.members.models import Member
from tests.conftest import _member

pytestmark = pytest.mark.django_db


@pytest.fixture
def names(world):
    """Names that look alike folded: the ranking has something to get wrong."""
    for key, name in [
        ("phuong", "Nguyễn Thị Phương"),
        ("phuong2", "Trần Thị Phượng"),
        ("lan", "Lê Văn Lan"),
        ("lan2", "Lê Văn Lân"),
        ("huong_an", "Nguyễn Thị Hương An"),
        ("an2", "Trần Văn An"),
    ]:
        _member(world, key, "kl-thon-2", name)
    return world


def _names(qs) -> list[str]:
    return [m.full_name for m in qs]


def test_whole_words_never_inside_a_word(names):
    found = _names(queries.search(Member.objects.all(), "huong"))
    assert "Nguyễn Thị Hương" in found and "Nguyễn Thị Hương An" in found
    assert "Nguyễn Thị Phương" not in found and "Trần Thị Phượng" not in found
    # The start of a word is enough only in type-ahead.
    assert _names(queries.search(Member.objects.all(), "huon")) == []
    assert "Nguyễn Thị Hương" in _names(queries.search(Member.objects.all(), "huon", prefix=True))
    assert "Nguyễn Thị Phương" not in _names(
        queries.search(Member.objects.all(), "huon", prefix=True)
    )


def test_a_typed_accent_ranks_first_and_no_accent_matches_both(names):
    ranked = _names(queries.ordered(queries.search(Member.objects.all(), "Lân")))
    assert ranked[:2] == ["Lê Văn Lân", "Lê Văn Lan"]
    plain = _names(queries.ordered(queries.search(Member.objects.all(), "lan")))
    assert set(plain) == {"Lê Văn Lan", "Lê Văn Lân"}
    assert _names(queries.ordered(queries.search(Member.objects.all(), "le van lan")))[0] == (
        "Lê Văn Lan"  # exact full name, folded
    )


def test_exact_full_name_first(names):
    # Alphabetically "Hương An" (given name An) comes first; the exact name wins.
    ranked = _names(queries.ordered(queries.search(Member.objects.all(), "nguyen thi huong")))
    assert ranked == ["Nguyễn Thị Hương", "Nguyễn Thị Hương An"]


def test_member_list_defaults_to_active(client, world):
    Member.objects.filter(pk=world.members["dung"].pk).update(status="deceased")
    client.force_login(world.users["staff"])
    page = client.get(reverse("members:list")).content.decode()
    assert "Trần Văn An" in page and "Phạm Thị Dung" not in page
    everyone = client.get(reverse("members:list"), {"tinh-trang": "tat-ca"}).content.decode()
    assert "Phạm Thị Dung" in everyone
    dead = client.get(reverse("members:list"), {"tinh-trang": "deceased"}).content.decode()
    assert "Phạm Thị Dung" in dead and "Trần Văn An" not in dead


def test_member_list_organisation_by_name(client, world):
    client.force_login(world.users["staff"])
    page = client.get(reverse("members:list"), {"to-chuc": "gia du"}).content.decode()
    assert "Phạm Thị Dung" in page and "Trần Văn An" not in page
    assert 'value="Chi bộ thôn Gia Du (Đảng bộ xã Kim Long)"' in page
    old_link = client.get(reverse("members:list"), {"to-chuc": "kl-thon-2"}).content.decode()
    assert "Phạm Thị Dung" in old_link and "Trần Văn An" not in old_link
    outside = client.get(reverse("members:list"), {"to-chuc": "bao son"}).content.decode()
    assert "không tìm thấy tổ chức “bao son”" in outside and "Hoàng Minh Tiến" not in outside


def test_member_list_query_count(client, world, django_assert_max_num_queries):
    client.force_login(world.users["staff"])
    for params in ({}, {"q": "huong"}, {"q": "Lân", "to-chuc": "kim long"}):
        with django_assert_max_num_queries(8):
            assert client.get(reverse("members:list"), params).status_code == 200


# ---- the endpoint --------------------------------------------------------------------------

# (role, typed, expected names) — the fixture's grants: secretary on kl-thon-1, staff and
# committee on tam-duong, sensitive_staff on kim-long, outsider on vinh-tuong.
SCOPED = [
    ("staff", "dung", ["Phạm Thị Dung"]),
    ("committee", "khanh", ["Vũ Quốc Khánh"]),
    ("admin", "hoa", ["Đỗ Thị Hoa"]),
    ("sensitive_staff", "dung", ["Phạm Thị Dung"]),
    ("sensitive_staff", "khanh", []),  # cb-toa-an is not in kim-long
    ("secretary", "an", ["Trần Văn An"]),
    ("secretary", "dung", []),  # the other village's cell
    ("auditor", "an", ["Trần Văn An"]),
    ("outsider", "tien", ["Hoàng Minh Tiến"]),
    ("outsider", "huong", []),
    ("member", "dung", []),
    ("nobody", "an", []),
    ("staff", "tien", []),  # Vĩnh Tường
]


@pytest.mark.parametrize(("role", "typed", "expected"), SCOPED)
def test_endpoint_answers_within_scope(client, world, role, typed, expected):
    client.force_login(world.users[role])
    response = client.get(reverse("members:pick"), {"q": typed})
    assert response.status_code == 200
    data = response.json()
    assert [r["name"] for r in data["results"]] == expected and data["count"] == len(expected)


def test_endpoint_shape_and_queries(client, world, django_assert_max_num_queries):
    client.force_login(world.users["staff"])
    # The data version, the user and their grants (cached afterwards), the probe of the
    # matches' ids (PostgreSQL's word index, SQLite's FTS5) and the page of answers.
    with django_assert_max_num_queries(5):
        data = client.get(reverse("members:pick"), {"q": "nguyen thi h"}).json()
    [hit] = data["results"]
    member = world.members["huong"]
    assert hit == {
        "value": f"Nguyễn Thị Hương (Chi bộ thôn Đồng Bông) #{member.pk}",
        "name": "Nguyễn Thị Hương",
        "label": "Nguyễn Thị Hương (Chi bộ thôn Đồng Bông)",
        "detail": "Chi bộ thôn Đồng Bông — Đảng bộ xã Kim Long",
    }


def test_endpoint_at_most_ten_and_active_only(client, world):
    for n in range(12):
        _member(world, f"x{n}", "kl-thon-2", f"Đinh Văn Tám {n}")
    Member.objects.filter(pk=world.members["x0"].pk).update(status="deceased")
    client.force_login(world.users["staff"])
    data = client.get(reverse("members:pick"), {"q": "tam"}).json()
    assert data["count"] == 10 and "Đinh Văn Tám 0" not in [r["name"] for r in data["results"]]
    everyone = client.get(reverse("members:pick"), {"q": "tam 0", "tat-ca": "1"}).json()
    assert [r["name"] for r in everyone["results"]] == ["Đinh Văn Tám 0"]


def test_endpoint_anonymous_goes_to_login(client, world):
    response = client.get(reverse("members:pick"), {"q": "an"})
    assert response.status_code == 302 and reverse("login") in response["Location"]


# ---- the field -----------------------------------------------------------------------------


def _resolve(world, text, role="staff", action=scope.CHANGE):
    return fields.resolve(world.users[role], text, "Đảng viên", action)


def test_field_resolves_a_unique_name_with_or_without_accents(names):
    huong = names.members["huong"]
    assert _resolve(names, "Nguyễn Thị Hương") == huong
    assert _resolve(names, "nguyen thi huong") == huong
    assert _resolve(names, "Nguyễn Thị Hương (Chi bộ thôn Đồng Bông)") == huong
    assert _resolve(names, "12345678") == huong  # card number: old habits
    assert _resolve(names, f"Nguyễn Thị Hương (Chi bộ thôn Đồng Bông) #{huong.pk}") == huong


def test_field_lists_candidates_when_several(names):
    with pytest.raises(ValidationError) as exc:
        _resolve(names, "tran van an")
    message = exc.value.messages[0]
    assert message.startswith("Đảng viên: có 2 đảng viên khớp “tran van an”")
    assert "Trần Văn An (Chi bộ thôn Đồng Bông)" in message
    assert "Trần Văn An (Chi bộ thôn Gia Du)" in message
    # Written back as listed, it names one.
    assert _resolve(names, "Trần Văn An (Chi bộ thôn Gia Du)") == names.members["an2"]


def test_field_not_found_and_out_of_scope_read_alike(names):
    for typed, role in [("Hoàng Minh Tiến", "staff"), ("Không Có Ai", "staff")]:
        with pytest.raises(ValidationError) as exc:
            _resolve(names, typed, role)
        assert exc.value.messages == [
            f"Đảng viên: không tìm thấy đảng viên “{typed}” trong phạm vi của bạn."
        ]
    with pytest.raises(ValidationError):
        _resolve(names, f"#{names.members['tien'].pk}")


def test_list_field_reports_each_line(names):
    field = fields.MemberListField("Người dự khác")
    field.user = names.users["staff"]
    found = field.clean("nguyen thi huong\n12345678\nVũ Quốc Khánh\n")
    assert found == [names.members["huong"], names.members["khanh"]]
    with pytest.raises(ValidationError) as exc:
        field.clean("Vũ Quốc Khánh\nHoàng Minh Tiến\ntran van an")
    assert [m[:22] for m in exc.value.messages] == [
        "Người dự khác, dòng 2:",
        "Người dự khác, dòng 3:",
    ]


def test_inactive_members_need_everyone(names):
    Member.objects.filter(pk=names.members["khanh"].pk).update(
        status="deceased", exit_date=date(2016, 1, 1)
    )
    with pytest.raises(ValidationError):
        _resolve(names, "Vũ Quốc Khánh")
    assert (
        fields.resolve(names.users["staff"], "Vũ Quốc Khánh", "X", scope.CHANGE, everyone=True)
        == names.members["khanh"]
    )
