from datetime import date

from django.utils import timezone

from .errors import invalid


def today() -> date:
    return timezone.localdate()


def not_in_future(value: date | None, field: str, label: str) -> None:
    if value is not None and value > today():
        raise invalid(field, f"{label}: không được sau ngày hôm nay ({today():%d/%m/%Y}).")


def fmt(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""
