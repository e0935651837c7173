from django.db import models
from django.utils.translation import gettext_lazy as _

from dangbo.core.choices import AuditEvent


class Subject(models.TextChoices):
    ORGANISATION = "organisation", _("Tổ chức đảng")
    MEMBER = "member", _("Đảng viên")


class SubjectKind(models.TextChoices):
    """Whose evaluations a request or a page asks for (the ``subject`` of the API, the
    "đối tượng" filter of the pages): a member's or an organisation's."""

    MEMBER = "member", _("Đảng viên")
    ORG = "org", _("Tổ chức đảng")


class StreakSuccession(models.TextChoices):
    """Whether a merged organisation's streak counts its predecessors' years (the setting
    ``DANGBO_STREAK_SUCCESSION``)."""

    ALL = "all", _("Khi mọi tổ chức được hợp nhất đều đạt mức")
    NONE = "none", _("Không tính các tổ chức được hợp nhất")


class PeriodKind(models.TextChoices):
    YEAR = "year", _("Năm")
    TERM = "term", _("Nhiệm kỳ")
    QUARTER = "quarter", _("Quý")
    ADHOC = "adhoc", _("Đột xuất")


class EvaluationState(models.TextChoices):
    SELF_ASSESSED = "self_assessed", _("Đã tự đánh giá")
    PROPOSED = "proposed", _("Đã đề xuất")
    RETURNED = "returned", _("Bị trả lại")
    DECIDED = "decided", _("Đã quyết định")


class StepAction(models.TextChoices):
    """A step of an evaluation's approval chain (``EvaluationStep.action``)."""

    SELF_ASSESSED = "self_assessed", _("Tự đánh giá")
    PROPOSED = "proposed", _("Đề xuất")
    RETURNED = "returned", _("Trả lại")
    DECIDED = "decided", _("Quyết định")
    REOPENED = "reopened", _("Mở lại")


class ReviewOp(models.TextChoices):
    """What one does to an evaluation after its self-assessment (``permissions.OPS``)."""

    PROPOSE = "propose", _("Đề xuất xếp loại")
    RETURN = "return", _("Trả lại đề xuất")
    DECIDE = "decide", _("Quyết định xếp loại")


class DecidingBody(models.TextChoices):
    """Who decides (rule 24): stored in ``Evaluation.decided_body``."""

    GRASSROOTS_COMMITTEE = "grassroots_committee", _("Đảng ủy cơ sở")
    STANDING_COMMITTEE = "standing_committee", _("Ban Thường vụ cấp ủy cấp trên trực tiếp")


class CycleWindow(models.TextChoices):
    """Where a review cycle stands on a day (``rules.window``)."""

    BEFORE = "before", _("Chưa đến kỳ")
    OPEN = "open", _("Đang kiểm điểm")
    CLOSED = "closed", _("Hết hạn tự đánh giá, còn quyết định")
    LOCKED = "locked", _("Đã khóa")


class RemedyStatus(models.TextChoices):
    OPEN = "open", _("Chưa thực hiện")
    IN_PROGRESS = "in_progress", _("Đang thực hiện")
    DONE = "done", _("Đã khắc phục")


# A level's place on the common ladder that streaks compare across schemes (brief rule 25):
# 1 excellent / exemplary, 2 good / clean and strong, 3 completed, 4 not completed.
COMMON_RANKS = {
    1: _("Xuất sắc / tiêu biểu"),
    2: _("Tốt / trong sạch vững mạnh"),
    3: _("Hoàn thành"),
    4: _("Không hoàn thành / vi phạm"),
}


class ReviewAudit(AuditEvent):
    CYCLE_OPENED = "review.cycle_opened", _("Mở đợt kiểm điểm")
    CYCLE_LOCKED = "review.cycle_locked", _("Khóa đợt kiểm điểm")
    CYCLE_REOPENED = "review.cycle_reopened", _("Mở lại đợt kiểm điểm")
    SELF_ASSESSED = "review.self_assessed", _("Tự đánh giá")
    PROPOSED = "review.proposed", _("Đề xuất xếp loại")
    RETURNED = "review.returned", _("Trả lại đề xuất xếp loại")
    DECIDED = "review.decided", _("Quyết định xếp loại")
    DISCIPLINE = "review.discipline", _("Ghi nhận kỷ luật")
    REMEDIES = "review.remedies", _("Giao khắc phục hạn chế")
    REMEDY_REPORTED = "review.remedy_reported", _("Báo cáo khắc phục")
    SCHEME_ADDED = "review.scheme_added", _("Thêm thang xếp loại")
    QUOTA_SET = "review.quota_set", _("Đặt tỷ lệ xếp loại")
    HONOURS_EXPORTED = "review.honours_exported", _("Xuất danh sách khen thưởng")
