from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The partners' API: the landlord's, the operator's and the city's systems, by token."""

    name = "brest_internet.api"
    label = "api"
    verbose_name = _("API des partenaires")
