"""Who answers for what: an organisation's and a person's tasks (led, coordinated, overdue),
the blocks on the organisation and member pages, a program's matrix (page and .xlsx), and
scope (out of scope: 404, or not listed)."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from dangbo.orgs import services as org_services
from dangbo.programs import responsibility
from dangbo.programs.models import Program, Task, TaskCoordinator
from tests.sheet_support import read_table
from tests.support import seat

pytestmark = pytest.mark.django_db


def client_for(world, role):
    client = Client()
    client.force_login(world.users[role])
    return client


def _task(program, number, title, *, parent=None, deadline=None, status="in_progress", **lead):
    task = Task.objects.create(
        program=program,
        parent=parent,
        number=number,
        title=title,
        deadline=deadline,
        status=status,
        position=int(number.split(".")[-1]),
        depth=parent.depth + 1 if parent else 0,
        start=date(2021, 1, 1),
        **lead,
    )
    task.path = f"{parent.path if parent else ''}{task.pk}."
    task.save(update_fields=["path"])
    return task


@pytest.fixture
def plan(world):
    """The district's program: kim-long leads an overdue task and one not yet due, the
    People's Committee (led by kim-long) one more, hop-hoa one that kim-long coordinates;
    Huong answers for one herself."""
    partner = org_services.create_partner(
        actor=None,
        code="ubnd-kim-long",
        name="UBND xã Kim Long",
        kind="chinh_quyen",
        lead_org=world.org("kim-long"),
        valid_from=date(2020, 1, 1),
    )
    program = Program.objects.create(
        kind="action",
        title="Chương trình hành động số 5",
        org=world.org("tam-duong"),
        start=date(2021, 1, 1),
        end=date(2030, 12, 31),
    )
    kl = world.org("kim-long")
    goal = _task(program, "1", "Xây dựng nông thôn mới", lead_org=world.org("tam-duong"))
    t = {
        "goal": goal,
        "overdue": _task(
            program, "1.1", "Làm đường thôn", parent=goal, deadline=date(2022, 6, 30), lead_org=kl
        ),
        "later": _task(
            program, "1.2", "Nhà văn hóa", parent=goal, deadline=date(2099, 1, 1), lead_org=kl
        ),
        "partner": _task(
            program, "1.3", "Chợ xã", parent=goal, deadline=date(2099, 1, 1), lead_partner=partner
        ),
        "hh": _task(
            program,
            "1.4",
            "Trường học",
            parent=goal,
            deadline=date(2099, 1, 1),
            lead_org=world.org("hop-hoa"),
        ),
        "done": _task(
            program,
            "1.5",
            "Điện",
            parent=goal,
            deadline=date(2022, 1, 1),
            status="done",
            lead_org=kl,
            lead_person=world.members["huong"],
        ),
    }
    TaskCoordinator.objects.create(task=t["hh"], org=kl)
    TaskCoordinator.objects.create(task=t["hh"], partner=partner)
    return program, t, partner


def titles(lines):
    return [line.task.title for line in lines]


def test_an_organisation_leads_coordinates_and_is_overdue(world, plan):
    _program, t, _partner = plan
    data = responsibility.for_org(world.users["staff"], world.org("kim-long"))
    assert titles(data.leads)[0] == "Làm đường thôn"  # overdue first
    assert set(titles(data.leads)) == {"Làm đường thôn", "Nhà văn hóa", "Chợ xã", "Điện"}
    assert titles(data.coordinates) == ["Trường học"]
    assert titles(data.overdue) == ["Làm đường thôn"]  # "Điện" is done
    # the district itself leads only the objective; with its subtree, everything
    district = world.org("tam-duong")
    assert titles(responsibility.for_org(world.users["staff"], district).leads) == [
        "Xây dựng nông thôn mới"
    ]
    whole = responsibility.for_org(world.users["staff"], district, subtree=True)
    assert whole.leads_total == 6 and whole.coordinates_total == 0


def test_a_person_answers_for_their_tasks_and_those_of_what_they_head(world, plan):
    huong = world.members["huong"]
    data = responsibility.for_person(world.users["staff"], huong)
    assert titles(data.leads) == ["Điện"]
    seat(world, "huong", title="secretary", org="kim-long", on=date(2021, 1, 1))
    data = responsibility.for_person(world.users["staff"], huong)
    assert set(titles(data.leads)) == {"Làm đường thôn", "Nhà văn hóa", "Chợ xã", "Điện"}
    assert titles(data.coordinates) == ["Trường học"]
    # before she headed the commune, only her own task
    early = responsibility.for_person(world.users["staff"], huong, date(2020, 6, 1))
    assert early.empty  # and the program had not started


def test_out_of_scope_users_see_nothing(world, plan):
    data = responsibility.for_org(world.users["outsider"], world.org("kim-long"))
    assert data.empty


def test_pages_and_panels(world, plan):
    staff = client_for(world, "staff")
    org_page = staff.get(reverse("orgs:detail", args=["kim-long"]))
    assert org_page.status_code == 200
    assert "Nhiệm vụ được giao" in org_page.text and "Làm đường thôn" in org_page.text
    # an organisation with no task shows no block
    assert "Nhiệm vụ được giao" not in staff.get(reverse("orgs:detail", args=["hh-tdp-1"])).text
    page = staff.get(reverse("programs:responsibility") + "?to-chuc=kim-long")
    assert page.status_code == 200 and "Trường học" in page.text and "Quá hạn" in page.text
    sub = staff.get(reverse("programs:responsibility") + "?to-chuc=tam-duong&cap-duoi=1")
    assert "Chợ xã" in sub.text
    outsider = client_for(world, "outsider")
    url = reverse("programs:responsibility") + "?to-chuc=kim-long"
    assert outsider.get(url).status_code == 404
    huong = world.members["huong"]
    member_page = staff.get(reverse("members:detail", args=[huong.pk]))
    assert member_page.status_code == 200 and "Điện" in member_page.text
    person = staff.get(reverse("programs:person_tasks", args=[huong.pk]))
    assert person.status_code == 200 and "Điện" in person.text
    assert outsider.get(reverse("programs:person_tasks", args=[huong.pk])).status_code == 404


def test_matrix_page_and_xlsx(world, plan):
    program, _t, _partner = plan
    staff = client_for(world, "staff")
    page = staff.get(reverse("programs:matrix", args=[program.pk]))
    assert page.status_code == 200
    html = page.text
    assert "matrix.css" in html and "UBND xã Kim Long" in html
    assert html.index("Xây dựng nông thôn mới") < html.index("Làm đường thôn")
    assert html.count("Chủ trì") >= 6 and html.count("Phối hợp") >= 2
    xlsx = staff.get(reverse("programs:matrix_xlsx", args=[program.pk]))
    assert xlsx.status_code == 200
    table = read_table(xlsx)
    rows, head = table.rows, table.header
    assert head[:3] == ["Số TT", "Nội dung", "Thời hạn"]
    assert table.above[0] == "BẢNG PHÂN CÔNG THỰC HIỆN CHƯƠNG TRÌNH"
    assert table.above[1].startswith(program.title + " · tính đến ngày ")
    assert table.sheet.page_setup.orientation == "landscape"
    school = next(r for r in rows if r[1] == "Trường học")
    assert school[head.index("Đảng bộ thị trấn Hợp Hòa")] == "Chủ trì"
    assert school[head.index("Đảng bộ xã Kim Long")] == "Phối hợp"
    assert school[head.index("UBND xã Kim Long")] == "Phối hợp"
    outsider = client_for(world, "outsider")
    assert outsider.get(reverse("programs:matrix", args=[program.pk])).status_code == 404
    assert outsider.get(reverse("programs:matrix_xlsx", args=[program.pk])).status_code == 404


def test_matrix_of_a_lower_viewer_shows_only_their_tasks(world, plan):
    program, _t, _partner = plan
    # kim-long's staff sees the district's program through its own tasks only
    m = responsibility.matrix(world.users["sensitive_staff"], program)
    assert {r.task.title for r in m.rows} == {"Làm đường thôn", "Nhà văn hóa", "Điện"}


def test_queries_are_bounded(world, plan, django_assert_max_num_queries):
    user = world.users["staff"]
    user._dangbo_grants = None
    with django_assert_max_num_queries(12):
        responsibility.for_org(user, world.org("tam-duong"), subtree=True)


def test_the_api_gives_the_same_answers(world, plan):
    from tests.programs.test_partners_api import Caller

    program, _t, _partner = plan
    staff = Caller(world.users["staff"])
    answer = staff.get("/responsibility/org", org="kim-long").json()
    assert answer["leads_total"] == 4 and answer["coordinates_total"] == 1
    assert [x["title"] for x in answer["overdue"]] == ["Làm đường thôn"]
    m = staff.get(f"/matrix/{program.pk}")
    assert m.status_code == 200
    body = m.json()
    school = next(r for r in body["rows"] if r["title"] == "Trường học")
    assert school["cells"][body["bodies"].index("Đảng bộ thị trấn Hợp Hòa")] == "Chủ trì"
    assert Caller(world.users["outsider"]).get(f"/matrix/{program.pk}").status_code == 404
    huong = world.members["huong"]
    person = staff.get(f"/responsibility/member/{huong.pk}").json()
    assert [x["title"] for x in person["leads"]] == ["Điện"]
