"""An import is a job over one stored file; each row's outcome is kept for the preview.

The rows keep what a person needs to fix the file (row number, state, messages naming the
column, a short label) and never the sensitive values themselves.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportKind(models.TextChoices):
    MEMBERS = "members", _("Đảng viên")
    ORGS = "orgs", _("Tổ chức đảng")
    INDICATORS = "indicators", _("Số liệu chỉ tiêu")


class JobState(models.TextChoices):
    UPLOADED = "uploaded", _("Đã tải lên")
    QUEUED = "queued", _("Đang chờ xử lý")
    RUNNING = "running", _("Đang xử lý")
    PREVIEWED = "previewed", _("Đã kiểm tra, chờ ghi")
    COMMITTED = "committed", _("Đã ghi vào cơ sở dữ liệu")
    FAILED = "failed", _("Không nhập được")
    INTERRUPTED = "interrupted", _("Bị gián đoạn")
    CANCELLED = "cancelled", _("Đã hủy")


class RowState(models.TextChoices):
    NEW = "new", _("Thêm mới")
    UPDATE = "update", _("Cập nhật")
    UNCHANGED = "unchanged", _("Không thay đổi")
    WARNING = "warning", _("Cảnh báo")
    ERROR = "error", _("Lỗi")


class ImportJob(models.Model):
    kind = models.CharField(_("loại dữ liệu"), max_length=16, choices=ImportKind.choices)
    state = models.CharField(
        _("trạng thái"), max_length=12, choices=JobState.choices, default=JobState.UPLOADED
    )
    mode = models.CharField(max_length=8, default="preview")  # of the current/last run
    original_name = models.CharField(_("tên tệp"), max_length=255)
    stored_name = models.CharField(max_length=80, editable=False)
    size = models.BigIntegerField(_("dung lượng"))
    sha256 = models.CharField(max_length=64)
    encoding = models.CharField(_("bảng mã"), max_length=16, blank=True)
    notes = models.JSONField(default=list, blank=True)  # file-level notes (conversions…)
    # The user's answers and overrides, kept for every later run of the job (see
    # docs/imports.md): "sheets" [names], "header_row" {sheet: n}, "last_row" {sheet: n},
    # "unknown_recognition" "official"|"probationary", "parent" (org code), "orgs"
    # {row key: {"kind", "sector", "code"}}.
    options = models.JSONField(default=dict, blank=True)
    # What the last run found in each sheet of the file (common.SheetResult as dicts): the
    # preview shows it and the user corrects it through ``options``.
    sheets = models.JSONField(default=list, blank=True)
    # Questions the file raises that only the user can answer (e.g. "unknown_recognition"):
    # [{"key", "text", "choices": [[value, label]...], "count"}]; a commit waits for the
    # answer, which is stored under the same key in ``options``.
    questions = models.JSONField(default=list, blank=True)
    problem = models.TextField(_("lỗi của tệp"), blank=True)
    counts = models.JSONField(default=dict, blank=True)  # row state -> count
    # Row action (new / update / unchanged / duplicate / "" for an error) -> count, counted
    # during the pass beside ``counts``: every row, not only the rows kept for the preview.
    actions = models.JSONField(default=dict, blank=True)
    rows_done = models.BigIntegerField(default=0)
    rows_total = models.BigIntegerField(null=True, blank=True)  # an estimate while running
    # The process running the job ("host|boot id|pid|start ticks", services.process_identity):
    # on its own host a dead runner is seen at once, elsewhere by its stale heartbeat.
    owner = models.CharField(max_length=100, blank=True, editable=False)
    task_id = models.CharField(max_length=64, blank=True, editable=False)  # the queued task
    created_by = models.ForeignKey(  # empty: the server's own `dangbo import`
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    committed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lần nhập dữ liệu")
        verbose_name_plural = _("các lần nhập dữ liệu")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.original_name}"

    @property
    def errors(self) -> int:
        return int(self.counts.get(RowState.ERROR, 0))

    @property
    def unanswered(self) -> list[dict]:
        return [q for q in self.questions if not self.options.get(q["key"])]

    @property
    def can_commit(self) -> bool:
        return (
            self.state == JobState.PREVIEWED
            and not self.errors
            and not self.problem
            and not self.unanswered
        )

    @property
    def percent(self) -> int:
        if self.state in (JobState.PREVIEWED, JobState.COMMITTED):
            return 100
        if not self.rows_total:
            return 0
        return min(99, int(100 * self.rows_done / self.rows_total))


class ImportRow(models.Model):
    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="rows")
    sheet = models.CharField(_("trang"), max_length=100, blank=True)  # workbooks' sheet name
    row_no = models.PositiveIntegerField(_("dòng"))
    state = models.CharField(_("kết quả"), max_length=10, choices=RowState.choices)
    action = models.CharField(max_length=10, blank=True)  # new / update / unchanged
    label = models.CharField(max_length=200, blank=True)
    messages = models.JSONField(default=list, blank=True)  # the errors first, then warnings
    error_count = models.PositiveSmallIntegerField(default=0)  # how many messages are errors
    # What the importer inferred for the row and the user may change (an organisation's kind,
    # sector and code read from its name): {"kind", "sector", "code", "key"}.
    inferred = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["row_no"]
        indexes = [
            models.Index(fields=["job", "row_no"]),
            models.Index(fields=["job", "state", "row_no"]),
        ]

    @property
    def errors(self) -> list[str]:
        """The row's error messages (they come first; ``error_count`` says how many)."""
        return list(self.messages[: self.error_count])

    @property
    def warnings(self) -> list[str]:
        return list(self.messages[self.error_count :])
