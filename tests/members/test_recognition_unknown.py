"""Official members whose recognition date is not known (an imported roll without that column,
read as official by the office's answer): marked on their page, listed for completion within
scope, counted on the staff home, completed through the recognition service (rule checks,
audited, the flag cleared), exposed in the API, and never counted as probationary — in
today's figures, past figures, the overdue list, meetings' votes, party age and badges."""

import re
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse

from dangbo.core.dates import today
from dangbo.core.models import AuditEntry
from dangbo.core.services import issue_token
from dangbo.members import queries, rules
from dangbo.members import services as svc
from dangbo.members.models import Member, MemberEvent
from dangbo.registry import queries as registry_queries
from tests.api.conftest import Api
from tests.conftest import _member
from tests.home.test_home import QUERIES
from tests.support import assert_refused

pytestmark = pytest.mark.django_db

PAGE_TEXT = "Chính thức — chưa rõ ngày công nhận chính thức (cần bổ sung)"
HOME_LABEL = "Đảng viên chính thức thiếu ngày công nhận chính thức"
ADMITTED = date(1989, 3, 3)  # a roll's old member: official for decades
ARRIVED = date(1998, 1, 5)  # in the world's cells (they begin in 1997)
RECENT = date(2024, 6, 3)


def unknown(world, key, cell, name, admitted=ADMITTED, gender="M"):
    """A member as the import writes one answered "official" without a recognition date
    (admitted before the world's cells began: in them from ``ARRIVED``)."""
    member = _member(
        world,
        key,
        cell,
        name,
        gender,
        born=date(admitted.year - 30, 1, 1),
        admitted=max(admitted, ARRIVED),
        official=False,
    )
    Member.objects.filter(pk=member.pk).update(
        status="official",
        recognition_unknown=True,
        admission_decision_date=admitted,
        admission_ceremony_date=admitted,
    )
    member.refresh_from_db()
    world.members[key] = member
    return member


@pytest.fixture
def rolls(world):
    """Two in Tam Dương's scope (Kim Long, Hợp Hòa), one out of it (Vĩnh Tường)."""
    unknown(world, "lao", "kl-thon-2", "Ngô Văn Lão")
    unknown(world, "sau", "hh-tdp-1", "Đào Thị Sáu", admitted=date(2005, 7, 1), gender="F")
    unknown(world, "xa", "vt-thon", "Lý Văn Xa")
    return world


