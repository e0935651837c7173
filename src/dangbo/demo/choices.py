"""Enumerations of the demo world: its audit event."""

from django.utils.translation import gettext_lazy as _

from dangbo.core.choices import AuditEvent


class DemoAudit(AuditEvent):
    LOADED = "demo.loaded", _("Nạp dữ liệu mẫu")
