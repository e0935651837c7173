"""Leadership close to the grassroots (brief §7): who oversees which organisation, the
working groups that attend cell meetings, the visits, and every opinion heard followed to
an answer."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from dangbo.core.dates import today
from dangbo.core.fields import BinaryCharField

from .choices import (
    HANDLING_STATES,
    AssignmentRole,
    OpinionChannel,
    OpinionSource,
    OpinionState,
    TargetPeriod,
)


class OversightAssignment(models.Model):
    """A committee member made responsible (*phụ trách*) for an organisation over a period,
    with a target number of meeting attendances (rule 19)."""

    SCOPE_PREFIXES = ("target__", "committee__")

    member = models.ForeignKey(
        "members.Member",
        on_delete=models.PROTECT,
        related_name="oversight_assignments",
        verbose_name=_("cấp ủy viên phụ trách"),
    )
    committee = models.ForeignKey(
        "orgs.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("cấp ủy phân công"),
    )
    target = models.ForeignKey(
        "orgs.Organisation",
        on_delete=models.PROTECT,
        related_name="oversight_assignments",
        verbose_name=_("tổ chức được phụ trách"),
    )
    role = models.CharField(
        _("nhiệm vụ"),
        max_length=16,
        choices=AssignmentRole.choices,
        default=AssignmentRole.OVERSEE,
    )
    valid_from = models.DateField(_("từ ngày"))
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)
    target_count = models.PositiveSmallIntegerField(_("số lần dự sinh hoạt tối thiểu"), default=1)
    target_period = models.CharField(
        _("trong"), max_length=8, choices=TargetPeriod.choices, default=TargetPeriod.QUARTER
    )
    document = models.ForeignKey(
        "core.LegalDocument", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handed_over_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="handed_over_to"
    )
    end_reason = models.CharField(_("lý do kết thúc"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("phân công phụ trách")
        verbose_name_plural = _("phân công phụ trách")
        indexes = [
            models.Index(fields=["target", "valid_from"]),
            models.Index(fields=["member", "valid_from"]),
            models.Index(fields=["committee", "valid_from"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="assignment_interval",
            ),
            models.CheckConstraint(condition=Q(target_count__gte=1), name="assignment_target"),
        ]

    def __str__(self) -> str:
        return f"{self.member} — {self.get_role_display().lower()} {self.target}"

    @property
    def org(self):  # the audit log files an assignment under the organisation overseen
        return self.target


class WorkingGroup(models.Model):
    """A group that attends cell meetings over a period (a quarter, usually), with a leader,
    members and the cells it must attend (its targets)."""

    SCOPE_PREFIXES = ("committee__",)

    committee = models.ForeignKey(
        "orgs.Organisation",
        on_delete=models.PROTECT,
        related_name="working_groups",
        verbose_name=_("cấp ủy thành lập"),
    )
    name = models.CharField(_("tên tổ"), max_length=200)
    period_start = models.DateField(_("từ ngày"))
    period_end = models.DateField(_("đến ngày"))
    leader = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="+", verbose_name=_("tổ trưởng")
    )
    members = models.ManyToManyField(
        "members.Member", related_name="working_groups", verbose_name=_("thành viên"), blank=True
    )
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tổ công tác")
        verbose_name_plural = _("tổ công tác")
        ordering = ["-period_start", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="group_period"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def org(self):
        return self.committee


class GroupTarget(models.Model):
    """One cell a working group must attend in its period: the plan, with a planned date."""

    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="targets")
    org = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("chi bộ")
    )
    planned_date = models.DateField(_("ngày dự kiến"), null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group", "org"], name="target_once")]
        indexes = [models.Index(fields=["org"])]


class Visit(models.Model):
    """Superiors attending a cell meeting (the brief's MeetingGuest): who came, under which
    assignment or working group, and what they heard."""

    SCOPE_PREFIXES = ("org__",)

    meeting = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.PROTECT,
        related_name="visits",
        verbose_name=_("buổi sinh hoạt"),
    )
    # The meeting's cell and date, copied so that coverage and targets are one index scan.
    org = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    path = BinaryCharField(max_length=255, db_index=True)
    date = models.DateField(_("ngày"))
    group = models.ForeignKey(
        WorkingGroup,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
        verbose_name=_("tổ công tác"),
    )
    notes = models.TextField(_("nội dung nắm được"), blank=True)
    # Nobody who came had an assignment covering the cell, nor a group with it as target:
    # allowed (a superior may attend any meeting) but shown as such.
    without_mandate = models.BooleanField(_("ngoài phân công"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lần dự sinh hoạt")
        verbose_name_plural = _("lần dự sinh hoạt")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["date", "path"]), models.Index(fields=["org", "date"])]

    def __str__(self) -> str:
        return f"Dự sinh hoạt {self.org} ngày {self.date:%d/%m/%Y}"


class VisitAttendee(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="attendees")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="visits")
    # The assignment this attendance counts toward (the one covering the cell that day).
    assignment = models.ForeignKey(
        OversightAssignment,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attendances",
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["visit", "member"], name="attendee_once")]
        indexes = [models.Index(fields=["member"])]


class OpinionTopic(models.Model):
    """The configurable list of topics (land, infrastructure, …); retired ones stay for history."""

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=120)
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        verbose_name = _("lĩnh vực ý kiến")
        verbose_name_plural = _("lĩnh vực ý kiến")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Opinion(models.Model):
    """An opinion heard from a cadre, a member or a citizen, followed to an answer.

    The submitter's identity is personal data, optional and sensitive (brief §9): read only
    with an explicit grant, every read logged; the text is seen by those in scope."""

    SCOPE_PREFIXES = ("org__", "received_by__", "assigned_to__")

    received_on = models.DateField(_("ngày tiếp nhận"))
    source = models.CharField(_("người nêu"), max_length=8, choices=OpinionSource.choices)
    channel = models.CharField(_("kênh tiếp nhận"), max_length=8, choices=OpinionChannel.choices)
    visit = models.ForeignKey(
        Visit, null=True, blank=True, on_delete=models.PROTECT, related_name="opinions"
    )
    meeting = models.ForeignKey(
        "meetings.Meeting",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opinions",
    )
    text = models.TextField(_("nội dung ý kiến"))
    topic = models.ForeignKey(OpinionTopic, on_delete=models.PROTECT, verbose_name=_("lĩnh vực"))
    # Where it was heard / what it concerns, and the committee that follows it up.
    org = models.ForeignKey(
        "orgs.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("tổ chức liên quan"),
    )
    grassroots = models.ForeignKey(
        "orgs.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("xã, thị trấn / cơ sở"),
    )
    place = models.CharField(_("địa điểm"), max_length=300, blank=True)
    received_by = models.ForeignKey(
        "orgs.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("cấp ủy tiếp nhận"),
    )
    submitter_member = models.ForeignKey(
        "members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitter_name = models.CharField(_("họ tên người nêu"), max_length=120, blank=True)
    submitter_contact = models.CharField(_("liên hệ"), max_length=200, blank=True)
    consent = models.BooleanField(_("đồng ý cho lưu thông tin liên hệ"), default=False)
    state = models.CharField(
        _("trạng thái"),
        max_length=12,
        choices=OpinionState.choices,
        default=OpinionState.RECEIVED,
    )
    assigned_to = models.ForeignKey(
        "orgs.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("giao cho"),
    )
    deadline = models.DateField(_("hạn xử lý"), null=True, blank=True)
    answer = models.TextField(_("nội dung trả lời"), blank=True)
    answered_on = models.DateField(_("ngày trả lời"), null=True, blank=True)
    approved_by = models.CharField(_("người duyệt trả lời"), max_length=200, blank=True)
    closed_on = models.DateField(_("ngày kết thúc"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("ý kiến")
        verbose_name_plural = _("ý kiến")
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["received_by", "state"]),
            models.Index(fields=["assigned_to", "state"]),
            models.Index(fields=["state", "deadline"]),
            models.Index(fields=["received_on"]),
        ]

    def __str__(self) -> str:
        return f"Ý kiến #{self.pk}: {self.text[:60]}"

    @property
    def is_overdue(self) -> bool:
        return self.overdue_on(today())

    def overdue_on(self, day) -> bool:
        return self.state in HANDLING_STATES and self.deadline is not None and self.deadline < day


class OpinionStep(models.Model):
    """One step of an opinion's life; append-only, the history shown on its page."""

    opinion = models.ForeignKey(Opinion, on_delete=models.CASCADE, related_name="steps")
    on = models.DateField(_("ngày"))
    from_state = models.CharField(max_length=12, choices=OpinionState.choices, blank=True)
    to_state = models.CharField(max_length=12, choices=OpinionState.choices)
    org = models.ForeignKey(
        "orgs.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    deadline = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(max_length=150, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on", "id"]
        indexes = [models.Index(fields=["opinion", "on"])]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("Opinion steps are append-only")
        super().save(*args, **kwargs)
