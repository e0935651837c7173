"""Issued reports are frozen: figures, text, files and hash stay as issued when the data
changes; regenerating lists what changed; the model refuses updates and deletes."""

import hashlib
import io
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangbo.core import files
from dangbo.core.models import AuditEntry
from dangbo.members.models import Member
from dangbo.reports import services, tasks
from dangbo.reports.kinds import Period
from dangbo.reports.models import IssuedReport
from tests.reports.issue_support import toy_kind  # noqa: F401 - fixture

pytestmark = pytest.mark.usefixtures("toy_kind")
Y2016 = Period(2016)


def _issue(world, number="15"):
    built = services.build("thu", world.org("tam-duong"), Y2016, viewer=world.users["admin"])
    return services.issue(
        built, actor=world.users["admin"], number=number, issued_on=date(2016, 12, 31)
    )


def test_build_counts_within_the_viewers_scope(world):
    tam_duong = world.org("tam-duong")
    staff = services.build("thu", tam_duong, Y2016, viewer=world.users["staff"])
    assert staff.figures["members"] == 6  # the district's six members
    with pytest.raises(PermissionDenied):
        services.build("thu", tam_duong, Y2016, viewer=world.users["outsider"])
    secretary = services.build(
        "thu", world.org("kl-thon-1"), Y2016, viewer=world.users["secretary"]
    )
    assert secretary.figures["members"] == 3


def test_the_kind_and_the_period_are_checked_with_messages_naming_the_field(world):
    kind = services.kind_of("thu")
    with pytest.raises(ValidationError) as bad:
        services.kind_of("khong-co")
    assert "kind" in bad.value.message_dict and "Loại báo cáo" in str(bad.value)
    with pytest.raises(ValidationError) as bad:
        services.period_of(kind, 2016, 2)
    assert "báo cáo năm" in bad.value.message_dict["quarter"][0]
    with pytest.raises(ValidationError) as bad:
        services.period_of(services.kind_of("thu-quy"), 2016)
    assert "hãy chọn quý" in bad.value.message_dict["quarter"][0]
    with pytest.raises(ValidationError) as bad:
        services.period_of(kind, "hai nghìn")
    assert "Năm" in bad.value.message_dict["year"][0]
    assert services.period_of(services.kind_of("thu-quy"), "2016", "2") == Period(2016, 2)


def test_render_names_files_and_turns_tables_into_sheets(world):
    from openpyxl import load_workbook

    built = services.build("thu", world.org("tam-duong"), Y2016, viewer=world.users["admin"])
    text, ctype, name = services.render(built, "text")
    assert "Toàn đảng bộ có 6 đảng viên." in text and ctype.startswith("text/plain")
    assert name == "bao-cao-thu-2016-tam-duong.txt"
    content, ctype, name = services.render(built, "xlsx")
    assert name.endswith(".xlsx")
    book = load_workbook(io.BytesIO(content))
    values = [c for row in book.worksheets[0].iter_rows(values_only=True) for c in row]
    assert "Đảng bộ xã Kim Long" in values and 3 in values


def test_an_issued_report_does_not_change_when_the_data_does(world):
    report = _issue(world)
    assert report.number == "15" and report.issued_by == world.users["admin"]
    assert "Số 15-BC/HU" in report.text and "ngày 31 tháng 12 năm 2016" in report.text
    stored = list(report.files.order_by("pk"))
    assert [f.original_name.rsplit(".", 1)[1] for f in stored] == ["docx", "pdf", "xlsx"]
    before = (report.figures, report.text, report.sha256, [f.sha256 for f in stored])
    contents = [files.path_of(f).read_bytes() for f in stored]
    assert services.verify(report)
    entry = AuditEntry.objects.filter(action="report.issued").latest("id")
    assert entry.object_id == str(report.pk) and report.sha256 in str(entry.after)

    # A member leaves Hợp Hòa for Kim Long; one more is admitted elsewhere.
    Member.objects.filter(pk=world.members["hoa"].pk).update(org=world.org("kl-thon-2"))
    again = IssuedReport.objects.get(pk=report.pk)
    assert (again.figures, again.text, again.sha256) == before[:3]
    assert [f.sha256 for f in again.files.order_by("pk")] == before[3]
    assert [files.path_of(f).read_bytes() for f in again.files.order_by("pk")] == contents
    assert [hashlib.sha256(c).hexdigest() for c in contents] == before[3]
    assert services.verify(again)

    changes = services.changes_since(again, viewer=world.users["admin"])
    assert not changes.none
    moved = {c.key: (c.change, c.old, c.new) for c in changes.figures}
    assert moved["by_org.Đảng bộ thị trấn Hợp Hòa"] == ("changed", 1, 0)
    assert moved["by_org.Đảng bộ xã Kim Long"] == ("changed", 3 + 1, 5)
    assert "members" not in moved  # still six in the district
    assert any(line.startswith("-") and "Hợp Hòa | 1" in line for line in changes.diff)
    assert any(line.startswith("+") and "Hợp Hòa | 0" in line for line in changes.diff)


