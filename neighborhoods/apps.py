from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NeighborhoodsConfig(AppConfig):
    name = "neighborhoods"
    verbose_name = _("Quartiers et registre des logements")
