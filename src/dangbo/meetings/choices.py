from django.db import models
from django.utils.translation import gettext_lazy as _

from dangbo.core.choices import AuditEvent


class MeetingKind(models.TextChoices):
    REGULAR = "regular", _("Sinh hoạt thường kỳ")
    THEMATIC = "thematic", _("Sinh hoạt chuyên đề")
    EXTRAORDINARY = "extraordinary", _("Sinh hoạt bất thường")
    CONFERENCE = "conference", _("Hội nghị đảng viên")
    CONGRESS = "congress", _("Đại hội chi bộ")


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Có mặt")
    EXCUSED = "absent_excused", _("Vắng có lý do")
    UNEXCUSED = "absent_unexcused", _("Vắng không lý do")
    EXEMPTED = "exempted", _("Miễn sinh hoạt")
    TEMPORARILY_AWAY = "temporarily_away", _("Sinh hoạt tạm thời nơi khác")


class MeetingMode(models.TextChoices):
    IN_PERSON = "in_person", _("Trực tiếp")
    ONLINE = "online", _("Trực tuyến (thí điểm)")


class QualityRating(models.TextChoices):
    NONE = "", _("Chưa tự đánh giá")
    GOOD = "good", _("Tốt")
    FAIR = "fair", _("Khá")
    AVERAGE = "average", _("Trung bình")
    POOR = "poor", _("Kém")


class MeetingAudit(AuditEvent):
    RECORDED = "meeting.recorded", _("Ghi nhận buổi sinh hoạt")
    UPDATED = "meeting.updated", _("Sửa buổi sinh hoạt")
    ATTENDANCE = "meeting.attendance", _("Điểm danh")
    VOTE = "meeting.vote", _("Ghi kết quả biểu quyết")
    MINUTES_DOWNLOADED = "meeting.minutes_downloaded", _("Tải biên bản")
