"""The period being looked at ("kỳ số liệu"): chosen in the header, kept for the session,
overridden (and kept) by a page's ?ngay=, defaulted by DANGBO_DEFAULT_DATE, read by every
page that computes something "as of" a day, proposed by the forms that record a dated fact."""

import os
import subprocess
import sys
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangbo import config
from dangbo.core import period
from dangbo.core.dates import today
from dangbo.oversight import queries as oversight_queries
from dangbo.oversight import services as oversight_services
from dangbo.oversight.models import OpinionTopic
from dangbo.settings import default_date

pytestmark = pytest.mark.django_db

END_2016 = date(2016, 12, 31)
MEMBERS = reverse("members:list")


def detail(code="tam-duong"):
    return reverse("orgs:detail", args=[code])


def compliance(code="kim-long"):
    return reverse("meetings:compliance") + f"?to-chuc={code}"


def choose(client, text, next_url=MEMBERS):
    return client.post(reverse("period"), {"ngay": text, "next": next_url})


def shown(client, url=MEMBERS):
    """The period a page answers for, and the page."""
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["period"].day, response.content.decode()


@pytest.fixture
def staff(client, world):
    client.force_login(world.users["staff"])
    return client


@pytest.fixture
def default_2016(settings):
    settings.DANGBO = {**settings.DANGBO, "DEFAULT_DATE": END_2016}


# ---- chosen in the header, kept across pages --------------------------------------------


def test_the_header_keeps_the_period_across_pages(staff):
    response = choose(staff, "31/12/2016", next_url=detail("kim-long"))
    assert response.status_code == 302 and response["Location"] == detail("kim-long")
    day, page = shown(staff, detail("kim-long"))
    assert day == END_2016
    assert 'id="ky-so-lieu"' in page and 'value="31/12/2016"' in page
    assert "Về hôm nay" in page
    assert staff.get(detail()).context["as_of"].day == END_2016
    assert staff.get(compliance()).context["as_of"].day == END_2016
    assert shown(staff, reverse("members:list"))[0] == END_2016


def test_back_to_today(staff, default_2016):
    assert shown(staff)[0] == END_2016
    staff.post(reverse("period"), {"hom-nay": "1", "next": MEMBERS})
    day, page = shown(staff)
    assert day == today() and "Về hôm nay" not in page
    assert staff.get(detail()).context["as_of"].is_today


def test_a_page_date_overrides_the_period_and_is_kept(staff):
    choose(staff, "31/12/2016")
    assert staff.get(detail(), {"ngay": "01/01/2017"}).context["as_of"].day == date(2017, 1, 1)
    assert staff.get(compliance()).context["as_of"].day == date(2017, 1, 1)
    assert shown(staff, reverse("members:list"))[0] == date(2017, 1, 1)


def test_the_header_form_drops_the_page_date_it_would_override(staff):
    response = choose(staff, "31/12/2016", next_url=detail() + "?ngay=01/01/2017&trang=2")
    assert response["Location"] == detail() + "?trang=2"
    assert staff.get(detail()).context["as_of"].day == END_2016


def test_it_only_goes_back_to_this_site(staff):
    assert choose(staff, "31/12/2016", next_url="https://example.com/x")["Location"] == "/"
    assert choose(staff, "31/12/2016", next_url="//example.com/x")["Location"] == "/"


@pytest.mark.parametrize("typed", ["31/02/2016", "abc", "31/12/1929", "31/12/2999", ""])
def test_bad_input_names_the_field_and_keeps_the_period(staff, typed):
    choose(staff, "31/12/2016")
    response = choose(staff, typed)
    assert response.status_code == 302
    day, page = shown(staff)
    assert day == END_2016
    assert "Kỳ số liệu:" in page and "Kỳ số liệu vẫn là 31/12/2016" in page


def test_a_bad_page_date_says_so_and_keeps_the_period(staff):
    choose(staff, "31/12/2016")
    response = staff.get(compliance() + "&ngay=31/02/2016")
    assert response.status_code == 200
    as_of = response.context["as_of"]
    assert as_of.day == END_2016 and "Kỳ số liệu" in as_of.error
    assert shown(staff, detail())[0] == END_2016


