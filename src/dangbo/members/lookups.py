"""Finding members by what a person or a request names, within the caller's scope, and the
reference schema every router uses to name a member."""

import re

from django.utils.translation import gettext as _
from ninja import Schema

from dangbo.core import scope
from dangbo.core.errors import invalid

from .models import Member


class MemberRef(Schema):
    id: int
    full_name: str


def member_in_scope(user, text: str, field: str = "member") -> Member:
    """A member by card number (8 digits) or id, among those ``user`` may change."""
    value = re.sub(r"[\s.]", "", text or "")
    members = scope.restrict(Member.objects.all(), user, scope.CHANGE)
    found = None
    if re.fullmatch(r"\d{8}", value):
        found = members.filter(card_number=value).first()
    if found is None and value.isascii() and value.isdigit() and len(value) <= 18:
        found = members.filter(pk=int(value)).first()
    if found is None:
        raise invalid(
            field,
            _("Đảng viên: không tìm thấy đảng viên “%(v)s” trong phạm vi được giao.") % {"v": text},
        )
    return found


def people(user, ids: list[int], field: str, label: str) -> list[Member]:
    """Members named by id, each one the caller may see; in the order given."""
    wanted = list(dict.fromkeys(ids))
    found = {
        m.pk: m
        for m in scope.restrict(Member.objects.select_related("org"), user).filter(pk__in=wanted)
    }
    missing = [str(pk) for pk in wanted if pk not in found]
    if missing:
        raise invalid(
            field,
            f"{label}: không có đảng viên mã {', '.join(missing[:5])} trong phạm vi được giao.",
        )
    return [found[pk] for pk in wanted]


def person(user, member_id: int | None, field: str, label: str) -> Member | None:
    return None if member_id is None else people(user, [member_id], field, label)[0]
