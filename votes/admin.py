"""Read-only admin of votes and counts: every change goes through the pages and services.

Ballots and codes are not in the admin at all: nothing there could be looked at side by side.
What a person sees here is what they organise (`votes.rules`), as on the pages.
"""

from django.contrib import admin

from brest_internet.common.admin import ReadOnlyAdmin, ReadOnlyTabularInline

from . import rules
from .models import CountEntry, PaperCount, Vote


@admin.register(Vote)
class VoteAdmin(ReadOnlyAdmin):
    list_display = ["neighbourhood", "opens_on", "closes_on", "method", "status", "roll_size"]
    list_filter = ["status", "method"]
    list_select_related = ["neighbourhood"]
    exclude = ["code_salt"]

    def get_queryset(self, request):
        return rules.organised_by(request.user)


class CountEntryInline(ReadOnlyTabularInline):
    model = CountEntry


@admin.register(PaperCount)
class PaperCountAdmin(ReadOnlyAdmin):
    list_display = ["vote", "station", "channel", "status", "entered_by", "confirmed_by"]
    list_filter = ["status", "channel"]
    list_select_related = ["vote__neighbourhood", "entered_by", "confirmed_by"]
    inlines = [CountEntryInline]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(vote__in=rules.organised_by(request.user))
