"""A report never counts what its reader may not see, on the demo (Tam Dương, 2016).

The commune's office (xakimlong: staff of Kim Long, no sensitive grant) asking for the
district's report is refused by every door: the service (PermissionDenied), the web page
(its form does not find the organisation: 400; the downloads 404), the API (422 naming
``org``, as for an unknown code) and the command (CommandError). Its report of its own
commune counts the commune only: the same figures as the district's office reading that
commune, and the commune's own member count (``org_stats``). The statistical tables show
ethnicity and religion only to a reader holding the sensitive grant, and that reading is
audited.
"""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from dangbo.core.models import AuditEntry
from dangbo.core.services import issue_token
from dangbo.orgs.models import Organisation
from dangbo.registry.queries import org_stats
from dangbo.reports import kinds, services
from dangbo.reports.kinds import Period
from tests.support import built_for_module, load_demo

pytestmark = pytest.mark.django_db

YEAR = 2016
END = date(YEAR, 12, 31)
# The kinds the issue asks for: every one must be registered (and is checked below).
KINDS = ("nam", "quy", "danh-gia", "sinh-hoat", "thong-ke")
# Keys that say who read, not what was counted.
READER_KEYS = {"sensitive"}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo, loaded once for the module in a transaction rolled back after its last
    test (each test runs in a savepoint inside it), as tests/demo/test_demo.py does."""
    with built_for_module(django_db_blocker, load_demo):
        yield


def user(name: str):
    return get_user_model().objects.get(username=name)


def org(code: str) -> Organisation:
    return Organisation.objects.get(code=code)


def period_for(key: str) -> Period:
    return Period(YEAR, 4 if kinds.get(key).quarterly else None)


def counted(figures: dict) -> dict:
    return {k: v for k, v in figures.items() if k not in READER_KEYS}


def test_every_kind_of_the_issue_is_registered():
    assert set(KINDS) <= {k.key for k in kinds.all_kinds()}


@pytest.mark.parametrize("key", KINDS)
def test_a_commune_office_is_refused_the_district_report_by_the_service(demo, key):
    with pytest.raises(PermissionDenied):
        services.build(key, org("tam-duong"), period_for(key), viewer=user("xakimlong"))
    with pytest.raises(PermissionDenied):  # nor can it start a background run of it
        services.create_run(key, org("tam-duong"), period_for(key), "docx", actor=user("xakimlong"))


@pytest.mark.parametrize("key", KINDS)
def test_a_commune_office_is_refused_the_district_report_on_the_web(demo, key):
    client = Client()
    client.force_login(user("xakimlong"))
    period = period_for(key)
    query = {"loai": key, "to_chuc": "tam-duong", "nam": YEAR}
    if period.quarter:
        query["quy"] = period.quarter
    page = client.get(reverse("reports:index"), query)
    assert page.status_code == 400  # the organisation is not found: the form says so
    assert "Đảng bộ huyện Tam Dương" not in page.content.decode()
    for fmt in ("text", "docx", "pdf", "xlsx"):
        download = client.get(reverse("reports:download", args=[fmt]), query)
        assert download.status_code == 404, fmt
    # the name, as people type it, is refused the same way as the code
    named = client.get(
        reverse("reports:download", args=["text"]), {**query, "to_chuc": "Tam Dương"}
    )
    assert named.status_code == 404


@pytest.mark.parametrize("key", KINDS)
def test_a_commune_office_is_refused_the_district_report_by_the_api(demo, key):
    token = issue_token(actor=None, user=user("xakimlong"), name="scope")
    period = period_for(key)
    query = {"org": "tam-duong", "year": YEAR}
    if period.quarter:
        query["quarter"] = period.quarter
    client = Client()
    answer = client.get(f"/api/v1/reports/{key}", query, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert answer.status_code == 422, answer.content[:300]
    assert {item["field"] for item in answer.json()["detail"]} == {"org"}
    own = client.get(
        f"/api/v1/reports/{key}", {**query, "org": "kim-long"}, HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert own.status_code == 200, own.content[:300]


@pytest.mark.parametrize("key", KINDS)
def test_a_commune_office_is_refused_the_district_report_by_the_command(demo, key):
    args = ["report", "tam-duong", "--year", str(YEAR), "--kind", key, "--no-progress"]
    if kinds.get(key).quarterly:
        args += ["--quarter", "4"]
    with pytest.raises(CommandError):
        call_command(*args, "--user", "xakimlong")


def test_a_cell_secretary_is_refused_the_commune_report(demo):
    """The grant reaches the cell, not the commune above it."""
    for key in KINDS:
        with pytest.raises(PermissionDenied):
            services.build(key, org("kim-long"), period_for(key), viewer=user("bithu"))


@pytest.mark.parametrize("key", KINDS)
def test_the_commune_report_counts_the_commune_only(demo, key):
    """The commune's office and the district's office read the same commune report; it is
    not the district's."""
    period = period_for(key)
    own = services.build(key, org("kim-long"), period, viewer=user("xakimlong"))
    district_view = services.build(key, org("kim-long"), period, viewer=user("tochuc"))
    district = services.build(key, org("tam-duong"), period, viewer=user("tochuc"))
    if key != "thong-ke":  # the tables differ by the sensitive grant (below)
        assert counted(own.figures) == counted(district_view.figures)
        assert own.text == district_view.text
    assert counted(own.figures) != counted(district.figures)
    assert "Kim Long" in own.text


