"""The reports' audit events."""

from django.utils.translation import gettext_lazy as _

from dangbo.core.choices import AuditEvent


class ReportAudit(AuditEvent):
    ISSUED = "report.issued", _("Ban hành báo cáo")
