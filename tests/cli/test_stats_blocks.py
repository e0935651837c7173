"""The two blocks issue 14 adds to an organisation's statistics — "programs" and "indicators" —
on the shared test world: what they count, as of which date, and that ``dangbo stats`` and
the stats API give the same figures."""

import json
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from dangbo.core.models import LegalDocument
from dangbo.core.services import issue_token
from dangbo.indicators.models import Indicator, NtmRecognition, NtmSet, Observation
from dangbo.indicators.stats import indicators_stats
from dangbo.programs.choices import ProgramKind, TaskStatus
from dangbo.programs.models import Program, ProgressReport, Task
from dangbo.programs.stats import programs_stats
from dangbo.registry import stats_blocks

pytestmark = pytest.mark.django_db

AS_OF = date(2016, 12, 31)


def _task(program, title, lead, *, parent=None, weight=1, deadline=None, position=1):
    task = Task.objects.create(
        program=program,
        parent=parent,
        depth=parent.depth + 1 if parent else 0,
        position=position,
        number=f"{parent.number}.{position}" if parent else str(position),
        title=title,
        lead_org=lead,
        weight=Decimal(weight),
        start=date(2016, 1, 1),
        deadline=deadline or date(2017, 12, 31),
    )
    task.path = f"{parent.path if parent else ''}{task.pk}."
    task.save(update_fields=["path"])
    return task


def _report(task, day, percent, status=TaskStatus.IN_PROGRESS):
    ProgressReport.objects.create(task=task, period_end=day, percent=percent, status=status)


def _program(world, org="tam-duong", start=date(2016, 1, 1), end=date(2020, 12, 31), title="P"):
    return Program.objects.create(
        kind=ProgramKind.TERM, title=title, org=world.orgs[org], start=start, end=end
    )


@pytest.fixture
def programs(world):
    """One program of Tam Dương: objective 1 (weight 1) = 1.1 done (w 1) + 1.2 at 40% (w 3);
    task 2 (weight 2) at 50%, overdue since 30/11/2016. Plus programs that must not count."""
    program = _program(world)
    kim_long = world.orgs["kim-long"]
    objective = _task(program, "Mục tiêu 1", world.orgs["tam-duong"])
    done = _task(program, "1.1", kim_long, parent=objective)
    half = _task(program, "1.2", kim_long, parent=objective, weight=3, position=2)
    late = _task(
        program, "2", world.orgs["hop-hoa"], weight=2, deadline=date(2016, 11, 30), position=2
    )
    _report(done, date(2016, 6, 30), 100, TaskStatus.DONE)
    _report(half, date(2016, 9, 30), 40)
    _report(half, date(2017, 3, 31), 90)  # after the as-of date: not read
    _report(late, date(2016, 9, 30), 50)
    # Another district's program, and one that ended before 2016: not counted.
    other = _program(world, org="vinh-tuong", title="VT")
    _task(other, "VT 1", world.orgs["vt-xa"])
    old = _program(world, start=date(2011, 1, 1), end=date(2015, 12, 31), title="Cũ")
    _task(old, "Cũ 1", world.orgs["kim-long"])
    return program


def test_programs_block_counts_and_rolls_up_as_of_the_date(world, programs):
    stats = programs_stats(world.orgs["tam-duong"], AS_OF)
    # Objective 1 = (1×100 + 3×40) / 4 = 55; the program = (1×55 + 2×50) / 3 = 51.67.
    assert stats == {
        "year": 2016,
        "programs": 1,
        "tasks": 4,
        "tasks_done": 1,
        "tasks_overdue": 1,
        "progress_pct": 51.7,
    }
    # Before any report: nothing done, nothing overdue yet, no progress.
    early = programs_stats(world.orgs["tam-duong"], date(2016, 3, 1))
    assert early["tasks_done"] == 0 and early["tasks_overdue"] == 0
    assert early["progress_pct"] == 0.0
    # The program is the district's: a commune's own subtree issues none.
    assert programs_stats(world.orgs["kim-long"], AS_OF)["programs"] == 0
    assert programs_stats(world.orgs["vinh-tuong"], AS_OF)["programs"] == 1


def test_programs_block_without_programs(world):
    stats = programs_stats(world.orgs["hop-hoa"], AS_OF)
    assert stats == {
        "year": 2016,
        "programs": 0,
        "tasks": 0,
        "tasks_done": 0,
        "tasks_overdue": 0,
        "progress_pct": None,
    }


def test_programs_block_queries_are_bounded(world, programs):
    with CaptureQueriesContext(connection) as small:
        programs_stats(world.orgs["tam-duong"], AS_OF)
    parent = Task.objects.filter(program=programs, parent__isnull=True).first()
    for i in range(30):
        _task(programs, f"thêm {i}", world.orgs["kim-long"], parent=parent, position=10 + i)
    with CaptureQueriesContext(connection) as big:
        programs_stats(world.orgs["tam-duong"], AS_OF)
    assert len(big) == len(small) <= 6


