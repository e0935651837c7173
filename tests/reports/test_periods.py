"""Reports of other periods and levels: the quarter ("quy"), the year's review results
("danh-gia") and meeting compliance ("sinh-hoat"). Their figures are those of the pages and of
``dangbo stats``; their text reads for a cell as for a district, without "0 …" sentences."""

import re
from datetime import date
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from openpyxl import load_workbook

from dangbo.core.office.sheet import workbook
from dangbo.meetings import queries as meeting_queries
from dangbo.meetings import services as meetings
from dangbo.oversight import queries as oversight_queries
from dangbo.oversight import services as oversight
from dangbo.oversight.models import OpinionTopic
from dangbo.reports import kinds
from dangbo.reports.kinds import Period
from dangbo.reviews.queries import reviews_stats

pytestmark = pytest.mark.django_db

Q2 = Period(2016, 2)
YEAR = Period(2016)
ZERO = re.compile(r"(?<![\d.,/])0 (chi|đảng|tổ|ý|buổi|đồng|lượt|cán)")


def build(key, world_or_org, period, viewer=None):
    org = world_or_org
    return kinds.get(key).build(org, period, viewer=viewer)


def no_zero_counts(text: str) -> None:
    assert not ZERO.search(text), text


def sheets_open(built) -> list:
    out = BytesIO()
    workbook(built.sheets, out, title=built.document.summary)
    out.seek(0)
    return load_workbook(out).worksheets


def _int_cells(ws) -> list:
    return [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, int)]


# ---------------------------------------------------------------- a small world


def _opinion(w, day, org, source="citizen", topic="ha-tang"):
    return oversight.record_opinion(
        actor=None,
        received_on=day,
        source=source,
        channel="staff",
        text=f"Ý kiến {org} {day}",
        topic=OpinionTopic.objects.get(code=topic),
        org=w.org(org),
        received_by=w.org("tam-duong"),
    )


@pytest.fixture
def quarter_world(world):
    """Q2 2016: two visits to kl-thon-1 (one by a working group would need a plan: both by
    members here), three opinions: two citizens' (one answered, one overdue) and a cadre's."""
    for day in (date(2016, 4, 10), date(2016, 5, 10)):
        oversight.record_visit(
            actor=None, cell=world.org("kl-thon-1"), day=day, attendees=[world.members["an"]]
        )
    late = _opinion(world, date(2016, 4, 12), "kl-thon-1")
    oversight.assign_opinion(
        actor=None,
        opinion=late,
        to_org=world.org("kim-long"),
        deadline=date(2016, 5, 1),
        on=date(2016, 4, 13),
    )
    done = _opinion(world, date(2016, 5, 2), "kl-thon-2", topic="dat-dai")
    oversight.answer_opinion(
        actor=None, opinion=done, answer="Đã trả lời.", approved_by="Bí thư", on=date(2016, 5, 20)
    )
    _opinion(world, date(2016, 6, 2), "hh-tdp-1", source="cadre")
    return world


def test_quarter_figures_are_the_quarter_page_and_stats(quarter_world):
    w = quarter_world
    district = w.org("tam-duong")
    built = build("quy", district, Q2)
    f = built.figures
    heard = oversight_queries.heard_in_quarter(district, 2016, 2)
    assert (
        (f["visits"], f["cells_visited"], f["opinions_total"])
        == (
            heard.visits,
            heard.cells_visited,
            heard.total,
        )
        == (2, 1, 3)
    )
    assert f["cells"] == 4
    assert f["opinions_by_source"] == {"cadre": 1, "member": 0, "citizen": 2}
    assert f["opinions_answered"] == 1 and f["opinions_open"] == 2
    stats = oversight_queries.oversight_stats(district, date(2016, 6, 30))
    assert f["opinions_overdue"] == stats["opinions_overdue"] == 1
    assert sum(f["opinions_by_topic"].values()) == f["opinions_total"]
    kim_long = next(r for r in f["by_child"] if r["code"] == "kim-long")
    assert (kim_long["cells"], kim_long["visited"], kim_long["visits"]) == (2, 1, 2)
    text = built.text
    assert "2 buổi sinh hoạt chi bộ" in text
    assert "1/4 chi bộ (25%)" in text
    assert "1 ý kiến của cán bộ và 2 ý kiến của nhân dân" in text
    assert "1/3 ý kiến (33,3%)" in text
    assert "HUYỆN ỦY TAM DƯƠNG" in text.upper()
    no_zero_counts(text)
    # the overdue table as it stood at the quarter's end
    overdue = next(s for s in built.sheets if s.name == "Quá hạn")
    rows = list(overdue.rows)
    assert len(rows) == 1 and rows[0][5] == date(2016, 5, 1) and rows[0][6] == 60


