"""Forms of the document register. Organisations and documents are named by name or number
(type-ahead pickers); the service (``programs.documents``) keeps the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from dangbo.core import scope
from dangbo.core.choices import DocumentKind
from dangbo.core.forms import DateField, VNForm
from dangbo.orgs.fields import NAME_HELP, OrgChoiceField, OrgListField, PickerInput
from dangbo.orgs.queries import pick_label

from . import documents

DOC_HELP = _(
    "Gõ số hiệu hoặc vài chữ của trích yếu (không cần dấu, ví dụ: 64-KL/TW) rồi chọn; "
    "số hiệu trùng nhau thì ghi kèm ngày ban hành: 64-KL/TW (28/02/2023)."
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; their type is checked by content in ``core.files``."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class DocumentForm(VNForm):
    number = forms.CharField(label=_("Số hiệu"), max_length=64)
    kind = forms.ChoiceField(label=_("Loại văn bản"), choices=DocumentKind.choices)
    issue_date = DateField(label=_("Ngày ban hành"))
    body = OrgChoiceField(
        _("Cấp ủy ban hành"),
        required=False,
        help_text=_("Khi văn bản do một cấp ủy trong hệ thống ban hành. ") + NAME_HELP,
    )
    issuer = forms.CharField(
        label=_("Cơ quan ban hành"),
        max_length=200,
        required=False,
        help_text=_("Ví dụ: Ban Chấp hành Trung ương; để trống thì lấy tên cấp ủy ban hành."),
    )
    title = forms.CharField(label=_("Trích yếu"), max_length=500, required=False)
    effective_from = DateField(label=_("Hiệu lực từ"), required=False)
    effective_to = DateField(label=_("Hết hiệu lực"), required=False)
    implements = forms.CharField(
        label=_("Thực hiện văn bản"),
        max_length=300,
        required=False,
        widget=PickerInput("documents:pick"),
        help_text=DOC_HELP,
    )
    replaced_by = forms.CharField(
        label=_("Được thay thế bởi"),
        max_length=300,
        required=False,
        widget=PickerInput("documents:pick"),
        help_text=DOC_HELP,
    )
    applies_to = OrgListField(
        _("Áp dụng cho"),
        action=scope.VIEW,
        required=False,
        help_text=_("Gõ tên để chọn từng tổ chức; không có JavaScript thì mỗi dòng một tên."),
    )

    def __init__(self, *args, doc=None, **kwargs):
        if doc is not None:
            kwargs.setdefault("initial", initial_of(doc))
        super().__init__(*args, **kwargs)


class RegisterForm(DocumentForm):
    files = MultipleFileField(
        label=_("Tệp đính kèm"),
        required=False,
        help_text=_("PDF, Word, Excel, OpenDocument, ảnh PNG/JPEG; có thể chọn nhiều tệp."),
    )


class EditForm(DocumentForm):
    """Only the inputs posted change (``only_given``): nothing is required here, the service
    refuses a number or an issue date emptied."""

    only_given = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("number", "kind", "issue_date"):
            self.fields[name].required = False


class AttachForm(VNForm):
    files = MultipleFileField(
        label=_("Tệp đính kèm"),
        help_text=_("PDF, Word, Excel, OpenDocument, ảnh PNG/JPEG; có thể chọn nhiều tệp."),
    )


def initial_of(doc) -> dict:
    return {
        "number": doc.number,
        "kind": doc.kind,
        "issue_date": doc.issue_date,
        "body": doc.body,
        "issuer": doc.issuer,
        "title": doc.title,
        "effective_from": doc.effective_from,
        "effective_to": doc.effective_to,
        "implements": documents.label(doc.implements) if doc.implements_id else "",
        "replaced_by": documents.label(doc.replaced_by) if doc.replaced_by_id else "",
        "applies_to": "\n".join(
            pick_label(o) for o in doc.applies_to.select_related("parent").order_by("path")[:500]
        ),
    }
