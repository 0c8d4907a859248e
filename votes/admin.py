"""Read-only admin of votes and counts: every change goes through the pages and services.

Ballots and codes are not in the admin at all: nothing there could be looked at side by side.
"""

from django.contrib import admin

from .models import CountEntry, PaperCount, Vote


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Vote)
class VoteAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["neighbourhood", "opens_on", "closes_on", "method", "status", "roll_size"]
    list_filter = ["status", "method"]
    list_select_related = ["neighbourhood"]
    exclude = ["code_salt"]


class CountEntryInline(ReadOnlyMixin, admin.TabularInline):
    model = CountEntry
    extra = 0


@admin.register(PaperCount)
class PaperCountAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["vote", "station", "channel", "status", "entered_by", "confirmed_by"]
    list_filter = ["status", "channel"]
    list_select_related = ["vote__neighbourhood", "entered_by", "confirmed_by"]
    inlines = [CountEntryInline]
