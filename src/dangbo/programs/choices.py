"""Enumerations of the programs: kinds, task kinds and states, audit events."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from dangbo.core.choices import AuditEvent


class ProgramKind(models.TextChoices):
    TERM = "term", _("Chương trình toàn khóa")
    ANNUAL = "annual", _("Kế hoạch công tác năm")
    ACTION = "action", _("Chương trình hành động")
    PLAN = "plan", _("Kế hoạch thực hiện")


class TaskKind(models.TextChoices):
    OBJECTIVE = "objective", _("Mục tiêu")
    TASK = "task", _("Nhiệm vụ")


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Chưa triển khai")
    IN_PROGRESS = "in_progress", _("Đang thực hiện")
    DONE = "done", _("Hoàn thành")
    SUSPENDED = "suspended", _("Tạm dừng")
    CANCELLED = "cancelled", _("Hủy bỏ")


class ProgramAudit(AuditEvent):
    DOCUMENT_CHANGED = "document.changed", _("Sửa văn bản")
    DOCUMENT_FILE_ADDED = "document.file_added", _("Đính kèm tệp vào văn bản")
    PARTNER_SAVED = "partner.saved", _("Ghi cơ quan phối hợp")
    PARTNER_LEAD = "partner.lead", _("Đổi tổ chức đảng lãnh đạo cơ quan phối hợp")
    PROGRAM_CREATED = "program.created", _("Tạo chương trình")
    PROGRAM_CHANGED = "program.changed", _("Sửa chương trình")
    TASK_CREATED = "task.created", _("Thêm nhiệm vụ")
    TASK_CHANGED = "task.changed", _("Sửa nhiệm vụ")
    TASK_MOVED = "task.moved", _("Chuyển nhiệm vụ")
    PROGRESS_REPORTED = "task.progress", _("Báo cáo tiến độ")