def client_for(world, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def listed(html: str) -> set[str]:
    return set(re.findall(r'<a href="/dang-vien/\d+/">([^<]+)</a>', html))


# -- the member page -------------------------------------------------------------------------


def test_the_member_page_says_official_with_the_date_to_complete(rolls):
    client = client_for(rolls, "staff")
    lao = rolls.members["lao"]
    html = client.get(reverse("members:detail", args=[lao.pk])).content.decode()
    assert PAGE_TEXT in html
    assert "Đảng viên chính thức" in html  # the status badge
    assert "Đã hết thời gian dự bị" not in html  # never the probationer's overdue alarm
    complete = reverse("members:action", args=[lao.pk, "bo-sung-ngay-cong-nhan"])
    assert complete in html
    assert reverse("members:action", args=[lao.pk, "cong-nhan-chinh-thuc"]) not in html
    # Party age counts from the admission decision for an official member.
    age = rules.party_age_years(ADMITTED, today())
    assert f"{age} năm" in html
    # A member recognised with a date is not marked, nor offered the completion.
    an = rolls.members["an"]
    html = client.get(reverse("members:detail", args=[an.pk])).content.decode()
    assert PAGE_TEXT not in html
    assert reverse("members:action", args=[an.pk, "bo-sung-ngay-cong-nhan"]) not in html


def test_the_members_own_page_says_so_too(rolls):
    from dangbo.core.models import RoleGrant

    user = rolls.users["nobody"]
    RoleGrant.objects.create(
        user=user, role="member", org=rolls.org("kl-thon-2"), valid_from=date(2000, 1, 1)
    )
    Member.objects.filter(pk=rolls.members["lao"].pk).update(user=user)
    html = client_for(rolls, "nobody").get(reverse("home:mine")).content.decode()
    assert PAGE_TEXT in html
    assert "hết dự bị" not in html


def test_the_list_marks_them(rolls):
    html = client_for(rolls, "staff").get(reverse("members:list")).content.decode()
    row = html.split("Ngô Văn Lão", 1)[1].split("</tr>", 1)[0]
    assert "chưa rõ ngày công nhận" in row


# -- the list filter, within scope -------------------------------------------------------


def test_the_filter_lists_them_within_scope(rolls):
    url = reverse("members:list")
    staff = client_for(rolls, "staff").get(url, {"thieu": "chinh-thuc"}).content.decode()
    assert listed(staff) == {"Ngô Văn Lão", "Đào Thị Sáu"}
    assert 'option value="chinh-thuc" selected' in staff
    assert "Thiếu ngày công nhận chính thức" in staff
    narrowed = client_for(rolls, "staff").get(url, {"thieu": "chinh-thuc", "to-chuc": "kim-long"})
    assert listed(narrowed.content.decode()) == {"Ngô Văn Lão"}
    outsider = client_for(rolls, "outsider").get(url, {"thieu": "chinh-thuc"}).content.decode()
    assert listed(outsider) == {"Lý Văn Xa"}
    # The member of another district is not reachable by naming its organisation either.
    other = client_for(rolls, "staff").get(url, {"thieu": "chinh-thuc", "to-chuc": "vt-xa"})
    assert listed(other.content.decode()) == set()
    # An unknown value is no filter (like the other filters), never an error.
    everyone = client_for(rolls, "staff").get(url, {"thieu": "khong-co"}).content.decode()
    assert {"Ngô Văn Lão", "Trần Văn An", "Lê Văn Bình"} <= listed(everyone)


def test_the_export_keeps_the_filter(rolls):
    response = client_for(rolls, "admin").get(reverse("members:export"), {"thieu": "chinh-thuc"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Ngô Văn Lão" in text and "Đào Thị Sáu" in text
    assert "Trần Văn An" not in text and "Lý Văn Xa" not in text
    entry = AuditEntry.objects.filter(action="member.exported").latest("id")
    assert entry.after["filters"]["thieu"] == "chinh-thuc"


# -- the staff home ----------------------------------------------------------------------


def figure(html: str, label: str) -> tuple[int, str]:
    m = re.search(
        r'<a href="([^"]+)"><span class="figure[^"]*">([\d.,]+)</span> <span class="figure-label">'
        + re.escape(label),
        html,
    )
    assert m, label
    return int(m.group(2).replace(".", "").replace(",", "")), m.group(1).replace("&amp;", "&")


def test_the_staff_home_counts_them_and_links_to_the_list(rolls):
    client = client_for(rolls, "staff")
    html = client.get("/").content.decode()
    n, url = figure(html, HOME_LABEL)
    assert n == 2
    assert "thieu=chinh-thuc" in url and "to-chuc=tam-duong" in url
    assert listed(client.get(url).content.decode()) == {"Ngô Văn Lão", "Đào Thị Sáu"}
    outsider = client_for(rolls, "outsider").get("/").content.decode()
    assert figure(outsider, HOME_LABEL)[0] == 1
    # Not counted among the probationers overdue for recognition (binh only).
    assert figure(html, "Đảng viên dự bị quá hạn xét công nhận chính thức")[0] == 1


def test_the_home_count_costs_one_query_whatever_the_number(rolls, django_assert_max_num_queries):
    client = client_for(rolls, "staff")
    client.get("/")
    with django_assert_max_num_queries(QUERIES["staff"]) as before:  # the staff home's pin
        assert client.get("/").status_code == 200
    pinned = len(before.captured_queries)  # now: the connection's log is a bounded window
    for i in range(3):
        unknown(rolls, f"them-{i}", "kl-thon-1", f"Mai Văn Thêm {i}")
    client.get("/")  # the charts' cached figures follow the change, as before the pin
    with django_assert_max_num_queries(pinned):
        html = client.get("/").content.decode()
    assert figure(html, HOME_LABEL)[0] == 5


# -- completing the date -----------------------------------------------------------------


def test_completing_the_date_clears_the_flag_audited(rolls):
    lao = rolls.members["lao"]
    client = client_for(rolls, "staff")
    url = reverse("members:action", args=[lao.pk, "bo-sung-ngay-cong-nhan"])
    assert client.get(url).status_code == 200
    response = client.post(url, {"recognition_date": "05/03/1990", "decision_ref": "12-QĐ/HU"})
    assert response.status_code == 302
    lao.refresh_from_db()
    assert lao.official_recognition_date == date(1990, 3, 5)
    assert lao.status == "official" and lao.recognition_unknown is False
    event = MemberEvent.objects.filter(member=lao).latest("id")
    assert event.kind == "recognised" and event.effective_date == date(1990, 3, 5)
    assert event.decision_ref == "12-QĐ/HU" and event.data == {"completed": True}
    assert "Bổ sung ngày công nhận" in event.note
    entry = AuditEntry.objects.filter(object_id=str(lao.pk)).latest("id")
    assert entry.action == "member.recognised" and entry.actor == rolls.users["staff"]
    assert entry.before["recognition_unknown"] is True
    assert entry.before["official_recognition_date"] is None
    assert entry.after["recognition_unknown"] is False
    assert entry.after["official_recognition_date"] == "1990-03-05"
    assert "Bổ sung ngày công nhận chính thức của Ngô Văn Lão: 05/03/1990" in entry.summary
    html = client.get(reverse("members:detail", args=[lao.pk])).content.decode()
    assert PAGE_TEXT not in html and "05/03/1990" in html
    assert listed(
        client.get(reverse("members:list"), {"thieu": "chinh-thuc"}).content.decode()
    ) == {"Đào Thị Sáu"}
    # Once completed, nothing left to complete: the operation says why.
    again = client.post(url, {"recognition_date": "05/03/1990", "decision_ref": ""})
    assert again.status_code == 400
    assert "không thiếu ngày công nhận chính thức" in again.content.decode()


def test_a_date_before_the_end_of_probation_is_refused(rolls):
    lao = rolls.members["lao"]
    end = rules.probation_end(lao.admission_ceremony_date)
    message = assert_refused(
        (Member, MemberEvent),
        "recognition_date",
        svc.complete_recognition,
        actor=rolls.users["staff"],
        member=lao,
        recognition_date=end - timedelta(days=1),
    )
    assert message == rules.recognition_error(lao.admission_ceremony_date, end - timedelta(days=1))
    assert f"{end:%d/%m/%Y}" in message
    lao.refresh_from_db()
    assert lao.recognition_unknown is True and lao.official_recognition_date is None
    # The page shows the same message beside the field.
    client = client_for(rolls, "staff")
    url = reverse("members:action", args=[lao.pk, "bo-sung-ngay-cong-nhan"])
    response = client.post(url, {"recognition_date": "01/01/1989"})
    assert response.status_code == 400
    assert "Ngày công nhận chính thức phải từ ngày hết 12 tháng dự bị" in response.content.decode()
    # Nor a date to come.
    assert_refused(
        (Member, MemberEvent),
        "recognition_date",
        svc.complete_recognition,
        actor=None,
        member=lao,
        recognition_date=today() + timedelta(days=1),
    )
    # The boundary itself is accepted.
    svc.complete_recognition(actor=None, member=lao, recognition_date=end)
    lao.refresh_from_db()
    assert lao.official_recognition_date == end and not lao.recognition_unknown


def test_only_a_missing_date_is_completed(rolls):
    an, binh = rolls.members["an"], rolls.members["binh"]
    for member in (an, binh):
        assert_refused(
            (Member, MemberEvent),
            "recognition_date",
            svc.complete_recognition,
            actor=None,
            member=member,
            recognition_date=date(2020, 1, 1),
        )
    # Recognising an official member names the date they already have.
    message = assert_refused(
        (Member, MemberEvent),
        "member",
        svc.recognise_official,
        actor=None,
        member=an,
        recognition_date=date(2020, 1, 1),
    )
    assert "đã là đảng viên chính thức" in message and "19/05/2000" in message


def test_out_of_scope_staff_cannot_complete(rolls):
    xa = rolls.members["xa"]
    url = reverse("members:action", args=[xa.pk, "bo-sung-ngay-cong-nhan"])
    response = client_for(rolls, "staff").post(url, {"recognition_date": "05/03/1990"})
    assert response.status_code == 404
    xa.refresh_from_db()
    assert xa.recognition_unknown is True


# -- the API -------------------------------------------------------------------------------


@pytest.fixture
def api(rolls) -> Api:
    return Api(
        {
            name: issue_token(actor=None, user=user, name=f"test {name}")
            for name, user in rolls.users.items()
        }
    )


def test_the_api_exposes_the_flag_and_filters_on_it(rolls, api):
    lao, an = rolls.members["lao"], rolls.members["an"]
    body = api.get("staff", f"/members/{lao.pk}").json()
    assert body["recognition_unknown"] is True and body["official_recognition_date"] is None
    assert body["status"] == "official"
    assert body["summary"]["party_age"] == rules.party_age_years(ADMITTED, today())
    assert api.get("staff", f"/members/{an.pk}").json()["recognition_unknown"] is False
    found = api.get("staff", "/members/", recognition_unknown="true").json()["items"]
    assert {m["full_name"] for m in found} == {"Ngô Văn Lão", "Đào Thị Sáu"}
    assert all(m["recognition_unknown"] for m in found)
    others = api.get("staff", "/members/", recognition_unknown="false").json()["items"]
    assert "Ngô Văn Lão" not in {m["full_name"] for m in others}
    assert "Trần Văn An" in {m["full_name"] for m in others}
    outsider = api.get("outsider", "/members/", recognition_unknown="true").json()["items"]
    assert {m["full_name"] for m in outsider} == {"Lý Văn Xa"}


def test_the_api_completes_the_date_through_recognise(rolls, api):
    lao = rolls.members["lao"]
    bad = api.post("staff", f"/members/{lao.pk}/recognise", {"recognition_date": "1989-06-01"})
    assert bad.status_code == 422
    assert "12 tháng dự bị" in bad.content.decode()
    ok = api.post("staff", f"/members/{lao.pk}/recognise", {"recognition_date": "1990-03-05"})
    assert ok.status_code == 200, ok.content
    assert ok.json()["recognition_unknown"] is False
    assert ok.json()["official_recognition_date"] == "1990-03-05"


# -- never counted as probationary -----------------------------------------------------------


def test_todays_figures_count_them_official(rolls):
    from dangbo.members import aggregates

    kim_long = rolls.org("kim-long")
    kim_long.refresh_from_db()
    counts = registry_queries.member_counts(kim_long, today())
    # huong, an (official), binh (probationary), dung (official), lao (official, date unknown)
    assert counts == {"total": 5, "official": 4, "probationary": 1, "female": 2}
    assert registry_queries.membership_counts(kim_long, today()) == counts
    assert aggregates.check().ok  # the triggers followed the import's status


def test_past_figures_count_them_official_once_probation_is_over(rolls):
    kim_long = rolls.org("kim-long")
    day = today() - timedelta(days=1)
    assert registry_queries.membership_counts(kim_long, day)["probationary"] == 1  # binh
    assert registry_queries.membership_counts(kim_long, day)["official"] == 4
    # Before the world's other members were admitted, lao had been official for years.
    past = registry_queries.membership_counts(kim_long, date(1998, 6, 1))
    assert past == {"total": 1, "official": 1, "probationary": 0, "female": 0}
    # During the twelve months after the ceremony: probationary, as every member was.
    unknown(rolls, "moi", "kl-thon-1", "Mai Thị Mới", admitted=RECENT, gender="F")
    before = registry_queries.membership_counts(rolls.org("kl-thon-1"), date(2025, 6, 2))
    after = registry_queries.membership_counts(rolls.org("kl-thon-1"), date(2025, 6, 3))
    assert before["probationary"] == after["probationary"] + 1
    assert after["official"] == before["official"] + 1


def test_never_among_the_probationers_overdue(rolls):
    district = rolls.org("tam-duong")
    for day in (today(), today() - timedelta(days=30), date(2010, 1, 1)):
        names = {m.full_name for m in registry_queries.overdue_probationers(district, day)}
        assert "Ngô Văn Lão" not in names and "Đào Thị Sáu" not in names, day


def test_the_cell_rules_count_them_official(rolls):
    """Rule 1 (at least three official members in a cell) reads them as official on a past
    date too (the membership intervals): dung, lao and one more of the roll make three."""
    unknown(rolls, "ba", "kl-thon-2", "Cao Văn Ba")
    cell = rolls.org("kl-thon-2")
    day = today() - timedelta(days=1)

    def rule_1() -> list[str]:
        rows = registry_queries.warnings_from_intervals(rolls.org("kim-long"), day)
        return [w["message"] for w in rows if w["org"].pk == cell.pk and w["rule"] == 1]

    assert rule_1() == []
    Member.objects.filter(pk=rolls.members["ba"].pk).update(
        status="probationary", recognition_unknown=False
    )
    assert rule_1() == ["Chi bộ chỉ có 2 đảng viên chính thức (cần ít nhất 3)."]


def test_they_vote_in_meetings(rolls):
    from dangbo.meetings.services import roster

    entries = {e.member.full_name: e for e in roster(rolls.org("kl-thon-2"), date(2024, 5, 10))}
    assert entries["Ngô Văn Lão"].official is True
    # And not before their probation could have ended.
    unknown(rolls, "moi", "kl-thon-2", "Mai Thị Mới", admitted=RECENT, gender="F")
    early = {e.member.full_name: e for e in roster(rolls.org("kl-thon-2"), date(2025, 6, 2))}
    assert early["Mai Thị Mới"].official is False
    later = {e.member.full_name: e for e in roster(rolls.org("kl-thon-2"), date(2025, 6, 3))}
    assert later["Mai Thị Mới"].official is True


def test_party_age_and_badges_count_from_admission(rolls):
    lao = rolls.members["lao"]
    summary = queries.summary(lao)
    assert summary.party_age == rules.party_age_years(ADMITTED, today())
    assert summary.party_age >= 30 and summary.badge_due is not None
    due = {row.full_name for row in registry_queries.badges_due(rolls.org("tam-duong"))}
    assert "Ngô Văn Lão" in due
    badge = svc.award_badge(actor=None, member=lao, milestone=30, award_date=date(2019, 5, 19))
    assert badge.milestone == 30 and not badge.early


def test_the_sql_and_python_rules_agree(rolls):
    """``official_on_q`` is ``rules.official_on`` in SQL, leap days included."""
    lao = rolls.members["lao"]
    for ceremony in (date(2020, 2, 29), date(2019, 2, 28), date(2019, 3, 1), date(2020, 3, 1)):
        Member.objects.filter(pk=lao.pk).update(
            admission_decision_date=ceremony, admission_ceremony_date=ceremony
        )
        for day in (ceremony + timedelta(days=n) for n in range(360, 372)):
            in_sql = Member.objects.filter(queries.official_on_q(day), pk=lao.pk).exists()
            assert in_sql == rules.official_on(None, True, ceremony, day), (ceremony, day)
            assert rules.official_on(None, False, ceremony, day) is False
