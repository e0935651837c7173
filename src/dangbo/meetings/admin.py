from django.contrib import admin

from dangbo.core.admin_base import ReadOnlyAdmin

from .models import Meeting


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ("org", "kind", "date", "topic")
    list_filter = ("kind",)
    list_select_related = ("org",)