def test_no_change_when_nothing_moved(world):
    report = _issue(world)
    changes = services.changes_since(report, viewer=world.users["admin"])
    assert changes.none and changes.figures == [] and changes.diff == []


def test_the_frozen_model_refuses_updates_and_deletes(world):
    report = _issue(world)
    report.text = "sửa"
    with pytest.raises(ValueError, match="frozen"):
        report.save()
    with pytest.raises(ValueError, match="frozen"):
        report.delete()
    assert IssuedReport.objects.get(pk=report.pk).text != "sửa"


def test_a_number_is_issued_once_per_body_and_year(world):
    _issue(world, number="15")
    with pytest.raises(ValidationError) as bad:
        _issue(world, number="15")
    assert "đã ban hành báo cáo số 15 năm 2016" in bad.value.message_dict["number"][0]
    assert _issue(world, number="16").number == "16"  # a corrected report, a new number
    with pytest.raises(ValidationError) as bad:
        _issue(world, number="15-BC/HU")
    assert "number" in bad.value.message_dict


def test_issuing_needs_change_on_the_organisation(world):
    built = services.build("thu", world.org("tam-duong"), Y2016, viewer=world.users["committee"])
    with pytest.raises(PermissionDenied, match="quyền ban hành"):
        services.issue(built, actor=world.users["committee"], number="1")
    assert not IssuedReport.objects.exists()


def test_a_background_run_builds_the_file_with_progress(world):
    from dangbo.reports.models import ReportRun

    run = tasks.start_run(
        "thu-quy", world.org("tam-duong"), Period(2016, 2), "xlsx", actor=world.users["staff"]
    )
    assert run.state == ReportRun.State.QUEUED
    run = services.run(run)
    assert run.state == ReportRun.State.DONE and run.result.original_name.endswith(".xlsx")
    assert run.total == run.done and run.percent == 100
    assert run.result.original_name == "bao-cao-thu-quy-2016-q2-tam-duong.xlsx"


def test_a_failed_run_says_why_without_a_traceback(world):
    from dangbo.reports import kinds
    from dangbo.reports.models import ReportRun

    def broken(org, period, *, viewer, progress=kinds.no_progress):
        raise RuntimeError("secret detail")

    kinds.register(kinds.Kind("hong", "Hỏng", broken))
    try:
        run = tasks.start_run(
            "hong", world.org("tam-duong"), Y2016, "docx", actor=world.users["staff"]
        )
        run = services.run(run)
    finally:
        kinds._kinds.pop("hong")
    assert run.state == ReportRun.State.FAILED
    assert run.problem == services.FAILED_MESSAGE and "secret" not in run.problem


def test_the_worker_runs_a_queued_report(
    transactional_db, world, django_capture_on_commit_callbacks
):
    # Transactional: the worker closes and reopens connections between tasks.
    from django.core.management import call_command

    from dangbo.reports.models import ReportRun

    with django_capture_on_commit_callbacks(execute=True):
        run = tasks.start_run(
            "thu", world.org("tam-duong"), Y2016, "docx", actor=world.users["staff"]
        )
    call_command("worker", "--batch")
    run.refresh_from_db()
    assert run.state == ReportRun.State.DONE and run.result.original_name.endswith(".docx")


def test_a_run_lost_with_its_process_is_marked_failed(world):
    from datetime import timedelta

    from django.utils import timezone

    from dangbo.reports.models import ReportRun

    run = tasks.start_run("thu", world.org("tam-duong"), Y2016, "pdf", actor=world.users["staff"])
    ReportRun.objects.filter(pk=run.pk).update(
        state=ReportRun.State.RUNNING, beat_at=timezone.now() - timedelta(minutes=5)
    )
    run.refresh_from_db()
    assert services.settle(run).state == ReportRun.State.RUNNING  # still alive
    ReportRun.objects.filter(pk=run.pk).update(beat_at=timezone.now() - timedelta(hours=1))
    run.refresh_from_db()
    run = services.settle(run)
    assert run.state == ReportRun.State.FAILED and "gián đoạn" in run.problem
