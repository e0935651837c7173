from django.contrib import admin

from dangbo.core.admin_base import ReadOnlyAdmin

from .models import SENSITIVE_FIELDS, Member


@admin.register(Member)
class MemberAdmin(ReadOnlyAdmin):
    """Sensitive fields are left out: they are read only through the logged member page."""

    list_display = ("full_name", "date_of_birth", "status", "org", "card_number")
    list_filter = ("status", "gender")
    search_fields = ("search_name", "card_number")
    exclude = SENSITIVE_FIELDS
