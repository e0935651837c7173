from django.contrib import admin

from dangbo.core.admin_base import ReadOnlyAdmin

from .models import CommitteeBody, Organisation, OrgEvent


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "kind", "sector", "valid_from", "valid_to", "path")
    list_filter = ("kind", "sector")
    search_fields = ("code", "name")


@admin.register(OrgEvent)
class OrgEventAdmin(ReadOnlyAdmin):
    list_display = ("kind", "effective_date", "document", "note")


@admin.register(CommitteeBody)
class CommitteeBodyAdmin(ReadOnlyAdmin):
    list_display = ("org", "body_type", "term_start_year", "term_end_year", "formed_by")
