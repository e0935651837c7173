"""The basic statistical tables ("thong-ke"): totals equal ``org_stats``, every breakdown sums
to its total, ethnicity and religion only with the sensitive grant (and that read audited),
counts bounded by the viewer's scope, a real .xlsx with integer cells and the form marked."""

from datetime import date, timedelta
from io import BytesIO

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import Http404
from openpyxl import load_workbook

from dangbo.core.errors import messages_of
from dangbo.core.models import AuditEntry
from dangbo.core.office import Table, to_docx, to_pdf, to_text
from dangbo.core.office.sheet import workbook
from dangbo.members.rules import months_between
from dangbo.orgs.models import Organisation
from dangbo.registry.queries import org_stats
from dangbo.reports import kinds, statistics
from dangbo.reports import statistics_queries as sq
from dangbo.reports.kinds import Period
from tests.support import built_for_module, load_demo

YEAR = Period(2016)
AS_OF = date(2016, 12, 31)
MEMBER_TABLES = ("members", "age", "schooling", "professional", "theory", "party_age")
# The columns of each table that together make its total (the rest are sub-totals or a
# second breakdown of the same members).
PARTS = {
    "members": (("official", "probationary"), ("male", "female")),
    "age": (tuple(k for k, *_ in sq.AGE_BANDS),),
    "schooling": (("primary", "lower", "upper", "unknown"),),
    "professional": (
        (
            "doctor",
            "master",
            "university",
            "college",
            "intermediate",
            "elementary",
            "other",
            "none",
        ),
    ),
    "theory": (("advanced", "intermediate", "elementary", "none"),),
    "party_age": ((*(k for k, *_ in sq.PARTY_AGE_BANDS), "probationary"),),
}


def _build(org, viewer, period=YEAR):
    return statistics.build(org, period, viewer=viewer)


def _sheet_cells(built):
    out = BytesIO()
    workbook(built.sheets, out, title="t", author="t")
    out.seek(0)
    return load_workbook(out)


def _check_sums(built, total: int) -> None:
    f = built.figures
    for table in MEMBER_TABLES:
        assert f[f"{table}.total"] == total, table
        for parts in PARTS[table]:
            assert sum(f[f"{table}.{p}"] for p in parts) == total, (table, parts)
    for sheet in built.sheets:  # each row's breakdown sums to the row's total too
        if sheet.columns[1].label != "Tổng số" or sheet.name in ("Dân tộc", "Tôn giáo"):
            continue
        rows = list(sheet.rows)
        assert sum(r[1] for r in rows) == sheet.totals[1], sheet.name


# ------------------------------------------------------------------ pure rules


def test_years_cutoff_agrees_with_completed_years():
    for as_of in (date(2016, 12, 31), date(2017, 2, 28), date(2016, 2, 29), date(2020, 3, 1)):
        for years in (1, 4, 30, 31):
            cut = sq.years_cutoff(as_of, years)
            assert months_between(cut, as_of) // 12 >= years
            assert months_between(cut + timedelta(days=1), as_of) // 12 < years


@pytest.mark.parametrize(
    ("value", "column"),
    [
        ("12/12", "upper"),
        ("9/12", "lower"),
        ("5/12", "primary"),
        ("7/10", "lower"),
        ("10/10", "upper"),
        ("4/10", "primary"),
        ("", "unknown"),
        ("THPT", "upper"),
    ],
)
def test_schooling(value, column):
    assert statistics.schooling(value) == column


@pytest.mark.parametrize(
    ("value", "column"),
    [
        ("Tiến sĩ Kinh tế", "doctor"),
        ("Thạc sĩ", "master"),
        ("Đại học Sư phạm", "university"),
        ("Cử nhân Luật", "university"),
        ("Cao đẳng", "college"),
        ("Trung cấp", "intermediate"),
        ("Sơ cấp", "elementary"),
        ("", "none"),
        ("Thợ mộc", "other"),
    ],
)
def test_professional(value, column):
    assert statistics.professional(value) == column


def test_registered_as_a_yearly_background_kind():
    kind = kinds.get("thong-ke")
    assert kind.build is statistics.build
    assert not kind.quarterly and kind.background and "xlsx" in kind.formats


# ------------------------------------------------------------------ the small world


@pytest.mark.django_db
def test_totals_sums_and_rows_on_the_small_world(world, django_assert_max_num_queries):
    district = world.org("tam-duong")
    with django_assert_max_num_queries(30):
        built = _build(district, world.users["root"])
    stats = org_stats(district, AS_OF)
    total = stats["members"]["total"]
    assert total == 6
    _check_sums(built, total)
    f = built.figures
    assert f["members.official"] == stats["members"]["official"] == 5
    assert f["members.female"] == stats["members"]["female"] == 3
    assert f["party_age.probationary"] == 1  # Bình, admitted 2016
    assert f["age.age_gt70"] == 0 and f["age.age_61_70"] == 1  # Trần Văn An, born 1950
    assert f["movements.admitted"] == 1
    assert f["orgs.grassroots"] == stats["grassroots"]["total"] == 3
    assert f["orgs.sub_cell"] == stats["sub_cells"]["total"] == 3
    # Rows: the district's direct children, each with its own members.
    members = next(s for s in built.sheets if s.name == "Đảng viên")
    rows = {r[0]: r[1] for r in members.rows}
    assert rows == {
        "Đảng bộ thị trấn Hợp Hòa": 1,
        "Đảng bộ xã Kim Long": 4,
        "Chi bộ Tòa án nhân dân huyện": 1,
    }
    assert built.kind == "thong-ke" and built.document.landscape


