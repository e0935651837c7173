"""The forms of the personal-data pages. Each field's label names it in the messages
(``VNForm``); the rules themselves are the services'. Organisations are picked by name."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from dangbo.core import scope
from dangbo.core.errors import messages_of
from dangbo.core.forms import DateField, TimeField, VNForm
from dangbo.orgs.fields import OrgChoiceField

from . import services
from .choices import RequestKind


class ParagraphField(forms.Field):
    """Multi-line text kept as typed: ``VNForm`` would fold a CharField onto one line, so
    this is not one; the service cleans and limits it."""

    widget = forms.Textarea

    def __init__(self, *args, rows: int = 4, **kwargs):
        super().__init__(*args, **kwargs)
        self.widget.attrs.update({"rows": rows})

    def to_python(self, value):
        return "" if value in self.empty_values else str(value)


def _kind_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Loại yêu cầu"),
        choices=[("", _("— chọn loại yêu cầu —")), *RequestKind.choices],
    )


class MemberRequestForm(VNForm):
    """A member's own request: what they ask; who handles it is their grassroots
    organisation, not a choice."""

    kind = _kind_field()
    text = ParagraphField(label=_("Nội dung yêu cầu"), required=False)


class RequestForm(VNForm):
    """A request received by the office (in person, by letter, by email) on a citizen's or
    a member's behalf."""

    kind = _kind_field()
    name = forms.CharField(label=_("Họ tên người yêu cầu"), max_length=120)
    email = forms.CharField(label=_("Email"), max_length=254)
    text = ParagraphField(label=_("Nội dung yêu cầu"), required=False)
    org = OrgChoiceField(_("Tổ chức xử lý"), action=scope.CHANGE)
    third_party = forms.BooleanField(
        label=_("Có bên xử lý dữ liệu hoặc bên thứ ba tham gia (hạn 20 ngày)"), required=False
    )

    def checks(self, data: dict) -> dict[str, str]:
        """The service's email rule, so that a bad address shows with the other problems."""
        try:
            services.clean_email(data.get("email") or "", "email")
        except ValidationError as exc:
            return {k: v[0] for k, v in messages_of(exc).items()}
        return {}


class ReasonForm(VNForm):
    reason = forms.CharField(label=_("Lý do gia hạn"), max_length=500)


class OutcomeForm(VNForm):
    outcome = ParagraphField(label=_("Kết quả"), required=False)


class RefuseForm(VNForm):
    outcome = ParagraphField(label=_("Lý do từ chối"), required=False)


class EmptyForm(VNForm):
    """An operation that needs nothing but the click (and its CSRF token)."""


class WithdrawForm(VNForm):
    how = forms.CharField(
        label=_("Cách người dùng đề nghị rút lại"),
        max_length=300,
        help_text=_("Ví dụ: đơn ngày 05/01/2026, email, gọi điện…"),
    )


class BreachForm(VNForm):
    org = OrgChoiceField(_("Tổ chức để xảy ra vi phạm"), action=scope.AUDIT)
    detected_on = DateField(label=_("Ngày phát hiện"))
    detected_time = TimeField(label=_("Giờ phát hiện"))
    description = ParagraphField(label=_("Mô tả vi phạm"), required=False)
    data_kinds = forms.CharField(label=_("Loại dữ liệu bị ảnh hưởng"), max_length=500)
    sensitive = forms.BooleanField(label=_("Có dữ liệu cá nhân nhạy cảm"), required=False)
    subjects_estimate = forms.IntegerField(
        label=_("Số người bị ảnh hưởng (ước tính)"), required=False, min_value=0
    )
    measures = ParagraphField(label=_("Biện pháp đã áp dụng"), required=False)


class NotifiedForm(VNForm):
    on = DateField(label=_("Ngày thông báo"))
    at = TimeField(label=_("Giờ thông báo"))


class AuthorityNotifiedForm(NotifiedForm):
    reference = forms.CharField(label=_("Số văn bản thông báo"), max_length=100, required=False)


class CloseBreachForm(VNForm):
    measures = ParagraphField(label=_("Biện pháp khắc phục đã thực hiện"), required=False)