def test_quarter_for_a_cell_and_a_commune_reads_naturally(quarter_world):
    w = quarter_world
    cell = build("quy", w.org("kl-thon-1"), Q2).text
    assert "2 buổi sinh hoạt chi bộ" in cell
    assert "/1 chi bộ" not in cell  # no "1/1 chi bộ" for a cell
    no_zero_counts(cell)
    commune = build("quy", w.org("kim-long"), Q2)
    assert "Đã dự sinh hoạt tại 1/2 chi bộ (50%); còn 1 chi bộ chưa được dự trong quý." in (
        commune.text
    )
    assert [c.label for c in commune.sheets[0].columns] == ["Chi bộ", "Số buổi dự"]
    assert list(commune.sheets[0].rows) == [("Chi bộ thôn Đồng Bông", 2), ("Chi bộ thôn Gia Du", 0)]
    no_zero_counts(commune.text)
    town = build("quy", w.org("hop-hoa"), Q2)
    assert town.figures["visits"] == 0
    assert "chưa ghi nhận buổi dự sinh hoạt chi bộ nào" in town.text
    assert "Ý kiến do cán bộ nêu." in town.text
    no_zero_counts(town.text)


def test_the_office_edits_a_sentence_of_the_quarter(quarter_world):
    from dangbo.reports import prose
    from dangbo.reports.models import ReportPhrase

    prose.sync_defaults()
    row = ReportPhrase.objects.get(key="quarter.opinions", case="some")
    prose.update_phrase(row, "Quý này nghe được {total} ý kiến ({period}).", actor=None)
    built = build("quy", quarter_world.org("tam-duong"), Q2)
    assert "Quý này nghe được 3 ý kiến (quý II năm 2016)." in built.text
    topics = built.figures["opinions_by_topic"]
    table = next(b for b in built.document.blocks if getattr(b, "caption", "").endswith("lĩnh vực"))
    shares = [row[2] for row in table.rows]
    assert sum(topics.values()) == 3 and abs(sum(shares) - 100) < 0.2


def test_quarter_for_a_province_names_its_districts(quarter_world):
    built = build("quy", quarter_world.org("vinh-phuc"), Q2)
    text = built.text
    assert "theo đảng bộ trực thuộc" in text
    assert "Đảng bộ huyện Vĩnh Tường chưa có chi bộ nào được dự sinh hoạt trong quý." in text
    assert "1/5 chi bộ (20%)" in text
    no_zero_counts(text)


def test_quarter_with_nothing_says_so(world):
    built = build("quy", world.org("tam-duong"), Period(2015, 3))
    assert "không có ý kiến, kiến nghị nào được tiếp nhận" in built.text
    assert "chưa ghi nhận buổi dự sinh hoạt" in built.text
    no_zero_counts(built.text)


@pytest.mark.parametrize("quarter", [0, 5, None])
def test_a_quarter_outside_1_to_4_is_refused_by_name(world, quarter):
    with pytest.raises(ValidationError) as err:
        build("quy", world.org("tam-duong"), Period(2016, quarter))
    assert "quy" in err.value.message_dict
    assert "1 đến 4" in err.value.message_dict["quy"][0]


