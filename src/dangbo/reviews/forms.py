"""Forms of the review pages. They parse and label; the rules (window, chain, bands, quota,
conditions) stay in ``services`` and come back as field errors."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from dangbo.core.dates import parse_day
from dangbo.core.forms import DateField, VNForm
from dangbo.oversight.opinion_forms import ParagraphField

from .choices import PeriodKind, RemedyStatus


def level_choices(scheme) -> list[tuple[str, str]]:
    return [("", _g("— chọn mức —"))] + [(lv.code, lv.name) for lv in scheme.levels.all()]


class _LevelForm(VNForm):
    """A form with a ``level`` among the scheme's levels."""

    def __init__(self, *args, scheme, **kwargs):
        super().__init__(*args, **kwargs)
        self.scheme = scheme
        self.fields["level"].choices = level_choices(scheme)


class OpenCycleForm(VNForm):
    year = forms.IntegerField(label=_("Năm"), min_value=1990, max_value=2100)
    kind = forms.ChoiceField(label=_("Kỳ"), choices=PeriodKind.choices, initial=PeriodKind.YEAR)
    opens_on = DateField(
        label=_("Bắt đầu kiểm điểm"), required=False, help_text=_("Để trống: giữa tháng 11.")
    )
    closes_on = DateField(
        label=_("Hạn tự đánh giá và đề xuất"),
        required=False,
        help_text=_("Để trống: 31 ngày sau cuối kỳ."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].error_messages["min_value"] = _("Năm: từ 1990.")
        self.fields["year"].error_messages["max_value"] = _("Năm: không hợp lệ.")


class SelfAssessForm(_LevelForm):
    level = forms.ChoiceField(label=_("Tự xếp loại"))
    score_general = forms.DecimalField(
        label=_("Điểm tiêu chí chung"), required=False, max_digits=5, decimal_places=2
    )
    score_tasks = forms.DecimalField(
        label=_("Điểm kết quả thực hiện nhiệm vụ"), required=False, max_digits=5, decimal_places=2
    )
    comment = ParagraphField(label=_("Tự nhận xét"), required=False, rows=5)
    residence_comment = ParagraphField(
        label=_("Nhận xét của chi bộ nơi cư trú"), required=False, rows=3
    )

    def __init__(self, *args, scheme, for_member: bool, **kwargs):
        super().__init__(*args, scheme=scheme, **kwargs)
        if scheme.scored:
            general, tasks = self.fields["score_general"], self.fields["score_tasks"]
            general.required = tasks.required = True
            general.help_text = _("Từ 0 đến %(n)s.") % {"n": scheme.general_max}
            tasks.help_text = _("Từ 0 đến %(n)s.") % {"n": scheme.tasks_max}
            for f in (general, tasks):
                label = str(f.label)
                f.error_messages["required"] = _("%(f)s: bắt buộc.") % {"f": label}
                f.error_messages["invalid"] = _("%(f)s: phải là một số.") % {"f": label}
                f.error_messages["max_digits"] = _("%(f)s: không hợp lệ.") % {"f": label}
                f.error_messages["max_decimal_places"] = _("%(f)s: tối đa 2 chữ số thập phân.") % {
                    "f": label
                }
                f.error_messages["max_whole_digits"] = _("%(f)s: không hợp lệ.") % {"f": label}
        else:
            del self.fields["score_general"], self.fields["score_tasks"]
        if not for_member:
            del self.fields["residence_comment"]


class ProposeForm(_LevelForm):
    level = forms.ChoiceField(label=_("Đề xuất xếp loại"))
    note = ParagraphField(label=_("Nhận xét"), required=False, rows=3)


class ReturnForm(VNForm):
    reason = ParagraphField(label=_("Lý do trả lại"), rows=2)


class DecideForm(_LevelForm):
    level = forms.ChoiceField(label=_("Quyết định xếp loại"))
    decision_ref = forms.CharField(label=_("Số quyết định"), max_length=100, required=False)
    on = DateField(label=_("Ngày quyết định"), required=False, help_text=_("Để trống: hôm nay."))


class ReopenForm(VNForm):
    reason = ParagraphField(label=_("Lý do mở lại"), rows=2)


class ReportRemedyForm(VNForm):
    status = forms.ChoiceField(label=_("Tình trạng"), choices=RemedyStatus.choices)
    evidence = ParagraphField(label=_("Kết quả, minh chứng"), required=False, rows=2)


def parse_remedies(text: str) -> tuple[list[dict], list[str]]:
    """One remedy a line, "text | owner | dd/mm/yyyy"; errors name the line."""
    rows, errors = [], []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) != 3 or not all(parts):
            errors.append(
                _g(
                    "Giải pháp, dòng %(n)s: cần dạng “nội dung | người chịu trách nhiệm | dd/mm/yyyy”."
                )
                % {"n": number}
            )
            continue
        text_, owner, raw = parts
        try:
            deadline = parse_day(raw[:30], _g("thời hạn"))
        except ValidationError as exc:
            errors.append(
                _g("Giải pháp, dòng %(n)s: %(problem)s") % {"n": number, "problem": exc.messages[0]}
            )
            continue
        rows.append({"text": text_, "owner": owner, "deadline": deadline})
    return rows, errors


class RemedyGroupForm(VNForm):
    title = forms.CharField(label=_("Nhóm giải pháp"), max_length=300)
    shortcomings = ParagraphField(
        label=_("Hạn chế, khuyết điểm"), rows=4, help_text=_("Mỗi dòng một hạn chế.")
    )
    remedies = ParagraphField(
        label=_("Giải pháp"),
        rows=5,
        help_text=_("Mỗi dòng một giải pháp: nội dung | người chịu trách nhiệm | dd/mm/yyyy."),
    )

    def clean(self):
        data = super().clean()
        lines = [s.strip() for s in (data.get("shortcomings") or "").splitlines()]
        data["shortcomings"] = [s for s in lines if s]
        if "shortcomings" in self.cleaned_data and not data["shortcomings"]:
            self.add_error("shortcomings", _("Hạn chế, khuyết điểm: cần ít nhất một."))
        if "remedies" in self.cleaned_data:
            rows, errors = parse_remedies(data.get("remedies") or "")
            for e in errors:
                self.add_error("remedies", e)
            if not rows and not errors:
                self.add_error("remedies", _("Giải pháp: cần ít nhất một."))
            data["remedies"] = rows
        return data
