"""Forms of the visit and opinion pages. They parse and label; the rules (dates, consent,
states, deadlines) stay in ``services`` and come back as field errors."""

from django import forms
from django.utils.translation import gettext_lazy as _

from dangbo.core import scope
from dangbo.core.dates import fmt, today
from dangbo.core.forms import DateField, VNForm
from dangbo.meetings.choices import MeetingKind
from dangbo.members.fields import MemberListField
from dangbo.orgs.fields import NAME_HELP, OrgChoiceField, PickerForm

from .choices import OpinionSource
from .models import OpinionTopic, WorkingGroup


class ParagraphField(forms.Field):
    """Multi-line text kept as typed (line breaks included): ``VNForm`` would fold it onto
    one line, so this is not a CharField; the service cleans and limits it."""

    widget = forms.Textarea

    def __init__(self, *args, rows: int = 4, **kwargs):
        super().__init__(*args, **kwargs)
        self.widget.attrs.update({"rows": rows})

    def to_python(self, value):
        return "" if value in self.empty_values else str(value)


def _topics():
    return OpinionTopic.objects.filter(active=True).order_by("position", "name")


class TopicField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            queryset=_topics(),
            to_field_name="code",
            label=_("Lĩnh vực"),
            empty_label=_("— chọn lĩnh vực —"),
            **kwargs,
        )


SOURCE_CHOICES = [("", _("— chọn —")), *OpinionSource.choices]


class SubmitterFields(VNForm):
    """Who raised it: minimal, optional, sensitive; the contact only with consent."""

    submitter_name = forms.CharField(
        label=_("Họ tên người nêu"),
        max_length=120,
        required=False,
        help_text=_("Không bắt buộc; thông tin nhạy cảm, chỉ người được cấp quyền mới xem."),
    )
    submitter_contact = forms.CharField(label=_("Liên hệ"), max_length=200, required=False)
    consent = forms.BooleanField(
        label=_("Người nêu đồng ý cho lưu thông tin liên hệ"), required=False
    )


class VisitOpinionForm(SubmitterFields):
    """One opinion heard at the visit (the page has three); a block left empty is skipped."""

    source = forms.ChoiceField(label=_("Người nêu"), choices=SOURCE_CHOICES, required=False)
    topic = TopicField(required=False)
    text = ParagraphField(label=_("Nội dung ý kiến"), required=False, rows=3)
    place = forms.CharField(label=_("Địa điểm"), max_length=300, required=False)

    field_order = [
        "source",
        "topic",
        "text",
        "place",
        "submitter_name",
        "submitter_contact",
        "consent",
    ]

    def __init__(self, *args, number: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.number = number

    def clean(self):
        data = super().clean()
        extra = [data.get(f) for f in ("topic", "place", "submitter_name", "submitter_contact")]
        if not (data.get("text") or "").strip() and any(extra) and "text" not in self.errors:
            # Something was filled in without the opinion itself: say so rather than drop it.
            self.add_error(
                "text",
                _(
                    "Nội dung ý kiến: bắt buộc khi đã chọn lĩnh vực hoặc ghi thông tin khác "
                    "của ý kiến %(n)s (để trống cả mục nếu không có ý kiến)."
                )
                % {"n": self.number},
            )
        return data

    @property
    def is_blank(self) -> bool:
        return not (self.cleaned_data.get("text") or "").strip()


class VisitForm(VNForm):
    date = DateField(label=_("Ngày dự sinh hoạt"))
    kind = forms.ChoiceField(
        label=_("Buổi sinh hoạt"),
        choices=[
            (MeetingKind.REGULAR, MeetingKind.REGULAR.label),
            (MeetingKind.THEMATIC, MeetingKind.THEMATIC.label),
        ],
        initial=MeetingKind.REGULAR,
    )
    meeting_topic = forms.CharField(
        label=_("Chủ đề sinh hoạt chuyên đề"),
        max_length=300,
        required=False,
        help_text=_("Cần khi ghi buổi sinh hoạt chuyên đề chưa có trong sổ của chi bộ."),
    )
    include_me = forms.BooleanField(required=False)
    attendees = MemberListField(
        _("Người dự khác"),
        action=scope.VIEW,
        help_text=_(
            "Gõ tên để chọn từng người (không cần dấu); không có JavaScript thì mỗi dòng một "
            "họ tên."
        ),
    )
    group = forms.ModelChoiceField(
        label=_("Tổ công tác"),
        queryset=WorkingGroup.objects.none(),
        required=False,
        empty_label=_("— không theo tổ công tác —"),
    )
    notes = ParagraphField(label=_("Nội dung nắm được"), required=False, rows=5)

    def __init__(self, *args, me=None, groups=None, offered=None, **kwargs):
        """``groups``: those a visit may be recorded under; ``offered``: those listed (the
        recent ones), when not all of them."""
        super().__init__(*args, **kwargs)
        field = self.fields["group"]
        if groups is not None:
            field.queryset = groups
        field.label_from_instance = lambda g: (
            f"{g.name} ({g.committee.name}, {g.period_start:%d/%m/%Y}–{g.period_end:%d/%m/%Y})"
        )
        if offered is not None:
            field.choices = [("", field.empty_label)] + [
                (g.pk, field.label_from_instance(g)) for g in offered
            ]
        if me is None:
            del self.fields["include_me"]
        else:
            self.fields["include_me"].label = _("Tôi (%(name)s) dự buổi này") % {
                "name": me.full_name
            }
            self.fields["include_me"].initial = True


class OpinionForm(PickerForm, SubmitterFields):
    """An opinion entered by staff (heard by phone, in a letter, at a reception)."""

    received_by = OrgChoiceField(_("Cấp ủy tiếp nhận"), action=scope.OVERSEE, help_text=NAME_HELP)
    org = OrgChoiceField(_("Tổ chức liên quan"), action=scope.VIEW, help_text=NAME_HELP)
    received_on = DateField(label=_("Ngày tiếp nhận"), initial=lambda: fmt(today()))
    source = forms.ChoiceField(label=_("Người nêu"), choices=SOURCE_CHOICES)
    topic = TopicField()
    text = ParagraphField(label=_("Nội dung ý kiến"), rows=5)
    place = forms.CharField(label=_("Địa điểm"), max_length=300, required=False)

    field_order = [
        "received_by",
        "org",
        "received_on",
        "source",
        "topic",
        "text",
        "place",
        "submitter_name",
        "submitter_contact",
        "consent",
    ]


# ---- one small form per lifecycle operation -----------------------------------------------


class AssignForm(VNForm):
    to_org = OrgChoiceField(_("Giao cho"), action=scope.VIEW, help_text=NAME_HELP)
    deadline = DateField(label=_("Hạn xử lý"))
    note = ParagraphField(label=_("Chỉ đạo"), required=False, rows=2)


class NoteForm(VNForm):
    note = ParagraphField(label=_("Ghi chú"), required=False, rows=2)


class AnswerForm(VNForm):
    answer = ParagraphField(label=_("Nội dung trả lời"), rows=4)
    approved_by = forms.CharField(label=_("Người duyệt trả lời"), max_length=200)


class ReasonForm(VNForm):
    reason = ParagraphField(label=_("Lý do"), rows=2)