def test_a_future_year_is_refused(world):
    for key in ("quy", "danh-gia", "sinh-hoat"):
        period = Period(2999, 1) if key == "quy" else Period(2999)
        with pytest.raises(ValidationError, match="chưa"):
            build(key, world.org("tam-duong"), period)


def test_out_of_scope_is_not_found(quarter_world):
    w = quarter_world
    for key, period in (("quy", Q2), ("danh-gia", YEAR), ("sinh-hoat", YEAR)):
        with pytest.raises(Http404):
            build(key, w.org("tam-duong"), period, viewer=w.users["outsider"])
        with pytest.raises(Http404):  # a commune's staff may not count the district
            build(key, w.org("tam-duong"), period, viewer=w.users["sensitive_staff"])
        build(key, w.org("kim-long"), period, viewer=w.users["sensitive_staff"])


# ---------------------------------------------------------------- compliance


def _held(w, cell, day, kind="regular"):
    meetings.record_meeting(
        actor=None,
        org=w.org(cell),
        day=day,
        data={"kind": kind, "topic": "Chuyên đề" if kind == "thematic" else ""},
    )


@pytest.fixture
def meeting_world(world):
    """2016: kl-thon-1 meets every month and every quarter; kl-thon-2 misses March and has
    no thematic meeting; the others nothing."""
    for m in range(1, 13):
        _held(world, "kl-thon-1", date(2016, m, 10))
        if m != 3:
            _held(world, "kl-thon-2", date(2016, m, 12))
    for q in range(1, 5):
        _held(world, "kl-thon-1", date(2016, 3 * q, 20), "thematic")
    return world


def test_compliance_figures_are_the_compliance_page(meeting_world):
    w = meeting_world
    district = w.org("tam-duong")
    built = build("sinh-hoat", district, YEAR)
    f = built.figures
    page = meeting_queries.compliance(district, date(2016, 12, 31))
    assert f["cells"] == page.cells == 4
    assert f["regular_meetings"] == page.regular_meetings == 23
    assert f["thematic_meetings"] == page.thematic_meetings == 4
    assert f["cells_missing_regular"] == page.missing_regular_total == 3
    assert f["cells_missing_thematic"] == page.missing_thematic_total == 3
    assert [r["held"] for r in f["by_month"]] == [2, 2, 1, *[2] * 9]
    assert all(r["due"] == 4 for r in f["by_month"])
    assert [r["held"] for r in f["by_quarter"]] == [1, 1, 1, 1]
    assert f["by_month"][2]["share"] == 25.0
    text = built.text
    assert "23 buổi sinh hoạt thường kỳ và 4 buổi sinh hoạt chuyên đề" in text
    assert "1/4 chi bộ sinh hoạt thường kỳ đủ hằng tháng (25%)" in text
    assert "Tháng 3 có tỷ lệ chi bộ sinh hoạt thường kỳ thấp nhất (1/4 chi bộ, 25%)" in text
    no_zero_counts(text)
    month, quarter, missing = sheets_open(built)
    assert _int_cells(month).count(4) >= 12  # each month's 4 cells due, stored as numbers
    assert _int_cells(quarter).count(4) >= 4
    assert missing.max_row >= 6  # title, subtitle, header and three cells


def test_compliance_for_one_cell(meeting_world):
    w = meeting_world
    good = build("sinh-hoat", w.org("kl-thon-1"), YEAR).text
    assert "Chi bộ sinh hoạt thường kỳ đủ hằng tháng (tháng 1–12)." in good
    assert "Chi bộ sinh hoạt chuyên đề đủ mỗi quý một lần (quý I–IV)." in good
    short = build("sinh-hoat", w.org("kl-thon-2"), YEAR).text
    assert "Chi bộ chưa sinh hoạt thường kỳ ở tháng 3." in short
    assert "Chi bộ chưa sinh hoạt chuyên đề trong quý I–IV." in short
    none = build("sinh-hoat", w.org("hh-tdp-1"), YEAR).text
    assert "chưa ghi nhận buổi sinh hoạt thường kỳ, chuyên đề nào của chi bộ" in none
    for text in (good, short, none):
        no_zero_counts(text)


