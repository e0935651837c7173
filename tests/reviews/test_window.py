"""The review window with frozen time: before it opens nothing can be filed; during it the
chain runs; after the deadline only decisions; once locked nothing, until an audited re-open."""

from datetime import date

import pytest

from dangbo.core.models import AuditEntry
from dangbo.reviews import services
from dangbo.reviews.models import Evaluation, EvaluationStep
from tests.support import assert_refused

pytestmark = pytest.mark.django_db

OPENS, CLOSES = date(2016, 11, 15), date(2017, 1, 31)


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
        actor=None, org=world.org("tam-duong"), year=2016, opens_on=OPENS, closes_on=CLOSES
    )


# What a refused call must leave unchanged (tests.support adds the audit log).
MODELS = (Evaluation, EvaluationStep)


def test_before_the_window_nothing_is_filed(world, cycle, clock):
    clock(date(2016, 11, 14))
    message = assert_refused(
        MODELS,
        "cycle",
        services.self_assess,
        actor=None,
        cycle=cycle,
        member=world.members["huong"],
        level="dtc_htt",
    )
    assert "bắt đầu ngày 15/11/2016" in message


def test_during_the_window_the_chain_runs_then_after_it_only_decisions(world, cycle, clock):
    clock(date(2016, 12, 1))
    huong = services.self_assess(
        actor=None, cycle=cycle, member=world.members["huong"], level="dtc_htxs"
    )
    an = services.self_assess(actor=None, cycle=cycle, member=world.members["an"], level="dtc_htt")
    services.propose(actor=None, evaluation=huong, level="dtc_htxs")
    clock(date(2017, 2, 1))  # the deadline has passed
    message = assert_refused(
        MODELS, "cycle", services.propose, actor=None, evaluation=an, level="dtc_htt"
    )
    assert "hạn tự đánh giá và đề xuất là 31/01/2017" in message
    decided = services.decide(
        actor=None,
        evaluation=huong,
        level="dtc_htxs",
        by_org=world.org("kim-long"),
        on=date(2017, 2, 1),
    )
    assert decided.state == "decided" and decided.final_common_rank == 1


def test_locked_cycle_refuses_everything_until_reopened(world, cycle, clock):
    clock(date(2016, 12, 1))
    huong = services.self_assess(
        actor=None, cycle=cycle, member=world.members["huong"], level="dtc_htt"
    )
    services.propose(actor=None, evaluation=huong, level="dtc_htt")
    assert "chưa có quyết định" in assert_refused(
        MODELS, "cycle", services.lock_cycle, actor=None, cycle=cycle
    )
    services.decide(actor=None, evaluation=huong, level="dtc_htt", by_org=world.org("kim-long"))
    services.lock_cycle(actor=None, cycle=cycle)
    message = assert_refused(
        MODELS,
        "cycle",
        services.self_assess,
        actor=None,
        cycle=cycle,
        member=world.members["an"],
        level="dtc_htt",
    )
    assert "đã khóa" in message
    assert "Lý do mở lại" in assert_refused(
        MODELS, "reason", services.reopen_cycle, actor=None, cycle=cycle, reason=" "
    )
    services.reopen_cycle(actor=None, cycle=cycle, reason="Bổ sung đảng viên chuyển đến muộn")
    entry = AuditEntry.objects.order_by("-id").first()
    assert entry.action == "review.cycle_reopened" and "chuyển đến muộn" in entry.summary
    assert services.self_assess(
        actor=None, cycle=cycle, member=world.members["an"], level="dtc_htt"
    ).pk
