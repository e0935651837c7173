"""Helpers the suites share: refusals that must leave no trace, and row counts.

from tests.support import assert_refused, counts
"""

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import TypeVar

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Model
from django.test.utils import override_settings

from dangbo.core.errors import messages_of

# PBKDF2's deliberate slowness buys tests nothing (the world and the demo create users).
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


T = TypeVar("T")


@contextmanager
def built_for_module(django_db_blocker, build: Callable[[], T]) -> Iterator[T]:
    """For a module fixture: ``build()`` once in a transaction rolled back after the module's
    last test (each test runs in a savepoint inside it). The deferred foreign keys are checked
    once here: left pending, every test's teardown would check them all again."""
    outer = transaction.atomic()
    with django_db_blocker.unblock():
        outer.__enter__()
        try:
            with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
                value = build()
            connection.check_constraints()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    try:
        yield value
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def load_demo() -> None:
    """The Tam Dương demo, as `dangbo demo` loads it (into an empty database)."""
    from dangbo.demo import loader  # (the root conftest imports this module early)

    assert loader.load()


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


# -- oversight: committees, seats, assignments ----------------------------------------------

SEATED = date(2015, 10, 1)  # the 2015–2020 committees of the world take office


def executive_committee(world, org: str = "tam-duong", since: date = SEATED):
    """The 2015–2020 executive committee of ``org``."""
    from dangbo.orgs import services as orgs

    return orgs.create_body(
        actor=None,
        org=world.org(org),
        body_type="executive_committee",
        term_start_year=2015,
        term_end_year=2020,
        valid_from=since,
    )


def seat(world, key, title="committee_member", org="tam-duong", on=SEATED, body=None):
    """Give the world's member ``key`` a position on ``org``'s committee."""
    from dangbo.registry import services as registry

    return registry.assign_position(
        actor=None,
        member=world.members[key],
        org=world.org(org),
        title=title,
        valid_from=on,
        body=body,
    )


def assign(world, key, target, valid_from=date(2016, 1, 1), committee="tam-duong", **kw):
    """Make member ``key`` responsible for overseeing ``target``, as the district's
    organisation staff would."""
    from dangbo.oversight import services

    return services.assign_oversight(
        actor=world.users["staff"],
        member=world.members[key],
        committee=world.org(committee),
        target=world.org(target),
        valid_from=valid_from,
        **kw,
    )
