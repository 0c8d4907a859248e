"""Admin of the notices: who to call, as the notices say it (a centre's or an association's
phone), is kept by the coordination here. Contacts, consents and deliveries change only
through `notices.services` and are shown on the household page."""

from django.contrib import admin

from .models import OrganisationContact


@admin.register(OrganisationContact)
class OrganisationContactAdmin(admin.ModelAdmin):
    list_display = ["organisation", "phone", "email"]
    search_fields = ["organisation__name"]
    autocomplete_fields = ["organisation"]
