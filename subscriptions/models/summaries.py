"""Summaries the services keep so that the programme's pages never scan the subscriptions."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from neighborhoods.models import Neighbourhood


class SubscriptionMonth(models.Model):
    """Per neighbourhood and month: the subscriptions activated that month, and those ended that
    month (cancelled after their activation; a request cancelled before it was activated never
    counted as active, so it does not count here).

    "Active at the end of month m" (`Subscription.objects.active_on`'s rule) is the running sum
    of `activated - ended` over the months up to m: a few rows per neighbourhood instead of
    every subscription. Kept in the same transaction by the services that activate and cancel
    (`subscriptions.summaries`); rebuilt from the subscriptions by `subscription_months_rebuild`.
    """

    neighbourhood = models.ForeignKey(
        Neighbourhood, verbose_name=_("quartier"), on_delete=models.CASCADE, related_name="+"
    )
    month = models.DateField(_("mois"))
    activated = models.PositiveIntegerField(_("abonnements activés"), default=0)
    ended = models.PositiveIntegerField(_("abonnements résiliés après activation"), default=0)

    class Meta:
        verbose_name = _("abonnements d'un mois par quartier")
        verbose_name_plural = _("abonnements des mois par quartier")
        ordering = ["neighbourhood", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["neighbourhood", "month"], name="subscriptionmonth_one_per_month"
            ),
        ]

    def __str__(self):
        return f"{self.neighbourhood_id} {self.month:%Y-%m}: +{self.activated} -{self.ended}"
