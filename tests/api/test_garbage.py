"""Bad input of every shape: a 4xx with a Vietnamese JSON body, never a 500, nothing changed."""

import json

import pytest

from dangbo.core.models import AuditEntry
from dangbo.members.models import Member, MemberEvent
from dangbo.orgs.models import Organisation

pytestmark = pytest.mark.django_db

GARBAGE = [
    "",
    "not json",
    "{",
    "null",
    "[]",
    "123",
    '"text"',
    "{}",
    '{"effective_date": null}',
    '{"effective_date": 5}',
    '{"effective_date": "2016-13-01"}',
    '{"effective_date": "0000-01-01"}',
    '{"effective_date": "9999-12-31", "new_parent": "a", "name": "x"}',
    '{"effective_date": "0001-01-01", "end_date": "0001-01-01", "start": "0001-01-01"}',
    json.dumps({"name": "x" * 100_000, "effective_date": "2020-01-01"}),
    json.dumps({"to_org": "\x00", "new_parent": "\x00", "effective_date": "2020-01-01"}),
    json.dumps({"milestone": 10**30, "award_date": "2020-02-03"}),
    json.dumps({"kind": {"nested": [1, 2]}, "effective_date": ["2020-01-01"]}),
    '{"recognition_date": "2017-06-01", "decision_ref": "' + "\\u0000" * 10 + '"}',
    "\xff\xfe garbage",
]

POSTS = [
    "/orgs/",
    "/orgs/kim-long/rename",
    "/orgs/kim-long/reparent",
    "/orgs/kl-thon-2/dissolve",
    "/members/",
    "/members/{binh}/recognise",
    "/members/{binh}/transfer",
    "/members/{binh}/temporary-transfer",
    "/members/{binh}/end-temporary",
    "/members/{binh}/exempt",
    "/members/{binh}/end-exemption",
    "/members/{binh}/exit",
    "/members/{binh}/badges",
]


def _state():
    return (
        AuditEntry.objects.count(),
        Member.objects.count(),
        MemberEvent.objects.count(),
        Organisation.objects.count(),
    )


@pytest.mark.parametrize("path", POSTS)
def test_garbage_bodies_never_500(api, world, path):
    path = path.format(binh=world.members["binh"].pk)
    before = _state()
    for raw in GARBAGE:
        response = api.post("admin", path, raw=raw)
        assert response.status_code == 422, (
            path,
            raw[:60],
            response.status_code,
            response.content[:300],
        )
        detail = response.json()["detail"]
        assert detail and all(item["field"] and item["message"] for item in detail)
    assert _state() == before


def test_patch_garbage(api, world):
    path = f"/members/{world.members['an'].pk}"
    before = _state()
    for raw in GARBAGE:
        response = api.patch("admin", path, raw=raw)
        assert response.status_code in (200, 422), (raw[:60], response.content[:300])
    assert _state()[1:] == before[1:]


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/members/", {"q": "\x00"}),
        ("/members/", {"q": "a" * 1000}),
        ("/members/", {"org": "\x00"}),
        ("/members/", {"status": "alive"}),
        ("/members/", {"offset": 10**30}),
        ("/members/", {"limit": 0}),
        ("/members/", {"limit": "many"}),
        ("/orgs/", {"kind": "\x00"}),
        ("/orgs/", {"parent": "x" * 500}),
        ("/orgs/tam-duong/stats", {"as_of": "2016-02-31"}),
        ("/orgs/tam-duong/stats", {"as_of": "yesterday"}),
        ("/orgs/tam-duong/children", {"as_of": "1e10"}),
        ("/orgs/tam-duong/warnings", {"as_of": "0000-00-00"}),
    ],
)
def test_bad_query_params_are_422(api, path, params):
    response = api.get("admin", path, **params)
    assert response.status_code == 422, (params, response.content[:300])
    item = response.json()["detail"][0]
    assert item["field"] in params and ":" in item["message"]


def test_impossible_as_of_names_the_field(api):
    response = api.get("admin", "/orgs/tam-duong/stats", as_of="2016-02-31")
    assert response.json() == {
        "detail": [
            {
                "field": "as_of",
                "message": "Ngày tính: ngày không hợp lệ (dạng YYYY-MM-DD, ví dụ 2016-02-29).",
            }
        ]
    }


@pytest.mark.parametrize(
    "path",
    [
        "/members/0",
        "/members/-1",
        "/members/abc",
        "/members/99999999999999999999999",
        "/members/9223372036854775807",
        "/orgs/%00",
        "/orgs/%E2%80%AE",
        "/orgs/a%2Fb",
        "/orgs/tam-duong%00/stats",
    ],
)
def test_odd_paths_are_404_or_422(api, path):
    response = api.get("admin", path)
    assert response.status_code in (404, 422), (path, response.status_code)
    assert "detail" in response.json()


@pytest.mark.parametrize("as_of", ["0001-01-01", "9999-12-31", "2016-02-29"])
def test_extreme_dates_are_answered(api, as_of):
    for what in ("stats", "children", "warnings"):
        response = api.get("admin", f"/orgs/tam-duong/{what}", as_of=as_of)
        assert response.status_code == 200, (what, as_of, response.content[:300])