@pytest.mark.django_db
def test_rows_follow_the_tree_of_the_day(world):
    """A sub-cell moved to another commune in 2017: the 2016 tables count its member where
    it stood then (the day's links), the 2017 tables where it stands now (the path)."""
    from dangbo.orgs import services as orgs

    orgs.reparent_org(
        actor=None,
        org=world.org("kl-thon-2"),
        new_parent=world.org("hop-hoa"),
        effective_date=date(2017, 6, 1),
    )
    district = world.org("tam-duong")

    def rows(period):
        built = _build(district, world.users["root"], period)
        sheet = next(s for s in built.sheets if s.name == "Đảng viên")
        return {r[0]: r[1] for r in sheet.rows}, built.figures

    before, figures = rows(YEAR)
    assert before["Đảng bộ xã Kim Long"] == 4 and before["Đảng bộ thị trấn Hợp Hòa"] == 1
    assert figures["members.total"] == org_stats(district, AS_OF)["members"]["total"] == 6
    after, _figures = rows(Period(2017))
    assert after["Đảng bộ xã Kim Long"] == 3 and after["Đảng bộ thị trấn Hợp Hòa"] == 2


@pytest.mark.django_db
def test_movements_of_the_year(world):
    """Admissions, transfers between the rows (out of one, into the other; none within one
    row) and exits by kind, in the year only."""
    from dangbo.members import services as members

    members.transfer_member(  # Kim Long → Hợp Hòa: out of one row, into another
        actor=None,
        member=world.members["dung"],
        to_org=world.org("hh-tdp-1"),
        effective_date=date(2016, 5, 1),
    )
    members.transfer_member(  # within Kim Long: no movement in the table
        actor=None,
        member=world.members["an"],
        to_org=world.org("kl-thon-2"),
        effective_date=date(2016, 6, 1),
    )
    members.end_membership(
        actor=None, member=world.members["khanh"], kind="deceased", effective_date=date(2016, 9, 2)
    )
    members.end_membership(  # the next year: not in 2016's table
        actor=None, member=world.members["hoa"], kind="struck_off", effective_date=date(2017, 3, 1)
    )
    built = _build(world.org("tam-duong"), world.users["root"])
    sheet = next(s for s in built.sheets if s.name == "Tăng, giảm")
    labels = [c.label for c in sheet.columns]
    rows = {r[0]: dict(zip(labels[1:], r[1:], strict=True)) for r in sheet.rows}
    kim_long, hop_hoa = rows["Đảng bộ xã Kim Long"], rows["Đảng bộ thị trấn Hợp Hòa"]
    assert kim_long["Kết nạp"] == 1 and kim_long["Chuyển đi"] == 1 and kim_long["Chuyển đến"] == 0
    assert hop_hoa["Chuyển đến"] == 1 and hop_hoa["Cộng tăng"] == 1 and hop_hoa["Xóa tên"] == 0
    assert rows["Chi bộ Tòa án nhân dân huyện"]["Từ trần"] == 1
    f = built.figures
    assert f["movements.moved_in"] == f["movements.moved_out"] == 1  # inside the district
    assert f["movements.exits"] == 2 and f["movements.arrivals"] == 2
    assert sheet.groups == (("", 1), ("Tăng", 3), ("Giảm", 6))
    # The province sees no transfer at all: both ends are inside it.
    province = _build(world.org("vinh-phuc"), world.users["root"])
    assert province.figures["movements.moved_in"] == province.figures["movements.moved_out"] == 0


@pytest.mark.django_db
def test_sensitive_tables_need_the_grant_and_are_audited(world):
    district = world.org("tam-duong")
    reads = AuditEntry.objects.filter(action="member.sensitive_read")
    before = reads.count()
    plain = _build(district, world.users["staff"])  # no sensitive flag
    assert {s.name for s in plain.sheets} & {"Dân tộc", "Tôn giáo"} == set()
    assert not any(k.startswith(("ethnicity.", "religion.")) for k in plain.figures)
    assert "theo dân tộc" not in plain.text and "theo tôn giáo" not in plain.text
    assert reads.count() == before

    granted = _build(district, world.users["admin"])  # admin on tam-duong, sensitive
    assert "theo dân tộc" in granted.text and "theo tôn giáo" in granted.text
    names = [s.name for s in granted.sheets]
    assert "Dân tộc" in names and "Tôn giáo" in names
    f = granted.figures
    assert f["ethnicity.total"] == f["religion.total"] == 6
    assert f["ethnicity.Kinh"] + f["ethnicity.minorities"] + f["ethnicity.unknown"] == 6
    assert f["ethnicity.Kinh"] == 1  # only Hương's record says
    assert f["religion.none"] + f["religion.believers"] == 6
    assert reads.count() == before + 1
    entry = reads.latest("id")
    assert entry.object_type == "reports.statistics"
    assert entry.actor_id == world.users["admin"].pk
    assert entry.scope_path == district.path


