"""One definition of an organisation's code and name: the model's label, length and code
validator are what the service, the forms, the import and the API apply."""

import pytest
from pydantic import ValidationError as PydanticError

from dangbo.core.modelfields import label_of, max_length_of, validation_error
from dangbo.imports.orgs import TEXT_LENGTHS
from dangbo.imports.schema import ORG_COLUMNS
from dangbo.orgs.models import CODE_RULE, Organisation, valid_code
from dangbo.registry import forms
from dangbo.registry.api.schemas import NewOrg, OrgCreate, OrgRename

CODES = [
    ("kl-thon-1", True),
    ("tam-duong", True),
    ("x" * 64, True),
    ("x" * 65, False),  # longer than the model's column
    ("Kl-thon-1", False),
    ("kl_thon_1", False),
    ("kl--thon", False),
    ("-kl", False),
    ("kl thon", False),
    ("", False),
]


@pytest.mark.parametrize(("code", "ok"), CODES)
def test_the_model_validates_the_code_shape(code, ok):
    if code:  # an empty value is the field's "required", not its shape
        assert (validation_error(Organisation, "code", code) is None) == ok
    assert valid_code(code) == ok


@pytest.mark.parametrize("schema", [OrgCreate, NewOrg])
@pytest.mark.parametrize("name", ["code", "name"])
def test_api_fields_are_the_model_fields(schema, name):
    field = schema.model_json_schema()["properties"][name]
    assert field["maxLength"] == max_length_of(Organisation, name)
    assert field["title"] == label_of(Organisation, name)


def test_api_rename_takes_the_models_length_under_its_own_title():
    field = OrgRename.model_json_schema()["properties"]["name"]
    assert field["maxLength"] == max_length_of(Organisation, "name")
    assert field["title"] == "Tên mới"
    with pytest.raises(PydanticError):
        OrgRename(name="T" * (max_length_of(Organisation, "name") + 1), effective_date="2020-01-01")


@pytest.mark.parametrize("name", ["code", "name"])
def test_form_fields_are_the_model_fields(name):
    field = forms.CreateOrgForm.base_fields[name]
    assert field.max_length == max_length_of(Organisation, name)
    assert str(field.label) == label_of(Organisation, name)
    assert forms.RenameOrgForm.base_fields["name"].max_length == max_length_of(Organisation, "name")


def test_import_takes_the_models_length_and_rule():
    assert TEXT_LENGTHS["name"] == max_length_of(Organisation, "name")
    code = next(c for c in ORG_COLUMNS if c.key == "code")
    assert code.hint == CODE_RULE
