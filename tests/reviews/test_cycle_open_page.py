"""Staff open a review cycle from the web ("Mở đợt đánh giá"), through the service the API
calls; a locked cycle shows that it is locked instead of a form."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils.timezone import localdate

from dangbo.core.dates import today
from dangbo.core.models import AuditEntry
from dangbo.reviews import services
from dangbo.reviews.choices import ReviewAudit
from dangbo.reviews.models import Evaluation, EvaluationStep, ReviewCycle
from dangbo.reviews.schemes import load
from tests.support import counts

pytestmark = pytest.mark.django_db

URL = "/danh-gia/mo-dot/"
MODELS = (ReviewCycle, Evaluation, EvaluationStep, AuditEntry)


@pytest.fixture(autouse=True)
def _schemes(db):
    load()


def _post(client, **fields):
    data = {"org": "kim-long", "year": "2016", "kind": "year", **fields}
    return client.post(URL, data)


def test_the_url_is_named():
    assert reverse("reviews:cycle_open") == URL


def test_staff_open_a_cycle_for_an_organisation_picked_by_name(client, world):
    client.force_login(world.users["sensitive_staff"])  # org staff of Kim Long
    page = client.get(URL + "?to-chuc=kim-long")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Đảng bộ xã Kim Long — Đảng bộ huyện Tam Dương" in text  # by name, with its parent
    assert '<option value="kim-long" selected>' in text
    assert "vt-xa" not in text and "Tân Tiến" not in text  # outside their scope
    assert "kl-thon-1" not in text  # a sub-cell is reviewed in its commune's cycle
    assert "HD 27/2014" in text or "27-HD" in text  # the schemes by year are shown
    before = AuditEntry.objects.count()
    response = _post(client, opens_on="15/11/2016", closes_on="31/01/2017")
    cycle = ReviewCycle.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reviews:cycle", args=[cycle.pk])
    assert (cycle.org.code, cycle.year, cycle.kind) == ("kim-long", 2016, "year")
    assert f"{cycle.opens_on:%d/%m/%Y}" == "15/11/2016"
    assert f"{cycle.closes_on:%d/%m/%Y}" == "31/01/2017"
    assert cycle.member_scheme.first_year <= 2016  # chosen by the year, as the API does
    entries = AuditEntry.objects.order_by("id")[before:]
    assert [e.action for e in entries] == [ReviewAudit.CYCLE_OPENED]


def test_the_district_staff_see_their_communes(client, world):
    client.force_login(world.users["staff"])
    text = client.get(URL).content.decode()
    for name in ("Đảng bộ huyện Tam Dương", "Đảng bộ xã Kim Long", "Chi bộ Tòa án nhân dân huyện"):
        assert name in text
    response = _post(client, org="cb-toa-an", year="2015")
    assert response.status_code == 302
    assert ReviewCycle.objects.get().org == world.org("cb-toa-an")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"org": "vt-xa"}, "Tổ chức kiểm điểm: lựa chọn không hợp lệ."),
        ({"org": "kl-thon-1"}, "Tổ chức kiểm điểm: lựa chọn không hợp lệ."),
        ({"org": ""}, "Tổ chức kiểm điểm: bắt buộc."),
        ({"year": "abc"}, "Năm: phải là số nguyên."),
        ({"year": ""}, "Năm: bắt buộc."),
        ({"year": "1980"}, "Năm: từ 1990."),
        ({"year": "2005"}, "chưa có cách xếp loại"),
        ({"year": "2999"}, "Năm: không hợp lệ."),
        ({"kind": "decade"}, "Kỳ: lựa chọn không hợp lệ."),
        ({"opens_on": "ngày mai"}, "Bắt đầu kiểm điểm:"),
        ({"opens_on": "15/11/2016", "closes_on": "01/11/2016"}, "Hạn tự đánh giá"),
        ({"period_start": "01/07/2016", "period_end": "01/01/2016"}, "Đến ngày: trước ngày"),
    ],
)
def test_bad_input_names_the_field_and_changes_nothing(client, world, fields, message):
    client.force_login(world.users["sensitive_staff"])
    before = counts(*MODELS)
    response = _post(client, **fields)
    assert response.status_code == 400
    text = response.content.decode()
    assert message in text, text[text.find('class="errors"') :][:2000]
    assert "lỗi cần sửa" in text  # the summary at the top
    assert counts(*MODELS) == before


def test_a_second_cycle_for_the_same_period_is_refused(client, world):
    client.force_login(world.users["sensitive_staff"])
    assert _post(client).status_code == 302
    before = counts(*MODELS)
    response = _post(client)
    assert response.status_code == 400
    assert "Đã có đợt kiểm điểm 2016 của Đảng bộ xã Kim Long" in response.content.decode()
    assert counts(*MODELS) == before


@pytest.mark.parametrize("role", ["committee", "secretary", "auditor", "member", "nobody"])
def test_who_may_not_change_gets_no_page(client, world, role):
    client.force_login(world.users[role])
    before = counts(*MODELS)
    assert client.get(URL).status_code == 404
    assert _post(client).status_code == 404
    assert counts(*MODELS) == before
    assert URL not in client.get(reverse("reviews:cycles")).content.decode()


def test_the_cycles_list_links_to_it_for_those_allowed(client, world):
    client.force_login(world.users["sensitive_staff"])
    text = client.get(reverse("reviews:cycles")).content.decode()
    assert f'href="{URL}?to-chuc=kim-long"' in text and "Mở đợt đánh giá" in text


def test_query_count_is_bounded(client, world, django_assert_max_num_queries):
    client.force_login(world.users["staff"])
    client.get(URL)
    with django_assert_max_num_queries(12):
        assert client.get(URL).status_code == 200


# -- a locked cycle --------------------------------------------------------------------------


def _cycle(world):
    return services.open_cycle(
        actor=world.users["admin"],
        org=world.org("kim-long"),
        year=2016,
        opens_on=today() - timedelta(days=10),
        closes_on=today() + timedelta(days=20),
    )


def test_self_assessment_in_a_locked_cycle_shows_the_lock_not_a_form(client, world):
    cycle = _cycle(world)
    client.force_login(world.users["member"])
    url = reverse("reviews:self_assess", args=[cycle.pk])
    open_page = client.get(url).content.decode()
    assert 'name="level"' in open_page and "đã khóa" not in open_page
    services.lock_cycle(actor=world.users["admin"], cycle=cycle)
    cycle.refresh_from_db()
    response = client.get(url)
    assert response.status_code == 200
    text = response.content.decode()
    assert f"Đợt đánh giá đã khóa ngày {localdate(cycle.locked_at):%d/%m/%Y}." in text
    assert 'name="level"' not in text and "Ghi bản tự đánh giá" not in text
    assert reverse("reviews:cycle", args=[cycle.pk]) in text  # a way on, not a dead end
    before = counts(*MODELS)
    response = client.post(url, {"level": "hoan-thanh-tot"})
    assert response.status_code == 400
    assert "Đợt đánh giá đã khóa ngày" in response.content.decode()
    assert counts(*MODELS) == before


def test_staff_entering_for_a_member_see_the_lock_too(client, world):
    cycle = _cycle(world)
    services.lock_cycle(actor=world.users["admin"], cycle=cycle)
    client.force_login(world.users["sensitive_staff"])
    url = reverse("reviews:self_assess", args=[cycle.pk])
    text = client.get(url, {"dang-vien": world.members["an"].pk}).content.decode()
    assert "Đợt đánh giá đã khóa ngày" in text and 'name="level"' not in text
    text = client.get(url, {"to-chuc": "kl-thon-1"}).content.decode()
    assert "Đợt đánh giá đã khóa ngày" in text and 'name="level"' not in text


def test_an_evaluation_in_a_locked_cycle_says_so_and_offers_no_operation(client, world):
    cycle = _cycle(world)
    huong = world.members["huong"]
    ev = services.self_assess(
        actor=world.users["admin"], cycle=cycle, level="dtc_htt", member=huong
    )
    client.force_login(world.users["sensitive_staff"])
    url = reverse("reviews:evaluation", args=[ev.pk])
    text = client.get(url).content.decode()
    assert "đã khóa ngày" not in text
    ev = services.propose(actor=world.users["admin"], evaluation=ev, level="dtc_htt")
    services.decide(
        actor=world.users["admin"],
        evaluation=ev,
        level="dtc_htt",
        by_org=services.competent_body(ev),
    )
    services.lock_cycle(actor=world.users["admin"], cycle=cycle)
    cycle.refresh_from_db()
    text = client.get(url).content.decode()
    assert f"Đợt đánh giá đã khóa ngày {localdate(cycle.locked_at):%d/%m/%Y}." in text
    assert '<form method="post"' not in text.split("</h1>", 1)[1]  # no operation offered