@pytest.mark.django_db
def test_a_viewer_scoped_lower_counts_only_their_part(world):
    district = world.org("tam-duong")
    commune = _build(district, world.users["sensitive_staff"])  # org_staff on kim-long
    assert commune.figures["members.total"] == 4
    rows = [r[0] for r in next(s for s in commune.sheets if s.name == "Đảng viên").rows]
    assert rows == ["Đảng bộ xã Kim Long"]
    # Sensitive over everything the viewer counts: the commune grant carries the flag.
    assert commune.figures["sensitive"] is True
    cell = _build(district, world.users["secretary"])  # a cell secretary in kl-thon-1
    assert cell.figures["members.total"] == 3
    assert cell.figures["orgs.grassroots"] == 0 and cell.figures["orgs.sub_cell"] == 1
    own = _build(world.org("kim-long"), world.users["sensitive_staff"])
    assert own.figures["members.total"] == 4
    # Vĩnh Tường's member is never counted, whoever asks for the province.
    province = _build(world.org("vinh-phuc"), world.users["admin"])
    assert province.figures["members.total"] == 6
    with pytest.raises(Http404):
        _build(district, world.users["outsider"])


@pytest.mark.django_db
def test_progress_is_reported_between_tables(world):
    calls = []
    statistics.build(
        world.org("tam-duong"),
        YEAR,
        viewer=world.users["admin"],
        progress=lambda done, total, phase="": calls.append((done, total, phase)),
    )
    done = [c[0] for c in calls]
    assert done == sorted(done) and done[0] == 0 and calls[-1][0] == calls[-1][1] == 10
    assert all(phase for _d, _t, phase in calls)
    assert "Dân tộc" in {phase for _d, _t, phase in calls}


@pytest.mark.django_db
def test_a_quarter_or_a_future_year_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        _build(world.org("tam-duong"), world.users["root"], Period(2016, 2))
    message = messages_of(exc.value)["quarter"][0]
    assert "theo năm" in message and "quý II năm 2016" in message
    with pytest.raises(ValidationError) as exc:
        _build(world.org("tam-duong"), world.users["root"], Period(date.today().year + 1))
    assert "chưa bắt đầu" in messages_of(exc.value)["year"][0]


@pytest.mark.django_db
def test_the_workbook_and_the_document(world):
    built = _build(world.org("tam-duong"), world.users["admin"])
    book = _sheet_cells(built)
    assert len(book.sheetnames) == len(built.sheets) == 10
    for ws in book.worksheets:
        values = [c.value for row in ws.iter_rows() for c in row if c.value is not None]
        assert any("TCTW" in str(v) or "bố cục tham khảo" in str(v) for v in values), ws.title
        numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
        assert numbers and all(isinstance(v, int) for v in numbers), ws.title
    forms = {s.name: s.form for s in built.sheets}
    assert forms["Lý luận chính trị"].startswith("Theo Biểu 3-TCTW")
    assert forms["Dân tộc"].startswith("Theo Biểu 4-TCTW")
    tables = [b for b in built.document.blocks if isinstance(b, Table)]
    assert len(tables) == 10
    assert "Số liệu thống kê cơ bản về tổ chức đảng và đảng viên năm 2016" in built.text
    assert to_docx(built.document)[:2] == b"PK"
    assert to_pdf(built.document)[:4] == b"%PDF"
    assert "Tổng cộng" in to_text(built.document)


# ------------------------------------------------------------------ the demo


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The Tam Dương demo, loaded once for the module in a transaction rolled back after it
    (the pattern of tests/demo/test_demo.py)."""

    def build():
        load_demo()
        return get_user_model().objects.create_superuser("h3-stats", password="x-h3")

    with built_for_module(django_db_blocker, build) as root:
        yield root


@pytest.mark.django_db
def test_the_demo_district(demo, django_assert_max_num_queries):
    district = Organisation.objects.get(code="tam-duong")
    with django_assert_max_num_queries(40):
        built = _build(district, demo)
    stats = org_stats(district, AS_OF)
    total = stats["members"]["total"]
    assert total > 5470
    _check_sums(built, total)
    f = built.figures
    assert f["members.official"] == stats["members"]["official"]
    assert f["members.female"] == stats["members"]["female"]
    assert f["ethnicity.total"] == total and f["religion.total"] == total
    assert f["orgs.grassroots"] == stats["grassroots"]["total"] == 50
    assert f["orgs.grassroots_committee"] == stats["grassroots"]["by_kind"]["grassroots_committee"]
    assert f["orgs.sub_cell"] == stats["sub_cells"]["total"]
    members = next(s for s in built.sheets if s.name == "Đảng viên")
    assert len(list(members.rows)) == 50  # one row per grassroots organisation
    book = _sheet_cells(built)
    ws = book["Đảng viên"]
    ints = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, int)]
    assert total in ints
