"""Reporting progress: append-only, backwards needs a reason, scope of who may report."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dangbo.programs import queries, services
from dangbo.programs.models import ProgressReport, Task
from tests.support import assert_refused

D = Decimal


@pytest.fixture
def tree(world):
    program = services.create_program(
        actor=None,
        org=world.org("tam-duong"),
        kind="annual",
        title="Kế hoạch công tác năm 2026",
        start=date(2026, 1, 1),
        end=date(2026, 12, 31),
    )
    district = services.add_task(
        actor=None, program=program, title="Huyện làm", lead_org=world.org("tam-duong")
    )
    commune = services.add_task(
        actor=None,
        program=program,
        title="Xã làm",
        lead_org=world.org("kim-long"),
        start=date(2026, 1, 1),
    )
    other = services.add_task(
        actor=None, program=program, title="Thị trấn làm", lead_org=world.org("hop-hoa")
    )
    return program, district, commune, other


def report(task, actor=None, **kw):
    kw.setdefault("period_end", date(2026, 3, 31))
    kw.setdefault("status", "in_progress")
    return services.report_progress(actor=actor, task=task, **kw)


def test_report_updates_status_and_is_append_only(world, tree, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    _, _, commune, _ = tree
    first = report(
        commune,
        world.users["sensitive_staff"],
        percent="40",
        text="Đã làm 4/10 km",
        files=[(SimpleUploadedFile("bb.pdf", b"%PDF-1.4\n%test\n"), "Biên bản.pdf")],
    )
    commune.refresh_from_db()
    assert commune.status == "in_progress" and first.evidence.count() == 1
    assert first.reported_by == world.users["sensitive_staff"]
    with pytest.raises(ValueError):
        first.save()
    with pytest.raises(ValueError):
        first.delete()
    done = report(commune, percent=100, status="done", period_end=date(2026, 6, 30))
    commune.refresh_from_db()
    assert commune.status == "done" and ProgressReport.objects.count() == 2
    assert done.percent == 100


def test_backwards_needs_a_reason(world, tree):
    _, _, commune, _ = tree
    report(commune, percent=60)
    assert "lý do" in assert_refused(
        [ProgressReport, Task],
        "reason",
        report,
        task=commune,
        percent="50",
        period_end=date(2026, 4, 30),
    )
    report(commune, percent=50, reason="Đánh giá lại khối lượng", period_end=date(2026, 4, 30))


def test_bad_reports_name_the_field(world, tree):
    _, _, commune, _ = tree
    models = [ProgressReport, Task]
    assert_refused(models, "percent", report, task=commune, percent="101")
    assert_refused(models, "percent", report, task=commune, percent="nhiều")
    assert_refused(models, "percent", report, task=commune)  # neither percent nor milestone
    assert_refused(models, "status", report, task=commune, percent="90", status="done")
    assert_refused(models, "status", report, task=commune, percent="10", status="xong")
    assert_refused(models, "period_end", report, task=commune, percent="10", period_end=None)
    assert_refused(
        models, "period_end", report, task=commune, percent="10", period_end=date(2099, 1, 1)
    )
    assert_refused(
        models, "period_end", report, task=commune, percent="10", period_end=date(2025, 1, 1)
    )
    assert_refused(models, "percent", report, task=commune, percent="NaN")
    assert_refused(models, "percent", report, task=commune, percent="1e30")
    tiny = report(commune, percent="0.001")
    assert tiny.percent == 0
    report(commune, milestone="Đã ban hành kế hoạch")


def test_who_may_report_and_see(world, tree):
    program, district, commune, other = tree
    kim_long = world.users["sensitive_staff"]  # org_staff of kim-long
    assert queries.may_report(kim_long, commune)
    assert not queries.may_report(kim_long, district)
    assert not queries.may_report(kim_long, other)
    assert queries.may_report(world.users["staff"], other)
    assert not queries.may_report(world.users["committee"], commune)  # VIEW only
    assert queries.may_edit(world.users["staff"], program)
    assert not queries.may_edit(kim_long, program)
    # a commune sees its own task, 404 on another's
    assert queries.task_or_404(kim_long, commune.pk) == commune
    from django.http import Http404

    with pytest.raises(Http404):
        queries.task_or_404(kim_long, other.pk)
    with pytest.raises(Http404):
        queries.task_or_404(world.users["outsider"], commune.pk)
    assert queries.program_or_404(kim_long, program.pk) == program
    assert queries.visible_task_ids(kim_long, program) == {commune.pk}
    assert queries.visible_task_ids(world.users["committee"], program) is None


def test_as_of_ignores_later_reports(world, tree):
    program, district, commune, other = tree
    report(commune, percent=30, period_end=date(2026, 2, 28))
    report(commune, percent=90, period_end=date(2026, 5, 31))
    early = queries.program_tree(program, date(2026, 3, 1))
    late = queries.program_tree(program, date(2026, 6, 1))
    row = {r.task.pk: r for r in early.rows}[commune.pk]
    assert row.progress.percent == 30
    assert {r.task.pk: r for r in late.rows}[commune.pk].progress.percent == 90
    assert late.percent == D(90) / 3
