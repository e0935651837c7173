from django.db import models
from django.utils.translation import gettext_lazy as _

from dangbo.core.choices import AuditEvent


class AssignmentRole(models.TextChoices):
    OVERSEE = "oversee", _("Phụ trách")
    ATTEND = "attend", _("Dự sinh hoạt")


class TargetPeriod(models.TextChoices):
    QUARTER = "quarter", _("mỗi quý")
    YEAR = "year", _("mỗi năm")


class OpinionSource(models.TextChoices):
    CADRE = "cadre", _("Cán bộ")
    MEMBER = "member", _("Đảng viên")
    CITIZEN = "citizen", _("Nhân dân")


class OpinionChannel(models.TextChoices):
    VISIT = "visit", _("Dự sinh hoạt chi bộ")
    MEETING = "meeting", _("Tại buổi sinh hoạt / hội nghị")
    STAFF = "staff", _("Cán bộ tiếp nhận, nhập vào")
    PORTAL = "portal", _("Cổng thông tin")


class OpinionState(models.TextChoices):
    RECEIVED = "received", _("Mới tiếp nhận")
    ASSIGNED = "assigned", _("Đã giao xử lý")
    IN_PROGRESS = "in_progress", _("Đang xử lý")
    ANSWERED = "answered", _("Đã trả lời")
    CLOSED = "closed", _("Đã kết thúc")
    RETURNED = "returned", _("Bị trả lại")
    ESCALATED = "escalated", _("Đề nghị cấp trên xử lý")


OPEN_STATES = (
    OpinionState.RECEIVED,
    OpinionState.ASSIGNED,
    OpinionState.IN_PROGRESS,
    OpinionState.RETURNED,
    OpinionState.ESCALATED,
)
# States with a deadline running against the organisation handling the opinion.
HANDLING_STATES = (OpinionState.ASSIGNED, OpinionState.IN_PROGRESS)


class PlanSelection(models.TextChoices):
    RESIDENTIAL = "residential", _("Chi bộ thôn, tổ dân phố")
    ALL_CELLS = "all_cells", _("Tất cả chi bộ trực thuộc")


class PlanMode(models.TextChoices):
    EACH = "each", _("Mỗi chi bộ một lần trong kỳ")
    ROTATION = (
        "rotation",
        _("Luân phiên: chi bộ chưa được dự trong năm, chia đều cho các quý còn lại"),
    )


class OversightAudit(AuditEvent):
    ASSIGNED = "oversight.assigned", _("Phân công phụ trách")
    ENDED = "oversight.ended", _("Kết thúc phân công phụ trách")
    GROUP_CREATED = "oversight.group_created", _("Lập tổ công tác")
    PLAN_CHANGED = "oversight.plan_changed", _("Sửa kế hoạch dự sinh hoạt")
    PLAN_GENERATED = "oversight.plan_generated", _("Lập kế hoạch dự sinh hoạt")
    VISIT = "oversight.visit", _("Ghi nhận buổi dự sinh hoạt")


class OpinionAudit(AuditEvent):
    RECEIVED = "opinion.received", _("Tiếp nhận ý kiến")
    ASSIGNED = "opinion.assigned", _("Giao xử lý ý kiến")
    STARTED = "opinion.started", _("Nhận xử lý ý kiến")
    ANSWERED = "opinion.answered", _("Trả lời ý kiến")
    RETURNED = "opinion.return", _("Trả lại ý kiến")
    ESCALATED = "opinion.escalate", _("Đề nghị cấp trên xử lý ý kiến")
    REOPENED = "opinion.reopen", _("Xử lý lại ý kiến")
    ANONYMISED = "opinion.anonymised", _("Ẩn danh người nêu ý kiến (hết thời hạn lưu)")
    CLOSED = "opinion.closed", _("Kết thúc ý kiến")
    TOPIC_ADDED = "opinion.topic_added", _("Thêm lĩnh vực ý kiến")
    TOPIC_RETIRED = "opinion.topic_retired", _("Ngừng dùng lĩnh vực ý kiến")
    TOPIC_RESTORED = "opinion.topic_restored", _("Dùng lại lĩnh vực ý kiến")
    SENSITIVE_READ = "opinion.sensitive_read", _("Xem ý kiến có thông tin nhạy cảm")
