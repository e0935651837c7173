"""Form fields that take an organisation as a person names it: by its name.

``OrgChoiceField`` accepts what a person types — the name, accents or not (unique within
the user's scope: that organisation; several: a Vietnamese error listing them with their
superior, each written the way it can be typed back, "Chi bộ thôn 1 (Đảng bộ xã Kim Long)";
none: "không tìm thấy") — and still a code, for old links and the picker's chosen value.
``static/dangbo/picker.js`` turns its input into a type-ahead over ``/to-chuc/danh-sach/chon/``;
without JavaScript the field works as typed. A form using these fields binds the user
(``PickerForm``), since what may be named depends on who names it.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from dangbo.core import scope
from dangbo.core.text import fold

from . import queries
from .choices import CELL_KINDS
from .models import Organisation, valid_code

SHOWN_CANDIDATES = 10
NAME_HELP = _lazy("Gõ vài chữ của tên tổ chức (không cần dấu, ví dụ: kim long) rồi chọn.")


class PickerInput(forms.TextInput):
    """A text input ``picker.js`` turns into a combobox fetching ``url_name``'s answers."""

    def __init__(self, url_name: str, params: dict | None = None, attrs=None):
        super().__init__(attrs={"autocomplete": "off", "spellcheck": "false", **(attrs or {})})
        self.url_name = url_name
        self.params = params or {}

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        url = reverse(self.url_name)
        if self.params:
            url += "?" + urlencode(self.params)
        context["widget"]["attrs"]["data-picker"] = url
        return context


class PickerForm(forms.Form):
    """A form whose pickers resolve names within ``user``'s scope: ``Form(data, user=u)``."""

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        bind(self, user)


def split_label(text: str) -> tuple[str, str | None]:
    """ "Name (Superior)" → ("Name", "Superior"); a plain name → (name, None)."""
    if text.endswith(")") and " (" in text:
        name, superior = text[:-1].rsplit(" (", 1)
        return name.strip(), superior.strip()
    return text, None


def resolve(
    user,
    text: str,
    label: str,
    action: scope.Permission = scope.CHANGE,
    *,
    cells_only: bool = False,
) -> Organisation:
    """The one organisation ``text`` names within ``user``'s ``action`` scope, else a
    ``ValidationError`` naming the field (several: the candidates; none: not found)."""
    text = " ".join(text.split())
    if valid_code(text.lower()):
        org = queries.org_by_code(user, text, action)
        if org is not None and (not cells_only or org.kind in CELL_KINDS):
            return org
    name, superior = split_label(text)
    found = queries.candidates(user, name, action, prefix=False, cells_only=cells_only)
    if superior is not None:
        within = [
            o
            for o in found
            if o.parent_id and fold(o.parent.name) == fold(superior) and fold(o.name) == fold(name)
        ]
        if within:
            found = within
    exact = [o for o in found if fold(o.name) == fold(name)]
    pool = exact or found
    if not exact and len(pool) > 1:
        # "kim long" names the commune when the other matches are its own cells.
        heads = [o for o in pool if all(p.path.startswith(o.path) for p in pool)]
        if len(heads) == 1:
            return heads[0]
    if len(pool) == 1:
        return pool[0]
    if not pool:
        raise ValidationError(
            _("%(label)s: không tìm thấy tổ chức “%(v)s” trong phạm vi của bạn.")
            % {"label": label, "v": text},
            code="not_found",
        )
    shown = "; ".join(queries.pick_label(o) for o in pool[:SHOWN_CANDIDATES])
    more = len(pool) - SHOWN_CANDIDATES
    raise ValidationError(
        _(
            "%(label)s: có %(n)s tổ chức khớp “%(v)s”: %(list)s%(more)s. Hãy chọn một tổ "
            "chức trong danh sách, hoặc ghi đúng như trên (tên và cấp trên trong ngoặc)."
        )
        % {
            "label": label,
            "n": len(pool),
            "v": text,
            "list": shown,
            "more": _(" và %(n)s tổ chức khác") % {"n": more} if more > 0 else "",
        },
        code="ambiguous",
    )


class OrgChoiceField(forms.CharField):
    """An organisation typed by name (or code) → the ``Organisation``, within the bound
    user's ``action`` scope; ``cells_only`` for fields that take a cell."""

    def __init__(
        self,
        label,
        *,
        action: scope.Permission = scope.CHANGE,
        cells_only: bool = False,
        **kwargs,
    ):
        params = {"chi-bo": "1"} if cells_only else None
        kwargs.setdefault("widget", PickerInput("orgs:pick", params))
        kwargs.setdefault("max_length", 300)
        super().__init__(label=label, **kwargs)
        self.action = action
        self.cells_only = cells_only
        self.user = None

    def prepare_value(self, value):
        if isinstance(value, Organisation):
            return queries.pick_label(value)
        return value

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        return resolve(self.user, text, str(self.label), self.action, cells_only=self.cells_only)


def bind(form, user):
    """Give ``form``'s pickers the user whose scope they resolve names in; returns it."""
    for field in form.fields.values():
        if hasattr(field, "user"):
            field.user = user
    return form


class PickerListInput(forms.Textarea):
    """One choice a line; ``picker.js`` shows the lines as chosen items with a type-ahead
    that adds one."""

    def __init__(self, url_name: str, params: dict | None = None):
        super().__init__(attrs={"rows": 3, "spellcheck": "false", "autocomplete": "off"})
        self.picker = PickerInput(url_name, params)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        url = self.picker.get_context(name, "", {})["widget"]["attrs"]["data-picker"]
        context["widget"]["attrs"]["data-picker"] = url
        context["widget"]["attrs"]["data-picker-multiple"] = "1"
        return context


MAX_LIST = 50


def _items(text: str) -> list[str]:
    """Lines (or comma-separated parts); a part made only of codes ("kl-thon-1 kl-thon-2",
    an old habit) is split on its spaces."""
    items = []
    for part in re.split(r"[,;\n]", text or ""):
        part = " ".join(part.split())
        if not part:
            continue
        words = part.split(" ")
        if len(words) > 1 and all(valid_code(w) and "-" in w for w in words):
            items.extend(words)
        else:
            items.append(part)
    return items


class OrgListField(forms.CharField):
    """Several organisations, one a line (a name as typed, "Tên (Cấp trên)", or a code)
    → the list of ``Organisation`` without repeats; every line naming none or several is
    reported."""

    def __init__(self, label, *, action: scope.Permission = scope.CHANGE, **kwargs):
        kwargs.setdefault("widget", PickerListInput("orgs:pick"))
        kwargs.setdefault("max_length", 8000)
        super().__init__(label=label, **kwargs)
        self.action = action
        self.user = None

    def clean(self, value):
        items = _items(super().clean(value) or "")
        if not items:
            if self.required:
                raise ValidationError(_("%(f)s: bắt buộc.") % {"f": self.label})
            return []
        if len(items) > MAX_LIST:
            raise ValidationError(
                _("%(f)s: tối đa %(n)s tổ chức một lần.") % {"f": self.label, "n": MAX_LIST}
            )
        found: list[Organisation] = []
        errors = []
        for item in items:
            try:
                org = resolve(self.user, item, str(self.label), self.action)
            except ValidationError as exc:
                errors.append(exc)
                continue
            if org not in found:
                found.append(org)
        if errors:
            raise ValidationError(errors)
        return found
