"""Picking an organisation by name: the type-ahead endpoint (scope, ranking, query count)
and the form field that resolves what a person typed (unique, several with their superior,
none, a code from an old link, accents or not)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dangbo.core import scope
from dangbo.orgs import fields
from dangbo.orgs import services as org_services

pytestmark = pytest.mark.django_db

# (role, typed, expected codes, best first) — grants: staff/committee/auditor/admin on
# tam-duong, sensitive_staff on kim-long, secretary on kl-thon-1, outsider on vinh-tuong.
SCOPED = [
    ("staff", "kim lo", ["kim-long"]),
    ("staff", "chi bo", ["kl-thon-2", "kl-thon-1", "hh-tdp-1", "cb-toa-an"]),
    ("committee", "hop hoa", ["hop-hoa"]),
    ("admin", "dong hoa", ["hh-tdp-1"]),
    ("auditor", "gia du", ["kl-thon-2"]),
    ("sensitive_staff", "thon", ["kl-thon-2", "kl-thon-1"]),
    ("sensitive_staff", "hop hoa", []),
    ("secretary", "chi bo", ["kl-thon-1"]),
    ("outsider", "tan tien", ["vt-xa"]),
    ("outsider", "kim long", []),
    ("staff", "tan tien", []),
    ("staff", "bao son", []),
    ("member", "dong bong", []),
    ("nobody", "kim", []),
]


@pytest.mark.parametrize(("role", "typed", "expected"), SCOPED)
def test_endpoint_answers_within_scope(client, world, role, typed, expected):
    client.force_login(world.users[role])
    response = client.get(reverse("orgs:pick"), {"q": typed})
    assert response.status_code == 200
    assert [r["value"] for r in response.json()["results"]] == expected


def test_endpoint_shape_ranking_and_queries(client, world, django_assert_max_num_queries):
    client.force_login(world.users["staff"])
    with django_assert_max_num_queries(4):
        data = client.get(reverse("orgs:pick"), {"q": "kim lo"}).json()
    assert data == {
        "count": 1,
        "results": [
            {
                "value": "kim-long",
                "name": "Đảng bộ xã Kim Long",
                "label": "Đảng bộ xã Kim Long (Đảng bộ huyện Tam Dương)",
                "detail": "Đảng bộ huyện Tam Dương",
            }
        ],
    }
    # Mid-word never matches: "ong" is inside "Đồng Bông", not a word's start.
    assert client.get(reverse("orgs:pick"), {"q": "ong"}).json()["count"] == 0
    cells = client.get(reverse("orgs:pick"), {"q": "kim long", "chi-bo": "1"}).json()
    assert cells["count"] == 0  # the commune is not a cell


def test_endpoint_anonymous_goes_to_login(client, world):
    response = client.get(reverse("orgs:pick"), {"q": "kim"})
    assert response.status_code == 302 and reverse("login") in response["Location"]


def _resolve(world, text, role="staff", action=scope.VIEW, **kw):
    return fields.resolve(world.users[role], text, "Giao cho", action, **kw)


def test_field_resolves_names_and_codes(world):
    kim_long = world.org("kim-long")
    assert _resolve(world, "Đảng bộ xã Kim Long") == kim_long
    assert _resolve(world, "dang bo xa kim long") == kim_long
    assert _resolve(world, "kim long") == kim_long  # the commune over its own cells
    assert _resolve(world, "kim-long") == kim_long  # a code, from an old link
    assert _resolve(world, "Đảng bộ xã Kim Long (Đảng bộ huyện Tam Dương)") == kim_long


def test_field_lists_candidates_with_their_superior(world):
    org_services.create_org(
        actor=None,
        code="hh-dong-bong",
        name="Chi bộ thôn Đồng Bông",
        kind="sub_cell",
        sector="village",
        parent=world.org("hop-hoa"),
        valid_from=world.org("hop-hoa").valid_from,
    )
    with pytest.raises(ValidationError) as exc:
        _resolve(world, "chi bo thon dong bong")
    message = exc.value.messages[0]
    assert message.startswith("Giao cho: có 2 tổ chức khớp “chi bo thon dong bong”")
    assert "Chi bộ thôn Đồng Bông (Đảng bộ xã Kim Long)" in message
    assert "Chi bộ thôn Đồng Bông (Đảng bộ thị trấn Hợp Hòa)" in message
    typed_back = "Chi bộ thôn Đồng Bông (Đảng bộ thị trấn Hợp Hòa)"
    assert _resolve(world, typed_back).code == "hh-dong-bong"


def test_field_not_found_reads_the_same_in_and_out_of_scope(world):
    for typed in ("Đảng bộ xã Tân Tiến", "vt-xa", "không có"):
        with pytest.raises(ValidationError) as exc:
            _resolve(world, typed)
        assert exc.value.messages == [
            f"Giao cho: không tìm thấy tổ chức “{typed}” trong phạm vi của bạn."
        ]


def test_field_cells_only(world):
    with pytest.raises(ValidationError):
        _resolve(world, "Đảng bộ xã Kim Long", cells_only=True)
    assert _resolve(world, "gia du", cells_only=True) == world.org("kl-thon-2")
