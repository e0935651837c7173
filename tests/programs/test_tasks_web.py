"""The program pages: list, tree as of a date, task page, forms; scope (404 / 403)."""

from datetime import date

import pytest
from django.urls import reverse

from dangbo.programs import services
from dangbo.programs.models import Program, ProgressReport, Task


@pytest.fixture
def tree(world):
    program = services.create_program(
        actor=None,
        org=world.org("tam-duong"),
        kind="action",
        title="Chương trình chuyển đổi số",
        start=date(2026, 1, 1),
        end=date(2026, 12, 31),
    )
    top = services.add_task(
        actor=None, program=program, title="Mục tiêu chung", lead_org=world.org("tam-duong")
    )
    commune = services.add_task(
        actor=None,
        program=program,
        parent=top,
        title="Số hóa hồ sơ xã",
        lead_org=world.org("kim-long"),
        deadline=date(2026, 1, 31),
    )
    town = services.add_task(
        actor=None, program=program, parent=top, title="Thị trấn số", lead_org=world.org("hop-hoa")
    )
    return program, top, commune, town


def test_list_and_tree_show_progress(client, world, tree):
    program, top, commune, town = tree
    services.report_progress(
        actor=None, task=town, period_end=date(2026, 3, 1), status="in_progress", percent="50"
    )
    client.force_login(world.users["committee"])
    page = client.get(reverse("programs:list"))
    assert page.status_code == 200 and "Chương trình chuyển đổi số" in page.content.decode()
    detail = client.get(reverse("programs:detail", args=[program.pk]) + "?ngay=01/04/2026")
    body = detail.content.decode()
    assert detail.status_code == 200
    assert "Số hóa hồ sơ xã" in body and "Thị trấn số" in body
    assert "25%" in body  # the top rolls up 0 and 50
    assert "Quá hạn" in body
    # before the report
    early = client.get(reverse("programs:detail", args=[program.pk]) + "?ngay=15/02/2026")
    assert "50%" not in early.content.decode()
    task_page = client.get(reverse("programs:task", args=[town.pk]))
    assert task_page.status_code == 200 and "50%" in task_page.content.decode()
    client.force_login(world.users["staff"])
    form_page = client.get(reverse("programs:task", args=[town.pk]) + "?ngay=01/04/2026")
    assert 'value="01/04/2026"' in form_page.content.decode()  # dd/mm/yyyy, not ISO
    edit_page = client.get(reverse("programs:edit", args=[program.pk])).content.decode()
    assert 'value="01/01/2026"' in edit_page and 'value="31/12/2026"' in edit_page


def test_commune_sees_and_reports_its_own_task_only(client, world, tree):
    program, top, commune, town = tree
    client.force_login(world.users["sensitive_staff"])  # org_staff of kim-long
    detail = client.get(reverse("programs:detail", args=[program.pk]))
    assert detail.status_code == 200
    body = detail.content.decode()
    assert "Số hóa hồ sơ xã" in body and "Thị trấn số" not in body
    assert client.get(reverse("programs:task", args=[commune.pk])).status_code == 200
    assert client.get(reverse("programs:task", args=[town.pk])).status_code == 404
    ok = client.post(
        reverse("programs:report", args=[commune.pk]),
        {"period_end": "01/02/2026", "percent": "30", "status": "in_progress", "text": "Đã số hóa"},
    )
    assert ok.status_code == 302
    assert ProgressReport.objects.filter(task=commune).count() == 1
    refused = client.post(
        reverse("programs:report", args=[town.pk]),
        {"period_end": "01/02/2026", "percent": "30", "status": "in_progress"},
    )
    assert refused.status_code == 404
    bad = client.post(
        reverse("programs:report", args=[commune.pk]),
        {"period_end": "02/02/2026", "percent": "10", "status": "in_progress"},
    )
    assert bad.status_code == 400 and "lý do" in bad.content.decode()
    assert ProgressReport.objects.filter(task=commune).count() == 1
    # may not edit the district's program: as if absent
    assert client.get(reverse("programs:edit", args=[program.pk])).status_code == 404
    assert client.get(reverse("programs:task_add", args=[program.pk])).status_code == 404
    assert client.get(reverse("programs:task_edit", args=[commune.pk])).status_code == 404
    client.force_login(world.users["committee"])  # sees everything, changes nothing
    assert client.get(reverse("programs:task", args=[commune.pk])).status_code == 200
    assert client.get(reverse("programs:task_edit", args=[commune.pk])).status_code == 404
    assert client.post(reverse("programs:task_remove", args=[town.pk])).status_code == 404
    refused_report = client.post(
        reverse("programs:report", args=[commune.pk]),
        {"period_end": "03/02/2026", "percent": "90", "status": "in_progress"},
    )
    assert refused_report.status_code == 404


def test_outsider_gets_404(client, world, tree):
    program, top, commune, town = tree
    client.force_login(world.users["outsider"])
    assert client.get(reverse("programs:detail", args=[program.pk])).status_code == 404
    assert client.get(reverse("programs:task", args=[commune.pk])).status_code == 404
    assert client.get(reverse("programs:edit", args=[program.pk])).status_code == 404
    page = client.get(reverse("programs:list"))
    assert "Chương trình chuyển đổi số" not in page.content.decode()
    for who in ("member", "nobody"):
        client.force_login(world.users[who])
        assert client.get(reverse("programs:list")).status_code == 404
        assert client.get(reverse("programs:create")).status_code == 404
        assert client.get(reverse("programs:detail", args=[program.pk])).status_code == 404
    client.logout()
    assert client.get(reverse("programs:list")).status_code == 302


