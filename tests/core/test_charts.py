"""Charts (core.charts): the SVG is valid, accessible, text and deterministic and carries its
data in the Vietnamese format; the PNG is a PNG; the chart's URL answers with its own CSP and
404s out of scope; the {% chart %} tag shows the same numbers in its table."""

import re
from datetime import date

import pytest
from defusedxml import ElementTree as ET
from django.template import Context, Template
from django.test import Client, RequestFactory

from dangbo.core import charts

SVG = "{http://www.w3.org/2000/svg}"

BAR = charts.Chart(
    charts.BAR,
    "Đảng viên theo độ tuổi",
    "Số đảng viên theo nhóm tuổi, nam và nữ.",
    ("18–30 tuổi", "31–40 tuổi", "Từ 71 tuổi"),
    (charts.series("Nam", [1234, 50, 3]), charts.series("Nữ", [12, 0, 7])),
    unit="đảng viên",
)
SHARE = charts.Chart(
    charts.STACKED,
    "Kết quả xếp loại",
    "Theo mức và tỷ lệ.",
    ("2015", "2016"),
    (
        charts.series("Hoàn thành xuất sắc nhiệm vụ", [1, 3]),
        charts.series("Hoàn thành tốt nhiệm vụ", [7, 5]),
    ),
    share=True,
)
HEAT = charts.Chart(
    charts.HEATMAP,
    "Sinh hoạt theo tháng",
    "Số buổi mỗi tháng.",
    ("T1", "T2", "T3"),
    (charts.series("Chi bộ thôn Đồng Bông", [1, 2, 0]), charts.series("Chi bộ Gia Du", [0, 1, 1])),
)
LINE = charts.Chart(
    charts.LINE,
    "Tăng trưởng giá trị sản xuất",
    "Thực hiện và chỉ tiêu.",
    ("2015", "2016"),
    (
        charts.series("Thực hiện", [11.25, 12.5]),
        charts.series("Chỉ tiêu", [11, 12], target=True),
    ),
    percent=True,
)
ALL = (
    BAR,
    SHARE,
    HEAT,
    LINE,
    charts.Chart(charts.GROUPED, "Xã", "d", ("2015", "2016"), (charts.series("Đạt", [2, 5]),)),
    charts.Chart(
        charts.PROGRESS,
        "Tiến độ",
        "d",
        ("Chương trình 1",),
        (charts.series("%", [45]),),
        percent=True,
    ),
    charts.Chart(charts.BAR, "Trống", "Không có gì.", (), ()),
)


