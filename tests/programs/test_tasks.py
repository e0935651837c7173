"""programs.services: programs and task trees (numbers, paths, moves, leads), bad input."""

from datetime import date
from decimal import Decimal

import pytest

from dangbo.core.models import AuditEntry
from dangbo.orgs.models import PartnerBody, PartnerLead
from dangbo.programs import queries, services
from dangbo.programs.models import Program, Task, TaskCoordinator
from tests.support import assert_refused

D = Decimal


@pytest.fixture
def program(world):
    return services.create_program(
        actor=world.users["staff"],
        org=world.org("tam-duong"),
        kind="action",
        title="Chương trình hành động số 05",
        start=date(2026, 1, 1),
        end=date(2026, 12, 31),
    )


def add(world, program, title="Nhiệm vụ", parent=None, lead="tam-duong", **kw):
    return services.add_task(
        actor=world.users["staff"],
        program=program,
        title=title,
        parent=parent,
        lead_org=world.org(lead),
        **kw,
    )


def test_create_program_is_audited(world, program):
    assert program.org == world.org("tam-duong")
    assert AuditEntry.objects.filter(action="program.created", object_id=str(program.pk)).exists()


def test_program_bad_input(world):
    kw = dict(
        actor=None,
        org=world.org("tam-duong"),
        kind="action",
        title="X",
        start=date(2026, 1, 1),
        end=date(2026, 12, 31),
    )
    assert "trước ngày bắt đầu" in assert_refused(
        [Program], "end", services.create_program, **{**kw, "end": date(2025, 1, 1)}
    )
    assert_refused([Program], "title", services.create_program, **{**kw, "title": "  "})
    assert_refused([Program], "kind", services.create_program, **{**kw, "kind": "x"})
    assert_refused([Program], "start", services.create_program, **{**kw, "start": None})


def test_tasks_are_numbered_in_tree_order(world, program):
    one = add(world, program, "Mục tiêu 1", kind="objective")
    two = add(world, program, "Mục tiêu 2", kind="objective")
    a = add(world, program, "a", parent=one)
    b = add(world, program, "b", parent=one, lead="kim-long")
    c = add(world, program, "c", parent=two)
    numbers = dict(Task.objects.values_list("title", "number"))
    assert numbers == {"Mục tiêu 1": "1", "Mục tiêu 2": "2", "a": "1.1", "b": "1.2", "c": "2.1"}
    assert a.path == f"{one.pk}.{a.pk}." and a.depth == 1
    assert b.lead_org == world.org("kim-long")
    assert c.number == "2.1"


def test_move_keeps_paths_depths_numbers_and_refuses_cycles(world, program):
    one = add(world, program, "1")
    two = add(world, program, "2")
    a = add(world, program, "a", parent=one)
    aa = add(world, program, "aa", parent=a)
    services.move_task(actor=None, task=a, parent=two)
    aa.refresh_from_db()
    a.refresh_from_db()
    assert a.number == "2.1" and aa.number == "2.1.1"
    assert aa.path == f"{two.pk}.{a.pk}.{aa.pk}." and aa.depth == 2
    assert_refused([Task], "parent", services.move_task, actor=None, task=a, parent=aa)
    assert_refused([Task], "parent", services.move_task, actor=None, task=a, parent=a)
    services.move_task(actor=None, task=two, parent=None, position=1)
    assert dict(Task.objects.values_list("title", "number"))["2"] == "1"


def test_depth_limit(world, program):
    node = None
    for level in range(5):
        node = add(world, program, f"cấp {level}", parent=node)
    assert "tối đa" in assert_refused(
        [Task],
        "parent",
        services.add_task,
        actor=None,
        program=program,
        title="quá sâu",
        parent=node,
        lead_org=world.org("tam-duong"),
    )


