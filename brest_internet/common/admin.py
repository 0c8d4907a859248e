"""Admin pieces every app shares (the kit imports none of the apps)."""

from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.utils.html import format_html
from django.utils.translation import gettext


class QuickActionCheckbox:
    """The change list's selection box, written directly: Django renders it through the form
    widget templates, a few milliseconds per row that made the subscriptions' list (100 rows)
    cost three times the charges' list, which has no actions. Same markup, same label (Django's
    own message, in its French catalogue)."""

    def action_checkbox(self, obj):
        label = format_html(gettext("Select this object for an action - {}"), str(obj))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            ACTION_CHECKBOX_NAME,
            str(obj.pk),
            label,
        )


class QuickRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """A change list's filter on a foreign key whose rows are named by one column
    (`label_field`): its choices read as (id, name) pairs, where Django builds every related
    object to call its `__str__` (865 neighbourhoods on each page of each large list)."""

    label_field = "name"

    def field_choices(self, field, request, model_admin):
        ordering = self.field_admin_ordering(field, request, model_admin) or (self.label_field,)
        related = field.remote_field.model._default_manager
        return list(related.order_by(*ordering).values_list("pk", self.label_field))


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
