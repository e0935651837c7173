"""The charts' providers on the Tam Dương demo: each chart's numbers are the ones its app's
own queries give (the chart draws what the pages and `dangbo stats` say, nothing else)."""

import re
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.test import RequestFactory

from dangbo.core import charts, scope
from dangbo.indicators.stats import indicators_stats
from dangbo.meetings.queries import compliance
from dangbo.orgs.models import Organisation
from dangbo.oversight.queries import dashboard
from dangbo.programs.stats import programs_stats
from dangbo.registry.queries import org_stats
from dangbo.reviews.queries import reviews_stats
from tests.support import built_for_module, load_demo

AS_OF = date(2016, 12, 31)
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo loaded once for the module in a transaction rolled back at its end (the
    pattern of tests/demo/test_demo.py)."""
    with built_for_module(django_db_blocker, load_demo):
        yield


def request_of(username: str = "tochuc"):
    request = RequestFactory().get("/")
    request.user = get_user_model().objects.get(username=username)
    return request


def draw(name: str, username: str = "tochuc", **params) -> charts.Chart:
    found = charts.chart_for(request_of(username), name, params)
    assert found is not None, name
    assert charts.svg(found).startswith("<svg")  # and it draws
    return found


def total(chart: charts.Chart) -> float:
    return sum(v or 0 for s in chart.series for v in s.values)


def test_members_by_age_and_sex_add_up_to_the_register(demo):
    district = Organisation.objects.get(code="tam-duong")
    members = org_stats(district, AS_OF)["members"]
    age = draw("registry.age", org="tam-duong", day="2016-12-31")
    assert total(age) == members["total"]
    assert sum(age.series[1].values) == members["female"]
    party = draw("registry.party-age", org="tam-duong", day=AS_OF)
    assert total(party) == members["total"]
    header, rows = age.table()
    assert header == ["", "Nam", "Nữ"] and len(rows) == 6


def test_todays_charts_count_the_register_as_the_membership_intervals_do(demo):
    """Today's charts read the register's rows (no interval join); they must count who the
    membership intervals count on that day, as the organisation's figures do."""
    from dangbo.core.dates import today
    from dangbo.registry import charts as registry_charts

    district = Organisation.objects.get(code="tam-duong")
    day = today()
    members = org_stats(district, day)["members"]
    held = registry_charts._members_on(district, day)
    by_interval = held.values("member_id").distinct().count()
    female = held.filter(member__gender="F").values("member_id").distinct().count()
    age = draw("registry.age", org="tam-duong", day=day.isoformat())
    party = draw("registry.party-age", org="tam-duong", day=day.isoformat())
    assert total(age) == members["total"] == by_interval > 0
    assert sum(age.series[1].values) == members["female"] == female
    assert total(party) == by_interval


def test_opinions_by_topic_are_the_dashboards(demo):
    district = Organisation.objects.get(code="tam-duong")
    board = dashboard(district, AS_OF)
    topics = draw("oversight.topics", org="tam-duong", day="2016-12-31")
    assert total(topics) == board.open_total > 0
    shown = dict(zip(topics.categories, topics.series[0].values, strict=True))
    for row in board.by_topic[: charts_top() - 1]:
        assert shown[row.name] == row.count
    ages = draw("oversight.age", org="tam-duong", day="2016-12-31")
    assert list(ages.series[0].values) == [c.count for c in board.by_age]


def charts_top() -> int:
    from dangbo.oversight.charts import TOP

    return TOP


def test_meetings_heatmap_counts_the_compliance_meetings(demo):
    commune = Organisation.objects.get(code="dong-tinh")
    result = compliance(commune, AS_OF)
    heat = draw("meetings.heatmap", org="dong-tinh", year="2016")
    assert len(heat.series) == result.cells
    assert total(heat) == result.regular_meetings + result.thematic_meetings
    district = draw("meetings.heatmap", org="tam-duong", year=2016)
    assert district.percent
    assert all(0 <= v <= 100 for s in district.series for v in s.values)


def test_review_results_are_the_years_decisions(demo):
    district = Organisation.objects.get(code="tam-duong")
    levels = draw("reviews.levels", org="tam-duong", year="2016")
    assert levels.categories[-1] == "2016"
    assert (
        sum(s.values[-1] for s in levels.series)
        == reviews_stats(district, AS_OF)["members_decided"]
    )
    header, rows = levels.table()
    shares = rows[-1][2::2][:4]  # the "Tỷ lệ" beside each level
    assert all(cell.endswith("%") for cell in shares)
    draw("reviews.levels", org="tam-duong", year="2016", subject="to-chuc")


def test_programs_and_new_rural_communes(demo):
    district = Organisation.objects.get(code="tam-duong")
    stats = programs_stats(district, AS_OF)
    progress = draw("programs.progress", org="tam-duong", day="2016-12-31")
    assert len(progress.categories) == min(stats["programs"], 15)
    assert all(v is None or 0 <= v <= 100 for v in progress.series[0].values)
    ntm = draw("indicators.ntm", org="tam-duong", year="2016")
    assert ntm.series[0].values[-1] == indicators_stats(district, AS_OF)["ntm"]["met"]


def test_a_secretary_sees_their_cell_only(demo):
    request = request_of("bithu")
    assert charts.chart_for(request, "registry.age", {"org": "tam-duong"}) is None
    assert charts.chart_for(request, "meetings.heatmap", {"org": "tam-duong"}) is None
    cell = next(g.org for g in scope.active_grants(request.user) if g.org is not None)
    assert charts.chart_for(request, "meetings.heatmap", {"org": cell, "year": 2016}) is not None


def test_every_page_with_charts_draws_them(demo):
    """Each page shows its charts, every picture answers, and a cycle's results say their
    percentages beside the counts."""
    from django.test import Client
    from django.urls import reverse

    from dangbo.indicators.models import Indicator
    from dangbo.reviews.models import ReviewCycle

    client = Client()
    client.force_login(get_user_model().objects.get(username="tochuc"))
    on = "ngay=31/12/2016"
    cycle = ReviewCycle.objects.filter(year=2016, org__code="tam-duong").first()
    indicator = Indicator.objects.first()
    pages = {
        reverse("orgs:detail", args=["tam-duong"]) + f"?{on}": 2,
        reverse("meetings:compliance") + f"?to-chuc=dong-tinh&{on}": 1,
        reverse("oversight:opinions") + f"?to-chuc=tam-duong&{on}": 3,
        reverse("oversight:targets") + "?to-chuc=tam-duong&nam=2016": 1,
        reverse("reviews:cycles") + "?to-chuc=tam-duong": 2,
        reverse("programs:list") + f"?to-chuc=tam-duong&{on}": 1,
        reverse("indicators:ntm_board") + "?to-chuc=tam-duong&nam=2016": 1,
        reverse("indicators:detail", args=[indicator.code]) + "?to-chuc=tam-duong": 1,
    }
    for url, count in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        sources = [
            s.replace("&amp;", "&")
            for s in re.findall(r'<img src="(/nhat-ky/bieu-do/[^"]+)"', html)
        ]
        assert len(sources) == count, (url, sources)
        for src in sources:
            picture = client.get(src)
            assert picture.status_code == 200, src
            assert picture["Content-Type"].startswith("image/svg+xml")
    assert cycle is not None
    html = client.get(reverse("reviews:cycle", args=[cycle.pk])).content.decode()
    assert "Tỷ lệ" in html
    assert re.search(r'<td class="num">\d+(,\d)?%</td>', html)
