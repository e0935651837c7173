"""The "Báo cáo" page's forms: which report (kind, organisation by name, year, quarter) and
the issue form (number, date)."""

from __future__ import annotations

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangbo.core import scope
from dangbo.core.forms import DateField, VNForm
from dangbo.orgs.fields import NAME_HELP, OrgChoiceField, bind
from dangbo.orgs.lookups import scope_roots

from . import kinds, services

QUARTERS = [
    ("", _("Cả năm")),
    ("1", _("Quý I")),
    ("2", _("Quý II")),
    ("3", _("Quý III")),
    ("4", _("Quý IV")),
]


DEFAULT_KIND = "nam"


def report_year(day: date) -> int:
    """The year a report is most likely written for on ``day``: in December, the year
    closing (the annual report is written then); before, the last one closed."""
    return day.year if day.month == 12 else day.year - 1


class ReportForm(VNForm):
    """GET form: what to build. Field names are the page's query parameters."""

    loai = forms.ChoiceField(label=_("Loại báo cáo"), widget=forms.RadioSelect)
    to_chuc = OrgChoiceField(_("Tổ chức"), action=scope.VIEW, help_text=NAME_HELP)
    nam = forms.IntegerField(
        label=_("Năm"),
        min_value=services.FIRST_YEAR,
        max_value=services.LAST_YEAR,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    quy = forms.ChoiceField(label=_("Quý"), choices=QUARTERS, required=False)

    def __init__(self, *args, user=None, day: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["loai"].choices = [(k.key, k.label) for k in kinds.all_kinds()]
        self.fields["loai"].initial = DEFAULT_KIND
        self.fields["nam"].initial = report_year(day or timezone.localdate())
        if user is not None and not self.is_bound:
            roots = scope_roots(user)
            self.fields["to_chuc"].initial = roots[0] if roots else None
        self.fields["nam"].error_messages["min_value"] = _("Năm: từ %(n)s trở đi.") % {
            "n": services.FIRST_YEAR
        }
        self.fields["nam"].error_messages["max_value"] = _("Năm: đến %(n)s.") % {
            "n": services.LAST_YEAR
        }
        bind(self, user)

    def kind_choices(self):
        """The radio list with each kind's description under its label."""
        chosen = self["loai"].value()
        return [
            {
                "key": k.key,
                "label": k.label,
                "description": k.description,
                "checked": chosen == k.key,
                "quarterly": k.quarterly,
            }
            for k in kinds.all_kinds()
        ]

    def clean(self):
        data = super().clean()
        key, year = data.get("loai"), data.get("nam")
        if key and year:
            try:
                data["period"] = services.period_of(
                    services.kind_of(key), year, data.get("quy") or None
                )
            except ValidationError as exc:
                for field, msgs in exc.message_dict.items():
                    self.add_error({"quarter": "quy", "year": "nam"}.get(field), msgs[0])
        return data


class IssueForm(VNForm):
    number = forms.CharField(
        label=_("Số"),
        required=False,
        max_length=30,
        help_text=_("Số của văn bản trong sổ của cấp ủy (ví dụ 15); để trống: ghi tay sau."),
    )
    issued_on = DateField(label=_("Ngày ban hành"))

    def __init__(self, *args, day: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # The date the document's date line already says, so issuing changes nothing in it.
        self.fields["issued_on"].initial = day or timezone.localdate()