def test_staff_creates_program_and_tasks_by_name(client, world):
    client.force_login(world.users["staff"])
    assert client.get(reverse("programs:create")).status_code == 200
    created = client.post(
        reverse("programs:create"),
        {
            "org": "Đảng bộ huyện Tam Dương",
            "title": "Kế hoạch năm 2026",
            "kind": "annual",
            "start": "01/01/2026",
            "end": "31/12/2026",
        },
    )
    assert created.status_code == 302, created.content.decode()[:3000]
    program = Program.objects.get(title="Kế hoạch năm 2026")
    bad = client.post(
        reverse("programs:create"),
        {
            "org": "Đảng bộ huyện Tam Dương",
            "title": "X",
            "kind": "annual",
            "start": "01/01/2026",
            "end": "01/01/2025",
        },
    )
    assert bad.status_code == 400 and "Đến ngày" in bad.content.decode()
    assert client.get(reverse("programs:task_add", args=[program.pk])).status_code == 200
    added = client.post(
        reverse("programs:task_add", args=[program.pk]),
        {
            "title": "Xây dựng nông thôn mới",
            "kind": "task",
            "lead_org": "Đảng bộ xã Kim Long",
            "coordinators": "Đảng bộ thị trấn Hợp Hòa",
            "weight": "2",
            "deadline": "30/06/2026",
        },
    )
    assert added.status_code == 302, added.content.decode()[:3000]
    task = Task.objects.get(program=program)
    assert task.lead_org == world.org("kim-long") and task.number == "1"
    assert task.coordinators.get().org == world.org("hop-hoa")
    outside = client.post(
        reverse("programs:task_add", args=[program.pk]),
        {"title": "X", "kind": "task", "lead_org": "", "weight": "1"},
    )
    assert outside.status_code == 400
    page = client.get(reverse("programs:task", args=[task.pk]))
    assert page.status_code == 200 and "Báo cáo tiến độ" in page.content.decode()
    edit = client.post(
        reverse("programs:task_edit", args=[task.pk]),
        {"title": "Xây dựng NTM", "kind": "task", "lead_org": "Đảng bộ xã Kim Long", "weight": "1"},
    )
    assert edit.status_code == 302
    assert client.get(reverse("programs:task_edit", args=[task.pk])).status_code == 200
    assert client.post(reverse("programs:task_remove", args=[task.pk])).status_code == 302
    assert not Task.objects.filter(pk=task.pk).exists()


def test_program_names_its_document_and_tasks_their_indicators(client, world):
    from dangbo.core.models import LegalDocument
    from dangbo.indicators.models import Indicator

    doc = LegalDocument.objects.create(
        number="05-CTr/HU",
        kind="CTR",
        issuer="Huyện ủy Tam Dương",
        issue_date=date(2026, 1, 10),
        title="Chương trình hành động chuyển đổi số",
    )
    indicator = Indicator.objects.create(code="so-hoa-ho-so", name="Tỷ lệ hồ sơ số hóa", unit="%")
    client.force_login(world.users["staff"])
    created = client.post(
        reverse("programs:create"),
        {
            "org": "Đảng bộ huyện Tam Dương",
            "title": "Chương trình chuyển đổi số",
            "kind": "action",
            "start": "01/01/2026",
            "end": "31/12/2026",
            "document": "05-CTr/HU (10/01/2026)",
        },
    )
    assert created.status_code == 302, created.content.decode()[:2000]
    program = Program.objects.get(title="Chương trình chuyển đổi số")
    assert program.document == doc
    bad = client.post(
        reverse("programs:edit", args=[program.pk]),
        {
            "title": "X",
            "kind": "action",
            "start": "01/01/2026",
            "end": "31/12/2026",
            "document": "99-XYZ",
        },
    )
    assert bad.status_code == 400 and "Văn bản ban hành" in bad.content.decode()
    added = client.post(
        reverse("programs:task_add", args=[program.pk]),
        {
            "title": "Số hóa",
            "kind": "task",
            "lead_org": "Đảng bộ xã Kim Long",
            "indicators": [indicator.pk],
        },
    )
    assert added.status_code == 302
    task = Task.objects.get(program=program)
    assert list(task.indicators.all()) == [indicator]
    page = client.get(reverse("programs:task", args=[task.pk]))
    assert "Tỷ lệ hồ sơ số hóa" in page.content.decode()


def test_the_person_answering_is_picked_by_name(client, world, tree):
    program, top, commune, town = tree
    client.force_login(world.users["staff"])
    edited = client.post(
        reverse("programs:task_edit", args=[town.pk]),
        {
            "title": "Thị trấn số",
            "kind": "task",
            "parent": top.pk,
            "lead_org": "Đảng bộ thị trấn Hợp Hòa",
            "lead_person": "Đỗ Thị Hoa",
            "weight": "1",
        },
    )
    assert edited.status_code == 302, edited.content.decode()[:2000]
    town.refresh_from_db()
    assert town.lead_person == world.members["hoa"] and town.parent == top
    assert "Đỗ Thị Hoa" in client.get(reverse("programs:task", args=[town.pk])).content.decode()