def test_compliance_to_a_quarter_end(meeting_world):
    built = build("sinh-hoat", meeting_world.org("kim-long"), Period(2016, 1))
    assert built.figures["months_due"] == [1, 2, 3]
    assert built.figures["quarters_due"] == [1]
    assert built.figures["cells"] == 2
    assert "1/2 chi bộ sinh hoạt thường kỳ đủ hằng tháng (50%)" in built.text


# ---------------------------------------------------------------- review results (demo below)


def test_review_results_with_nothing_decided(world):
    built = build("danh-gia", world.org("tam-duong"), Period(2015))
    assert "Chưa có kết quả đánh giá, xếp loại chất lượng năm 2015" in built.text
    assert built.figures["organisations_reviewed"] == 0
    no_zero_counts(built.text)
    assert [s.name for s in built.sheets] == ["Tổ chức đảng", "Đảng viên", "Các năm"]
    for ws in sheets_open(built):
        assert ws.max_row >= 2


def test_review_results_refuse_a_quarter(world):
    with pytest.raises(ValidationError) as err:
        build("danh-gia", world.org("tam-duong"), Q2)
    assert "quy" in err.value.message_dict


def test_the_three_kinds_are_registered():
    keys = {k.key for k in kinds.all_kinds()}
    assert {"quy", "danh-gia", "sinh-hoat"} <= keys
    assert kinds.get("quy").quarterly
    assert not kinds.get("danh-gia").quarterly


# ---------------------------------------------------------------- links from the pages


def _downloads(client, page: str, loai: str) -> dict[str, str]:
    """The page's "Tải báo cáo" links to the report of kind ``loai``, by format."""
    html = client.get(page).content.decode()
    found = re.findall(r'href="(/bao-cao/tai/(\w+)/\?([^"]*))"', html)
    return {fmt: url.replace("&amp;", "&") for url, fmt, query in found if f"loai={loai}&" in query}


def _fetch_all(client, links: dict[str, str]) -> None:
    assert set(links) == {"docx", "pdf", "xlsx"}
    page = client.get(reverse("reports:index") + "?" + links["docx"].split("?", 1)[1])
    assert page.status_code == 200 and "BÁO CÁO" in page.content.decode()
    for fmt, url in links.items():
        response = client.get(url)
        assert response.status_code == 200, (url, response.content[:300])
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if fmt == "xlsx":
            assert load_workbook(BytesIO(body)).worksheets
        elif fmt == "pdf":
            assert body.startswith(b"%PDF")
        else:
            assert body.startswith(b"PK")


def test_the_quarter_page_links_its_report(quarter_world, client):
    client.force_login(quarter_world.users["staff"])
    links = _downloads(
        client, reverse("oversight:quarter") + "?to-chuc=tam-duong&nam=2016&quy=2", "quy"
    )
    assert all(
        "nam=2016" in u and "quy=2" in u and "to_chuc=tam-duong" in u for u in links.values()
    )
    _fetch_all(client, links)


def test_the_compliance_page_links_its_report(meeting_world, client):
    client.force_login(meeting_world.users["staff"])
    links = _downloads(
        client, reverse("meetings:compliance") + "?to-chuc=kim-long&ngay=31/12/2016", "sinh-hoat"
    )
    assert all("to_chuc=kim-long" in u for u in links.values())
    _fetch_all(client, links)


