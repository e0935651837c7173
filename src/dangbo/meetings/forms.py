"""Forms of the cell-meeting pages. They check shapes (a date, HH:MM, a choice); the rules
(not in the future, the cell existed, a reason for an excused absence…) stay in the services.

The attendance table is not a Django form: it has one row per member summoned on the
meeting's date, read by ``attendance_from_post`` so that a row for someone who is not
summoned reaches the service and is refused there with its message, never dropped."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from dangbo.core.forms import DATE_PLACEHOLDER, DateField, TimeField, VNForm

from .choices import AttendanceStatus, MeetingKind, MeetingMode, QualityRating
from .services import MAX_MINUTES

MULTILINE = ("minutes", "resolution")
_ROW = re.compile(r"^trang-thai-(.*)$")
MAX_ROWS = 2000  # a cell never has that many members; bounds the work on a forged POST


class DayForm(VNForm):
    """Step one of recording a meeting: the date decides who is summoned."""

    ngay = DateField(label=_("Ngày sinh hoạt"), required=False)
    loai = forms.ChoiceField(label=_("Loại sinh hoạt"), choices=MeetingKind.choices, required=False)


def _member_choices(entries) -> list[tuple[str, str]]:
    return [("", "—")] + [(str(e.member.pk), e.member.full_name) for e in entries]


class MeetingForm(VNForm):
    """The facts of a meeting; ``entries`` (the roster on its date) feeds chair and secretary."""

    kind = forms.ChoiceField(label=_("Loại sinh hoạt"), choices=MeetingKind.choices)
    date = DateField(label=_("Ngày sinh hoạt"))
    start_time = TimeField(label=_("Giờ bắt đầu"), required=False)
    end_time = TimeField(label=_("Giờ kết thúc"), required=False)
    topic = forms.CharField(
        label=_("Chủ đề / nội dung chính"),
        max_length=300,
        required=False,
        help_text=_("Bắt buộc với buổi sinh hoạt chuyên đề."),
    )
    mode = forms.ChoiceField(label=_("Hình thức"), choices=MeetingMode.choices)
    chair = forms.ChoiceField(label=_("Chủ trì"), required=False)
    secretary = forms.ChoiceField(label=_("Thư ký"), required=False)
    minutes = forms.CharField(
        label=_("Diễn biến (biên bản)"),
        max_length=MAX_MINUTES,
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Mỗi đoạn một dòng; biên bản .docx giữ nguyên các đoạn."),
    )
    resolution = forms.CharField(
        label=_("Nghị quyết / kết luận"),
        max_length=MAX_MINUTES,
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    resolution_ref = forms.CharField(label=_("Số nghị quyết"), max_length=100, required=False)
    quality = forms.ChoiceField(
        label=_("Tự đánh giá chất lượng"), choices=QualityRating.choices, required=False
    )

    def __init__(self, *args, entries=(), with_date=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.entries = {e.member.pk: e for e in entries}
        choices = _member_choices(entries)
        self.fields["chair"].choices = choices
        self.fields["secretary"].choices = choices
        self.fields["date"].widget.attrs.update({"readonly": True, "placeholder": DATE_PLACEHOLDER})
        self.fields["date"].help_text = _("Đổi ngày ở bước 1: danh sách triệu tập theo ngày.")
        if not with_date:
            del self.fields["date"]

    def clean(self):
        data = super().clean()
        # VNForm folds every text onto one line; the minutes keep their paragraphs and are
        # cleaned by the service (clean_paragraphs).
        for name in MULTILINE:
            if name not in self.errors:
                data[name] = self.data.get(self.add_prefix(name), "") or ""
        return data

    def member(self, name: str):
        value = self.cleaned_data.get(name)
        return self.entries[int(value)].member if value else None

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {
            name: data.get(name)
            for name in (
                "kind",
                "start_time",
                "end_time",
                "topic",
                "mode",
                "minutes",
                "resolution",
                "resolution_ref",
                "quality",
            )
            if name in self.fields
        }


class EditMeetingForm(MeetingForm):
    """Date and cell are fixed once recorded (the roster depends on them)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, with_date=False, **kwargs)


class VoteForm(VNForm):
    motion = forms.CharField(label=_("Nội dung biểu quyết"), max_length=500)
    yes = forms.IntegerField(label=_("Tán thành"), min_value=0, max_value=100_000)
    no = forms.IntegerField(label=_("Không tán thành"), min_value=0, max_value=100_000)
    abstain = forms.IntegerField(
        label=_("Không biểu quyết"), min_value=0, max_value=100_000, required=False, initial=0
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("yes", "no", "abstain"):
            label = self.fields[name].label
            msg = _("%(f)s: phải là số nguyên không âm.") % {"f": label}
            self.fields[name].error_messages.update({"min_value": msg, "invalid": msg})
            self.fields[name].error_messages["max_value"] = _("%(f)s: quá lớn.") % {"f": label}


# ---- the attendance table ------------------------------------------------------------------


def attendance_from_post(post) -> tuple[dict, list[str]]:
    """Rows ``trang-thai-<member id>`` / ``ly-do-<member id>`` → {member id: (status, reason)},
    and the messages for rows that are not even a member id."""
    rows: dict[int, tuple[str, str]] = {}
    errors: list[str] = []
    for key in list(post.keys())[: MAX_ROWS + 1]:
        match = _ROW.match(key)
        if not match:
            continue
        raw = match.group(1)
        if not (raw.isascii() and raw.isdigit() and len(raw) <= 18):
            errors.append(str(_("Điểm danh: dòng “%(v)s” không hợp lệ.") % {"v": raw[:30]}))
            continue
        rows[int(raw)] = (
            (post.get(key) or "").strip(),
            (post.get(f"ly-do-{raw}") or "")[:1000],
        )
    return rows, errors


def attendance_rows(entries, given: dict, row_errors: dict) -> list[dict]:
    """What the table shows: each summoned member, the status and reason given (or the
    recorded / default ones), and that row's message."""
    rows = []
    for e in entries:
        status, reason = given.get(e.member.pk, (e.default_status, ""))
        rows.append(
            {
                "member": e.member,
                "official": e.official,
                "guest": e.guest,
                "status": status,
                "reason": reason,
                "error": row_errors.get(e.member.pk, ""),
            }
        )
    return rows


STATUS_CHOICES = AttendanceStatus.choices
