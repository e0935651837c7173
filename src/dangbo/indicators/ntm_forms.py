"""The new-rural forms: a commune's assessment for a year (one met / not met / not assessed
choice and the evidence per criterion of the set), the province's recognition, a
revocation. They only parse; ``indicators.ntm`` checks and records."""

from django import forms
from django.utils.translation import gettext_lazy as _

from dangbo.core.forms import DateField

from .models import NtmCriterion, NtmSet
from .ntm import MAX_EVIDENCE, PROVINCE_PEOPLES_COMMITTEE

MET, NOT_MET, UNKNOWN = "dat", "khong-dat", ""
MET_CHOICES = [(MET, _("Đạt")), (NOT_MET, _("Chưa đạt")), (UNKNOWN, _("Chưa đánh giá"))]
AS_MET = {MET: True, NOT_MET: False, UNKNOWN: None}


class AssessForm(forms.Form):
    """One pair of fields per criterion: ``criterion_<n>`` and ``evidence_<n>`` (the
    service's field names, so its messages land on the right input)."""

    def __init__(self, *args, criteria: list[NtmCriterion], existing: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for c in criteria:
            old = existing.get(c.number)
            self.fields[f"criterion_{c.number}"] = forms.ChoiceField(
                label=f"{c.number}. {c.name}",
                choices=MET_CHOICES,
                required=False,
                widget=forms.RadioSelect,
                initial=UNKNOWN if old is None else (MET if old.met else NOT_MET),
            )
            self.fields[f"evidence_{c.number}"] = forms.CharField(
                label=_("Minh chứng tiêu chí %(n)s") % {"n": c.number},
                required=False,
                max_length=MAX_EVIDENCE,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=old.evidence if old is not None else "",
            )

    def rows(self):
        """(criterion, its choice field, its evidence field), for the template."""
        return [
            (c, self[f"criterion_{c.number}"], self[f"evidence_{c.number}"]) for c in self.criteria
        ]

    def results(self) -> dict[int, tuple[bool | None, str]]:
        data = self.cleaned_data
        return {
            c.number: (
                AS_MET[data.get(f"criterion_{c.number}") or UNKNOWN],
                data.get(f"evidence_{c.number}") or "",
            )
            for c in self.criteria
        }


class SetChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class RecogniseForm(forms.Form):
    document_number = forms.CharField(
        label=_("Số quyết định công nhận"),
        max_length=64,
        help_text=_("Ví dụ: 3125/QĐ-UBND"),
    )
    document_issuer = forms.CharField(
        label=_("Cơ quan ban hành"), max_length=200, initial=PROVINCE_PEOPLES_COMMITTEE
    )
    document_date = DateField(label=_("Ngày quyết định"))
    recognised_on = DateField(
        label=_("Ngày công nhận"),
        required=False,
        help_text=_("Để trống: ngày của quyết định."),
    )
    set = SetChoice(
        queryset=NtmSet.objects.order_by("valid_from"),
        label=_("Bộ tiêu chí"),
        required=False,
        empty_label=_("— bộ tiêu chí áp dụng vào ngày công nhận —"),
        to_field_name="code",
    )


class RevokeForm(forms.Form):
    revoked_on = DateField(label=_("Thu hồi từ ngày"))
    reason = forms.CharField(
        label=_("Lý do thu hồi"),
        required=False,
        max_length=MAX_EVIDENCE,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
