from django.contrib import admin
from django.contrib.auth.models import Group, User

from .admin_base import ReadOnlyAdmin
from .models import ApiToken, AuditEntry, LegalDocument, RoleGrant


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("id", "at", "actor_name", "action", "object_type", "object_id", "summary")
    list_filter = ("action", "object_type")
    search_fields = ("summary", "request_id", "object_id")


@admin.register(LegalDocument)
class LegalDocumentAdmin(ReadOnlyAdmin):
    list_display = ("number", "kind", "issuer", "issue_date", "effective_from", "effective_to")
    search_fields = ("number", "title")


@admin.register(RoleGrant)
class RoleGrantAdmin(ReadOnlyAdmin):
    list_display = ("user", "role", "org", "can_view_sensitive", "valid_from", "valid_to")
    list_filter = ("role",)


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ("user", "name", "prefix", "created_at", "last_used_at", "revoked_at")
    exclude = ("key_hash",)


# People and their access change only through the audited services (``dangbo user``, the
# users page): Django's own user admin would let a superuser bypass the audit log.
admin.site.unregister(Group)
admin.site.unregister(User)


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    list_display = ("username", "first_name", "is_active", "is_superuser", "last_login")
    search_fields = ("username", "first_name")
    exclude = ("password",)
