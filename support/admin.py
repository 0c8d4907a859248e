"""Admin of the support app: the catalogues (topics, computer models and their stock) are
managed here by the coordination; the other records are shown read-only, since their states
change only through `support.services`."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

from brest_internet.common.admin import ReadOnlyAdmin as KitReadOnlyAdmin

from . import rules
from .models import (
    AdviceRequest,
    ComputerModel,
    ComputerOrder,
    HalfDayVisit,
    HomeHelpRequest,
    Registration,
    WorkshopSession,
    WorkshopTopic,
)


class CatalogueAdmin(SimpleHistoryAdmin):
    """A catalogue the coordination manages (`rules.can_manage_catalogue`), with the model
    permissions its group holds."""

    def has_module_permission(self, request):
        return rules.can_manage_catalogue(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return rules.can_manage_catalogue(request.user) and super().has_view_permission(
            request, obj
        )

    def has_add_permission(self, request):
        return rules.can_manage_catalogue(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return rules.can_manage_catalogue(request.user) and super().has_change_permission(
            request, obj
        )

    def has_delete_permission(self, request, obj=None):
        return rules.can_manage_catalogue(request.user) and super().has_delete_permission(
            request, obj
        )


@admin.register(WorkshopTopic)
class WorkshopTopicAdmin(CatalogueAdmin):
    list_display = ["name", "position", "active"]
    list_editable = ["position", "active"]
    search_fields = ["name"]


@admin.register(ComputerModel)
class ComputerModelAdmin(CatalogueAdmin):
    list_display = ["name", "price", "stock", "active"]
    search_fields = ["name"]


class ReadOnlyAdmin(KitReadOnlyAdmin, SimpleHistoryAdmin):
    """Shown, searchable, never edited here: the services own these states (with their
    history readable). Shown to whom the support's pages are (`rules.can_run_support`) and
    who holds the view permission."""

    def has_view_permission(self, request, obj=None):
        return rules.can_run_support(request.user) and super().has_view_permission(request, obj)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # The revert page would save the object back: never here (the list of versions,
        # at history/, stays readable).
        raise PermissionDenied


@admin.register(WorkshopSession)
class WorkshopSessionAdmin(ReadOnlyAdmin):
    list_display = ["topic", "starts_at", "centre", "neighbourhood", "capacity", "cancelled_at"]
    list_filter = ["centre", "topic", ("cancelled_at", admin.EmptyFieldListFilter)]
    list_select_related = ["topic", "centre", "neighbourhood"]
    date_hierarchy = "starts_at"


@admin.register(Registration)
class RegistrationAdmin(ReadOnlyAdmin):
    list_display = ["household", "session", "status", "attendance", "registered_at"]
    list_filter = ["status", "attendance"]
    list_select_related = ["household", "session__topic"]
    search_fields = ["household__name"]


@admin.register(HalfDayVisit)
class HalfDayVisitAdmin(ReadOnlyAdmin):
    list_display = ["household", "half_day", "connection_requested", "recorded_at"]
    list_select_related = ["household", "half_day__neighbourhood"]
    search_fields = ["household__name"]


@admin.register(HomeHelpRequest)
class HomeHelpRequestAdmin(ReadOnlyAdmin):
    list_display = ["household", "kind", "status", "requested_on", "scheduled_for", "done_on"]
    list_filter = ["status", "kind", "neighbourhood"]
    list_select_related = ["household", "neighbourhood"]
    search_fields = ["household__name"]


@admin.register(AdviceRequest)
class AdviceRequestAdmin(ReadOnlyAdmin):
    list_display = ["household", "topic", "association", "status", "requested_on"]
    list_filter = ["status", "topic", "association"]
    list_select_related = ["household", "association"]
    search_fields = ["household__name"]


@admin.register(ComputerOrder)
class ComputerOrderAdmin(ReadOnlyAdmin):
    list_display = ["household", "computer", "price", "status", "ordered_on"]
    list_filter = ["status", "computer"]
    list_select_related = ["household", "computer"]
    search_fields = ["household__name"]
