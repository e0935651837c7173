"""Enumerations of the imports: their audit events (one per kind of file committed)."""

from django.utils.translation import gettext_lazy as _

from dangbo.core.choices import AuditEvent


class ImportAudit(AuditEvent):
    MEMBERS = "import.members", _("Nhập tệp đảng viên")
    ORGS = "import.orgs", _("Nhập tệp tổ chức đảng")
    INDICATORS = "import.indicators", _("Nhập tệp số liệu chỉ tiêu")
