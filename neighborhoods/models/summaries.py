"""Summaries the services keep so that the programme's pages never count the register."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .neighbourhoods import Neighbourhood


class RegisterSize(models.Model):
    """The number of dwellings in a neighbourhood's register, kept in the same transaction as
    the dwellings by every writer of the register (`neighborhoods.summaries`): the dashboard
    reads 865 of these rows instead of counting a million dwellings. No row: no dwelling."""

    neighbourhood = models.OneToOneField(
        Neighbourhood,
        verbose_name=_("quartier"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="register_size",
    )
    dwellings = models.PositiveIntegerField(_("logements du registre"), default=0)

    class Meta:
        verbose_name = _("taille du registre")
        verbose_name_plural = _("tailles des registres")

    def __str__(self):
        return f"{self.neighbourhood_id}: {self.dwellings}"
