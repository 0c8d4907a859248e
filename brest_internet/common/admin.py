"""Admin pieces every app shares (the kit imports none of the apps)."""

from django.contrib import admin


class ReadOnlyTabularInline(admin.TabularInline):
    """Rows shown beside their parent and written only by a service: no add, change or delete."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
