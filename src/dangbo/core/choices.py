from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Quản trị")
    ORG_STAFF = "org_staff", _("Cán bộ tổ chức")
    COMMITTEE_MEMBER = "committee_member", _("Cấp ủy viên")
    CELL_SECRETARY = "cell_secretary", _("Bí thư chi bộ")
    MEMBER = "member", _("Đảng viên")
    AUDITOR = "auditor", _("Kiểm tra (chỉ xem)")


class DocumentKind(models.TextChoices):
    DECISION = "QD", _("Quyết định")
    REGULATION = "QDTW", _("Quy định")
    GUIDANCE = "HD", _("Hướng dẫn")
    RESOLUTION = "NQ", _("Nghị quyết")
    CONCLUSION = "KL", _("Kết luận")
    DIRECTIVE = "CT", _("Chỉ thị")
    OFFICIAL_LETTER = "CV", _("Công văn")
    PLAN = "KH", _("Kế hoạch")
    WORKING_RULES = "QC", _("Quy chế")
    PROGRAM = "CTR", _("Chương trình")
    REPORT = "BC", _("Báo cáo")
    NOTICE = "TB", _("Thông báo")
    DECREE = "ND", _("Nghị định")
    LAW = "LUAT", _("Luật")
    OTHER = "KHAC", _("Khác")


class AuditEvent(models.TextChoices):
    """The base of every audit event: each app declares its own (``MemberAudit``,
    ``ReviewAudit`` …) beside its other enumerations, with a label for the audit log page.
    ``audit.record`` takes a member; what is stored is its value (e.g. "member.admitted")."""


class CoreAudit(AuditEvent):
    TOKEN_ISSUED = "api.token_issued", _("Cấp khóa API")
    TOKEN_REVOKED = "api.token_revoked", _("Thu hồi khóa API")
    USER_CREATED = "user.created", _("Tạo người dùng")
    ROLE_GRANTED = "user.role_granted", _("Giao vai trò")
    ROLE_ENDED = "user.role_ended", _("Kết thúc vai trò")
    DOCUMENT_REGISTERED = "document.registered", _("Ghi nhận văn bản")
