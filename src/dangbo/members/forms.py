"""Forms of the member pages: search, admission, the record and each lifecycle step.

Field names match the service parameters, so a service error lands on the right field.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from dangbo.core.forms import DateField, VNForm, code_field

from .choices import EventKind, ExemptionCategory, Gender, PoliticalTheory, TemporaryReason
from .rules import BADGE_MILESTONES

EXIT_KINDS = [
    (k.value, k.label)
    for k in (
        EventKind.TRANSFERRED_OUT,
        EventKind.STRUCK_OFF,
        EventKind.EXPELLED,
        EventKind.RESIGNED,
        EventKind.DECEASED,
    )
]


def _text(label, max_length, required=False, **kwargs):
    return forms.CharField(label=label, max_length=max_length, required=required, **kwargs)


class RecordForm(VNForm):
    """The editable record (update_member); sensitive fields only for those who may see them."""

    full_name = _text(_("Họ và tên"), 200, required=True)
    gender = forms.ChoiceField(label=_("Giới tính"), choices=Gender.choices)
    date_of_birth = DateField(label=_("Ngày sinh"))
    card_number = _text(_("Số thẻ đảng viên"), 20)
    id_number = _text(_("Số CCCD"), 20)
    ethnicity = _text(_("Dân tộc"), 80)
    religion = _text(_("Tôn giáo"), 80)
    birthplace = _text(_("Nơi sinh"), 400)
    home_town = _text(_("Quê quán"), 400)
    permanent_address = _text(_("Nơi thường trú"), 400)
    phone = _text(_("Điện thoại"), 30)
    education = _text(_("Giáo dục phổ thông"), 40, help_text=_("Ví dụ 12/12."))
    qualification = _text(_("Chuyên môn, nghiệp vụ"), 300)
    political_theory = forms.ChoiceField(
        label=_("Lý luận chính trị"), choices=PoliticalTheory.choices, required=False
    )
    occupation = _text(_("Nghề nghiệp"), 300)
    workplace = _text(_("Nơi làm việc"), 400)

    SENSITIVE = ("ethnicity", "religion", "id_number")

    def __init__(self, *args, sensitive: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not sensitive:
            for name in self.SENSITIVE:
                del self.fields[name]


class AdmitForm(RecordForm):
    admission_vote_date = DateField(label=_("Ngày chi bộ xét kết nạp"), required=False)
    admission_decision_date = DateField(label=_("Ngày quyết định kết nạp"))
    admission_ceremony_date = DateField(label=_("Ngày lễ kết nạp"))
    decision_ref = _text(_("Số quyết định kết nạp"), 100)

    ADMISSION = (
        "admission_vote_date",
        "admission_decision_date",
        "admission_ceremony_date",
        "decision_ref",
    )


class TransferInForm(AdmitForm):
    """A member arriving from outside the registry: the admission facts as recorded
    elsewhere, the day they start here and, for an official member, the recognition date."""

    effective_date = DateField(label=_("Ngày tiếp nhận"))
    official_recognition_date = DateField(
        label=_("Ngày công nhận chính thức"),
        required=False,
        help_text=_("Để trống nếu đảng viên còn dự bị."),
    )
    note = _text(_("Chuyển đến từ (ghi chú)"), 500)

    ARRIVAL = (*AdmitForm.ADMISSION, "effective_date", "official_recognition_date", "note")


class InterruptionForm(VNForm):
    start = DateField(label=_("Từ ngày"))
    end = DateField(label=_("Đến ngày"))
    reason = _text(_("Lý do"), 300, required=True)
    fee_backpaid = forms.BooleanField(label=_("Đã truy nộp đảng phí"), required=False)


class RecogniseForm(VNForm):
    recognition_date = DateField(label=_("Ngày công nhận chính thức"))
    decision_ref = _text(_("Số quyết định"), 100)


class TransferForm(VNForm):
    to_org = code_field(_("Chi bộ chuyển đến (mã)"))
    effective_date = DateField(label=_("Ngày chuyển"))
    letter_no = _text(_("Số giấy giới thiệu"), 100)
    note = _text(_("Ghi chú"), 500)


class TemporaryTransferForm(VNForm):
    to_org = code_field(_("Chi bộ sinh hoạt tạm thời (mã)"))
    reason = forms.ChoiceField(label=_("Lý do"), choices=TemporaryReason.choices)
    start = DateField(label=_("Ngày bắt đầu"))
    planned_end = DateField(label=_("Ngày kết thúc dự kiến"))


class EndDateForm(VNForm):
    end_date = DateField(label=_("Ngày kết thúc"))


class ExemptForm(VNForm):
    category = forms.ChoiceField(label=_("Lý do miễn"), choices=ExemptionCategory.choices)
    start = DateField(label=_("Ngày bắt đầu miễn"))
    resolution_ref = _text(_("Nghị quyết chi bộ"), 100)


class ExitForm(VNForm):
    kind = forms.ChoiceField(label=_("Hình thức"), choices=EXIT_KINDS)
    effective_date = DateField(label=_("Ngày hiệu lực"))
    decision_ref = _text(_("Số quyết định"), 100)
    note = _text(_("Ghi chú"), 500)


class BadgeForm(VNForm):
    milestone = forms.TypedChoiceField(
        label=_("Mốc Huy hiệu (năm tuổi Đảng)"),
        choices=[(m, m) for m in BADGE_MILESTONES],
        coerce=int,
    )
    award_date = DateField(label=_("Đợt trao"))
    badge_number = _text(_("Số huy hiệu"), 20)


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Tìm theo tên, số thẻ hoặc số CCCD"), required=False, max_length=100
    )
