"""Forms of the member pages: search, admission, the record and each lifecycle step.

Field names match the service parameters, so a service error lands on the right field.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from dangbo.core.forms import (
    DateField,
    VNForm,
    fact_choices,
    model_char_field,
    model_label,
)
from dangbo.orgs.fields import NAME_HELP, OrgChoiceField

from . import services
from .choices import EventKind, ExemptionCategory, Gender, PoliticalTheory, TemporaryReason
from .models import BadgeAward, Exemption, Member, MemberEvent, PartyAgeInterruption
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
    """A text input with no model field of its own (the transfer letter's number)."""
    return forms.CharField(label=label, max_length=max_length, required=required, **kwargs)


def _member(name: str, **kwargs) -> forms.CharField:
    """A record field as the model defines it (label, length, blank); the card, CCCD and
    phone may be typed with spaces or dots between the digits."""
    digits = name in ("card_number", "id_number", "phone")
    return model_char_field(Member, name, digits=digits, **kwargs)


class RecordForm(VNForm):
    """The editable record (update_member); sensitive fields only for those who may see them."""

    full_name = _member("full_name")
    gender = forms.ChoiceField(
        label=model_label(Member, "gender"), choices=fact_choices(Gender.choices)
    )
    date_of_birth = DateField(label=model_label(Member, "date_of_birth"), birth=True)
    card_number = _member("card_number")
    id_number = _member("id_number")
    ethnicity = _member("ethnicity")
    religion = _member("religion")
    birthplace = _member("birthplace")
    home_town = _member("home_town")
    permanent_address = _member("permanent_address")
    phone = _member("phone")
    education = _member("education", help_text=_("Ví dụ 12/12."))
    qualification = _member("qualification")
    political_theory = forms.ChoiceField(
        label=model_label(Member, "political_theory"),
        choices=PoliticalTheory.choices,
        required=False,
    )
    occupation = _member("occupation")
    workplace = _member("workplace")

    SENSITIVE = ("ethnicity", "religion", "id_number")
    # An edit changes only the inputs that were posted (issue 11.4): a client that leaves
    # the sensitive inputs out, or a page without them, never erases them.
    only_given = True

    def __init__(self, *args, sensitive: bool = True, member: Member | None = None, **kwargs):
        self.member = member  # the record being edited: its checks need it
        super().__init__(*args, **kwargs)
        if not sensitive:
            for name in self.SENSITIVE:
                del self.fields[name]

    def checks(self, data: dict) -> dict[str, str]:
        """The edit's service checks (a taken card or ID number, the age at admission) of
        the inputs that passed, shown with the form's own errors in one answer."""
        if self.member is None:
            return {}
        record = {k: v for k, v in data.items() if k in services.EDITABLE_FIELDS}
        return services.check_record(self.member, record)


class AdmitForm(RecordForm):
    only_given = False  # a new record: what is left out is empty anyway

    admission_vote_date = DateField(
        label=model_label(Member, "admission_vote_date"), required=False
    )
    admission_decision_date = DateField(label=model_label(Member, "admission_decision_date"))
    admission_ceremony_date = DateField(label=model_label(Member, "admission_ceremony_date"))
    decision_ref = model_char_field(MemberEvent, "decision_ref", label=_("Số quyết định kết nạp"))

    ADMISSION = (
        "admission_vote_date",
        "admission_decision_date",
        "admission_ceremony_date",
        "decision_ref",
    )

    def checks(self, data: dict) -> dict[str, str]:
        """The admission service's checks (ages, dates in order, a taken card or ID number)
        of the inputs that passed, shown with the form's own errors in one answer."""
        dates = {
            k: data.get(k)
            for k in (
                "admission_decision_date",
                "admission_ceremony_date",
                "admission_vote_date",
                "official_recognition_date",
            )
        }
        record = {k: v for k, v in data.items() if k in self.fields and k not in self.NOT_RECORD}
        problems = services.check_admission(record, **dates)
        # A field the form already refused is not "missing" for the service.
        return {k: v for k, v in problems.items() if k not in self.errors}

    NOT_RECORD = (
        "admission_vote_date",
        "admission_decision_date",
        "admission_ceremony_date",
        "decision_ref",
        "effective_date",
        "official_recognition_date",
        "note",
    )


class TransferInForm(AdmitForm):
    """A member arriving from outside the registry: the admission facts as recorded
    elsewhere, the day they start here and, for an official member, the recognition date."""

    effective_date = DateField(label=_("Ngày tiếp nhận"))
    official_recognition_date = DateField(
        label=model_label(Member, "official_recognition_date"),
        required=False,
        help_text=_("Để trống nếu đảng viên còn dự bị."),
    )
    note = model_char_field(MemberEvent, "note", label=_("Chuyển đến từ (ghi chú)"))

    ARRIVAL = (*AdmitForm.ADMISSION, "effective_date", "official_recognition_date", "note")


class InterruptionForm(VNForm):
    start = DateField(label=_("Từ ngày"))
    end = DateField(label=_("Đến ngày"))
    reason = model_char_field(PartyAgeInterruption, "reason")
    fee_backpaid = forms.BooleanField(label=_("Đã truy nộp đảng phí"), required=False)


class RecogniseForm(VNForm):
    recognition_date = DateField(label=model_label(Member, "official_recognition_date"))
    decision_ref = model_char_field(MemberEvent, "decision_ref", label=_("Số quyết định"))


class TransferForm(VNForm):
    to_org = OrgChoiceField(_("Chi bộ chuyển đến"), cells_only=True, help_text=NAME_HELP)
    effective_date = DateField(label=_("Ngày chuyển"))
    letter_no = _text(_("Số giấy giới thiệu"), 100)
    note = model_char_field(MemberEvent, "note")


class TemporaryTransferForm(VNForm):
    to_org = OrgChoiceField(_("Chi bộ sinh hoạt tạm thời"), cells_only=True, help_text=NAME_HELP)
    reason = forms.ChoiceField(label=_("Lý do"), choices=fact_choices(TemporaryReason.choices))
    start = DateField(label=_("Ngày bắt đầu"))
    planned_end = DateField(label=_("Ngày kết thúc dự kiến"))


class EndDateForm(VNForm):
    end_date = DateField(label=_("Ngày kết thúc"))


class ExemptForm(VNForm):
    category = forms.ChoiceField(
        label=_("Lý do miễn"), choices=fact_choices(ExemptionCategory.choices)
    )
    start = DateField(label=_("Ngày bắt đầu miễn"))
    resolution_ref = model_char_field(Exemption, "resolution_ref")


class ExitForm(VNForm):
    kind = forms.ChoiceField(label=_("Hình thức"), choices=fact_choices(EXIT_KINDS))
    effective_date = DateField(label=_("Ngày hiệu lực"))
    decision_ref = model_char_field(MemberEvent, "decision_ref", label=_("Số quyết định"))
    note = model_char_field(MemberEvent, "note")


class BadgeForm(VNForm):
    milestone = forms.TypedChoiceField(
        label=_("Mốc Huy hiệu (năm tuổi Đảng)"),
        choices=fact_choices((m, m) for m in BADGE_MILESTONES),
        coerce=int,
    )
    award_date = DateField(label=_("Đợt trao"))
    badge_number = model_char_field(BadgeAward, "badge_number")


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Tìm theo tên, số thẻ hoặc số CCCD"), required=False, max_length=100
    )
