"""The demo issues the 2016 annual report of Tam Dương: frozen, intact, and unchanged when
rebuilt from the same data."""

import pytest

from dangbo.reports import kinds, services
from dangbo.reports.models import IssuedReport
from tests.support import built_for_module, load_demo


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo loaded once for the module in a transaction rolled back after it (the
    pattern of tests/demo/test_demo.py)."""
    with built_for_module(django_db_blocker, load_demo):
        yield


@pytest.mark.skipif("nam" not in {k.key for k in kinds.all_kinds()}, reason="no annual kind")
def test_the_demo_issues_the_2016_annual_report(demo, db):
    report = IssuedReport.objects.select_related("org", "issued_by").get()
    assert (report.kind, report.org.code, report.year, report.number) == (
        "nam",
        "tam-duong",
        2016,
        "15",
    )
    assert report.issued_by.username == "tochuc"
    assert "Số 15-BC/HU" in report.text and "ngày 31 tháng 12 năm 2016" in report.text
    assert sorted(f.original_name.rsplit(".", 1)[1] for f in report.files.all()) == [
        "docx",
        "pdf",
        "xlsx",
    ]
    assert services.verify(report)
    changes = services.changes_since(report, viewer=report.issued_by)
    assert changes.none, (changes.figures[:5], changes.diff[:20])
