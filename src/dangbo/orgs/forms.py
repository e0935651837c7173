"""Forms of the organisation pages, and the base every dangbo form shares.

Each field's messages name the field in Vietnamese, so that a bad value is never anonymous;
the rules themselves stay in the services.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from dangbo.core.text import clean_text

from .choices import OrgKind, Sector

DATE_PLACEHOLDER = "dd/mm/yyyy"


class DateField(forms.DateField):
    """A dd/mm/yyyy text input (settings DATE_INPUT_FORMATS); no browser date picker."""

    widget = forms.TextInput

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.widget.attrs.update(
            {"placeholder": DATE_PLACEHOLDER, "inputmode": "numeric", "autocomplete": "off"}
        )


class VNForm(forms.Form):
    """Labels every message with the field's name; text is NFC, trimmed and control-free."""

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
            if isinstance(field, forms.CharField) and field.max_length:
                field.error_messages["max_length"] = _("%(f)s: dài quá %(n)s ký tự.") % {
                    "f": label,
                    "n": field.max_length,
                }

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
        return data


def code_field(label):
    return forms.CharField(
        label=label,
        max_length=64,
        help_text=_("Mã tổ chức, ví dụ kl-thon-1."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class DocumentFields(VNForm):
    """The decision behind a reorganisation: optional, but all three parts or none."""

    doc_number = forms.CharField(
        label=_("Số văn bản quyết định"), max_length=64, required=False,
        help_text=_("Ví dụ 125-QĐ/HU; để trống nếu chưa có."),
    )  # fmt: skip
    doc_issuer = forms.CharField(label=_("Cơ quan ban hành"), max_length=200, required=False)
    doc_date = DateField(label=_("Ngày ban hành"), required=False)

    def clean(self):
        data = super().clean()
        given = [data.get(f) for f in ("doc_number", "doc_issuer", "doc_date")]
        if any(given) and not all(given):
            for name in ("doc_number", "doc_issuer", "doc_date"):
                if not data.get(name) and name not in self.errors:
                    label = self.fields[name].label
                    self.add_error(
                        name, _("%(f)s: cần ghi đủ số, cơ quan và ngày ban hành.") % {"f": label}
                    )
        return data


class CreateOrgForm(DocumentFields):
    code = forms.CharField(
        label=_("Mã"),
        max_length=64,
        help_text=_("Chữ thường không dấu, số và dấu gạch ngang, ví dụ kl-thon-3."),
    )
    name = forms.CharField(label=_("Tên"), max_length=250)
    kind = forms.ChoiceField(label=_("Loại tổ chức"), choices=OrgKind.choices)
    sector = forms.ChoiceField(label=_("Loại hình"), choices=Sector.choices)
    valid_from = DateField(label=_("Ngày thành lập"))


class RenameOrgForm(DocumentFields):
    name = forms.CharField(label=_("Tên mới"), max_length=250)
    effective_date = DateField(label=_("Ngày hiệu lực"))


class ReparentOrgForm(DocumentFields):
    new_parent = code_field(_("Tổ chức cấp trên mới (mã)"))
    effective_date = DateField(label=_("Ngày hiệu lực"))


class DissolveOrgForm(DocumentFields):
    effective_date = DateField(label=_("Ngày kết thúc hoạt động"))


class AsOfForm(forms.Form):
    """GET form of the as-of date on the tree and the organisation pages."""

    ngay = forms.CharField(
        label=_("Số liệu tại ngày"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"placeholder": DATE_PLACEHOLDER, "inputmode": "numeric"}),
    )
