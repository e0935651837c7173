from django.contrib import admin

from dangbo.core.admin_base import ReadOnlyAdmin

from .models import Evaluation, ReviewCycle, Scheme


@admin.register(Scheme)
class SchemeAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "subject", "first_year", "last_year", "quota_enabled")


@admin.register(ReviewCycle)
class CycleAdmin(ReadOnlyAdmin):
    list_display = ("org", "kind", "year", "locked_at")


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyAdmin):
    list_display = ("id", "cycle", "member", "subject_org", "state", "final_level")
    list_select_related = ("cycle__org", "member", "subject_org", "final_level")
