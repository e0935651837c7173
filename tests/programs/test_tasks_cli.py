"""``dangbo program list|show``."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from dangbo.programs import services


def run(*args) -> str:
    out = StringIO()
    call_command("program", *args, stdout=out)
    return out.getvalue()


def test_list_and_show(world):
    program = services.create_program(
        actor=None,
        org=world.org("tam-duong"),
        kind="annual",
        title="Kế hoạch năm 2026",
        start=date(2026, 1, 1),
        end=date(2026, 12, 31),
    )
    top = services.add_task(
        actor=None, program=program, title="Mục tiêu", lead_org=world.org("tam-duong")
    )
    leaf = services.add_task(
        actor=None,
        program=program,
        parent=top,
        title="Xã làm",
        lead_org=world.org("kim-long"),
        deadline=date(2026, 2, 1),
    )
    services.report_progress(
        actor=None, task=leaf, period_end=date(2026, 1, 15), status="in_progress", percent=60
    )
    listed = run("list", "tam-duong", "--year", "2026", "--as-of", "20/01/2026")
    assert "Kế hoạch năm 2026" in listed and "60%" in listed
    assert "Chưa có" in run("list", "vinh-tuong")
    shown = run("show", str(program.pk), "--as-of", "01/03/2026")
    assert "1.1" in shown and "Xã làm" in shown and "QUÁ HẠN" in shown and "60%" in shown
    early = run("show", str(program.pk), "--as-of", "01/01/2026")
    assert "60%" not in early
    with pytest.raises(CommandError):
        run("show", "999999")
    with pytest.raises(CommandError):
        run("list", "khong-co")
    with pytest.raises(CommandError):
        run("show", str(program.pk), "--as-of", "31/02/2026")
