from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    """The programme's open data: CSV files under Licence Ouverte 2.0, on a public page."""

    name = "brest_internet.opendata"
    label = "opendata"
    verbose_name = _("Données ouvertes")
    default_auto_field = "django.db.models.BigAutoField"
