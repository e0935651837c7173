"""The web and the API give the same answer to the same request: a visit with the opinions
heard, recorded through the visit form (with its CSRF token) and through ``POST
/oversight/visits``, routes the opinions to the same committee, refuses the same field,
and writes the same rows (or none)."""

import json
import re
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from dangbo.core.dates import today
from dangbo.meetings.models import Meeting
from dangbo.oversight.models import Opinion, OpinionTopic, OversightAssignment, Visit

pytestmark = pytest.mark.django_db

DAY = today() - timedelta(days=3)
ROAD = {"source": "citizen", "topic": "ha-tang", "text": "Đường liên thôn xuống cấp."}
LAND = {"source": "member", "topic": "dat-dai", "text": "Chậm cấp giấy chứng nhận."}


def rows():
    return (Visit.objects.count(), Meeting.objects.count(), Opinion.objects.count())


@dataclass
class Answer:
    ok: bool
    received_by: list[str]  # the committee of each opinion heard, in order
    refused: set[str]  # "opinions.<i>.<field>" or the visit's own field
    written: tuple  # rows added (visits, meetings, opinions)


def by_web(world, who, cell, attendees, opinions, group=None) -> Answer:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users[who])
    url = reverse("oversight:visit_create") + f"?chi-bo={cell}"
    page = client.get(url)
    assert page.status_code == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    data = {
        "csrfmiddlewaretoken": token.group(1),
        "date": f"{DAY:%d/%m/%Y}",
        "kind": "regular",
        "attendees": "\n".join(str(world.members[k].pk) for k in attendees),
        "group": str(group.pk) if group else "",
        "notes": "",
    }
    for n in range(1, 4):
        heard = opinions[n - 1] if n <= len(opinions) else {"source": "member", "text": ""}
        data.update({f"y{n}-{k}": v for k, v in heard.items() if k != "consent" or v})
    before = rows()
    response = client.post(url, data)
    written = tuple(a - b for a, b in zip(rows(), before, strict=True))
    if response.status_code == 302:
        visit = Visit.objects.order_by("-id").first()
        codes = list(visit.opinions.order_by("id").values_list("received_by__code", flat=True))
        return Answer(True, codes, set(), written)
    assert response.status_code == 400, response.status_code
    ctx = response.context
    refused = {f for f in ctx["form"].errors}
    for i, block in enumerate(b for b in ctx["blocks"] if not b.is_blank):
        refused |= {f"opinions.{i}.{f}" for f in block.errors}
    return Answer(False, [], refused, written)


@pytest.fixture
def api(world):
    """Posts JSON to the API as one of the world's users, by token (as tests/api do)."""
    from dangbo.core.services import issue_token

    client = Client()
    keys = {}

    def post(who, path, body):
        if who not in keys:
            keys[who] = issue_token(actor=None, user=world.users[who], name=f"test {who}")
        return client.post(
            "/api/v1" + path,
            json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {keys[who]}",
        )

    return post


def by_api(api, world, who, cell, attendees, opinions, group=None) -> Answer:
    body = {
        "cell": cell,
        "date": DAY.isoformat(),
        "attendee_ids": [world.members[k].pk for k in attendees],
        "opinions": opinions,
    }
    if group is not None:
        body["group_id"] = group.pk
    before = rows()
    response = api(who, "/oversight/visits", body)
    written = tuple(a - b for a, b in zip(rows(), before, strict=True))
    if response.status_code == 201:
        codes = [o["received_by"] for o in response.json()["opinions"]]
        return Answer(True, codes, set(), written)
    assert response.status_code == 422, (response.status_code, response.content)
    refused = {item["field"] for item in response.json()["detail"]}
    # The API names the visit's fields as its request does.
    names = {"attendee_ids": "attendees", "group_id": "group", "cell": "org"}
    return Answer(False, [], {names.get(f, f) for f in refused}, written)


def both(api, world, who, cell, attendees, opinions, group=None) -> Answer:
    """The request through the web, then (the web's rows rolled back, so that the API meets
    the same state) through the API; both answers must be the same."""
    savepoint = transaction.savepoint()
    web = by_web(world, who, cell, attendees, opinions, group)
    transaction.savepoint_rollback(savepoint)
    other = by_api(api, world, who, cell, attendees, opinions, group)
    assert web == other, (web, other)
    return web


@pytest.fixture
def mandates(world):
    """Vũ Quốc Khánh oversees Kim Long for the district; Nguyễn Thị Hương oversees the
    village of Gia Du for the commune (assignments as the registry has them)."""
    since = date(2015, 1, 1)
    OversightAssignment.objects.create(
        member=world.members["khanh"],
        committee=world.org("tam-duong"),
        target=world.org("kim-long"),
        valid_from=since,
    )
    OversightAssignment.objects.create(
        member=world.members["huong"],
        committee=world.org("kim-long"),
        target=world.org("kl-thon-2"),
        valid_from=since,
    )
    return world


