"""Every field a client can send is labelled by the schema that declares it, so that a 422
names it in Vietnamese, in the words of its own app ("Chi bộ" in meetings, "Tổ chức" in the
registry). Walked from the API itself: a new operation cannot escape it."""

from collections.abc import Iterator

import pytest
from pydantic import BaseModel

from dangbo.api import _inner_model, api


def _operations() -> Iterator[tuple[str, object]]:
    for bound in api._get_bound_routers():
        for path, view in bound.path_operations.items():
            for operation in view.operations:
                if operation.include_in_schema:
                    yield f"{sorted(operation.methods)[0]} {bound.prefix}{path}", operation


def _unlabelled(model: type[BaseModel], where: str, seen: set) -> Iterator[str]:
    if model in seen:
        return
    seen.add(model)
    for name, info in model.model_fields.items():
        inner = _inner_model(info.annotation)
        if inner is not None:
            yield from _unlabelled(inner, f"{where}.{name}", seen)
        elif not info.title:
            yield f"{where}.{name}"


OPERATIONS = dict(_operations())


def test_the_api_has_operations_to_check():
    assert len(OPERATIONS) > 50


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_every_request_field_has_a_title(name):
    operation = OPERATIONS[name]
    missing = [
        field
        for model in operation.models
        for field in _unlabelled(model, model.__ninja_param_source__, set())
        if not field.endswith(".payload")  # ninja's wrapper of the body: its fields count
    ]
    assert missing == []
