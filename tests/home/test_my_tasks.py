"""'Nhiệm vụ của tôi' on the home pages: a member with a login sees the open tasks naming
them, staff the open tasks their organisation leads (overdue first, then the nearest
deadline); nobody sees another's; the 'Lãnh đạo, chỉ đạo' area page lists what exists."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from dangbo.programs import responsibility
from dangbo.programs.models import Program, Task

pytestmark = pytest.mark.django_db


def client_for(world, role):
    client = Client()
    client.force_login(world.users[role])
    return client


@pytest.fixture
def tasks(world):
    program = Program.objects.create(
        kind="annual",
        title="Kế hoạch công tác năm 2025",
        org=world.org("tam-duong"),
        start=date(2025, 1, 1),
        end=date(2025, 12, 31),
    )

    def task(title, deadline, status="in_progress", **lead):
        t = Task.objects.create(
            program=program, title=title, deadline=deadline, status=status, **lead
        )
        t.path = f"{t.pk}."
        t.save(update_fields=["path"])
        return t

    district = world.org("tam-duong")
    return {
        "later": task("Sơ kết 6 tháng", date(2099, 7, 15), lead_org=district),
        "overdue": task("Báo cáo quý I", date(2025, 3, 31), lead_org=district),
        "done": task("Hội nghị đầu năm", date(2025, 1, 20), status="done", lead_org=district),
        "mine": task(
            "Kiểm tra chi bộ thôn",
            date(2099, 1, 1),
            lead_org=world.org("kim-long"),
            lead_person=world.members["huong"],
        ),
    }


def test_staff_see_their_organisations_open_tasks_overdue_first(world, tasks):
    data = responsibility.my_tasks(world.users["staff"])
    assert [line.task.title for line in data.leads] == ["Báo cáo quý I", "Sơ kết 6 tháng"]
    html = client_for(world, "staff").get("/").text
    assert 'home-tasks"' in html
    assert html.index("Báo cáo quý I") < html.index("Sơ kết 6 tháng")
    assert "Hội nghị đầu năm" not in html and "Kiểm tra chi bộ thôn" not in html


def test_a_member_sees_the_tasks_naming_them(world, tasks):
    html = client_for(world, "member").get("/").text
    assert "Kiểm tra chi bộ thôn" in html and "Báo cáo quý I" not in html


def test_others_see_no_block(world, tasks):
    for role in ("outsider", "committee", "auditor", "nobody"):
        assert 'home-tasks"' not in client_for(world, role).get("/").text, role


def test_the_direction_page(world):
    staff = client_for(world, "staff")
    page = staff.get(reverse("home:direction"))
    assert page.status_code == 200 and reverse("programs:partners") in page.text
    assert "Lãnh đạo, chỉ đạo" in staff.get("/").text  # the menu's one item
    assert client_for(world, "nobody").get(reverse("home:direction")).status_code == 404
