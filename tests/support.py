"""Helpers the suites share: refusals that must leave no trace, and row counts.

from tests.support import assert_refused, counts
"""

from collections.abc import Callable, Iterable

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Model

from dangbo.core.errors import messages_of

# PBKDF2's deliberate slowness buys tests nothing (the world and the demo create users).
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def counts(*models: type[Model]) -> dict[str, int]:
    """Row counts of ``models``, by model name."""
    return {model.__name__: model.objects.count() for model in models}


def assert_refused(
    models: Iterable[type[Model]], field: str, fn: Callable[..., object], /, **kwargs
) -> str:
    """Call ``fn(**kwargs)``: it must raise a ValidationError whose messages name ``field``
    (every message non-empty) and write nothing — the row counts of ``models`` and of the
    audit log are what they were. Returns the field's first message."""
    from dangbo.core.models import AuditEntry  # (the root conftest imports this module early)

    watched = tuple(dict.fromkeys([*models, AuditEntry]))
    before = counts(*watched)
    with pytest.raises(ValidationError) as exc:
        fn(**kwargs)
    errors = messages_of(exc.value)
    assert field in errors, errors
    assert all(message for messages in errors.values() for message in messages), errors
    assert counts(*watched) == before, "a refused call wrote something"
    return errors[field][0]
