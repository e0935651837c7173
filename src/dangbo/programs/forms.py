"""Forms of the program pages: a program, a task, a progress report.

Organisations are typed by name (pickers); a partner body is chosen by its name from the
bodies the user may see. The services keep the rules (lead in the committee's subtree,
dates, weight, backwards needs a reason); these forms only read what was typed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from dangbo.core import scope
from dangbo.core.forms import DateField, VNForm
from dangbo.indicators.models import Indicator
from dangbo.members.fields import MemberChoiceField
from dangbo.orgs.fields import NAME_HELP, OrgChoiceField, OrgListField, PickerInput
from dangbo.orgs.models import PartnerBody

from .choices import ProgramKind, TaskKind, TaskStatus


class ProgramForm(VNForm):
    title = forms.CharField(label=_("Tên chương trình"), max_length=500)
    kind = forms.ChoiceField(label=_("Loại chương trình"), choices=ProgramKind.choices)
    start = DateField(label=_("Từ ngày"))
    end = DateField(label=_("Đến ngày"))
    document = forms.CharField(
        label=_("Văn bản ban hành"),
        required=False,
        max_length=300,
        widget=PickerInput("documents:pick"),
        help_text=_("Gõ số hiệu hoặc vài chữ của trích yếu rồi chọn (để trống nếu chưa có)."),
    )

    def clean_document(self):
        """The register's document the text names (one), else a message naming the field."""
        from . import documents

        text = self.cleaned_data.get("document") or ""
        if not text.strip():
            return None
        found = documents.find(None, text)
        if len(found) != 1:
            if not found:
                raise forms.ValidationError(
                    _("Văn bản ban hành: không tìm thấy văn bản “%(t)s”.") % {"t": text}
                )
            raise forms.ValidationError(
                _("Văn bản ban hành: có nhiều văn bản khớp: %(l)s. Hãy chọn một.")
                % {"l": "; ".join(documents.label(d) for d in found[:5])}
            )
        return found[0]


class ProgramCreateForm(ProgramForm):
    org = OrgChoiceField(_("Cấp ủy ban hành"), help_text=NAME_HELP)

    field_order = ["org", "title", "kind", "start", "end", "document"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].user = user


def _partner_choices(user):
    partners = scope.restrict(PartnerBody.objects.all(), user).distinct().order_by("name")
    return partners


class TaskForm(VNForm):
    title = forms.CharField(
        label=_("Nội dung"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    kind = forms.ChoiceField(label=_("Loại"), choices=TaskKind.choices, initial=TaskKind.TASK)
    parent = forms.ModelChoiceField(
        label=_("Thuộc mục"), queryset=None, required=False, empty_label=_("— Cấp cao nhất —")
    )
    lead_org = OrgChoiceField(
        _("Cơ quan chủ trì (tổ chức đảng)"),
        required=False,
        help_text=_("Gõ tên tổ chức đảng chủ trì; hoặc chọn cơ quan chủ trì ở ô dưới."),
    )
    lead_partner = forms.ModelChoiceField(
        label=_("Cơ quan chủ trì (chính quyền, đoàn thể)"),
        queryset=None,
        required=False,
        empty_label="—",
    )
    lead_person = MemberChoiceField(
        _("Người chịu trách nhiệm"),
        action=scope.VIEW,
        required=False,
        help_text=_("Để trống: Bí thư của tổ chức chủ trì."),
    )
    coordinators = OrgListField(_("Tổ chức đảng phối hợp"), required=False, help_text=NAME_HELP)
    partner_coordinators = forms.ModelMultipleChoiceField(
        label=_("Cơ quan phối hợp"), queryset=None, required=False
    )
    start = DateField(label=_("Ngày bắt đầu"), required=False)
    deadline = DateField(label=_("Thời hạn"), required=False)
    weight = forms.CharField(
        label=_("Trọng số"),
        max_length=12,
        initial="1",
        required=False,
        help_text=_("Tỷ trọng của nhiệm vụ khi tính tiến độ của mục trên (mặc định 1)."),
    )
    note = forms.CharField(
        label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    indicators = forms.ModelMultipleChoiceField(
        label=_("Chỉ tiêu liên quan"),
        queryset=Indicator.objects.order_by("position", "code"),
        required=False,
        help_text=_("Các chỉ tiêu đo kết quả của nhiệm vụ (nếu có)."),
    )

    def __init__(self, *args, user=None, program=None, exclude_subtree_of=None, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import Task

        parents = Task.objects.filter(program=program).order_by("path")
        if exclude_subtree_of is not None:
            parents = parents.exclude(path__startswith=exclude_subtree_of.path)
        self.fields["parent"].queryset = parents
        self.fields["parent"].label_from_instance = lambda t: f"{t.number} {t.title[:80]}"
        partners = _partner_choices(user)
        self.fields["lead_partner"].queryset = partners
        self.fields["partner_coordinators"].queryset = partners
        self.fields["lead_org"].user = user
        self.fields["coordinators"].user = user
        self.fields["lead_person"].user = user
        # Any organisation of the committee's subtree may lead, not only those the editor
        # may change: the service checks the subtree.
        self.fields["lead_org"].action = scope.VIEW
        self.fields["coordinators"].action = scope.VIEW


class ReportForm(VNForm):
    period_end = DateField(label=_("Tính đến ngày"))
    percent = forms.CharField(
        label=_("Tiến độ (%)"),
        max_length=8,
        required=False,
        help_text=_("Từ 0 đến 100; để trống nếu chỉ báo cáo mốc đạt được."),
    )
    milestone = forms.CharField(label=_("Mốc đạt được"), max_length=300, required=False)
    status = forms.ChoiceField(
        label=_("Trạng thái"), choices=TaskStatus.choices, initial=TaskStatus.IN_PROGRESS
    )
    text = forms.CharField(
        label=_("Nội dung báo cáo"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    reason = forms.CharField(
        label=_("Lý do điều chỉnh"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Bắt buộc khi tiến độ thấp hơn lần báo cáo trước."),
    )
    evidence = forms.FileField(label=_("Minh chứng (tệp)"), required=False)
