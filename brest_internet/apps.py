from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BrestInternetConfig(AppConfig):
    """The programme level: dashboard, reviews, audit journal, data protection, security log."""

    name = "brest_internet"
    verbose_name = _("Pilotage du programme")

    def ready(self):
        from . import signals  # noqa: F401
