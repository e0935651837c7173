"""One error type for bad input: a field → Vietnamese message map, rendered by forms, API, CLI."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied, ValidationError


def invalid(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


def forbidden(message: str) -> PermissionDenied:
    """A change the caller may not make on something they may see: 403 on the web and the API
    (out-of-scope objects are 404 instead, so that they stay indistinguishable from missing)."""
    return PermissionDenied(message)


def messages_of(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {k: [str(m) for e in v for m in e.messages] for k, v in error.error_dict.items()}
    return {"__all__": [str(m) for m in error.messages]}


def collect(errors: dict[str, str]) -> None:
    """Raise every field's message at once, so a form shows all of them together."""
    if errors:
        raise ValidationError({k: [v] for k, v in errors.items()})


class Problems:
    """Every check of a service in one pass (issue 12): each ``with problems.check():``
    block that raises adds its field → message (the first per field) instead of stopping the
    service, and ``raise_all`` raises them together, so a person fixes them in one round.

    A block that failed leaves its result unset: give it a default before the block."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    @contextmanager
    def check(self) -> Iterator[None]:
        try:
            yield
        except ValidationError as exc:
            for field, msgs in messages_of(exc).items():
                self.errors.setdefault(field, msgs[0])

    def __contains__(self, field: str) -> bool:
        return field in self.errors

    def raise_all(self) -> None:
        collect(self.errors)