def texts(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    return ["".join(t.itertext()).strip() for t in root.iter(f"{SVG}text")]


@pytest.mark.parametrize("chart", ALL, ids=lambda c: f"{c.kind}-{c.title}")
def test_svg_is_accessible_scalable_text(chart):
    svg = charts.svg(chart)
    root = ET.fromstring(svg)  # well-formed XML
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "chart-title chart-desc"
    assert root.get("viewBox") and root.get("width") is None and root.get("height") is None
    first, second = list(root)[:2]
    assert (first.tag, first.text, first.get("id")) == (f"{SVG}title", chart.title, "chart-title")
    assert (second.tag, second.text) == (f"{SVG}desc", chart.description)
    assert not list(root.iter(f"{SVG}script"))
    assert "<script" not in svg and "onload" not in svg and "<metadata" not in svg
    assert "<?xml" not in svg  # served as a document of its own, no declaration needed
    assert charts.svg(chart) == svg  # the same data, the same bytes


def test_svg_carries_its_labels_and_vietnamese_numbers():
    found = texts(charts.svg(BAR))
    for label in BAR.categories:
        assert label in found
    assert "1.234" in found  # thousands with a dot, as text, not paths
    assert "Nam" in found and "Nữ" in found
    shares = texts(charts.svg(SHARE))
    assert "87,5%" in shares and "37,5%" in shares  # 7 of 8, 3 of 8
    assert "11,2%" in texts(charts.svg(LINE)) or "11,3%" in texts(charts.svg(LINE))
    heat = texts(charts.svg(HEAT))
    assert "Chi bộ thôn Đồng Bông" in heat and "T3" in heat


def test_empty_chart_says_so():
    assert "Chưa có số liệu" in texts(charts.svg(ALL[-1]))


def test_png_for_documents():
    data = charts.png(BAR, dpi=100)
    assert data.startswith(b"\x89PNG\r\n\x1a\n")


def test_table_is_the_charts_data():
    header, rows = SHARE.table()
    assert header == [
        "",
        "Hoàn thành xuất sắc nhiệm vụ",
        "Tỷ lệ",
        "Hoàn thành tốt nhiệm vụ",
        "Tỷ lệ",
        "Cộng",
    ]
    assert rows == [
        ["2015", "1", "12,5%", "7", "87,5%", "8"],
        ["2016", "3", "37,5%", "5", "62,5%", "8"],
    ]
    header, rows = HEAT.table()
    assert header == ["", "T1", "T2", "T3", "Cộng"]
    assert rows[0] == ["Chi bộ thôn Đồng Bông", "1", "2", "0", "3"]
    assert charts.format_value(12.25, 2) == "12,25"
    assert charts.format_value(5470) == "5.470"
    assert charts.format_value(None) == "—"
    assert charts.format_value(50.0, percent=True) == "50%"


# ---- the URL and the tag, on the test world ---------------------------------------------------


@pytest.fixture
def probe():
    """A chart registered for these tests: the organisation's code, if the viewer covers it."""
    from dangbo.registry.charts import chart_org

    def provider(request, org=None, **_ignored):
        found = chart_org(request, org)
        if found is None:
            return None
        return charts.Chart(
            charts.BAR, f"Thử {found.name}", "d", ("Một", "Hai"), (charts.series("n", [1234, 5]),)
        )

    charts.register("tests.probe", provider)
    yield
    charts._providers.pop("tests.probe", None)


def client_for(world, role):
    client = Client()
    client.force_login(world.users[role])
    return client


@pytest.mark.django_db
def test_chart_url_answers_svg_with_its_own_policy(world, probe):
    response = client_for(world, "staff").get("/nhat-ky/bieu-do/tests.probe.svg?org=kim-long")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    assert response["X-Content-Type-Options"] == "nosniff"
    policy = response["Content-Security-Policy"]
    assert "style-src 'unsafe-inline'" in policy
    assert "default-src 'none'" in policy and "script-src 'none'" in policy
    assert "Cache-Control" in response and "private" in response["Cache-Control"]
    root = ET.fromstring(response.content)
    assert root.find(f"{SVG}title").text == "Thử Đảng bộ xã Kim Long"
    png = client_for(world, "staff").get("/nhat-ky/bieu-do/tests.probe.png?org=kim-long")
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    # The pages keep their strict policy: no inline style anywhere else.
    page = client_for(world, "staff").get("/")
    assert "'unsafe-inline'" not in page["Content-Security-Policy"]


@pytest.mark.django_db
def test_chart_url_refuses_out_of_scope_unknown_and_anonymous(world, probe):
    outsider = client_for(world, "outsider")
    assert outsider.get("/nhat-ky/bieu-do/tests.probe.svg?org=kim-long").status_code == 404
    assert outsider.get("/nhat-ky/bieu-do/tests.probe.svg?org=vt-xa").status_code == 200
    staff = client_for(world, "staff")
    assert staff.get("/nhat-ky/bieu-do/no.such.svg?org=kim-long").status_code == 404
    assert staff.get("/nhat-ky/bieu-do/tests.probe.svg").status_code == 404
    assert staff.get("/nhat-ky/bieu-do/tests.probe.svg?org=%00%27").status_code == 404
    assert staff.get("/nhat-ky/bieu-do/tests.probe.gif?org=kim-long").status_code == 404
    # A parameter no provider takes is ignored, even one named like the provider's own.
    ignored = staff.get("/nhat-ky/bieu-do/tests.probe.svg?org=kim-long&request=1&x=2")
    assert ignored.status_code == 200
    assert Client().get("/nhat-ky/bieu-do/tests.probe.svg?org=kim-long").status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("registry.age", "org=kim-long&day=2016-12-31"),
        ("registry.party-age", "org=kim-long"),
        ("meetings.heatmap", "org=kim-long&year=2016"),
        ("oversight.topics", "org=kim-long"),
        ("oversight.communes", "org=kim-long"),
        ("oversight.age", "org=kim-long"),
        ("oversight.targets", "org=kim-long&year=2016"),
        ("reviews.levels", "org=kim-long&year=2016"),
        ("reviews.levels", "org=kim-long&year=2016&subject=to-chuc"),
        ("programs.progress", "org=kim-long"),
        ("indicators.ntm", "org=kim-long&year=2016"),
    ],
)
def test_every_registered_chart_draws_and_keeps_its_scope(world, name, params):
    url = f"/nhat-ky/bieu-do/{name}.svg?{params}"
    response = client_for(world, "staff").get(url)
    assert response.status_code == 200, url
    ET.fromstring(response.content)
    assert client_for(world, "outsider").get(url).status_code == 404
    bad = client_for(world, "staff").get(url.replace("kim-long", "kim-long&year=abc&day=x"))
    assert bad.status_code in (200, 404)  # never a 500


def render_tag(world, role, source, **context):
    request = RequestFactory().get("/")
    request.user = world.users[role]
    return Template("{% load charts %}" + source).render(Context({"request": request, **context}))


@pytest.mark.django_db
def test_tag_renders_picture_caption_and_table(world, probe):
    html = render_tag(
        world, "staff", '{% chart "tests.probe" org=org %}', org=world.org("kim-long")
    )
    assert '<figure class="chart chart-bar"' in html
    src = re.search(r'<img src="([^"]+)" alt="([^"]+)"', html)
    assert src.group(1).replace("&amp;", "&") == "/nhat-ky/bieu-do/tests.probe.svg?org=kim-long"
    assert src.group(2) == "Thử Đảng bộ xã Kim Long"
    assert "<figcaption>" in html and "<summary>Xem bảng số liệu</summary>" in html
    assert re.findall(r'<td class="num">([^<]+)</td>', html) == ["1.234", "5"]
    assert 'style="' not in html  # the page's CSP allows no inline style
    # Out of scope: nothing at all, not an empty frame.
    assert render_tag(world, "outsider", '{% chart "tests.probe" org="kim-long" %}').strip() == ""
    assert render_tag(world, "staff", '{% chart "no.such" org="kim-long" %}').strip() == ""


@pytest.mark.django_db
def test_home_draws_the_charts_of_each_role(world):
    html = client_for(world, "staff").get("/").content.decode()
    day = date.today().isoformat()
    for name in ("registry.age", "reviews.levels", "oversight.topics", "meetings.heatmap"):
        assert f"/nhat-ky/bieu-do/{name}.svg?" in html, name
    assert f"day={day}" in html
    secretary = client_for(world, "secretary").get("/").content.decode()
    assert "/nhat-ky/bieu-do/meetings.heatmap.svg?org=kl-thon-1" in secretary
    for src in re.findall(r'<img src="(/nhat-ky/bieu-do/[^"]+)"', secretary):
        response = client_for(world, "secretary").get(src.replace("&amp;", "&"))
        assert response.status_code == 200, src
