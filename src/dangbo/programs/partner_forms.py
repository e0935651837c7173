"""Forms of the partner pages: the leading organisation is picked by name (``OrgChoiceField``),
the superior partner from the partners the user sees; the services keep the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from dangbo.core import scope
from dangbo.core.forms import DateField, VNForm
from dangbo.orgs.choices import PartnerKind
from dangbo.orgs.fields import NAME_HELP, OrgChoiceField, bind
from dangbo.orgs.models import PartnerBody


def _parents(user, exclude: PartnerBody | None = None):
    qs = scope.restrict(PartnerBody.objects.all(), user).distinct().order_by("name", "pk")
    return qs.exclude(pk=exclude.pk) if exclude is not None else qs


class PartnerCreateForm(VNForm):
    name = forms.CharField(label=_("Tên cơ quan"), max_length=200)
    code = forms.CharField(
        label=_("Mã"),
        max_length=64,
        help_text=_("Chữ thường không dấu, số và dấu gạch ngang, ví dụ: ubnd-kim-long."),
    )
    kind = forms.ChoiceField(label=_("Loại cơ quan"), choices=PartnerKind.choices)
    lead_org = OrgChoiceField(_("Tổ chức đảng lãnh đạo"), help_text=NAME_HELP)
    valid_from = DateField(label=_("Thành lập ngày"))
    parent = forms.ModelChoiceField(
        label=_("Trực thuộc"), queryset=PartnerBody.objects.none(), required=False
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = _parents(user)  # type: ignore[attr-defined]
        bind(self, user)


class PartnerEditForm(VNForm):
    name = forms.CharField(label=_("Tên cơ quan"), max_length=200)
    kind = forms.ChoiceField(label=_("Loại cơ quan"), choices=PartnerKind.choices)
    parent = forms.ModelChoiceField(
        label=_("Trực thuộc"), queryset=PartnerBody.objects.none(), required=False
    )
    lead_org = OrgChoiceField(
        _("Tổ chức đảng lãnh đạo mới"),
        required=False,
        help_text=_("Chỉ ghi khi đổi tổ chức lãnh đạo; để trống nếu không đổi."),
    )
    lead_from = DateField(label=_("Lãnh đạo từ ngày"), required=False)
    valid_to = DateField(
        label=_("Kết thúc ngày"),
        required=False,
        help_text=_("Chỉ ghi khi cơ quan kết thúc hoạt động."),
    )

    def __init__(self, *args, user=None, partner=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = _parents(user, partner)  # type: ignore[attr-defined]
        bind(self, user)

    def clean(self):
        data = super().clean()
        if data.get("lead_org") and not data.get("lead_from"):
            self.add_error("lead_from", _("Lãnh đạo từ ngày: bắt buộc khi đổi tổ chức lãnh đạo."))
        if data.get("lead_from") and not data.get("lead_org"):
            self.add_error("lead_org", _("Tổ chức đảng lãnh đạo mới: bắt buộc khi ghi ngày."))
        return data
