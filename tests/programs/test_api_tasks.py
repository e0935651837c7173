"""/api/v1/programs: the same answers as the pages, bad input named, scope 404/403."""

from datetime import date

import pytest

from dangbo.core.services import issue_token
from dangbo.programs import queries, services
from dangbo.programs.models import Program, ProgressReport, Task
from tests.api.conftest import Api, fields


@pytest.fixture
def api(world) -> Api:
    keys = {
        name: issue_token(actor=None, user=user, name=f"test {name}")
        for name, user in world.users.items()
    }
    return Api(keys)


def test_create_tree_report_and_read_back(api, world):
    created = api.post(
        "staff",
        "/programs",
        {
            "org": "tam-duong",
            "kind": "action",
            "title": "Chương trình hành động 01",
            "start": "2026-01-01",
            "end": "2026-12-31",
        },
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    top = api.post("staff", f"/programs/{pk}/tasks", {"title": "Mục tiêu", "lead_org": "tam-duong"})
    assert top.status_code == 201, top.content
    top_id = top.json()["id"]
    leaf = api.post(
        "staff",
        f"/programs/{pk}/tasks",
        {
            "title": "Xã làm",
            "parent_id": top_id,
            "lead_org": "kim-long",
            "coordinators": ["hop-hoa"],
            "weight": 3,
            "deadline": "2026-12-31",
        },
    )
    assert leaf.status_code == 201, leaf.content
    assert leaf.json()["number"] == "1.1" and leaf.json()["coordinators"] == [
        "Đảng bộ thị trấn Hợp Hòa"
    ]
    leaf_id = leaf.json()["id"]
    # the commune's staff reports on its own task
    rep = api.post(
        "sensitive_staff",
        f"/programs/tasks/{leaf_id}/reports",
        {"period_end": "2026-03-31", "percent": 40, "text": "Đạt 40%"},
    )
    assert rep.status_code == 201, rep.content
    tree = api.get("committee", f"/programs/{pk}", as_of="2026-04-01").json()
    assert [r["number"] for r in tree["rows"]] == ["1", "1.1"]
    assert tree["rows"][0]["progress"]["percent"] == 40 and not tree["rows"][0]["progress"]["own"]
    # same as the query behind the page
    program = Program.objects.get(pk=pk)
    page = queries.program_tree(program, date(2026, 4, 1))
    assert tree["percent"] == float(round(page.percent, 2))
    before = api.get("committee", f"/programs/{pk}", as_of="2026-03-01").json()
    assert before["percent"] == 0
    listed = api.get("staff", "/programs", year=2026).json()
    assert [p["id"] for p in listed] == [pk]
    reports = api.get("committee", f"/programs/tasks/{leaf_id}/reports").json()
    assert [r["percent"] for r in reports] == [40]


@pytest.fixture
def program(world):
    program = services.create_program(
        actor=None,
        org=world.org("tam-duong"),
        kind="plan",
        title="Kế hoạch thực hiện",
        start=date(2026, 1, 1),
        end=date(2026, 12, 31),
    )
    commune = services.add_task(
        actor=None, program=program, title="Xã", lead_org=world.org("kim-long")
    )
    town = services.add_task(
        actor=None, program=program, title="Thị trấn", lead_org=world.org("hop-hoa")
    )
    return program, commune, town


def test_scope_404_and_403(api, world, program):
    program, commune, town = program
    body = {"period_end": "2026-02-01", "percent": 10}
    assert api.get("outsider", f"/programs/{program.pk}").status_code == 404
    assert api.get("outsider", f"/programs/tasks/{commune.pk}").status_code == 404
    assert api.post("outsider", f"/programs/tasks/{commune.pk}/reports", body).status_code == 404
    assert (
        api.post("sensitive_staff", f"/programs/tasks/{town.pk}/reports", body).status_code == 404
    )
    assert api.post("committee", f"/programs/tasks/{commune.pk}/reports", body).status_code == 403
    mine = api.get("sensitive_staff", f"/programs/{program.pk}").json()
    assert mine["partial"] and [r["id"] for r in mine["rows"]] == [commune.pk]
    patch = api.patch("sensitive_staff", f"/programs/tasks/{commune.pk}", {"title": "Đổi"})
    assert patch.status_code == 403
    add = api.post(
        "sensitive_staff", f"/programs/{program.pk}/tasks", {"title": "x", "lead_org": "kim-long"}
    )
    assert add.status_code == 403
    assert ProgressReport.objects.count() == 0


def test_bad_input_is_named(api, world, program):
    program, commune, town = program
    bad = fields(
        api.post(
            "staff",
            "/programs",
            {
                "org": "tam-duong",
                "kind": "action",
                "title": "X",
                "start": "2026-05-01",
                "end": "2026-01-01",
            },
        )
    )
    assert "end" in bad
    assert "lead_org" in fields(
        api.post("staff", f"/programs/{program.pk}/tasks", {"title": "x", "lead_org": "vinh-tuong"})
    )
    assert "percent" in fields(
        api.post(
            "staff",
            f"/programs/tasks/{commune.pk}/reports",
            {"period_end": "2026-02-01", "percent": 120},
        )
    )
    api.post(
        "staff",
        f"/programs/tasks/{commune.pk}/reports",
        {"period_end": "2026-02-01", "percent": 50},
    )
    assert "reason" in fields(
        api.post(
            "staff",
            f"/programs/tasks/{commune.pk}/reports",
            {"period_end": "2026-02-02", "percent": 20},
        )
    )
    assert ProgressReport.objects.count() == 1


def test_patch_moves_and_edits(api, world, program):
    program, commune, town = program
    moved = api.patch("staff", f"/programs/tasks/{town.pk}", {"parent_id": commune.pk, "weight": 2})
    assert moved.status_code == 200, moved.content
    assert moved.json()["number"] == "1.1" and moved.json()["weight"] == 2
    cycle = api.patch("staff", f"/programs/tasks/{commune.pk}", {"parent_id": town.pk})
    assert "parent" in fields(cycle)
    back = api.patch("staff", f"/programs/tasks/{town.pk}", {"top_level": True, "position": 1})
    assert back.json()["number"] == "1"
    assert Task.objects.get(pk=commune.pk).number == "2"


def test_task_indicators_by_code(api, world, program):
    from dangbo.indicators.models import Indicator

    program, commune, town = program
    Indicator.objects.create(code="duong-be-tong", name="Đường bê tông hóa", unit="km")
    added = api.post(
        "staff",
        f"/programs/{program.pk}/tasks",
        {"title": "Bê tông hóa", "lead_org": "kim-long", "indicators": ["duong-be-tong"]},
    )
    assert added.status_code == 201 and added.json()["indicators"] == ["duong-be-tong"]
    assert "indicators" in fields(
        api.patch("staff", f"/programs/tasks/{commune.pk}", {"indicators": ["khong-co"]})
    )
    cleared = api.patch("staff", f"/programs/tasks/{added.json()['id']}", {"indicators": []})
    assert cleared.json()["indicators"] == []
