"""The base every dangbo form shares, and its common fields.

Each field's messages name the field in Vietnamese, so that a bad value is never anonymous;
the rules themselves stay in the services.
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .dates import fmt, parse_clock, parse_day
from .modelfields import max_length_of, model_field
from .text import clean_text, compact_digits, fold_digits, strip_invisible

DATE_PLACEHOLDER = "dd/mm/yyyy"
TIME_PLACEHOLDER = "HH:MM"


# A date or time is typed with "/" and ":": a text keyboard on phones (no inputmode="numeric",
# whose keypad has neither), no browser autofill of old values.
DATE_ATTRS = {"placeholder": DATE_PLACEHOLDER, "autocomplete": "off"}
TIME_ATTRS = {"placeholder": TIME_PLACEHOLDER, "autocomplete": "off", "size": 6}


class DateField(forms.DateField):
    """A date typed as people type it (31/12/2016, 31-12-2016, 31.12.2016, 31122016, 31/12/16,
    2016-12-31), read by the one parser ``core.dates.parse_day`` that the importer shares, so
    a wrong date says what is wrong ("tháng 2/2016 không có ngày 31"). ``birth`` completes a
    two-digit year so that the person is an adult today. No browser date picker."""

    widget = forms.TextInput

    def __init__(self, *args, birth: bool = False, **kwargs):
        self.birth = birth
        super().__init__(*args, **kwargs)
        self.widget.attrs.update(DATE_ATTRS)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        return parse_day(str(value), str(self.label or _("Ngày")), birth=self.birth)

    def prepare_value(self, value):
        """A form sent back with errors shows each date it could read as it read it
        ("01032016", "1/3/16" → 01/03/2016), so the person sees how it was understood; what
        it could not read stays as typed."""
        if isinstance(value, str) and value.strip():
            try:
                return fmt(parse_day(value, str(self.label or ""), birth=self.birth))
            except ValidationError:
                return value
        if isinstance(value, datetime.date):  # an initial date: as people write it, not ISO
            return fmt(value.date() if isinstance(value, datetime.datetime) else value)
        return super().prepare_value(value)


class TimeField(forms.TimeField):
    """A time of day as typed: 7:30, 07:30, 7h30, 07h, 7.30, 0730 (``core.dates.parse_clock``)."""

    widget = forms.TextInput

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.widget.attrs.update(TIME_ATTRS)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.time):
            return value
        return parse_clock(str(value), str(self.label or _("Giờ")))


class VNForm(forms.Form):
    """Labels every message with the field's name; every text goes through the one input
    normaliser (``core.text.clean_text``: NFC, single spaces, invisible characters removed,
    characters no file can hold refused by name)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            label = str(field.label)
            field.error_messages["required"] = _("%(f)s: bắt buộc.") % {"f": label}
            field.error_messages["invalid_choice"] = _("%(f)s: lựa chọn không hợp lệ.") % {
                "f": label
            }
            if isinstance(field, forms.DateField):
                field.error_messages["invalid"] = _(
                    "%(f)s: ngày không hợp lệ, nhập theo dạng dd/mm/yyyy (ví dụ 05/06/2017)."
                ) % {"f": label}
            elif isinstance(field, forms.IntegerField):
                field.error_messages["invalid"] = _("%(f)s: phải là số nguyên.") % {"f": label}
            if isinstance(field, forms.CharField):
                field.validators = [
                    ProhibitNullCharactersValidator(
                        message=_("%(f)s: có ký tự điều khiển không hợp lệ.") % {"f": label}
                    )
                    if isinstance(v, ProhibitNullCharactersValidator)
                    else v
                    for v in field.validators
                ]
            if isinstance(field, forms.CharField) and field.max_length:
                field.error_messages["max_length"] = _("%(f)s: dài quá %(n)s ký tự.") % {
                    "f": label,
                    "n": field.max_length,
                }

    # An edit form sets this: its cleaned_data then holds only the fields whose inputs were
    # posted (``given``), so a post that leaves an input out never erases that field.
    only_given = False

    def checks(self, data: dict) -> dict[str, str]:
        """The service's own checks of ``data`` (the inputs that passed), without writing:
        field → message. A form whose checks live in a service overrides this so that, when
        some inputs are refused, the service's problems with the others show in the same
        answer — every check in one pass, not in rounds (issue 12)."""
        return {}

    def clean(self):
        data = super().clean()
        for name, field in self.fields.items():
            value = data.get(name)
            if isinstance(field, forms.CharField) and isinstance(value, str) and value:
                try:
                    data[name] = clean_text(
                        value, str(field.label), max_length=field.max_length or 2000
                    )
                except forms.ValidationError as exc:
                    self.add_error(name, exc.messages[0])
        if self.errors:
            valid = {k: v for k, v in data.items() if k not in self.errors}
            valid = self.given(valid) if self.only_given else valid
            for name, message in self.checks(valid).items():
                if name in self.fields and name not in self.errors:
                    self.add_error(name, message)
        return self.given(data) if self.only_given else data

    def given(self, data: dict | None = None) -> dict:
        """The cleaned values of the fields whose inputs were in the post. An input left out
        (a client that omits it, a page that did not show it) is not "set to empty": an edit
        built from this changes only what it was given. A checkbox counts as given always
        (an unticked box sends nothing) — the widget decides, as Django's model forms do."""
        data = self.cleaned_data if data is None else data
        return {
            name: value
            for name, value in data.items()
            if name in self.fields
            and not self.fields[name].widget.value_omitted_from_data(
                self.data, self.files, self.add_prefix(name)
            )
        }


def fact_choices(choices) -> list[tuple[str, str]]:
    """The choices of a fact about a person or an event (gender, how a membership ended…)
    behind an empty first option: nothing is preselected, so a fact is never recorded
    because it happened to be first in the list; leaving it is "bắt buộc"."""
    return [("", _("— chọn —")), *[(str(v), label) for v, label in choices if v != ""]]


class DigitsField(forms.CharField):
    """A number that may be typed with spaces or dots between its digits, and in any
    script's digits (full-width, Arabic-Indic: folded to ASCII by ``compact_digits``, as the
    API and the import fold them); its length is that of the digits."""

    def to_python(self, value):
        return compact_digits(super().to_python(value))


def model_char_field(model, name: str, *, digits: bool = False, **kwargs) -> forms.CharField:
    """A form field for a model's text field: its label, length and whether it may be blank
    come from the model, the one definition (``Member.full_name`` → "Họ và tên", 120)."""
    field_class = DigitsField if digits else forms.CharField
    definition = model_field(model, name)
    kwargs.setdefault("required", not definition.blank)
    kwargs.setdefault("label", model_label(model, name))
    return field_class(max_length=max_length_of(model, name), **kwargs)


def model_label(model, name: str):
    """The model field's label for a form, capitalised and still lazy (translated when
    shown): ``Member.gender`` → "Giới tính"."""
    return capfirst(model_field(model, name).verbose_name)


class CodeField(forms.CharField):
    """A code as typed on any keyboard: full-width letters, digits and hyphens are folded
    (NFKC) and invisible characters dropped; the service decides whether it is a code."""

    def to_python(self, value):
        return fold_digits(strip_invisible(super().to_python(value)))


def code_field(label):
    return CodeField(
        label=label,
        max_length=64,
        help_text=_("Mã tổ chức, ví dụ kl-thon-1."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class AsOfForm(forms.Form):
    """GET form of the as-of date on the tree and the organisation pages."""

    ngay = forms.CharField(
        label=_("Số liệu tại ngày"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs=DATE_ATTRS),
    )
