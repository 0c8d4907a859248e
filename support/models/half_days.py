"""Launch half-days (the desk): the households seen at the table of a launch half-day, and
the totals of what was recorded there. The half-day itself is a neighbourhood's `Meeting`."""

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from neighborhoods.models import Household, Meeting

from .computers import ComputerOrder
from .workshops import Registration


class HalfDayVisitQuerySet(models.QuerySet):
    def of(self, half_day):
        return self.filter(half_day=half_day)

    def recent(self, half_day, n=10):
        """The last `n` households recorded at the table, newest first."""
        return self.of(half_day).select_related("household").order_by("-recorded_at", "-id")[:n]

    def totals(self, half_day) -> dict:
        """What a launch half-day's table recorded so far: visits and households, sign-ups (seats
        and waiting list), connection requests and computers by price; a few aggregate queries."""
        from subscriptions.models import Subscription  # imported on use, as the services do

        orders = list(
            ComputerOrder.objects.filter(half_day=half_day)
            .exclude(status=ComputerOrder.Status.CANCELLED)
            .values("price")
            .annotate(n=Count("id"))
            .order_by("price")
        )
        regs = Registration.objects.filter(half_day=half_day).aggregate(
            registered=Count("id", filter=Q(status=Registration.Status.REGISTERED)),
            waiting=Count("id", filter=Q(status=Registration.Status.WAITING)),
        )
        visits = self.of(half_day).aggregate(
            visits=Count("id"), households=Count("household", distinct=True)
        )
        return {
            **visits,
            **regs,
            "connections": Subscription.objects.filter(half_day=half_day).count(),
            "orders": orders,
            "orders_total": sum(o["n"] for o in orders),
        }


class HalfDayVisit(models.Model):
    """A household seen at the table of a launch half-day (what was recorded hangs off it)."""

    half_day = models.ForeignKey(
        Meeting,
        verbose_name=_("demi-journée de lancement"),
        on_delete=models.PROTECT,
        related_name="half_day_visits",
        limit_choices_to={"kind": Meeting.Kind.LAUNCH},
    )
    household = models.ForeignKey(
        Household, verbose_name=_("foyer"), on_delete=models.PROTECT, related_name="half_day_visits"
    )
    connection_requested = models.BooleanField(_("demande de connexion"), default=False)
    notes = models.CharField(_("remarque"), max_length=300, blank=True)
    recorded_at = models.DateTimeField(_("enregistré le"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()
    objects = HalfDayVisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("passage à une demi-journée")
        verbose_name_plural = _("passages aux demi-journées")
        ordering = ["half_day", "recorded_at", "id"]

    def __str__(self):
        return f"{self.household} – {self.half_day}"
