"""What a model field says about itself — its label, its length, its validators — read by
the services, the forms, the imports and the API, so that each is defined once: on the
model (``verbose_name``, ``max_length``, ``validators``).
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import capfirst


def model_field(model: type[models.Model], name: str) -> models.Field:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{model.__name__}.{name} is not a concrete field")
    return field


def label_of(model: type[models.Model], name: str) -> str:
    """The field's Vietnamese label as a form or a message shows it: "Họ và tên"."""
    return str(capfirst(str(model_field(model, name).verbose_name)))


def max_length_of(model: type[models.Model], name: str) -> int:
    length = model_field(model, name).max_length
    if length is None:
        raise TypeError(f"{model.__name__}.{name} has no max_length")
    return length


def validation_error(model: type[models.Model], name: str, value: object) -> str | None:
    """The first message of the field's own validators for ``value`` ("phải gồm 8 chữ
    số."), without the label; None when the value passes."""
    try:
        model_field(model, name).run_validators(value)
    except ValidationError as exc:
        return exc.messages[0]
    return None
