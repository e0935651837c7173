from django.contrib import admin

from dangbo.core.admin_base import ReadOnlyAdmin

from .models import Opinion, OpinionTopic, OversightAssignment, Visit, WorkingGroup


@admin.register(OversightAssignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ("member", "target", "committee", "role", "valid_from", "valid_to")
    list_select_related = ("member", "target", "committee")


@admin.register(WorkingGroup)
class WorkingGroupAdmin(ReadOnlyAdmin):
    list_display = ("name", "committee", "period_start", "period_end", "leader")


@admin.register(Visit)
class VisitAdmin(ReadOnlyAdmin):
    list_display = ("org", "date", "group", "without_mandate")


@admin.register(OpinionTopic)
class TopicAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "position", "active")


@admin.register(Opinion)
class OpinionAdmin(ReadOnlyAdmin):
    # The submitter's identity is sensitive: not shown in the admin's list.
    list_display = ("id", "received_on", "topic", "org", "state", "assigned_to", "deadline")
    list_filter = ("state", "topic")
    exclude = ("submitter_name", "submitter_contact")
