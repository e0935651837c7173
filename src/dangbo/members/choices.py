from django.db import models
from django.utils.translation import gettext_lazy as _

from dangbo.core.choices import AuditEvent


class Gender(models.TextChoices):
    MALE = "M", _("Nam")
    FEMALE = "F", _("Nữ")


class Status(models.TextChoices):
    PROBATIONARY = "probationary", _("Đảng viên dự bị")
    OFFICIAL = "official", _("Đảng viên chính thức")
    STRUCK_OFF = "struck_off", _("Đã xóa tên")
    EXPELLED = "expelled", _("Đã khai trừ")
    RESIGNED = "resigned", _("Xin ra khỏi Đảng")
    DECEASED = "deceased", _("Từ trần")
    LEFT = "left", _("Chuyển ra ngoài hệ thống")


ACTIVE_STATUSES = (Status.PROBATIONARY, Status.OFFICIAL)
EXIT_STATUSES = (Status.STRUCK_OFF, Status.EXPELLED, Status.RESIGNED, Status.DECEASED, Status.LEFT)
NO_BADGE_STATUSES = (Status.STRUCK_OFF, Status.EXPELLED, Status.RESIGNED)


class EventKind(models.TextChoices):
    ADMITTED = "admitted", _("Kết nạp")
    RECOGNISED = "recognised", _("Công nhận đảng viên chính thức")
    TRANSFERRED = "transferred", _("Chuyển sinh hoạt chính thức (trong hệ thống)")
    TRANSFERRED_IN = "transferred_in", _("Tiếp nhận sinh hoạt chính thức từ nơi khác")
    TRANSFERRED_OUT = "transferred_out", _("Chuyển sinh hoạt chính thức ra ngoài")
    TEMPORARY_OUT = "temporary_out", _("Chuyển sinh hoạt tạm thời")
    TEMPORARY_RETURN = "temporary_return", _("Kết thúc sinh hoạt tạm thời")
    EXEMPTED = "exempted", _("Miễn công tác và sinh hoạt đảng")
    EXEMPTION_ENDED = "exemption_ended", _("Trở lại sinh hoạt (hết miễn)")
    STRUCK_OFF = "struck_off", _("Xóa tên")
    EXPELLED = "expelled", _("Khai trừ")
    RESIGNED = "resigned", _("Xin ra khỏi Đảng")
    DECEASED = "deceased", _("Từ trần")
    BADGE = "badge", _("Tặng Huy hiệu Đảng")
    INTERRUPTION = "interruption", _("Gián đoạn sinh hoạt (điều chỉnh tuổi đảng)")
    UPDATED = "updated", _("Cập nhật hồ sơ")


class MembershipKind(models.TextChoices):
    OFFICIAL = "official", _("Chính thức")
    TEMPORARY = "temporary", _("Tạm thời")


class TemporaryReason(models.TextChoices):
    RESIDENCE = "residence", _("Thay đổi nơi cư trú")
    WORK = "work", _("Thay đổi nơi làm việc")
    STUDY = "study", _("Đi học tập trung")


class ExemptionCategory(models.TextChoices):
    ELDERLY = "elderly", _("Tuổi cao")
    HEALTH = "health", _("Sức khỏe yếu")
    ABROAD = "abroad", _("Ra nước ngoài")
    REMOTE = "remote", _("Làm việc lưu động, xa nơi có tổ chức đảng")
    RETIREMENT = "retirement", _("Nghỉ chờ hưu")
    MATERNITY = "maternity", _("Nghỉ thai sản")
    OTHER = "other", _("Khác")


class PoliticalTheory(models.TextChoices):
    NONE = "", _("Chưa qua đào tạo")
    ELEMENTARY = "elementary", _("Sơ cấp")
    INTERMEDIATE = "intermediate", _("Trung cấp")
    ADVANCED = "advanced", _("Cao cấp")
    BACHELOR = "bachelor", _("Cử nhân")


class MemberAudit(AuditEvent):
    ADMITTED = "member.admitted", _("Kết nạp đảng viên")
    TRANSFERRED_IN = "member.transferred_in", _("Tiếp nhận đảng viên từ nơi khác")
    UPDATED = "member.updated", _("Cập nhật hồ sơ đảng viên")
    RECOGNISED = "member.recognised", _("Công nhận đảng viên chính thức")
    TRANSFERRED = "member.transferred", _("Chuyển sinh hoạt chính thức (trong hệ thống)")
    TRANSFERRED_OUT = "member.transferred_out", _("Chuyển sinh hoạt chính thức ra ngoài")
    STRUCK_OFF = "member.struck_off", _("Xóa tên đảng viên")
    EXPELLED = "member.expelled", _("Khai trừ đảng viên")
    RESIGNED = "member.resigned", _("Đảng viên xin ra khỏi Đảng")
    DECEASED = "member.deceased", _("Đảng viên từ trần")
    TEMPORARY_OUT = "member.temporary_out", _("Chuyển sinh hoạt tạm thời")
    TEMPORARY_RETURN = "member.temporary_return", _("Kết thúc sinh hoạt tạm thời")
    EXEMPTED = "member.exempted", _("Miễn công tác và sinh hoạt đảng")
    EXEMPTION_ENDED = "member.exemption_ended", _("Trở lại sinh hoạt (hết miễn)")
    INTERRUPTION = "member.interruption", _("Gián đoạn sinh hoạt")
    BADGE = "member.badge", _("Tặng Huy hiệu Đảng")
    SENSITIVE_SEARCH = "member.sensitive_search", _("Tìm theo thông tin nhạy cảm")
    SENSITIVE_READ = "member.sensitive_read", _("Xem thông tin nhạy cảm của đảng viên")
    EXPORTED = "member.exported", _("Xuất danh sách đảng viên")


# The event a service records under the member event kind it was given (admission or arrival,
# and the five ways out).
KIND_AUDIT: dict[str, MemberAudit] = {
    EventKind.ADMITTED: MemberAudit.ADMITTED,
    EventKind.TRANSFERRED_IN: MemberAudit.TRANSFERRED_IN,
    EventKind.TRANSFERRED_OUT: MemberAudit.TRANSFERRED_OUT,
    EventKind.STRUCK_OFF: MemberAudit.STRUCK_OFF,
    EventKind.EXPELLED: MemberAudit.EXPELLED,
    EventKind.RESIGNED: MemberAudit.RESIGNED,
    EventKind.DECEASED: MemberAudit.DECEASED,
}
