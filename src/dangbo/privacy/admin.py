from django.contrib import admin

from dangbo.core.admin_base import ReadOnlyAdmin

from .models import Breach, ConsentRecord, DataRequest, RetentionRun


@admin.register(ConsentRecord)
class ConsentAdmin(ReadOnlyAdmin):
    list_display = ("pk", "purpose", "text_version", "org", "given_at", "withdrawn_at")
    list_select_related = ("org",)


@admin.register(DataRequest)
class DataRequestAdmin(ReadOnlyAdmin):
    list_display = ("code", "kind", "state", "org", "received_at", "due", "extended_until")
    list_select_related = ("org",)


@admin.register(Breach)
class BreachAdmin(ReadOnlyAdmin):
    list_display = ("pk", "org", "detected_at", "notify_due", "authority_notified_at", "closed_at")
    list_select_related = ("org",)


@admin.register(RetentionRun)
class RetentionRunAdmin(ReadOnlyAdmin):
    list_display = ("pk", "at", "dry_run", "started_at")
