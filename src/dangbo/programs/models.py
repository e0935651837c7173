"""Programs of action and work plans as trees of objectives and tasks, each with a lead
body (chủ trì), coordinating bodies (phối hợp), dates, a weight and reports of progress.

A task's place in its program's tree is ``path`` (ids joined by '.', ending in '.'), as for
organisations, so that a subtree is one range on an index. Progress reports are append-only:
"as of" a date is read from the reports up to that date (``programs.rules`` rolls up).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangbo.core.fields import BinaryCharField

from .choices import ProgramKind, TaskKind, TaskStatus

ONE_LEAD = Q(lead_org__isnull=False, lead_partner__isnull=True) | Q(
    lead_org__isnull=True, lead_partner__isnull=False
)
ONE_BODY = Q(org__isnull=False, partner__isnull=True) | Q(org__isnull=True, partner__isnull=False)


class Program(models.Model):
    SCOPE_PREFIXES = ("org__",)

    kind = models.CharField(_("loại chương trình"), max_length=8, choices=ProgramKind.choices)
    title = models.CharField(_("tên chương trình"), max_length=500)
    org = models.ForeignKey(
        "orgs.Organisation",
        on_delete=models.PROTECT,
        related_name="programs",
        verbose_name=_("cấp ủy ban hành"),
    )
    document = models.ForeignKey(
        "core.LegalDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="programs",
        verbose_name=_("văn bản ban hành"),
    )
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("chương trình")
        verbose_name_plural = _("chương trình")
        ordering = ["-start", "title"]
        indexes = [models.Index(fields=["org", "start"])]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="program_interval")
        ]

    def __str__(self) -> str:
        return self.title


class Task(models.Model):
    # Seen by the program's committee and by the organisation that leads it.
    SCOPE_PREFIXES = ("program__org__", "lead_org__")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="tasks")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("thuộc mục"),
    )
    path = BinaryCharField(max_length=255, db_index=True, blank=True)
    depth = models.PositiveSmallIntegerField(default=0)
    position = models.PositiveIntegerField(default=0)  # order among its siblings
    number = models.CharField(_("số thứ tự"), max_length=40, blank=True)  # "1.2.3"
    kind = models.CharField(
        _("loại"), max_length=10, choices=TaskKind.choices, default=TaskKind.TASK
    )
    title = models.CharField(_("nội dung"), max_length=500)
    lead_org = models.ForeignKey(
        "orgs.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks_led",
        verbose_name=_("cơ quan chủ trì"),
    )
    lead_partner = models.ForeignKey(
        "orgs.PartnerBody",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks_led",
        verbose_name=_("cơ quan chủ trì"),
    )
    lead_person = models.ForeignKey(
        "members.Member",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks_led",
        verbose_name=_("người chịu trách nhiệm"),
    )
    start = models.DateField(_("ngày bắt đầu"), null=True, blank=True)
    deadline = models.DateField(_("thời hạn"), null=True, blank=True)
    weight = models.DecimalField(_("trọng số"), max_digits=7, decimal_places=2, default=1)
    # The state now; the state as of a date comes from the reports (``ProgressReport.status``).
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED
    )
    indicators = models.ManyToManyField(
        "indicators.Indicator", blank=True, related_name="tasks", verbose_name=_("chỉ tiêu")
    )
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("nhiệm vụ")
        verbose_name_plural = _("nhiệm vụ")
        ordering = ["program", "path"]
        indexes = [
            models.Index(fields=["program", "path"]),
            models.Index(fields=["lead_org", "deadline"]),
        ]
        constraints = [
            models.CheckConstraint(condition=ONE_LEAD, name="task_one_lead"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="task_weight_positive"),
            models.CheckConstraint(
                condition=Q(start__isnull=True)
                | Q(deadline__isnull=True)
                | Q(deadline__gte=F("start")),
                name="task_interval",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()


class TaskCoordinator(models.Model):
    """A body that coordinates (phối hợp) on a task: a Party organisation or a partner."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="coordinators")
    org = models.ForeignKey(
        "orgs.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks_coordinated",
    )
    partner = models.ForeignKey(
        "orgs.PartnerBody",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks_coordinated",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(condition=ONE_BODY, name="coordinator_one_body"),
            models.UniqueConstraint(
                fields=["task", "org"], condition=Q(org__isnull=False), name="coord_org_once"
            ),
            models.UniqueConstraint(
                fields=["task", "partner"],
                condition=Q(partner__isnull=False),
                name="coord_partner_once",
            ),
        ]


class ProgressReport(models.Model):
    """What the lead reported for a task at the end of a period. Never changed or deleted:
    a correction is a new report (going backwards needs a reason)."""

    SCOPE_PREFIXES = ("task__program__org__", "task__lead_org__")

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="reports")
    period_end = models.DateField(_("tính đến ngày"))
    percent = models.DecimalField(
        _("tiến độ (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    milestone = models.CharField(_("mốc đạt được"), max_length=300, blank=True)
    status = models.CharField(_("trạng thái"), max_length=12, choices=TaskStatus.choices)
    text = models.TextField(_("nội dung báo cáo"), blank=True)
    reason = models.TextField(_("lý do điều chỉnh"), blank=True)
    evidence = models.ManyToManyField(
        "core.StoredFile", blank=True, related_name="+", verbose_name=_("minh chứng")
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("báo cáo tiến độ")
        verbose_name_plural = _("báo cáo tiến độ")
        ordering = ["task", "period_end", "id"]
        indexes = [models.Index(fields=["task", "period_end", "id"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__isnull=True) | Q(percent__gte=0, percent__lte=100),
                name="progress_percent_range",
            )
        ]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("progress reports are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("progress reports are append-only")