def test_the_commune_annual_report_states_the_commune_members(demo):
    built = services.build("nam", org("kim-long"), Period(YEAR), viewer=user("xakimlong"))
    members = org_stats(org("kim-long"), END)["members"]
    district = org_stats(org("tam-duong"), END)["members"]
    assert 0 < members["total"] < district["total"]
    assert built.figures["members"] == members["total"]
    assert built.figures["members_probationary"] == members["probationary"]


def test_the_commune_statistical_tables_count_the_commune_members(demo):
    members = org_stats(org("kim-long"), END)["members"]
    for reader in ("xakimlong", "tochuc"):
        built = services.build("thong-ke", org("kim-long"), Period(YEAR), viewer=user(reader))
        assert built.figures["members.total"] == members["total"], reader
        assert built.figures["members.probationary"] == members["probationary"], reader
        assert built.figures["members.female"] == members["female"], reader


def _sensitive_reads(reader: str) -> int:
    return AuditEntry.objects.filter(
        actor__username=reader, object_type="reports.statistics"
    ).count()


def _ethnicity_shown(built) -> bool:
    in_figures = any(k.startswith(("ethnicity.", "religion.")) for k in built.figures)
    in_sheets = any("dân tộc" in (s.title or "").lower() for s in built.sheets)
    in_text = "theo dân tộc" in built.text.lower() or "theo tôn giáo" in built.text.lower()
    assert in_figures == in_sheets == in_text, (in_figures, in_sheets, in_text)
    return in_figures


def test_ethnicity_and_religion_need_the_sensitive_grant(demo):
    """tochuc holds the sensitive grant on the district; xakimlong (the commune's office)
    and uyvien (a district committee member) do not."""
    district, commune = org("tam-duong"), org("kim-long")
    before = _sensitive_reads("tochuc")
    shown = services.build("thong-ke", district, Period(YEAR), viewer=user("tochuc"))
    assert shown.figures["sensitive"] is True
    assert _ethnicity_shown(shown)
    assert _sensitive_reads("tochuc") == before + 1  # the reading is audited
    f = shown.figures  # Kinh, the minorities (the groups' sum) and unknown: every member
    assert (
        f["ethnicity.Kinh"] + f["ethnicity.minorities"] + f["ethnicity.unknown"]
        == (f["members.total"])
    )

    for reader, where in (("xakimlong", commune), ("uyvien", district)):
        hidden = services.build("thong-ke", where, Period(YEAR), viewer=user(reader))
        assert hidden.figures["sensitive"] is False, reader
        assert not _ethnicity_shown(hidden), reader
        assert _sensitive_reads(reader) == 0, reader
        # the other tables are all there: the same member count as the sensitive reader's
        full = services.build("thong-ke", where, Period(YEAR), viewer=user("tochuc"))
        assert counted(hidden.figures) == {
            k: v
            for k, v in counted(full.figures).items()
            if not k.startswith(("ethnicity.", "religion."))
        }


def test_the_statistical_tables_downloaded_without_the_grant_hold_no_ethnicity(demo):
    from io import BytesIO

    from openpyxl import load_workbook

    client = Client()
    client.force_login(user("xakimlong"))
    query = {"loai": "thong-ke", "to_chuc": "kim-long", "nam": YEAR}
    response = client.get(reverse("reports:download", args=["xlsx"]), query)
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    cells = " ".join(
        str(v)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for v in row
        if v is not None
    ).lower()
    titles = " ".join(sheet.title for sheet in book.worksheets).lower()
    assert "dân tộc" not in cells and "tôn giáo" not in cells, titles
    assert "kinh" not in cells.split()