def _values(world):
    value = Indicator.objects.get(code="gia_tri_san_xuat")
    rows = [
        ("kim-long", 2015, "100"),
        ("kim-long", 2016, "110.6"),
        ("hop-hoa", 2015, "50"),
        ("hop-hoa", 2016, "55"),
        ("vt-xa", 2015, "10"),
        ("vt-xa", 2016, "30"),
    ]
    for code, year, amount in rows:
        Observation.objects.create(
            indicator=value, org=world.orgs[code], year=year, value=Decimal(amount)
        )
    for code in ("cchc_mot_cua", "cchc_cong_khai", "cchc_truc_tuyen"):
        part = Indicator.objects.get(code=code)
        Observation.objects.create(indicator=part, org=world.orgs["kim-long"], year=2016, value=1)
        if code != "cchc_truc_tuyen":  # Hợp Hòa lacks on-line services
            Observation.objects.create(
                indicator=part, org=world.orgs["hop-hoa"], year=2016, value=1
            )
    doc = LegalDocument.objects.create(
        number="9999/QĐ-UBND",
        kind="QD",
        issuer="UBND tỉnh Vĩnh Phúc",
        issue_date=date(2016, 12, 27),
    )
    NtmRecognition.objects.create(
        org=world.orgs["kim-long"],
        set=NtmSet.objects.get(valid_from__lte=AS_OF, valid_to__gte=AS_OF),
        document=doc,
        recognised_on=date(2016, 12, 27),
    )


def test_indicators_block(world):
    _values(world)
    stats = indicators_stats(world.orgs["tam-duong"], AS_OF)
    # Rolled up from the communes: (110.6 + 55) / (100 + 50) = +10.4%.
    assert stats["year"] == 2016
    assert stats["production_value_growth_pct"] == 10.4
    assert stats["admin_reform"] == {"units": 2, "met": 1, "pct": 50.0}
    # Communes only (Hợp Hòa is a town): Kim Long, recognised on 27/12/2016.
    assert stats["ntm"]["communes"] == 1 and stats["ntm"]["met"] == 1
    assert stats["ntm"]["set"]
    before = indicators_stats(world.orgs["tam-duong"], date(2016, 12, 26))
    assert before["ntm"]["met"] == 0
    # A value entered for the district itself is its value (not the roll-up).
    Observation.objects.create(
        indicator=Indicator.objects.get(code="gia_tri_san_xuat"),
        org=world.orgs["tam-duong"],
        year=2016,
        value=Decimal("300"),
    )
    assert indicators_stats(world.orgs["tam-duong"], AS_OF)["production_value_growth_pct"] == 100.0
    # A commune: its own figures.
    commune = indicators_stats(world.orgs["kim-long"], AS_OF)
    assert commune["production_value_growth_pct"] == 10.6
    assert commune["admin_reform"] == {"units": 1, "met": 1, "pct": 100.0}
    # No values the year before: no growth.
    assert (
        indicators_stats(world.orgs["tam-duong"], date(2015, 6, 1))["production_value_growth_pct"]
        is None
    )


def _stats_json(*args) -> dict:
    out = StringIO()
    call_command("stats", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_command_and_api_give_the_blocks(world, programs):
    _values(world)
    data = _stats_json("tam-duong", "--as-of", "2016-12-31")
    district = world.orgs["tam-duong"]
    assert data["programs"] == programs_stats(district, AS_OF)
    assert data["indicators"] == indicators_stats(district, AS_OF)
    out = StringIO()
    call_command("stats", "tam-duong", "--as-of", "31/12/2016", stdout=out)
    text = out.getvalue()
    assert "Chương trình, kế hoạch công tác:" in text
    assert "Nhiệm vụ quá hạn: 1" in text
    assert "Tăng trưởng giá trị sản xuất so với năm trước (%): 10,40" in text
    assert "Cải cách thủ tục hành chính:" in text and "Nông thôn mới:" in text

    # registry sits below programs and indicators: the blocks come through its hook.
    assert {"programs", "indicators"} <= set(stats_blocks._blocks)
    key = issue_token(actor=None, user=world.users["staff"], name="stats")
    response = Client().get(
        "/api/v1/orgs/tam-duong/stats",
        {"as_of": "2016-12-31"},
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["programs"] == data["programs"]
    assert body["indicators"] == data["indicators"]


def test_stats_of_a_commune_out_of_scope_is_404_in_the_api(world):
    key = issue_token(actor=None, user=world.users["staff"], name="stats")
    response = Client().get("/api/v1/orgs/vt-xa/stats", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 404
