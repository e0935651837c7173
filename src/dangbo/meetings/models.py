"""Cell meetings: the monthly and thematic meetings, who attended, and what was voted.

A superior's presence at a meeting is an ``oversight.Visit`` (the brief's MeetingGuest):
it belongs to the oversight app because it counts toward an assignment or a working group.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import AttendanceStatus, MeetingKind, MeetingMode, QualityRating


class Meeting(models.Model):
    SCOPE_PREFIXES = ("org__",)

    org = models.ForeignKey(
        "orgs.Organisation",
        on_delete=models.PROTECT,
        related_name="meetings",
        verbose_name=_("chi bộ"),
    )
    kind = models.CharField(_("loại sinh hoạt"), max_length=16, choices=MeetingKind.choices)
    date = models.DateField(_("ngày sinh hoạt"))
    start_time = models.TimeField(_("bắt đầu"), null=True, blank=True)
    end_time = models.TimeField(_("kết thúc"), null=True, blank=True)
    topic = models.CharField(_("chủ đề / nội dung chính"), max_length=300, blank=True)
    chair = models.ForeignKey(
        "members.Member",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("chủ trì"),
    )
    secretary = models.ForeignKey(
        "members.Member",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("thư ký"),
    )
    mode = models.CharField(
        _("hình thức"), max_length=16, choices=MeetingMode.choices, default=MeetingMode.IN_PERSON
    )
    minutes = models.TextField(_("biên bản (diễn biến)"), blank=True)
    resolution = models.TextField(_("nghị quyết / kết luận"), blank=True)
    resolution_ref = models.CharField(_("số nghị quyết"), max_length=100, blank=True)
    quality = models.CharField(
        _("tự đánh giá chất lượng"), max_length=16, choices=QualityRating.choices, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The attendance by status, kept with the rows by the services (and the bulk paths):
    # a province's attendance rate sums ~400 k meetings instead of ~6 M attendance rows.
    summoned = models.PositiveIntegerField(default=0, db_default=0)
    present = models.PositiveIntegerField(default=0, db_default=0)
    excused = models.PositiveIntegerField(default=0, db_default=0)
    unexcused = models.PositiveIntegerField(default=0, db_default=0)
    not_expected = models.PositiveIntegerField(
        default=0, db_default=0
    )  # exempted or away: not in the rate

    class Meta:
        verbose_name = _("buổi sinh hoạt chi bộ")
        verbose_name_plural = _("buổi sinh hoạt chi bộ")
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["org", "date"]),
            models.Index(fields=["date", "kind"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%d/%m/%Y} — {self.org}"

    def set_counts(self, statuses) -> None:
        """The per-status counts from the attendance rows' statuses."""
        statuses = list(statuses)
        self.summoned = len(statuses)
        self.present = statuses.count(AttendanceStatus.PRESENT)
        self.excused = statuses.count(AttendanceStatus.EXCUSED)
        self.unexcused = statuses.count(AttendanceStatus.UNEXCUSED)
        self.not_expected = sum(
            s in (AttendanceStatus.EXEMPTED, AttendanceStatus.TEMPORARILY_AWAY) for s in statuses
        )

    @property
    def duration_minutes(self) -> int | None:
        if self.start_time is None or self.end_time is None:
            return None
        start = self.start_time.hour * 60 + self.start_time.minute
        end = self.end_time.hour * 60 + self.end_time.minute
        return end - start


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="attendance"
    )
    status = models.CharField(_("điểm danh"), max_length=20, choices=AttendanceStatus.choices)
    reason = models.CharField(_("lý do vắng"), max_length=300, blank=True)
    # Official member on the meeting's date: only they vote (probationers do not).
    official = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="attendance_once"),
        ]
        indexes = [
            models.Index(fields=["member", "status"]),
            models.Index(
                fields=["status", "meeting"],
                condition=Q(status=AttendanceStatus.UNEXCUSED),
                name="attendance_unexcused",
            ),
        ]


class Vote(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="votes")
    motion = models.CharField(_("nội dung biểu quyết"), max_length=500)
    yes = models.PositiveIntegerField(_("tán thành"))
    no = models.PositiveIntegerField(_("không tán thành"))
    abstain = models.PositiveIntegerField(_("không biểu quyết"), default=0)
    # Computed by the rule of QĐ 24 §9.3 (brief rule 14) when the vote was recorded.
    denominator = models.PositiveIntegerField(_("tổng số đảng viên được tính"))
    passed = models.BooleanField(_("được thông qua"))
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
