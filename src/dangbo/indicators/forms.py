"""Forms of the indicator pages: one unit's values for a year, its targets, a definition.

Values are typed as people write them ("1.234,5", "12,5%"); an "đạt / không đạt" one is a
choice. The services read and check them (``rules.parse_value``): the forms only carry text.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from dangbo.core.forms import VNForm

from . import rules
from .choices import Aggregation, Direction, ValueType

BOOLEAN_CHOICES = [("", _("— chưa nhập —")), ("1", _("Đạt")), ("0", _("Không đạt"))]


def _value_field(indicator, initial) -> forms.Field:
    label = f"{indicator.name} ({indicator.unit})"
    if indicator.value_type == ValueType.BOOLEAN:
        chosen = "" if initial is None else ("1" if initial >= 1 else "0")
        field: forms.Field = forms.ChoiceField(
            label=label, choices=BOOLEAN_CHOICES, required=False, initial=chosen
        )
        field.error_messages["invalid_choice"] = _("%(f)s: chọn đạt hoặc không đạt.") % {"f": label}
        return field
    field = forms.CharField(
        label=label,
        required=False,
        max_length=40,
        initial=rules.fmt_value(initial, indicator.decimals) if initial is not None else "",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    field.error_messages["max_length"] = _("%(f)s: quá dài.") % {"f": label}
    return field


class ValuesForm(VNForm):
    """One field per indicator (named by its code); an empty field leaves the value as is."""

    source = forms.CharField(
        label=_("Nguồn số liệu"),
        required=False,
        max_length=300,
        help_text=_("Ví dụ: Báo cáo thống kê năm của UBND xã."),
    )

    def __init__(self, *args, entries, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = {}
        for indicator, current in entries:
            value = getattr(current, "value", current)
            self.fields[indicator.code] = _value_field(indicator, value)
            self.indicators[indicator.code] = indicator
        self.order_fields([*self.indicators, "source"])

    def filled(self) -> list[tuple[object, str]]:
        """(indicator, text) for every field given a value."""
        return [
            (self.indicators[code], str(self.cleaned_data.get(code) or "").strip())
            for code in self.indicators
            if str(self.cleaned_data.get(code) or "").strip()
        ]


class DefineForm(VNForm):
    code = forms.CharField(
        label=_("Mã chỉ tiêu"),
        max_length=64,
        help_text=_("Chữ thường không dấu, số, dấu gạch dưới; ví dụ: ty_le_bao_hiem_y_te."),
    )
    name = forms.CharField(label=_("Tên chỉ tiêu"), max_length=300)
    unit = forms.CharField(label=_("Đơn vị tính"), max_length=40)
    value_type = forms.ChoiceField(label=_("Kiểu giá trị"), choices=ValueType.choices)
    direction = forms.ChoiceField(label=_("Chiều tốt"), choices=Direction.choices)
    aggregation = forms.ChoiceField(
        label=_("Cách cộng dồn lên cấp trên"), choices=Aggregation.choices
    )
    threshold = forms.CharField(
        label=_("Ngưỡng đạt"),
        required=False,
        max_length=40,
        help_text=_("Cho cách cộng dồn theo tỷ lệ hoặc số đơn vị đạt: đạt khi từ ngưỡng này."),
    )
    min_value = forms.CharField(label=_("Giá trị nhỏ nhất"), required=False, max_length=40)
    max_value = forms.CharField(label=_("Giá trị lớn nhất"), required=False, max_length=40)
    decimals = forms.IntegerField(
        label=_("Số chữ số thập phân"), min_value=0, max_value=4, initial=0
    )
    description = forms.CharField(label=_("Mô tả"), required=False, widget=forms.Textarea)
