from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Dwelling,
    Household,
    Meeting,
    Neighbourhood,
    Occupancy,
    Organisation,
    Sector,
    User,
)


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "short_name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "organisation", "role", "is_active"]
    list_filter = ["role", "organisation", "is_active"]
    list_select_related = ["organisation"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (_("Programme"), {"fields": ["organisation", "role"]}),
    ]
    add_fieldsets = [
        *BaseUserAdmin.add_fieldsets,
        (_("Programme"), {"fields": ["organisation", "role"]}),
    ]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.instance.sync_role_group()


class SectorInline(admin.TabularInline):
    model = Sector
    extra = 0


@admin.register(Neighbourhood)
class NeighbourhoodAdmin(SimpleHistoryAdmin):
    list_display = ["name", "stage", "landlord", "centre", "planned_year", "launched_on"]
    list_filter = ["stage", "planned_year", "landlord", "centre"]
    list_select_related = ["landlord", "centre"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["stage", "launched_on", "service_ended_on"]
    filter_horizontal = ["partners", "associations"]
    inlines = [SectorInline]


@admin.register(Dwelling)
class DwellingAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "neighbourhood", "address", "building", "entrance", "status"]
    list_filter = ["status", "neighbourhood"]
    list_select_related = ["neighbourhood"]
    search_fields = ["reference", "address"]
    raw_id_fields = ["sector"]
    show_full_result_count = False


@admin.register(Household)
class HouseholdAdmin(SimpleHistoryAdmin):
    list_display = ["name", "phone", "email", "anonymised_at"]
    search_fields = ["name"]
    show_full_result_count = False


@admin.register(Occupancy)
class OccupancyAdmin(SimpleHistoryAdmin):
    list_display = ["household", "dwelling", "moved_in", "moved_out"]
    list_select_related = ["household", "dwelling"]
    raw_id_fields = ["household", "dwelling"]
    search_fields = ["household__name", "dwelling__reference"]
    show_full_result_count = False


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ["neighbourhood", "kind", "held_on", "place", "decision"]
    list_filter = ["kind", "decision", "neighbourhood"]
    list_select_related = ["neighbourhood"]
    filter_horizontal = ["organisations"]
