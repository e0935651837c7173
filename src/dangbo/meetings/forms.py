"""Forms of the cell-meeting pages. They check shapes (a date, HH:MM, a choice); the rules
(not in the future, the cell existed, a reason for an excused absence…) stay in the services.

The attendance table is not a Django form: it has one row per member summoned on the
meeting's date, read by ``attendance_from_post`` so that a row for someone who is not
summoned reaches the service and is refused there with its message, never dropped."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from dangbo.core.forms import DATE_PLACEHOLDER, DateField, TimeField, VNForm

from . import services
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

    SERVICE_FIELDS = services.MEETING_FIELDS

    def __init__(
        self,
        *args,
        entries=(),
        with_date=True,
        org=None,
        meeting=None,
        attendance=None,
        bad_rows=(),
        **kwargs,
    ):
        """``org`` (a new record) or ``meeting`` (an edit), and the ``attendance`` rows and
        ``bad_rows`` messages of ``attendance_from_post``: when some inputs fail, the service
        judges the rest (``checks``) and everything is shown in one answer."""
        super().__init__(*args, **kwargs)
        self.entries = {e.member.pk: e for e in entries}
        self.org, self.meeting = org, meeting
        self.attendance, self.bad_rows = attendance, list(bad_rows)
        self.row_errors: dict[int, str] = {}  # member id → message, shown on the row
        self.error_links: dict[str, str] = {}  # whole-form message → "#id" in the summary
        choices = _member_choices(entries)
        self.fields["chair"].choices = choices
        self.fields["secretary"].choices = choices
        self.fields["date"].widget.attrs.update({"readonly": True, "placeholder": DATE_PLACEHOLDER})
        self.fields["date"].help_text = _("Đổi ngày ở bước 1: danh sách triệu tập theo ngày.")
        if not with_date:
            del self.fields["date"]

    def clean(self):
        for message in self.bad_rows:  # a row that is not even a member id
            self.add_error(None, message)
        data = super().clean()
        # VNForm folds every text onto one line; the minutes keep their paragraphs and are
        # cleaned by the service (clean_paragraphs).
        for name in MULTILINE:
            if name not in self.errors and (name in data or not self.only_given):
                data[name] = self.data.get(self.add_prefix(name), "") or ""
        return data

    def checks(self, data: dict) -> dict[str, str]:
        """The service's checks (the date for this cell, a thematic meeting's topic, the
        officers, each attendance row) of the inputs that passed, without writing."""
        if self.org is None and self.meeting is None:
            return {}
        officers = {
            name: self.entries[int(data[name])].member if data[name] else None
            for name in ("chair", "secretary")
            if name in data
        }
        found = services.check_meeting(
            org=self.org,
            day=data.get("date"),
            data={k: v for k, v in data.items() if k in self.SERVICE_FIELDS},
            attendance=self.attendance,
            meeting=self.meeting,
            **officers,
        )
        return self.take_problems(found)

    def take_problems(self, found: dict[str, str]) -> dict[str, str]:
        """The service's field → message map: the form's fields are returned; an attendance
        row's message goes onto its row and into the summary, linked to that row's input."""
        fields = {}
        for key, message in found.items():
            if key in self.fields:
                fields[key] = message
                continue
            self.add_error(None, message)
            if key.startswith("attendance-") and key[11:].isdigit():
                pk = int(key[11:])
                self.row_errors[pk] = message
                status = (self.attendance or {}).get(pk, ("", ""))[0]
                target = "ly_do" if status == AttendanceStatus.EXCUSED else "trang_thai"
                self.error_links[message] = f"#id_{target}_{pk}"
        return fields

    def member(self, name: str):
        value = self.cleaned_data.get(name)
        return self.entries[int(value)].member if value else None

    def officers(self) -> dict:
        """Chair and secretary as the service takes them: only those that were posted."""
        return {n: self.member(n) for n in ("chair", "secretary") if n in self.cleaned_data}

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {name: data.get(name) for name in self.SERVICE_FIELDS if name in data}


class EditMeetingForm(MeetingForm):
    """Date and cell are fixed once recorded (the roster depends on them). Changes only
    what was posted: an input left out keeps the recorded value."""

    only_given = True

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