# ---------------------------------------------------------------- the demo (last: its
# module fixture holds the demo until the module's end, so no small-world test may follow)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The Tam Dương demo, loaded once for the module in a transaction rolled back after
    (tests.support.built_for_module)."""
    from tests.support import built_for_module, load_demo

    with built_for_module(django_db_blocker, load_demo):
        yield


def _district():
    from dangbo.orgs.models import Organisation

    return Organisation.objects.get(code="tam-duong")


def test_demo_quarter(demo):
    district = _district()
    built = build("quy", district, Q2)
    f = built.figures
    heard = oversight_queries.heard_in_quarter(district, 2016, 2)
    assert (f["visits"], f["cells_visited"], f["opinions_total"]) == (
        heard.visits,
        heard.cells_visited,
        heard.total,
    )
    assert f["visits"] > 0 and f["opinions_total"] > 0
    assert sum(r["visits"] for r in f["by_child"]) == f["visits"]
    assert sum(f["opinions_by_source"].values()) == f["opinions_total"]
    assert f["opinions_answered"] + f["opinions_open"] == f["opinions_total"]
    stats = oversight_queries.oversight_stats(district, date(2016, 6, 30))
    assert f["opinions_overdue"] == stats["opinions_overdue"]
    no_zero_counts(built.text)
    print(built.text)
    for ws in sheets_open(built):
        assert ws.max_row >= 3


def test_demo_compliance(demo):
    district = _district()
    built = build("sinh-hoat", district, YEAR)
    f = built.figures
    stats = oversight_queries.oversight_stats(district, date(2016, 12, 31))
    assert f["regular_meetings"] == stats["regular_meetings"]
    assert f["thematic_meetings"] == stats["thematic_meetings"]
    assert f["cells_missing_regular"] == stats["cells_missing_regular_meeting"]
    assert f["attendance_rate"] == stats["attendance_rate"]
    assert all(0 <= r["held"] <= r["due"] == f["cells"] for r in f["by_month"])
    no_zero_counts(built.text)
    print(built.text)
    month = sheets_open(built)[0]
    assert len(_int_cells(month)) >= 12 * 3


def test_demo_review_results(demo):
    district = _district()
    built = build("danh-gia", district, YEAR)
    f = built.figures
    stats = reviews_stats(district, date(2016, 12, 31))
    assert f["recognised_by_committee"] == stats["tsvm_or_exemplary"] == 25
    assert f["exemplary_5_years_running_cells"] == 2
    assert f["excellent_5_years_running_members"] == 26
    assert f["members_reviewed"] == stats["members_decided"]
    assert sum(f["organisations_by_level"].values()) == f["organisations_reviewed"]
    shares = [v for row in built.sheets[1].rows for v in row[2:3] if v is not None]
    assert abs(sum(shares) - 100) < 0.5
    assert [h["year"] for h in f["history"]] == [2012, 2013, 2014, 2015, 2016]
    assert all(h["members"] > 0 for h in f["history"])
    text = built.text
    assert "công nhận 25 tổ chức cơ sở đảng" in text
    assert "26 đảng viên hoàn thành xuất sắc nhiệm vụ 5 năm liền (2012–2016)" in text
    no_zero_counts(text)
    print(text)
    commune = next(
        o for o in district.__class__.objects.filter(parent=district, kind="grassroots_committee")
    )
    no_zero_counts(build("danh-gia", commune, YEAR).text)
    ws = sheets_open(built)[0]
    assert _int_cells(ws)


def test_the_review_cycle_page_links_its_report(demo, client):
    from django.contrib.auth import get_user_model

    from dangbo.reviews.models import ReviewCycle

    cycle = ReviewCycle.objects.get(org=_district(), year=2016, kind="year")
    client.force_login(get_user_model().objects.create_superuser("h8-root", password="x-h8-pw-1"))
    links = _downloads(client, reverse("reviews:cycle", args=[cycle.pk]), "danh-gia")
    assert all("nam=2016" in u and "to_chuc=tam-duong" in u for u in links.values())
    _fetch_all(client, links)