def test_task_bad_input_names_the_field(world, program):
    kw = dict(actor=None, program=program, title="T", lead_org=world.org("tam-duong"))
    assert_refused([Task], "title", services.add_task, **{**kw, "title": ""})
    assert_refused([Task], "weight", services.add_task, **{**kw, "weight": "0"})
    assert_refused([Task], "weight", services.add_task, **{**kw, "weight": "abc"})
    assert_refused([Task], "weight", services.add_task, **{**kw, "weight": "0.001"})
    assert_refused([Task], "weight", services.add_task, **{**kw, "weight": "1e30"})
    assert_refused([Task], "weight", services.add_task, **{**kw, "weight": "Infinity"})
    assert_refused(
        [Task],
        "deadline",
        services.add_task,
        **kw,
        start=date(2026, 5, 1),
        deadline=date(2026, 4, 1),
    )
    # a lead outside the committee's subtree
    assert "chủ trì" in assert_refused(
        [Task], "lead_org", services.add_task, **{**kw, "lead_org": world.org("vinh-tuong")}
    )
    assert_refused([Task], "lead_org", services.add_task, **{**kw, "lead_org": None})


def test_partner_lead_led_from_the_subtree(world, program):
    inside = PartnerBody.objects.create(
        code="ubnd-kim-long",
        name="UBND xã Kim Long",
        kind="chinh_quyen",
        valid_from=date(2000, 1, 1),
    )
    PartnerLead.objects.create(
        partner=inside, org=world.org("kim-long"), valid_from=date(2020, 1, 1)
    )
    outside = PartnerBody.objects.create(
        code="ubnd-tan-tien",
        name="UBND xã Tân Tiến",
        kind="chinh_quyen",
        valid_from=date(2000, 1, 1),
    )
    PartnerLead.objects.create(partner=outside, org=world.org("vt-xa"), valid_from=date(2020, 1, 1))
    task = services.add_task(
        actor=None,
        program=program,
        title="Đường giao thông",
        lead_partner=inside,
        coordinators=[world.org("kim-long")],
    )
    assert task.lead_partner == inside
    assert TaskCoordinator.objects.get(task=task).org == world.org("kim-long")
    assert_refused(
        [Task],
        "lead_partner",
        services.add_task,
        actor=None,
        program=program,
        title="x",
        lead_partner=outside,
    )
    # the lead organisation's staff may report on a partner-led task
    assert queries.may_report(world.users["sensitive_staff"], task)
    assert not queries.may_report(world.users["outsider"], task)


def test_coordinator_cannot_be_the_lead(world, program):
    assert_refused(
        [Task, TaskCoordinator],
        "coordinators",
        services.add_task,
        actor=None,
        program=program,
        title="x",
        lead_org=world.org("kim-long"),
        coordinators=[world.org("kim-long")],
    )


def test_edit_and_remove(world, program):
    task = add(world, program, "Cũ")
    services.edit_task(
        actor=None,
        task=task,
        title="Mới",
        lead_org=world.org("hop-hoa"),
        weight="2,5",
        deadline=date(2026, 9, 30),
    )
    task.refresh_from_db()
    assert (task.title, task.weight, task.lead_org.code) == ("Mới", D("2.5"), "hop-hoa")
    child = add(world, program, "con", parent=task)
    assert_refused([Task], "task", services.remove_task, actor=None, task=task)
    services.remove_task(actor=None, task=child)
    assert not Task.objects.filter(pk=child.pk).exists()


def test_the_person_defaults_to_the_lead_orgs_secretary(world, program):
    from tests.support import seat

    seat(world, "huong", title="secretary", org="kim-long")
    task = add(world, program, "Xã làm", lead="kim-long")
    assert task.lead_person == world.members["huong"]
    chosen = add(world, program, "Người khác", lead="kim-long", lead_person=world.members["an"])
    assert chosen.lead_person == world.members["an"]
    nobody = add(world, program, "Thị trấn", lead="hop-hoa")
    assert nobody.lead_person is None
