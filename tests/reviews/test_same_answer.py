"""The web and the API give the same answer to the same request: a decision over the quota
(rule 23) is refused on the same field with the same message and writes nothing; one's own
case is refused alike; a review cycle is visible (or absent) to the same users through the
cycle page and ``GET /reviews/cycles/{id}``."""

import json
import re
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django.urls import reverse

from dangbo.core.dates import today
from dangbo.core.models import AuditEntry, RoleGrant
from dangbo.members.models import Member
from dangbo.reviews import services
from dangbo.reviews.models import Evaluation, EvaluationStep, ReviewCycle

pytestmark = pytest.mark.django_db


def rows():
    return (Evaluation.objects.count(), EvaluationStep.objects.count(), AuditEntry.objects.count())


def cycle(world, code="kim-long", year=2016):
    """A cycle whose window holds today."""
    return services.open_cycle(
        actor=None,
        org=world.org(code),
        year=year,
        opens_on=today() - timedelta(days=10),
        closes_on=today() + timedelta(days=20),
    )


def proposed(world, c, key, level):
    ev = services.self_assess(actor=None, cycle=c, member=world.members[key], level=level)
    return services.propose(actor=None, evaluation=ev, level=level)


def decided(world, c, key, level):
    ev = proposed(world, c, key, level)
    return services.decide(
        actor=None, evaluation=ev, level=level, by_org=services.competent_body(ev)
    )


@pytest.fixture
def api(world):
    """Calls the API as one of the world's users, by token (as tests/api do)."""
    from dangbo.core.services import issue_token

    client = Client()
    keys = {  # issued now: issuing writes an audit entry, which the tests count
        who: issue_token(actor=None, user=user, name=f"test {who}")
        for who, user in world.users.items()
    }

    def call(who, method, path, body=None):
        if who not in keys:
            keys[who] = issue_token(actor=None, user=world.users[who], name=f"test {who}")
        auth = {"HTTP_AUTHORIZATION": f"Bearer {keys[who]}"}
        if method == "get":
            return client.get("/api/v1" + path, **auth)
        return client.post(
            "/api/v1" + path, json.dumps(body or {}), content_type="application/json", **auth
        )

    return call


def web_client(world, who) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users[who])
    return client


def web_decide(world, who, evaluation, level) -> tuple[int, dict[str, list[str]]]:
    """Through the evaluation page's form, with its CSRF token: (status, field → messages)."""
    client = web_client(world, who)
    page = client.get(reverse("reviews:evaluation", args=[evaluation.pk]))
    assert page.status_code == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    response = client.post(
        reverse("reviews:evaluation_action", args=[evaluation.pk, "decide"]),
        {"csrfmiddlewaretoken": token.group(1), "level": level, "decision_ref": "", "on": ""},
    )
    if response.status_code != 400:
        return response.status_code, {}
    [form] = [f["form"] for f in response.context["op_forms"] if f["op"] == "decide"]
    return 400, {k: list(v) for k, v in form.errors.items()}


def api_decide(api, who, evaluation, level) -> tuple[int, dict[str, list[str]]]:
    response = api(who, "post", f"/reviews/evaluations/{evaluation.pk}/decide", {"level": level})
    if response.status_code != 422:
        return response.status_code, {}
    errors: dict[str, list[str]] = {}
    for item in response.json()["detail"]:
        errors.setdefault(item["field"], []).append(item["message"])
    return 422, errors


def both_decide(api, world, who, evaluation, level):
    """The decision through the web (then rolled back), then through the API."""
    savepoint = transaction.savepoint()
    before = rows()
    web = web_decide(world, who, evaluation, level)
    web_written = rows() != before
    state = Evaluation.objects.get(pk=evaluation.pk).state
    transaction.savepoint_rollback(savepoint)
    before = rows()
    other = api_decide(api, who, evaluation, level)
    api_written = rows() != before
    return web, web_written, state, other, api_written


# ---- rule 23: a decision over the quota ---------------------------------------------------