# ---- who follows up what was heard --------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "cell", "attendees", "committee"),
    [
        # Without any assignment: the recorder's committee heard it and steers it.
        ("staff", "kl-thon-1", ["dung"], "tam-duong"),
        ("sensitive_staff", "kl-thon-1", ["dung"], "kim-long"),
        # Under the district's assignment on the commune: the district, whoever records it.
        ("staff", "kl-thon-1", ["khanh"], "tam-duong"),
        # Under the commune's assignment on the village: the commune, even when the
        # district's staff records the visit (the most specific mandate wins).
        ("staff", "kl-thon-2", ["huong"], "kim-long"),
        ("sensitive_staff", "kl-thon-2", ["huong"], "kim-long"),
    ],
    ids=[
        "district-no-mandate",
        "commune-no-mandate",
        "district-mandate",
        "commune-mandate",
        "commune-mandate-by-commune",
    ],
)
def test_opinions_go_to_the_same_committee(api, mandates, who, cell, attendees, committee):
    w = mandates
    answer = both(api, w, who, cell, attendees, [ROAD, LAND])
    assert answer.ok and answer.received_by == [committee, committee]
    assert answer.written == (1, 1, 2)


def test_a_working_group_steers_what_it_heard(api, mandates):
    from dangbo.oversight import services

    w = mandates
    group = services.create_working_group(
        actor=None,
        committee=w.org("tam-duong"),
        name="Tổ công tác số 1",
        period_start=DAY - timedelta(days=10),
        period_end=DAY + timedelta(days=10),
        leader=w.members["khanh"],
    )
    # Hương comes under the commune's assignment, but with the district's group.
    answer = both(api, w, "staff", "kl-thon-2", ["huong"], [ROAD], group)
    assert answer.ok and answer.received_by == ["tam-duong"]


# ---- refusals: the same field, nothing written --------------------------------------------


def test_a_bad_second_opinion_refuses_the_whole_visit(api, mandates):
    w = mandates
    no_consent = {**LAND, "submitter_contact": "0912345678", "consent": False}
    answer = both(api, w, "staff", "kl-thon-1", ["khanh"], [ROAD, no_consent])
    assert not answer.ok and answer.refused == {"opinions.1.submitter_contact"}
    assert answer.written == (0, 0, 0)


def test_a_group_of_another_district_is_refused(api, mandates):
    from dangbo.oversight import services

    w = mandates
    other = services.create_working_group(
        actor=None,
        committee=w.org("vinh-tuong"),
        name="Tổ Vĩnh Tường",
        period_start=DAY - timedelta(days=10),
        period_end=DAY + timedelta(days=10),
        leader=w.members["tien"],
    )
    answer = both(api, w, "root", "kl-thon-1", ["khanh"], [ROAD], other)
    assert not answer.ok and answer.refused == {"group"}
    assert answer.written == (0, 0, 0)


def test_an_attendee_already_recorded_for_that_meeting(api, mandates):
    """The second recording of the same attendance is refused on both sides alike."""
    w = mandates
    first = by_api(api, w, "staff", "kl-thon-1", ["khanh"], [ROAD])
    assert first.ok
    web = by_web(w, "staff", "kl-thon-1", ["khanh"], [LAND])
    other = by_api(api, w, "staff", "kl-thon-1", ["khanh"], [LAND])
    assert web == other and not web.ok and web.refused == {"attendees"}
    assert web.written == (0, 0, 0)


# ---- an opinion's lifecycle: refused by the state, the same way -----------------------------


def test_an_operation_the_state_does_not_allow(api, world):
    """The committee that received a fresh opinion asks to take it up as a handler would
    ("start", which needs an assigned opinion): the web and the API both let the request
    reach the service, which refuses it naming the opinion's state; nothing changes."""
    from dangbo.oversight import services

    heard = services.record_opinion(
        actor=None,
        received_on=DAY,
        source="citizen",
        channel="staff",
        text="Đường liên thôn xuống cấp.",
        topic=OpinionTopic.objects.get(code="ha-tang"),
        org=world.org("kl-thon-1"),
        received_by=world.org("tam-duong"),
    )
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["committee"])
    page = client.get(reverse("oversight:opinion", args=[heard.pk])).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    url = reverse("oversight:opinion_action", args=[heard.pk, "start"])
    web = client.post(url, {"csrfmiddlewaretoken": token})
    assert web.status_code == 400
    [action] = [a for a in web.context["actions"] if a["op"] == "start"]
    other = api("committee", f"/oversight/opinions/{heard.pk}/start", {})
    assert other.status_code == 422
    [detail] = other.json()["detail"]
    assert detail["field"] == "state"
    assert action["form"].non_field_errors() == [detail["message"]]
    assert Opinion.objects.get(pk=heard.pk).state == "received"
