from django.utils.translation import gettext_lazy as _

from dangbo.core.choices import AuditEvent


class AccountAudit(AuditEvent):
    LOCKOUT_LIFTED = "login.lockout_lifted", _("Mở khóa đăng nhập")
