"""Report phrases the office edits, issued (frozen) reports, and background report runs."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReportPhrase(models.Model):
    """One sentence pattern of a report's prose, edited by the office rather than in code.

    ``key`` names the sentence ("annual.members"); ``case`` the data case it is for ("none",
    "one", "some", "all" or "" for any); ``text`` holds ``{name}`` placeholders filled from
    the report's figures, already written the Vietnamese way ("trên 5.470", "9/12")."""

    key = models.CharField(_("mã câu"), max_length=80)
    case = models.CharField(_("trường hợp"), max_length=10, blank=True, default="")
    text = models.TextField(_("mẫu câu"))
    note = models.CharField(_("ghi chú"), max_length=300, blank=True, default="")
    default_text = models.TextField(_("mẫu gốc"), editable=False, default="")
    updated_at = models.DateTimeField(_("sửa lúc"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người sửa"),
    )

    class Meta:
        verbose_name = _("mẫu câu báo cáo")
        verbose_name_plural = _("mẫu câu báo cáo")
        ordering = ["key", "case"]
        constraints = [models.UniqueConstraint(fields=["key", "case"], name="report_phrase_key")]

    def __str__(self) -> str:
        return f"{self.key}/{self.case}" if self.case else self.key


class IssuedReport(models.Model):
    """A report or statistical table as issued: its figures, its text and its files frozen,
    with a hash over them. Later changes to the data never alter it (the model refuses
    updates to the frozen fields); regenerating compares the data of today with it."""

    kind = models.CharField(_("loại báo cáo"), max_length=20)
    org = models.ForeignKey(
        "orgs.Organisation",
        on_delete=models.PROTECT,
        related_name="issued_reports",
        verbose_name=_("tổ chức"),
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    quarter = models.PositiveSmallIntegerField(_("quý"), null=True, blank=True)
    number = models.CharField(_("số"), max_length=30, blank=True, default="")
    title = models.CharField(_("tiêu đề"), max_length=300)
    issued_on = models.DateField(_("ngày ban hành"))
    issued_at = models.DateTimeField(_("ghi lúc"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người ban hành"),
    )
    figures = models.JSONField(_("số liệu"), default=dict)
    text = models.TextField(_("nội dung"))
    sha256 = models.CharField(_("mã băm"), max_length=64)
    files = models.ManyToManyField("core.StoredFile", related_name="+", blank=True)

    SCOPE_PREFIXES = ("org__",)

    class Meta:
        verbose_name = _("báo cáo đã ban hành")
        verbose_name_plural = _("báo cáo đã ban hành")
        ordering = ["-issued_on", "-id"]
        indexes = [models.Index(fields=["org", "kind", "year"], name="issued_report_org_kind")]
        constraints = [
            # A number names one document of the body in its year's register.
            models.UniqueConstraint(
                fields=["org", "year", "number"],
                condition=~Q(number=""),
                name="issued_report_number",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        # Frozen: what was issued stays as issued; a correction is a new report.
        if self.pk is not None:
            raise ValueError("issued reports are frozen")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("issued reports are frozen")

    @property
    def period_label(self) -> str:
        from .kinds import Period

        return Period(self.year, self.quarter).label


class ReportRun(models.Model):
    """A report or export built in the background (big ones), with the progress bar's
    figures; the file is kept when done."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang lập")
        DONE = "done", _("Xong")
        FAILED = "failed", _("Lỗi")

    kind = models.CharField(_("loại báo cáo"), max_length=20)
    org = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("tổ chức")
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    quarter = models.PositiveSmallIntegerField(_("quý"), null=True, blank=True)
    format = models.CharField(_("định dạng"), max_length=10)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    phase = models.CharField(max_length=200, blank=True, default="")
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    problem = models.TextField(blank=True, default="")
    result = models.ForeignKey(
        "core.StoredFile", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # The last sign of life of a running build (each progress step): a run silent for long
    # was lost with its process (a restart) and is marked failed, not left "running".
    beat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    SCOPE_PREFIXES = ("org__",)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.year} ({self.state})"

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0