def test_a_get_without_a_date_changes_nothing(staff):
    choose(staff, "31/12/2016")
    response = staff.get(reverse("period"), {"next": detail()})
    assert response.status_code == 302 and response["Location"] == detail()
    day, page = shown(staff)
    assert day == END_2016 and "Kỳ số liệu vẫn là" not in page


def test_the_period_parser():
    for typed in (" 31/12/2016 ", "2016-12-31", "31-12-2016", "31.12.2016", "31122016", "31/12/16"):
        assert period.parse(typed) == END_2016, typed  # as every typed date is read
    with pytest.raises(Exception, match="Kỳ số liệu"):
        period.parse("32/12/2016")


# ---- the default: DANGBO_DEFAULT_DATE, or the demo's data directory -------------------------


def test_the_default_period_comes_from_the_setting(staff, default_2016):
    day, page = shown(staff)
    assert day == END_2016 and 'value="31/12/2016"' in page
    assert staff.get(detail()).context["as_of"].day == END_2016


def test_a_default_after_today_is_today(staff, settings):
    settings.DANGBO = {**settings.DANGBO, "DEFAULT_DATE": date(2999, 1, 1)}
    assert shown(staff)[0] == today()


def read_default(environ: dict, data_dir) -> tuple[date | None, list[str]]:
    env = config.Env(environ)
    return default_date(env, data_dir), env.problems


def test_default_date_setting(tmp_path):
    assert read_default({}, tmp_path) == (None, [])
    assert read_default({"DANGBO_DEFAULT_DATE": "31/12/2016"}, tmp_path) == (END_2016, [])
    assert read_default({"DANGBO_DEFAULT_DATE": " 2016-12-31 "}, tmp_path) == (END_2016, [])
    assert read_default({"DANGBO_DEFAULT_DATE": "31.12.2016"}, tmp_path) == (END_2016, [])
    (tmp_path / "default_date").write_text("30/06/2026\n", encoding="utf-8")
    assert read_default({}, tmp_path) == (date(2026, 6, 30), [])
    assert read_default({"DANGBO_DEFAULT_DATE": "31/12/2016"}, tmp_path) == (END_2016, [])


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("31/02/2016", "tháng 2/2016 không có ngày 31"),
        ("hôm qua", "không phải là ngày"),
        ("1900-01-01", "năm 1900 trước năm 1930"),
    ],
)
def test_a_bad_default_date_names_the_variable(tmp_path, value, why):
    day, problems = read_default({"DANGBO_DEFAULT_DATE": value}, tmp_path)
    assert day is None and len(problems) == 1
    prefix = f"DANGBO_DEFAULT_DATE = “{value}”: không dùng được làm kỳ số liệu mặc định: "
    assert problems[0].startswith(prefix) and why in problems[0]


def test_a_bad_date_kept_by_the_demo_names_its_file(tmp_path):
    (tmp_path / "default_date").write_text("31/12\n", encoding="utf-8")
    day, problems = read_default({}, tmp_path)
    assert day is None and problems[0].startswith(f"{tmp_path / 'default_date'} = “31/12”")


