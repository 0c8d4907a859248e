"""What the programme's pages sum of the workshops, kept per neighbourhood and month."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from neighborhoods.models import Neighbourhood


class WorkshopMonth(models.Model):
    """Per neighbourhood and month (of the sessions' start, local time): the sessions held or
    to come (not cancelled) and their sign-ups by status and attendance. The dashboard's support
    figures read these rows for the whole months of their period instead of every sign-up.

    Kept in the same transaction by the services that change a session or its sign-ups
    (`support.summaries`); rebuilt from the sessions by `workshop_months_rebuild`.
    """

    neighbourhood = models.ForeignKey(
        Neighbourhood, verbose_name=_("quartier"), on_delete=models.CASCADE, related_name="+"
    )
    month = models.DateField(_("mois"))
    sessions = models.PositiveIntegerField(_("séances"), default=0)
    registered = models.PositiveIntegerField(_("inscrits"), default=0)
    waiting = models.PositiveIntegerField(_("en liste d'attente"), default=0)
    attended = models.PositiveIntegerField(_("présents"), default=0)
    absent = models.PositiveIntegerField(_("absents"), default=0)

    class Meta:
        verbose_name = _("ateliers d'un mois par quartier")
        verbose_name_plural = _("ateliers des mois par quartier")
        ordering = ["neighbourhood", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["neighbourhood", "month"], name="workshopmonth_one_per_month"
            ),
        ]

    def __str__(self):
        return f"{self.neighbourhood_id} {self.month:%Y-%m}: {self.sessions}"
