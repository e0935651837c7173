"""The home page of each role: the sections it shows, counts that match the lists they link
to (each link opens with 200 for that user), and the queries each costs."""

import re
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from tests.support import assign, executive_committee, seat

pytestmark = pytest.mark.django_db

SECTIONS = {
    "staff": {"staff", "imports"},
    "admin": {"staff", "imports"},
    "sensitive_staff": {"staff", "imports"},
    "committee": {"committee"},
    "secretary": {"secretary"},
    "auditor": {"auditor"},
    "nobody": {"none"},
    "root": {"staff", "imports"},
}


def client_for(world, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def shown(html: str) -> set[str]:
    return set(re.findall(r'class="card (?:narrow )?home-section home-(\w+)"', html))


def links(html: str) -> list[str]:
    main = html.split('<main id="noi-dung"', 1)[1]
    return [h.replace("&amp;", "&") for h in re.findall(r'href="(/[^"]*)"', main)]


@pytest.mark.parametrize("role", sorted(SECTIONS))
def test_each_role_lands_on_its_sections(world, role):
    client = client_for(world, role)
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert shown(html) == SECTIONS[role]
    for url in links(html):
        assert client.get(url).status_code == 200, url


def test_a_member_lands_on_their_own_page(world):
    response = client_for(world, "member").get("/")
    assert response.status_code == 200
    assert "Bạn chưa được phân quyền" not in response.content.decode()


def test_anonymous_is_sent_to_the_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_lands_on_the_home(world, client):
    response = client.post(reverse("login"), {"username": "secretary", "password": "pw-test-123"})
    assert response.status_code == 302
    assert response["Location"] == reverse("home:index")


def figure(html: str, label: str) -> tuple[int, str]:
    """The count shown beside ``label`` and the URL it links to."""
    m = re.search(
        r'<a href="([^"]+)"><span class="figure[^"]*">([\d.,]+)</span> <span class="figure-label">'
        + re.escape(label),
        html,
    )
    assert m, label
    return int(m.group(2).replace(".", "").replace(",", "")), m.group(1).replace("&amp;", "&")


def test_staff_counts_match_their_lists(world):
    from dangbo.members import services

    # One probationer far past the end of probation (binh was admitted in 2016).
    services.admit_member(
        actor=None,
        org=world.org("kl-thon-2"),
        data={"full_name": "Ngô Thị Lâu", "gender": "F", "date_of_birth": date(1990, 1, 1)},
        admission_decision_date=date(2010, 1, 4),
        admission_ceremony_date=date(2010, 1, 4),
    )
    # One member with 30 years' party age and no badge: due.
    old = services.admit_member(
        actor=None,
        org=world.org("hh-tdp-1"),
        data={"full_name": "Đinh Văn Lão", "gender": "M", "date_of_birth": date(1950, 1, 1)},
        admission_decision_date=date(1998, 3, 3),
        admission_ceremony_date=date(1998, 3, 3),
    )
    services.recognise_official(actor=None, member=old, recognition_date=date(1999, 3, 3))
    # Admitted elsewhere in 1980, before the world's organisations began.
    type(old).objects.filter(pk=old.pk).update(admission_decision_date=date(1980, 3, 3))
    client = client_for(world, "staff")
    html = client.get("/").content.decode()
    n, url = figure(html, "Đảng viên dự bị quá hạn xét công nhận chính thức")
    assert n == 2  # binh (2016) and Lâu (2010)
    listed = client.get(url).content.decode()
    assert "Ngô Thị Lâu" in listed and "Lê Văn Bình" in listed
    n, url = figure(html, "Đảng viên đến hạn xét tặng Huy hiệu Đảng")
    assert n >= 1
    listed = client.get(url).content.decode()
    assert "Đinh Văn Lão" in listed
    assert len(re.findall(r'href="/dang-vien/\d+/"', listed)) == n
    n, url = figure(html, "Chi bộ thiếu buổi sinh hoạt thường kỳ")
    assert n == 4  # no meeting recorded in any of the district's four cells
    assert url.startswith(reverse("meetings:compliance"))


def test_secretary_records_in_one_click(world):
    client = client_for(world, "secretary")
    html = client.get("/").content.decode()
    record = reverse("meetings:create", args=["kl-thon-1"])
    assert f'href="{record}"' in html
    assert "Ghi biên bản sinh hoạt" in html
    assert client.get(record).status_code == 200


def test_secretary_sees_members_left_to_mark(world):
    from dangbo.meetings import services as meetings

    meeting = meetings.record_meeting(
        actor=None,
        org=world.org("kl-thon-1"),
        day=date(2024, 5, 10),
        data={"kind": "regular"},
        attendance=None,  # not taken yet
    )
    client = client_for(world, "secretary")
    html = client.get("/").content.decode()
    n, url = figure(html, "Đảng viên chưa điểm danh trong buổi")
    assert n == 3  # the cell's three members
    assert url == reverse("meetings:attendance", args=[meeting.pk])


def test_committee_member_sees_their_organisations(world):
    body = executive_committee(world)
    seat(world, "khanh", body=body)
    assign(world, "khanh", "kl-thon-1")
    from django.contrib.auth import get_user_model

    user = world.users["committee"]
    type(world.members["khanh"]).objects.filter(pk=world.members["khanh"].pk).update(user=user)
    client = client_for(world, "committee")
    html = client.get("/").content.decode()
    n, url = figure(html, "Tổ chức tôi được phân công phụ trách")
    assert n == 1
    assert url == reverse("oversight:mine")
    assert f'href="{reverse("home:mine")}"' in html  # and their own page
    assert "Chi bộ thôn Đồng Bông" in client.get(url).content.decode()
    assert get_user_model().objects.filter(pk=user.pk).exists()


# Session, user and grants are 3, the login's member record 1; staff: overdue 1, recognition
# date to complete 1, badges 4 (the plain members counted in SQL, issue 17), meetings 6, imports 1;
# committee (no member record): targets 2, opinions 7; secretary: meetings 2, to mark 1,
# opinions 7. None of them grows with the number of cells or members (see below).
# Charts (issue 15), the tables under them drawn from the same data: staff: members by age 1,
# review results 1, opinions by topic 7 (the committee's dashboard), meetings heatmap 3 (above
# the grassroots: the organisations under it, their cells, the meetings);
# committee: targets per quarter 2 less the dashboard its figures now share with its chart;
# secretary: heatmap 2 (its dashboard shared with the opinions chart).
QUERIES = {"staff": 30, "admin": 30, "committee": 13, "secretary": 15, "auditor": 4, "nobody": 4}


@pytest.mark.parametrize(("role", "most"), sorted(QUERIES.items()))
def test_query_counts(world, django_assert_max_num_queries, role, most):
    client = client_for(world, role)
    client.get("/")  # warm the session
    with django_assert_max_num_queries(most):
        assert client.get("/").status_code == 200


def test_the_count_does_not_grow_with_the_tree(world, django_assert_max_num_queries):
    from dangbo.meetings import services as meetings
    from dangbo.members import services as members
    from dangbo.orgs import services as orgs

    for i in range(3):
        cell = orgs.create_org(
            actor=None,
            code=f"kl-moi-{i}",
            name=f"Chi bộ thôn Mới {i}",
            kind="sub_cell",
            sector="village",
            parent=world.org("kim-long"),
            valid_from=date(2001, 1, 1),
        )
        members.admit_member(
            actor=None,
            org=cell,
            data={
                "full_name": f"Mai Văn Mới {i}",
                "gender": "M",
                "date_of_birth": date(1980, 1, 1),
            },
            admission_decision_date=date(2005, 1, 4),
            admission_ceremony_date=date(2005, 1, 4),
        )
        meetings.record_meeting(
            actor=None, org=cell, day=date(2024, 5, 10), data={"kind": "regular"}, attendance={}
        )
    client = client_for(world, "staff")
    client.get("/")
    with django_assert_max_num_queries(QUERIES["staff"]):
        assert client.get("/").status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get("/viec-can-lam/cong-nhan/", {"to-chuc": "tam-duong"}).status_code == 200
    with django_assert_max_num_queries(7):  # candidates, interruptions, badges
        assert client.get("/viec-can-lam/huy-hieu/", {"to-chuc": "tam-duong"}).status_code == 200
