"""What every router shares: strict input types, error schemas, bounded pagination and
scoped access by action.

Domain routers build on these; they never import each other for them. Lookups that need a
domain model (an organisation by code, members by id) live in that model's app
(``orgs.lookups``, ``members.lookups``).
"""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, time
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404
from ninja import Field, Path, Schema
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination
from pydantic import AfterValidator, BeforeValidator, ConfigDict, field_validator
from pydantic_core import PydanticCustomError

from . import scope
from .errors import messages_of
from .modelfields import label_of, max_length_of
from .text import UnsafeText, compact_digits, fold_digits, fold_spaces, nfc, plain

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CLOCK = re.compile(r"^\d{2}:\d{2}(:\d{2})?$")
MAX_ID = 2**63 - 1
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2199, 12, 31)


def _iso_date(value: Any) -> Any:
    """Only ``YYYY-MM-DD``: pydantic would also take timestamps and datetimes, which would
    let a typo become a date nobody meant."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise PydanticCustomError("date_format", "date must be YYYY-MM-DD")
    return value


def _refused(char: str) -> PydanticCustomError:
    # "control_chars": the API names the field ("Họ và tên: có ký tự điều khiển không hợp lệ.")
    return PydanticCustomError(
        "control_chars", "character {char} is not allowed", {"char": f"U+{ord(char):04X}"}
    )


def _plain(value: Any) -> Any:
    """Every text of a request through the one input normaliser (``core.text.plain``): NFC,
    invisible characters removed, what no file can hold refused; lists of texts likewise."""
    if isinstance(value, str):
        try:
            return plain(value, multiline=True)
        except UnsafeText as exc:
            raise _refused(exc.char) from None
    if isinstance(value, list | tuple) and any(isinstance(v, str) for v in value):
        return type(value)(_plain(v) for v in value)
    return value


def _no_control(value: str) -> str:
    """A query's text or a code: single-line, normalised like a body's (a code typed in
    full-width letters or digits is folded by NFKC)."""
    try:
        return plain(value)
    except UnsafeText as exc:
        raise _refused(exc.char) from None


def _code(value: str) -> str:
    return fold_digits(_no_control(value))


def _in_range(value: date) -> date:
    """Dates far outside any record would overflow month and quarter arithmetic."""
    if value < FIRST_DAY:
        raise PydanticCustomError(
            "greater_than_equal", "date too early", {"ge": FIRST_DAY.isoformat()}
        )
    if value > LAST_DAY:
        raise PydanticCustomError("less_than_equal", "date too late", {"le": LAST_DAY.isoformat()})
    return value


def _clock(value: Any) -> Any:
    """``HH:MM`` or ``HH:MM:SS`` only: no seconds-since-midnight numbers, no time zones."""
    if isinstance(value, time):
        return value
    if not isinstance(value, str) or not _CLOCK.fullmatch(value):
        raise PydanticCustomError("time_format", "time must be HH:MM")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
Day = Annotated[IsoDate, AfterValidator(_in_range)]
ClockTime = Annotated[time, BeforeValidator(_clock)]
SearchText = Annotated[str, Field(max_length=100), AfterValidator(_no_control)]
Code = Annotated[str, Field(max_length=64), AfterValidator(_code)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Year = Annotated[int, Field(ge=1900, le=2199)]


def _as_counted(value: Any) -> Any:
    """NFC and single spaces, as the services count a text's length (an NFD name is
    longer than the same name in NFC)."""
    return nfc(fold_spaces(value)) if isinstance(value, str) else value


def _digits_as_counted(value: Any) -> Any:
    return compact_digits(value) if isinstance(value, str) else value


def model_text(model, name: str, *, digits: bool = False, description: str | None = None):
    """The request type of a model's text field: ``max_length`` and description (its label)
    come from the model, the one definition; the length is counted as the service counts
    it (NFC, single spaces; for ``digits``, without the spaces and dots between them).
    ``full_name: model_text(Member, "full_name") = None``."""
    label = label_of(model, name)
    return Annotated[
        str,
        Field(
            max_length=max_length_of(model, name),
            title=label,
            description=description or label,
        ),
        BeforeValidator(_digits_as_counted if digits else _as_counted),  # runs first
    ]


def PathId(description: str):  # noqa: N802 - reads like a type in signatures
    """An id in the path; its description is also the label an error names it by."""
    return Path(ge=1, le=MAX_ID, title=description, description=description)


class In(Schema):
    """Base of request bodies: unknown fields are an error, not silently ignored; every text
    goes through the one input normaliser before its own type sees it."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _plain_text(cls, value: Any) -> Any:
        return _plain(value)


class Error(Schema):
    detail: str


class FieldError(Schema):
    field: str
    message: str


class ValidationErrors(Schema):
    detail: list[FieldError]


READ_ERRORS = {404: Error}
WRITE_ERRORS = {403: Error, 404: Error, 422: ValidationErrors}


class BoundedPagination(LimitOffsetPagination):
    """LimitOffset with bounds, so that an absurd offset is a 422 and never a database
    overflow."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=500, title="Số dòng mỗi trang")
        offset: int = Field(0, ge=0, le=10_000_000, title="Vị trí bắt đầu")


FORBIDDEN = "Bạn không có quyền thực hiện thao tác này."


def scoped(queryset: QuerySet, user, action: scope.Permission, *, forbidden=FORBIDDEN, **lookup):
    """The object if ``user`` may ``action`` it; 403 if they may only see it; 404 otherwise,
    so that out-of-scope objects stay indistinguishable from missing ones."""
    try:
        return scope.get_or_404(queryset, user, action, **lookup)
    except Http404:
        if action != scope.VIEW and scope.restrict(queryset, user).filter(**lookup).exists():
            raise HttpError(403, forbidden) from None
        raise


def for_change(queryset: QuerySet, user, **lookup):
    """``scoped`` for CHANGE, with the message the change operations have always given."""
    return scoped(
        queryset,
        user,
        scope.CHANGE,
        forbidden="Bạn không có quyền thay đổi đối tượng này.",
        **lookup,
    )


def require(user, action: scope.Permission, org) -> None:
    """403 for an object the caller sees but whose organisation they may not ``action``."""
    if not scope.covers(user, action, org):
        raise HttpError(403, FORBIDDEN)


@contextmanager
def fields_as(names: dict[str, str], prefix: str = "") -> Iterator[None]:
    """Service errors keyed by the request's field names (``member`` → ``member_id``), so
    that a client can attach each message to what it sent. Per-row keys such as
    ``attendance-12`` become their list's name."""
    try:
        yield
    except ValidationError as exc:
        renamed: dict[str, list[str]] = {}
        for key, messages in messages_of(exc).items():
            key = names.get(key, key)
            if key.startswith("attendance-"):
                key = "attendance"
            renamed.setdefault(prefix + key, []).extend(messages)
        raise ValidationError(renamed) from exc
