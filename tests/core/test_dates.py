"""The one date parser (core.dates): every accepted way of typing a date, every refusal
with its exact message, and the forms' date and time fields that use it."""

from datetime import date, time

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from dangbo.core.dates import fmt, parse_clock, parse_day, read_day
from dangbo.core.forms import DateField, TimeField, VNForm

TODAY = date(2026, 12, 3)
NEW_YEAR_EVE = date(2016, 12, 31)


@pytest.mark.parametrize(
    "text",
    [
        "31/12/2016",
        "31-12-2016",
        "31.12.2016",
        "31122016",
        "31/12/16",
        "311216",
        "2016-12-31",
        "2016-12-31 00:00:00",
        "  31/12/2016 ",
        "31 / 12 / 2016",
        "31 12 2016",
        "31/12-2016",
        "３１/１２/２０１６",  # full-width digits from an East Asian keyboard
    ],
)
def test_every_accepted_form(text):
    assert parse_day(text, "Ngày sinh", today=TODAY) == NEW_YEAR_EVE


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1/2/2016", date(2016, 2, 1)),
        ("01/02/2016", date(2016, 2, 1)),
        ("29/2/2016", date(2016, 2, 29)),
    ],
)
def test_day_and_month_without_leading_zero(text, expected):
    assert parse_day(text, "Ngày", today=TODAY) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("31/02/2016", "Ngày sinh: tháng 2/2016 không có ngày 31 (chỉ có 29 ngày)."),
        ("29/02/2015", "Ngày sinh: tháng 2/2015 không có ngày 29 (chỉ có 28 ngày)."),
        ("31/04/2016", "Ngày sinh: tháng 4/2016 không có ngày 31 (chỉ có 30 ngày)."),
        ("00/01/2016", "Ngày sinh: tháng 1/2016 không có ngày 0 (chỉ có 31 ngày)."),
        ("31022016", "Ngày sinh: tháng 2/2016 không có ngày 31 (chỉ có 29 ngày)."),
        ("2016-02-31", "Ngày sinh: tháng 2/2016 không có ngày 31 (chỉ có 29 ngày)."),
        ("01/13/2016", "Ngày sinh: tháng 13 không có (tháng từ 1 đến 12)."),
        ("01/00/2016", "Ngày sinh: tháng 0 không có (tháng từ 1 đến 12)."),
        ("31/12/201", "Ngày sinh: năm phải có 4 chữ số (hoặc 2 chữ số cuối), đang là “201”."),
        ("31/12/20161", "Ngày sinh: năm phải có 4 chữ số (hoặc 2 chữ số cuối), đang là “20161”."),
        ("01/01/1700", "Ngày sinh: năm 1700 không hợp lệ."),
        (
            "3112201",
            "Ngày sinh: “3112201” không phải là ngày: gõ liền thì đủ 8 chữ số ngày-tháng-năm "
            "(ví dụ 31122016), hoặc dạng dd/mm/yyyy.",
        ),
        (
            "hôm qua",
            "Ngày sinh: “hôm qua” không phải là ngày; nhập theo dạng dd/mm/yyyy (ví dụ 31/12/2016).",
        ),
        (
            "31/12",
            "Ngày sinh: “31/12” không phải là ngày; nhập theo dạng dd/mm/yyyy (ví dụ 31/12/2016).",
        ),
        ("", "Ngày sinh: bắt buộc."),
        ("   ", "Ngày sinh: bắt buộc."),
    ],
)
def test_every_wrong_form_says_what_is_wrong(text, message):
    with pytest.raises(ValidationError) as caught:
        parse_day(text, "Ngày sinh", today=TODAY)
    assert caught.value.messages == [message]


@pytest.mark.parametrize(
    ("text", "birth", "expected"),
    [
        ("31/12/16", False, date(2016, 12, 31)),
        ("31/12/26", False, date(2026, 12, 31)),  # this year's two digits: still 20xx
        ("01/01/27", False, date(1927, 1, 1)),  # after this year: 19xx
        ("01/01/08", True, date(2008, 1, 1)),  # 18 today: 20xx
        ("01/01/09", True, date(1909, 1, 1)),  # would be 17: 19xx
        ("05/06/85", True, date(1985, 6, 5)),
    ],
)
def test_two_digit_year_pivot(text, birth, expected):
    day, note = read_day(text, "Ngày", birth=birth, today=TODAY)
    assert day == expected
    assert note == f"Ngày: năm viết 2 chữ số “{text}”, hiểu là {fmt(expected)}."