def test_a_decision_over_the_quota_is_refused_alike(api, world):
    c = cycle(world, year=2023)  # QĐ 124: at most 20% of those rated good, per peer group
    for key in ("an", "dung", "binh"):
        decided(world, c, key, "htt")
    huong = proposed(world, c, "huong", "htxs")
    web, web_written, _state, other, api_written = both_decide(
        api, world, "sensitive_staff", huong, "htxs"
    )
    assert web[0] == 400 and other[0] == 422
    assert web[1] == other[1] and list(web[1]) == ["level"]
    [message] = web[1]["level"]
    assert "đảng viên do Đảng bộ xã Kim Long quyết định" in message and "tối đa 0" in message
    assert not web_written and not api_written
    assert Evaluation.objects.get(pk=huong.pk).state == "proposed"
    # The same request at a level the quota does not cap: taken on both sides alike.
    web, web_written, state, other, api_written = both_decide(
        api, world, "sensitive_staff", huong, "htt"
    )
    assert web == (302, {}) and other == (200, {})
    assert web_written and api_written and state == "decided"


# ---- four eyes: one's own case ------------------------------------------------------------


def test_ones_own_case_is_refused_alike(api, world):
    """Hương, given the commune's staff role, would decide her own case: both refuse it
    with the service's message (it reaches the service: she acts for the deciding body)."""
    RoleGrant.objects.create(
        user=world.users["member"],
        role="org_staff",
        org=world.org("kim-long"),
        valid_from=date(2000, 1, 1),
    )
    c = cycle(world)
    huong = proposed(world, c, "huong", "dtc_htxs")
    web, web_written, _state, other, api_written = both_decide(
        api, world, "member", huong, "dtc_htxs"
    )
    assert web[0] == 400 and other[0] == 422
    # The API names the request's field; the web shows it above the form.
    assert web[1] == {"__all__": other[1]["member_id"]}
    assert "cho chính mình" in other[1]["member_id"][0]
    assert not web_written and not api_written


# ---- who sees a review cycle --------------------------------------------------------------


def _linked_login(world):
    """A login with no role at all, linked to Lê Văn Bình's member record (kl-thon-1 since
    June 2016)."""
    user = get_user_model().objects.create_user("binh")
    Member.objects.filter(pk=world.members["binh"].pk).update(user=user)
    world.users["linked"] = user
    return user


@pytest.mark.parametrize(
    "who", ["staff", "committee", "secretary", "member", "linked", "outsider", "nobody"]
)
def test_cycle_access_in_and_out_of_scope(api, world, who):
    _linked_login(world)
    cycles = {
        "district": cycle(world, "tam-duong"),  # above every Tam Dương user
        "commune": cycle(world, "kim-long"),  # the secretary's cell and both members' are in it
        "town": cycle(world, "hop-hoa"),  # nobody's cell: the district's users only
        "other": cycle(world, "vinh-tuong"),  # out of scope but for the outsider
        "before": cycle(world, "kim-long", 2015),  # before Bình was a member
    }
    expected = {
        "staff": {"district", "commune", "town", "before"},
        "committee": {"district", "commune", "town", "before"},
        "secretary": {"district", "commune", "before"},
        "member": {"district", "commune", "before"},
        "linked": {"district", "commune"},
        "outsider": {"other"},
        "nobody": set(),
    }[who]
    client = web_client(world, who)
    for name, c in cycles.items():
        web = client.get(reverse("reviews:cycle", args=[c.pk])).status_code
        other = api(who, "get", f"/reviews/cycles/{c.pk}").status_code
        assert web == other == (200 if name in expected else 404), (who, name, web, other)
    listed = api(who, "get", "/reviews/cycles")
    if listed.status_code == 200:
        ids = {item["id"] for item in listed.json()["items"]}
        assert ids == {cycles[name].pk for name in expected}
    assert ReviewCycle.objects.count() == len(cycles)


# ---- honour lists: the same default year ----------------------------------------------------


def test_honours_without_a_year_are_drawn_for_the_latest_year_reviewed(api, world):
    c = cycle(world, "tam-duong", 2016)
    decided(world, c, "huong", "dtc_htxs")
    client = web_client(world, "staff")
    page = client.get(reverse("reviews:honours") + "?to-chuc=tam-duong&doi-tuong=member&so-nam=1")
    other = api("staff", "get", "/reviews/honours?org=tam-duong&subject=member&years=1")
    assert page.status_code == other.status_code == 200
    body = other.json()
    assert page.context["year"] == body["year"] == 2016
    assert [row.name for row in page.context["plain_rows"]] == [i["name"] for i in body["items"]]
    assert [i["name"] for i in body["items"]] == ["Nguyễn Thị Hương"]
