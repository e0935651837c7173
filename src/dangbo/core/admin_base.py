from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Superusers may look; every change goes through the services so that it is audited."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