def test_a_bad_default_date_stops_the_start(tmp_path):
    """The command says which variable is wrong, in Vietnamese, without a traceback."""
    env = {**os.environ, "DANGBO_DEFAULT_DATE": "31/13/2016", "DANGBO_DATA_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "dangbo.cli", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "DANGBO_DEFAULT_DATE" in done.stderr and "kỳ số liệu" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_demo_keeps_the_date_of_its_data(settings, tmp_path, monkeypatch):
    from dangbo.commands.management.commands.demo import keep_default_date

    monkeypatch.delenv("DANGBO_DEFAULT_DATE", raising=False)
    settings.DATA_DIR = tmp_path
    settings.DANGBO = {**settings.DANGBO, "DEFAULT_DATE": None}
    keep_default_date(END_2016, serving=False)  # `dangbo demo --no-serve`
    assert (tmp_path / "default_date").read_text(encoding="utf-8").strip() == "31/12/2016"
    assert settings.DANGBO["DEFAULT_DATE"] is None  # this process (a test run) keeps its own
    assert read_default({}, tmp_path) == (END_2016, [])  # what the next `dangbo serve` reads
    keep_default_date(date(2026, 6, 30), serving=True)  # a date already kept is not replaced
    assert read_default({}, tmp_path) == (END_2016, [])


def test_the_demo_serves_its_date_at_once(settings, tmp_path, monkeypatch):
    from dangbo.commands.management.commands.demo import keep_default_date

    monkeypatch.delenv("DANGBO_DEFAULT_DATE", raising=False)
    settings.DATA_DIR = tmp_path
    settings.DANGBO = {**settings.DANGBO, "DEFAULT_DATE": None}
    keep_default_date(END_2016, serving=True)  # `dangbo demo`, then its server in-process
    assert settings.DANGBO["DEFAULT_DATE"] == END_2016


def test_the_demo_leaves_an_explicit_setting_alone(settings, tmp_path, monkeypatch):
    from dangbo.commands.management.commands.demo import keep_default_date

    monkeypatch.setenv("DANGBO_DEFAULT_DATE", "01/01/2020")
    settings.DATA_DIR = tmp_path
    keep_default_date(END_2016, serving=True)
    assert not (tmp_path / "default_date").exists()


# ---- the pages that count "as of" a day read the period -------------------------------------


def test_overdue_probationers_as_of_the_period(client, world, default_2016):
    # Bình (probationary since 01/06/2016) is overdue today, not on 31/12/2016.
    client.force_login(world.users["staff"])
    by_period = client.get(detail())
    assert by_period.context["overdue_total"] == 0
    client.post(reverse("period"), {"hom-nay": "1", "next": MEMBERS})
    assert client.get(detail()).context["overdue_total"] == 1
    by_query = client.get(detail(), {"ngay": "31/12/2016"})
    assert by_query.context["overdue_total"] == by_period.context["overdue_total"]


def test_a_member_page_answers_for_the_period(staff, world):
    url = reverse("members:detail", args=[world.members["binh"].pk])
    assert staff.get(url).context["summary"].recognition_overdue  # today
    choose(staff, "31/12/2016")
    summary = staff.get(url).context["summary"]
    assert not summary.recognition_overdue and summary.age == 26  # born 01/02/1990


def test_missed_meetings_as_of_the_period(client, world, default_2016):
    client.force_login(world.users["staff"])
    by_period = client.get(compliance()).context["result"]
    assert by_period.year == 2016
    client.post(reverse("period"), {"hom-nay": "1", "next": MEMBERS})
    by_query = client.get(compliance() + "&ngay=31/12/2016").context["result"]
    assert by_period.months_due == by_query.months_due == list(range(1, 13))
    assert by_period.missing_regular_total == by_query.missing_regular_total > 0


def test_opinion_ages_counted_to_the_period(staff, world):
    oversight_services.record_opinion(
        actor=None,
        received_on=date(2016, 2, 5),
        source="citizen",
        channel="staff",
        text="Đường thôn xuống cấp",
        topic=OpinionTopic.objects.get(code="ha-tang"),
        org=world.org("kl-thon-1"),
        received_by=world.org("tam-duong"),
    )
    url = reverse("oversight:opinions") + "?to-chuc=tam-duong"
    over_60 = staff.get(url).context["board"].by_age[-1]
    assert over_60.count == 1  # today: long over 60 days
    choose(staff, "01/03/2016")
    board = staff.get(url).context["board"]
    expected = oversight_queries.dashboard(world.org("tam-duong"), date(2016, 3, 1))
    assert board.as_of == date(2016, 3, 1) and board.by_age == expected.by_age
    assert board.by_age[-1].count == 0 and board.by_age[1].count == 1  # 16–30 days


def test_year_pages_open_on_the_period_year(staff, world):
    choose(staff, "31/12/2016")
    assert staff.get(reverse("meetings:cell", args=["kl-thon-1"])).context["year"] == 2016
    targets = staff.get(reverse("oversight:targets") + "?to-chuc=tam-duong")
    assert "2016" in targets.content.decode()
    opening = staff.get(reverse("reviews:cycle_open") + "?to-chuc=kim-long")
    assert opening.context["form"].initial["year"] == 2016


def test_the_org_list_shows_organisations_in_activity_in_the_period(staff, world):
    from dangbo.orgs import services as org_services

    org_services.create_org(
        actor=None,
        code="kl-thon-3",
        name="Chi bộ thôn Mới",
        kind="sub_cell",
        sector="village",
        parent=world.org("kim-long"),
        valid_from=date(2020, 1, 1),
    )
    assert "Chi bộ thôn Mới" in staff.get(reverse("orgs:list")).content.decode()
    choose(staff, "31/12/2016")
    assert "Chi bộ thôn Mới" not in staff.get(reverse("orgs:list")).content.decode()
    export = staff.get(reverse("orgs:export"))
    assert "20161231" in export["Content-Disposition"]
    assert "Chi bộ thôn Mới" not in export.getvalue().decode("utf-8-sig")


# ---- forms propose the period's day -------------------------------------------------------


def test_forms_take_the_period_day_when_it_is_past(staff, world):
    meeting = reverse("meetings:create", args=["kl-thon-1"])
    recognise = reverse("members:action", args=[world.members["binh"].pk, "cong-nhan-chinh-thuc"])
    rename = reverse("orgs:action", args=["kl-thon-2", "doi-ten"])
    assert staff.get(meeting).context["form"].initial["date"] == f"{today():%d/%m/%Y}"
    assert not staff.get(recognise).context["form"].initial.get("recognition_date")
    choose(staff, "31/12/2016")
    assert staff.get(meeting).context["form"].initial["date"] == "31/12/2016"
    assert staff.get(recognise).context["form"].initial["recognition_date"] == "31/12/2016"
    form = staff.get(rename).context["form"]
    assert form.initial["effective_date"] == "31/12/2016" and not form.initial.get("doc_date")


def test_a_review_decision_proposes_the_period_day(client, world):
    from tests.reviews.test_web import open_cycle, proposed

    evaluation = proposed(world, open_cycle(world), "dtc_htxs", member=world.members["huong"])
    client.force_login(world.users["sensitive_staff"])  # decides for Kim Long
    url = reverse("reviews:evaluation", args=[evaluation.pk])

    def decision_date():
        forms = {f["op"]: f["form"] for f in client.get(url).context["op_forms"]}
        return forms["decide"].initial.get("on")

    assert not decision_date()  # today: left empty ("Để trống: hôm nay")
    choose(client, "31/12/2016")
    assert decision_date() == "31/12/2016"


def test_recording_still_refuses_a_day_after_the_real_today(staff, world):
    choose(staff, "31/12/2016")
    later = date(today().year + 1, 1, 1)
    response = staff.get(
        reverse("meetings:create", args=["kl-thon-1"]), {"ngay": f"{later:%d/%m/%Y}"}
    )
    assert response.status_code == 400
    assert "không được sau ngày hôm nay" in response.content.decode()


# ---- the cost ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", [detail(), compliance(), reverse("oversight:coverage") + "?to-chuc=tam-duong"]
)
def test_the_period_costs_no_query(staff, url):
    """A page read with the kept period costs what it costs with ?ngay= (the session is
    already loaded for the login)."""
    dated = url + ("&" if "?" in url else "?") + "ngay=31/12/2016"
    staff.get(dated)  # warm the caches the page keeps
    with CaptureQueriesContext(connection) as by_query:
        staff.get(dated)
    with CaptureQueriesContext(connection) as by_period:
        response = staff.get(url)
    assert response.context["period"].day == END_2016
    assert len(by_period) <= len(by_query)
