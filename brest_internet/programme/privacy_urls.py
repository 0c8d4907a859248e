from django.urls import path

from . import privacy

app_name = "gdpr"

urlpatterns = [
    path("", privacy.notice, name="notice"),
    path("foyers/", privacy.households, name="households"),
    path("foyers/anonymiser-partis/", privacy.anonymise_departed, name="anonymise_departed"),
    path("foyers/<int:pk>/export/", privacy.household_export, name="household_export"),
    path("foyers/<int:pk>/donnees/", privacy.household_data, name="household_data"),
    path("foyers/<int:pk>/anonymiser/", privacy.household_anonymise, name="household_anonymise"),
]
