"""One definition per member field: the model's label, length and digit shape are what the
service, the forms, the import and the API apply."""

import unicodedata

import pytest
from pydantic import ValidationError as PydanticError

from dangbo.core.modelfields import label_of, max_length_of, validation_error
from dangbo.imports.members import MemberImporter
from dangbo.members import forms, services
from dangbo.members.api.schemas import Profile
from dangbo.members.models import Member

RECORD_TEXT = [
    name for name, field in forms.RecordForm.base_fields.items() if hasattr(field, "max_length")
]


@pytest.mark.parametrize("name", RECORD_TEXT)
def test_form_field_is_the_model_field(name):
    field = forms.RecordForm.base_fields[name]
    assert field.max_length == max_length_of(Member, name)
    assert str(field.label) == label_of(Member, name)
    assert field.required == (name == "full_name")


@pytest.mark.parametrize("name", services.TEXT_FIELDS + services.DIGIT_FIELDS)
def test_api_field_is_the_model_field(name):
    schema = Profile.model_json_schema()["properties"][name]
    assert schema["maxLength"] == max_length_of(Member, name)
    assert schema["description"] == label_of(Member, name)


@pytest.mark.parametrize(
    ("name", "value", "problem"),
    [
        ("card_number", "01234567", None),
        ("card_number", "0123456", "phải gồm 8 chữ số."),
        ("card_number", "０１２３４５６７", "phải gồm 8 chữ số."),  # not ASCII digits
        ("id_number", "026185001234", None),
        ("id_number", "02618500123", "phải gồm 12 chữ số."),
        ("phone", "+84912345678", None),
        ("phone", "0912-345", "phải gồm 8–15 chữ số."),
    ],
)
def test_digit_shapes_are_on_the_model(name, value, problem):
    assert validation_error(Member, name, value) == problem


def test_form_counts_digits_not_separators():
    form = forms.RecordForm(
        data={"full_name": "Lê Văn An", "gender": "M", "date_of_birth": "01/02/1980"}
        | {"card_number": "0123 4567", "id_number": "026.185.001.234"}
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["card_number"] == "01234567"
    assert form.cleaned_data["id_number"] == "026185001234"


def test_form_refuses_more_than_the_model_holds():
    form = forms.RecordForm(
        data={"full_name": "N" * 121, "gender": "M", "date_of_birth": "01/02/1980"}
    )
    assert not form.is_valid()
    assert form.errors["full_name"] == ["Họ và tên: dài quá 120 ký tự."]


def test_api_counts_length_as_the_service_does():
    name = "Nguyễn Thị Hương " * 7  # 119 characters in NFC, more in NFD
    nfd = unicodedata.normalize("NFD", name.strip())
    assert len(nfd) > 120 >= len(name.strip())
    assert Profile(full_name=nfd, card_number="0123 4567").card_number == "01234567"
    with pytest.raises(PydanticError):
        Profile(full_name="N" * 121)


def test_import_takes_lengths_from_the_model():
    importer = MemberImporter.__new__(MemberImporter)
    data: dict = {}
    importer.legacy_columns = {}
    importer._parse_cell("card_number", 1234567, "Số thẻ", data)  # Excel dropped the 0
    assert data["card_number"] == "01234567"
