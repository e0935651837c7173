"""The importer reads date cells with the web forms' parser (core.dates.parse_day): the same
dates are accepted and the same wrong ones get the same words, on the row and column."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from dangbo.core.dates import parse_day
from dangbo.members.models import Member

from .test_members import NEW, rows_of, run

pytestmark = pytest.mark.django_db


def test_date_cells_go_through_the_one_parser(tmp_path, world):
    impossible = [*NEW[:3], "31/02/2016", *NEW[4:]]  # row 2: the day does not exist
    packed = ["", "Lê Văn Liền", "Nam", "01011990", "kl-thon-2", "", "31122016", "", ""]
    job = run(tmp_path, [impossible, packed], actor=world.users["admin"])
    rows = rows_of(job)
    with pytest.raises(ValidationError) as caught:
        parse_day("31/02/2016", "Ngày sinh")
    assert caught.value.messages == ["Ngày sinh: tháng 2/2016 không có ngày 31 (chỉ có 29 ngày)."]
    assert rows[2].state == "error"
    assert caught.value.messages[0] in rows[2].messages  # names its column, on its row
    assert rows[3].state != "error", rows[3].messages  # 31122016 is a date


def test_a_packed_date_is_written_as_that_date(tmp_path, world):
    packed = ["", "Lê Văn Liền", "Nam", "01011990", "kl-thon-2", "", "31122015", "", ""]
    job = run(tmp_path, [packed], actor=world.users["admin"], commit=True)
    assert rows_of(job)[2].state != "error", rows_of(job)[2].messages
    member = Member.objects.get(full_name="Lê Văn Liền")
    assert member.date_of_birth == date(1990, 1, 1)
    assert member.admission_decision_date == date(2015, 12, 31)
