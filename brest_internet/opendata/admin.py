from django import forms
from django.contrib import admin

from brest_internet.common.admin import ReadOnlyAdmin

from .models import CentrePlace, Publication


@admin.register(CentrePlace)
class CentrePlaceAdmin(admin.ModelAdmin):
    formfield_overrides = {
        CentrePlace._meta.get_field("website").__class__: {
            "form_class": forms.URLField,
            "assume_scheme": "https",
        }
    }
    list_display = ("centre", "address", "postcode", "city", "updated_on")
    search_fields = ("centre__name", "address")


@admin.register(Publication)
class PublicationAdmin(ReadOnlyAdmin):
    """Publications are written by `opendata_publish` only, and kept as published."""

    list_display = ("published_at", "directory", "checksum")
    readonly_fields = [f.name for f in Publication._meta.fields]
