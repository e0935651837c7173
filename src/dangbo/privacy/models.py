"""Personal data protection (Luật BVDLCN 91/2025/QH15, Nghị định 356/2025/NĐ-CP; brief §9):
the consents people gave, the requests they make about their data, the breaches recorded and
the runs of the retention steps.

``__str__`` of every model names no person: it is what the audit log stores as the object."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangbo.core.text import PlainText

from .choices import CLOSED_REQUEST_STATES, RequestKind, RequestState

PLAIN_TEXT = PlainText()


class ConsentRecord(models.Model):
    """One consent given to one purpose (a ``core.privacy.ConsentPurpose``), with the exact
    words shown and their version (law Art. 9: consent is informed), about the record it
    was given with (``ref``, "portal.comment:12")."""

    SCOPE_PREFIXES = ("org__",)
    SCOPE_SELF = "user"

    purpose = models.CharField(_("mục đích"), max_length=64, db_index=True)
    text_version = models.PositiveIntegerField(_("phiên bản lời đồng ý"))
    text = models.TextField(_("lời đồng ý đã hiển thị"))
    subject_name = models.CharField(
        _("họ tên"), max_length=120, blank=True, validators=[PLAIN_TEXT]
    )
    subject_email = models.CharField(_("email"), max_length=254, blank=True, db_index=True)
    member = models.ForeignKey(
        "members.Member",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consents",
        verbose_name=_("đảng viên"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consents",
    )
    # The committee holding the data the consent covers: whose staff answer for it.
    org = models.ForeignKey(
        "orgs.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("tổ chức lưu giữ dữ liệu"),
    )
    ref = models.CharField(_("hồ sơ liên quan"), max_length=100, blank=True)
    given_at = models.DateTimeField(_("thời điểm đồng ý"))
    withdrawn_at = models.DateTimeField(_("thời điểm rút lại"), null=True, blank=True)
    withdrawn_how = models.CharField(
        _("cách rút lại"), max_length=300, blank=True, validators=[PLAIN_TEXT]
    )

    class Meta:
        verbose_name = _("sự đồng ý")
        verbose_name_plural = _("sự đồng ý")
        ordering = ["-given_at", "-id"]
        indexes = [models.Index(fields=["withdrawn_at"]), models.Index(fields=["org", "given_at"])]

    def __str__(self) -> str:
        return f"Đồng ý #{self.pk} ({self.purpose})"

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class DataRequest(models.Model):
    """A data subject's request (see, correct, delete, restrict, withdraw consent, object),
    from a citizen (name, email) or a member (their record), followed to its answer within
    the legal deadlines (``rules``)."""

    SCOPE_PREFIXES = ("org__",)
    SCOPE_SELF = "user"

    # The reference a citizen quotes: random, unguessable (``rules``-free: services make it).
    code = models.CharField(_("mã yêu cầu"), max_length=12, unique=True)
    kind = models.CharField(_("loại yêu cầu"), max_length=16, choices=RequestKind.choices)
    requester_name = models.CharField(
        _("họ tên người yêu cầu"), max_length=120, blank=True, validators=[PLAIN_TEXT]
    )
    requester_email = models.CharField(_("email người yêu cầu"), max_length=254, blank=True)
    member = models.ForeignKey(
        "members.Member",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="data_requests",
        verbose_name=_("đảng viên"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="data_requests",
    )
    text = models.TextField(_("nội dung yêu cầu"))
    received_at = models.DateTimeField(_("thời điểm tiếp nhận"))
    state = models.CharField(
        _("trạng thái"),
        max_length=16,
        choices=RequestState.choices,
        default=RequestState.RECEIVED,
    )
    third_party = models.BooleanField(_("có bên xử lý / bên thứ ba tham gia"), default=False)
    ack_due = models.DateField(_("hạn xác nhận"))
    due = models.DateField(_("hạn xử lý"))
    acknowledged_at = models.DateTimeField(_("thời điểm xác nhận"), null=True, blank=True)
    extended_until = models.DateField(_("gia hạn đến"), null=True, blank=True)
    extension_reason = models.CharField(
        _("lý do gia hạn"), max_length=500, blank=True, validators=[PLAIN_TEXT]
    )
    outcome = models.TextField(_("kết quả / lý do từ chối"), blank=True)
    org = models.ForeignKey(
        "orgs.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("tổ chức xử lý"),
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("thời điểm kết thúc"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("thời điểm ẩn danh"), null=True, blank=True)

    class Meta:
        verbose_name = _("yêu cầu của chủ thể dữ liệu")
        verbose_name_plural = _("yêu cầu của chủ thể dữ liệu")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["org", "state"]),
            models.Index(fields=["state", "due"]),
            models.Index(fields=["closed_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(extended_until__isnull=True) | Q(extended_until__gt=models.F("due")),
                name="datarequest_extension_later",
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | Q(state__in=CLOSED_REQUEST_STATES),
                name="datarequest_closed_state",
            ),
        ]

    def __str__(self) -> str:
        return f"Yêu cầu {self.code}"

    @property
    def is_open(self) -> bool:
        return self.state not in CLOSED_REQUEST_STATES

    @property
    def deadline(self):
        return self.extended_until or self.due


class Breach(models.Model):
    """A personal-data breach, from detection to the notifications (72 hours: ``rules``) and
    the measures taken; the record is kept at least 5 years."""

    SCOPE_PREFIXES = ("org__",)

    org = models.ForeignKey(
        "orgs.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("tổ chức để xảy ra vi phạm"),
    )
    detected_at = models.DateTimeField(_("thời điểm phát hiện"))
    description = models.TextField(_("mô tả vi phạm"))
    data_kinds = models.CharField(
        _("loại dữ liệu bị ảnh hưởng"), max_length=500, validators=[PLAIN_TEXT]
    )
    sensitive = models.BooleanField(_("có dữ liệu nhạy cảm"), default=False)
    subjects_estimate = models.PositiveIntegerField(
        _("số người bị ảnh hưởng (ước tính)"), null=True, blank=True
    )
    notify_due = models.DateTimeField(_("hạn thông báo"))
    authority_notified_at = models.DateTimeField(
        _("đã thông báo cơ quan chức năng lúc"), null=True, blank=True
    )
    authority_reference = models.CharField(
        _("số văn bản thông báo"), max_length=100, blank=True, validators=[PLAIN_TEXT]
    )
    subjects_notified_at = models.DateTimeField(
        _("đã thông báo chủ thể dữ liệu lúc"), null=True, blank=True
    )
    measures = models.TextField(_("biện pháp khắc phục"), blank=True)
    closed_at = models.DateTimeField(_("thời điểm kết thúc"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("vi phạm dữ liệu cá nhân")
        verbose_name_plural = _("vi phạm dữ liệu cá nhân")
        ordering = ["-detected_at", "-id"]
        indexes = [models.Index(fields=["org", "detected_at"]), models.Index(fields=["closed_at"])]

    def __str__(self) -> str:
        return f"Vi phạm dữ liệu cá nhân #{self.pk}"

    @property
    def notified(self) -> bool:
        return self.authority_notified_at is not None


class RetentionRun(models.Model):
    """One run of the retention steps (``dangbo retention``, the worker, or a test): how many
    records each activity erased or anonymised, and the steps that failed."""

    at = models.DateTimeField(_("tính đến thời điểm"))
    started_at = models.DateTimeField(_("bắt đầu"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    counts = models.JSONField(_("số bản ghi theo hoạt động"), default=dict)
    failures = models.JSONField(_("bước bị lỗi"), default=dict)
    dry_run = models.BooleanField(_("chạy thử"), default=False)

    class Meta:
        verbose_name = _("lần chạy xóa dữ liệu hết hạn")
        verbose_name_plural = _("lần chạy xóa dữ liệu hết hạn")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"Lần chạy xóa dữ liệu hết hạn #{self.pk}"

    @property
    def total(self) -> int:
        return sum(int(n) for n in self.counts.values())
