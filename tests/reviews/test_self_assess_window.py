"""A self-assessment outside its window (issue 12, "no dead ends"): the page says that the
deadline has passed, or that the window has not opened yet, with a way back — instead of a
form the service would refuse on submit. The rule is the service's (one home)."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from dangbo.core.models import AuditEntry
from dangbo.reviews import services
from dangbo.reviews.models import Evaluation, EvaluationStep, ReviewCycle
from dangbo.reviews.schemes import load
from tests.support import counts

pytestmark = pytest.mark.django_db

MODELS = (ReviewCycle, Evaluation, EvaluationStep, AuditEntry)
OPENS, CLOSES = date(2016, 11, 15), date(2017, 1, 31)


@pytest.fixture(autouse=True)
def _schemes(db):
    load()


@pytest.fixture
def clock(monkeypatch):
    """Set "today" for the review services (and the date checks they call)."""

    def set_today(day: date) -> None:
        for target in ("dangbo.reviews.services.today", "dangbo.core.dates.today"):
            monkeypatch.setattr(target, lambda: day)

    return set_today


@pytest.fixture
def cycle(world, clock):
    clock(date(2016, 11, 1))
    return services.open_cycle(
        actor=world.users["admin"],
        org=world.org("kim-long"),
        year=2016,
        opens_on=OPENS,
        closes_on=CLOSES,
    )


def _form_shown(text: str) -> bool:
    return 'name="level"' in text or "Ghi bản tự đánh giá" in text


@pytest.mark.parametrize(
    ("day", "notice", "absent"),
    [
        (CLOSES + timedelta(days=1), "Đã hết hạn tự đánh giá (hạn 31/01/2017).", "Chưa đến"),
        (OPENS - timedelta(days=1), "Chưa đến thời gian tự đánh giá (từ 15/11/2016).", "hết hạn"),
    ],
    ids=["closed", "before"],
)
def test_outside_the_window_the_page_says_so_instead_of_a_form(
    client, world, cycle, clock, day, notice, absent
):
    client.force_login(world.users["member"])
    url = reverse("reviews:self_assess", args=[cycle.pk])
    clock(day)
    response = client.get(url)
    assert response.status_code == 200
    text = response.content.decode()
    assert notice in text and absent not in text
    assert not _form_shown(text)
    assert f'href="{reverse("reviews:cycle", args=[cycle.pk])}"' in text  # a way back
    before = counts(*MODELS)
    response = client.post(url, {"level": "dtc_htt"})  # posted anyway: the service refuses
    assert response.status_code == 400
    assert notice in response.content.decode()
    assert counts(*MODELS) == before
    assert not Evaluation.objects.filter(cycle=cycle).exists()


def test_inside_the_window_the_form_is_there_and_the_last_day_counts(client, world, cycle, clock):
    client.force_login(world.users["member"])
    url = reverse("reviews:self_assess", args=[cycle.pk])
    for day in (OPENS, CLOSES):
        clock(day)
        text = client.get(url).content.decode()
        assert _form_shown(text) and "hết hạn" not in text and "Chưa đến" not in text, day
    response = client.post(url, {"level": "dtc_htt"})
    assert response.status_code == 302
    assert Evaluation.objects.filter(cycle=cycle, member=world.members["huong"]).exists()


def test_staff_entering_for_a_member_see_the_deadline_too(client, world, cycle, clock):
    clock(CLOSES + timedelta(days=30))
    client.force_login(world.users["sensitive_staff"])
    url = reverse("reviews:self_assess", args=[cycle.pk])
    text = client.get(url, {"dang-vien": world.members["an"].pk}).content.decode()
    assert "Đã hết hạn tự đánh giá (hạn 31/01/2017)." in text and not _form_shown(text)


def test_a_locked_cycle_says_locked_not_the_deadline(client, world, cycle, clock):
    clock(CLOSES + timedelta(days=1))
    services.lock_cycle(actor=world.users["admin"], cycle=cycle)
    client.force_login(world.users["member"])
    text = client.get(reverse("reviews:self_assess", args=[cycle.pk])).content.decode()
    assert "Đợt đánh giá đã khóa ngày" in text
    assert "hết hạn tự đánh giá" not in text and not _form_shown(text)


def test_the_cycle_page_names_the_window_and_offers_self_assessment_only_inside_it(
    client, world, cycle, clock
):
    client.force_login(world.users["member"])
    url = reverse("reviews:cycle", args=[cycle.pk])
    link = f'href="{reverse("reviews:self_assess", args=[cycle.pk])}"'
    for day, label, offered in (
        (OPENS - timedelta(days=1), "Chưa đến kỳ", False),
        (OPENS, "Đang kiểm điểm", True),
        (CLOSES + timedelta(days=1), "Hết hạn tự đánh giá, còn quyết định", False),
    ):
        clock(day)
        text = client.get(url).content.decode()
        assert label in text, day
        assert (link in text) is offered, day


def test_the_evaluation_page_says_when_the_window_refuses_a_proposal(client, world, cycle, clock):
    """After the deadline the cell may no longer propose (the service refuses): the page
    says so where the form was; the competent body still decides."""
    clock(date(2016, 12, 1))
    ev = services.self_assess(
        actor=None, cycle=cycle, member=world.members["huong"], level="dtc_htt"
    )
    client.force_login(world.users["secretary"])
    url = reverse("reviews:evaluation", args=[ev.pk])
    propose = reverse("reviews:evaluation_action", args=[ev.pk, "propose"])
    assert f'action="{propose}"' in client.get(url).content.decode()
    clock(CLOSES + timedelta(days=1))
    text = client.get(url).content.decode()
    assert f'action="{propose}"' not in text
    assert "hạn tự đánh giá và đề xuất là 31/01/2017, đã qua" in text
    before = counts(*MODELS)
    response = client.post(propose, {"level": "dtc_htt"})  # posted anyway
    assert response.status_code == 400
    assert counts(*MODELS) == before
    ev.refresh_from_db()
    assert ev.state == "self_assessed"