def test_a_four_digit_year_has_no_note():
    assert read_day("31/12/2016", "Ngày", today=TODAY) == (NEW_YEAR_EVE, None)


@given(st.dates(min_value=date(1800, 1, 1), max_value=date(9999, 12, 31)))
def test_format_then_parse_round_trips(day):
    assert parse_day(fmt(day), "Ngày") == day
    assert parse_day(day.isoformat(), "Ngày") == day
    assert parse_day(day.strftime("%d%m%Y"), "Ngày") == day
    assert parse_day(day.strftime("%d.%m.%Y"), "Ngày") == day
    assert parse_day(f"{day.day}-{day.month}-{day.year}", "Ngày") == day


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7:30", time(7, 30)),
        ("07:30", time(7, 30)),
        ("07h30", time(7, 30)),
        ("7h", time(7, 0)),
        ("7.30", time(7, 30)),
        ("0730", time(7, 30)),
        ("730", time(7, 30)),
        ("1930", time(19, 30)),
        ("7 giờ 30", time(7, 30)),
        (" 19:45 ", time(19, 45)),
    ],
)
def test_every_accepted_time(text, expected):
    assert parse_clock(text, "Giờ bắt đầu") == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("25:00", "Giờ bắt đầu: giờ 25 không có (giờ từ 0 đến 23)."),
        ("7:61", "Giờ bắt đầu: phút 61 không có (phút từ 0 đến 59)."),
        ("sáng", "Giờ bắt đầu: “sáng” không phải là giờ; nhập theo dạng HH:MM (ví dụ 07:30)."),
    ],
)
def test_every_wrong_time_says_what_is_wrong(text, message):
    with pytest.raises(ValidationError) as caught:
        parse_clock(text, "Giờ bắt đầu")
    assert caught.value.messages == [message]


class _Form(VNForm):
    day = DateField(label="Ngày sinh hoạt")
    start = TimeField(label="Giờ bắt đầu", required=False)


def test_the_form_field_uses_the_one_parser():
    form = _Form({"day": "31022016", "start": "7h30"})
    assert not form.is_valid()
    assert form.errors["day"] == ["Ngày sinh hoạt: tháng 2/2016 không có ngày 31 (chỉ có 29 ngày)."]
    form = _Form({"day": "31/12/16", "start": "0730"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"day": NEW_YEAR_EVE, "start": time(7, 30)}


def test_date_and_time_inputs_get_a_text_keyboard():
    """A phone's numeric keypad has neither "/" nor ":"."""
    html = str(_Form()["day"]) + str(_Form()["start"])
    assert "inputmode" not in html
    for attrs in (_Form().fields["day"].widget.attrs, _Form().fields["start"].widget.attrs):
        assert attrs.get("inputmode", "text") == "text"
        assert attrs["autocomplete"] == "off"
    assert _Form().fields["day"].widget.attrs["placeholder"] == "dd/mm/yyyy"
    assert _Form().fields["start"].widget.attrs["placeholder"] == "HH:MM"


def test_no_date_or_time_input_in_the_app_asks_for_a_numeric_keypad():
    """Every form of every app: no date/time field carries inputmode=numeric."""
    import inspect

    from django import forms

    from dangbo.accounts import forms as accounts_forms
    from dangbo.meetings import forms as meetings_forms
    from dangbo.members import forms as members_forms
    from dangbo.oversight import forms as oversight_forms
    from dangbo.oversight import opinion_forms
    from dangbo.registry import forms as registry_forms
    from dangbo.reviews import forms as reviews_forms

    checked = 0
    for module in (
        accounts_forms,
        meetings_forms,
        members_forms,
        oversight_forms,
        opinion_forms,
        registry_forms,
        reviews_forms,
    ):
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if not issubclass(cls, forms.BaseForm) or cls.__module__ != module.__name__:
                continue
            for field in cls.base_fields.values():
                if isinstance(field, forms.DateField | forms.TimeField):
                    checked += 1
                    assert field.widget.attrs.get("inputmode", "text") == "text", (cls, field)
    assert checked > 30
