"""Forms of the users-and-roles pages. They parse and name fields; the rules stay in
``core.services`` (username, password strength, role, four-eyes, what one may grant)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from dangbo.core.choices import Role
from dangbo.core.forms import DateField, VNForm
from dangbo.orgs.fields import NAME_HELP, OrgChoiceField

SEARCH_MAX_LENGTH = 100


class _Form(VNForm):
    """The users page's forms: VNForm (which names the field in every message)."""


class CreateUserForm(_Form):
    # Passwords are taken exactly as typed: no trimming, no NFC, no space folding.
    RAW_FIELDS = ("password", "password2")

    username = forms.CharField(
        label=_("Tên đăng nhập"),
        max_length=150,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150, required=False)
    password = forms.CharField(
        label=_("Mật khẩu"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Nhập lại mật khẩu"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        held = {n: self.cleaned_data.pop(n) for n in self.RAW_FIELDS if n in self.cleaned_data}
        data = super().clean()
        data.update(held)
        first, second = data.get("password"), data.get("password2")
        # The rules on the password itself are the service's (``create_user``).
        if first is not None and second is not None and first != second:
            self.add_error("password2", _("Nhập lại mật khẩu: không khớp với mật khẩu đã nhập."))
        return data


class GrantRoleForm(_Form):
    role = forms.ChoiceField(
        label=_("Vai trò"), choices=[("", _("— chọn vai trò —")), *Role.choices]
    )
    org = OrgChoiceField(_("Tổ chức"), help_text=NAME_HELP)
    can_view_sensitive = forms.BooleanField(
        label=_("Được xem thông tin nhạy cảm"),
        required=False,
        help_text=_("Chỉ cấp được khi chính bạn có quyền này tại tổ chức đó."),
    )
    valid_from = DateField(label=_("Từ ngày"), required=False, help_text=_("Để trống: từ hôm nay."))
