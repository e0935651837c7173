"""Form fields that take a member as a person names them: by name.

``MemberChoiceField`` accepts the full name (accents or not; unique within the user's scope:
that member; several: a Vietnamese error listing them with their cell, each written the way
it can be typed back, "Nguyễn Thị Hương (Chi bộ thôn 1)"; none: "không tìm thấy"), and still
a card number or the member's id (old links, the picker's chosen value, "… #123").
``MemberListField`` takes several, one a line. ``static/dangbo/picker.js`` turns them into a
type-ahead over ``/dang-vien/chon/``; without JavaScript they work as typed.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from dangbo.core import scope
from dangbo.core.text import fold
from dangbo.orgs.fields import PickerForm, PickerInput, PickerListInput, split_label

from . import queries
from .choices import ACTIVE_STATUSES
from .models import Member

__all__ = ["MemberChoiceField", "MemberListField", "PickerForm", "resolve"]

SHOWN_CANDIDATES = 10
PERSON_HELP = _lazy("Gõ họ tên (không cần dấu) rồi chọn trong danh sách.")
MAX_LINES = 100
_ID_SUFFIX = re.compile(r"#\s*(\d{1,18})$")


def resolve(
    user,
    text: str,
    label: str,
    action: scope.Permission = scope.CHANGE,
    *,
    everyone: bool = False,
) -> Member:
    """The one member ``text`` names within ``user``'s ``action`` scope, else a
    ``ValidationError`` naming the field."""
    text = " ".join(text.split())
    members = scope.restrict(Member.objects.select_related("org"), user, action)
    by_id = _ID_SUFFIX.search(text)
    digits = re.sub(r"[\s.]", "", text)
    found: Member | None = None
    if by_id:
        found = members.filter(pk=int(by_id.group(1))).first()
    elif digits.isascii() and digits.isdigit():
        if len(digits) == 8:
            found = members.filter(card_number=digits).first()
        if found is None and len(digits) <= 18:
            found = members.filter(pk=int(digits)).first()
    if found is not None:
        return found
    if by_id or digits.isdigit():
        raise _not_found(label, text)
    name, cell = split_label(text)
    if not everyone:
        members = members.filter(status__in=ACTIVE_STATUSES)
    pool = list(queries.ordered(queries.search(members, name, None))[: SHOWN_CANDIDATES * 5])
    exact = [m for m in pool if m.search_name == fold(name)]
    pool = exact or pool
    if cell is not None:
        pool = [m for m in pool if fold(m.org.name) == fold(cell)] or pool
    if len(pool) == 1:
        return pool[0]
    if not pool:
        raise _not_found(label, text)
    shown = "; ".join(queries.pick_label(m) for m in pool[:SHOWN_CANDIDATES])
    raise ValidationError(
        _(
            "%(label)s: có %(n)s đảng viên khớp “%(v)s”: %(list)s. Hãy chọn một người trong "
            "danh sách, hoặc ghi đúng như trên (họ tên và chi bộ trong ngoặc)."
        )
        % {"label": label, "n": len(pool), "v": text, "list": shown},
        code="ambiguous",
    )


def _not_found(label: str, text: str) -> ValidationError:
    return ValidationError(
        _("%(label)s: không tìm thấy đảng viên “%(v)s” trong phạm vi của bạn.")
        % {"label": label, "v": text},
        code="not_found",
    )


def _params(everyone: bool) -> dict | None:
    return {"tat-ca": "1"} if everyone else None


class MemberChoiceField(forms.CharField):
    """A member typed by name (or card number or id) → the ``Member``, within the bound
    user's ``action`` scope; active members only unless ``everyone``."""

    def __init__(
        self,
        label,
        *,
        action: scope.Permission = scope.CHANGE,
        everyone: bool = False,
        **kwargs,
    ):
        kwargs.setdefault("widget", PickerInput("members:pick", _params(everyone)))
        kwargs.setdefault("max_length", 300)
        super().__init__(label=label, **kwargs)
        self.action = action
        self.everyone = everyone
        self.user = None

    def prepare_value(self, value):
        if isinstance(value, Member):
            return f"{queries.pick_label(value)} #{value.pk}"
        return value

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        return resolve(self.user, text, str(self.label), self.action, everyone=self.everyone)


class MemberListField(forms.CharField):
    """Several members, one a line (a name, "Họ tên (Chi bộ)", a card number, or "… #id";
    ``# …`` after a card number is a note) → the list of ``Member``, without repeats; every
    line that names nobody or several people is reported, with its line number."""

    def __init__(
        self,
        label,
        *,
        action: scope.Permission = scope.VIEW,
        everyone: bool = False,
        **kwargs,
    ):
        kwargs.setdefault("widget", PickerListInput("members:pick", _params(everyone)))
        kwargs.setdefault("max_length", 20_000)
        kwargs.setdefault("required", False)
        super().__init__(label=label, **kwargs)
        self.action = action
        self.everyone = everyone
        self.user = None

    def clean(self, value):
        text = super().clean(value) or ""
        lines = [line.strip() for line in text.splitlines()]
        lines = [(n, line) for n, line in enumerate(lines, start=1) if line]
        if len(lines) > MAX_LINES:
            raise ValidationError(
                _("%(f)s: tối đa %(n)s người.") % {"f": self.label, "n": MAX_LINES}
            )
        found: list[Member] = []
        errors = []
        for number, line in lines:
            if not _ID_SUFFIX.search(line) and "#" in line:
                line = line.split("#", 1)[0].strip()  # "12345678 # Nguyễn Thị Hương"
                if not line:
                    continue
            where = _("%(f)s, dòng %(n)s") % {"f": self.label, "n": number}
            try:
                member = resolve(self.user, line, where, self.action, everyone=self.everyone)
            except ValidationError as exc:
                errors.append(exc)
                continue
            if member not in found:
                found.append(member)
        if errors:
            raise ValidationError(errors)
        return found
