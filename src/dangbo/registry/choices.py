"""Enumerations of the registry: its audit events (changes to organisations that move members)."""

from django.utils.translation import gettext_lazy as _

from dangbo.core.choices import AuditEvent


class RegistryAudit(AuditEvent):
    DISSOLVED = "org.dissolved", _("Giải thể tổ chức đảng")
    MERGED = "org.merged", _("Hợp nhất tổ chức đảng")
    POSITION_ASSIGNED = "org.position_assigned", _("Bầu, chỉ định chức vụ")
    EXPORTED = "org.exported", _("Xuất danh sách tổ chức đảng")
