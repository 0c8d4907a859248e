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


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows shown and searched here, written only by the services (append-only logs, states
    owned by a transition, files kept as sent): no add, change or delete, and no full count."""

    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
