"""Home help: a visit to a household's home to install the modem or make the first connection."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from brest_internet.common.cancellation import Cancellable
from neighborhoods.models import Dwelling, Household, Neighbourhood

from .scopes import NeighbourhoodScoped


class HomeHelpRequest(Cancellable):
    """A request for help at home: installing the modem, the first connection."""

    class Kind(models.TextChoices):
        MODEM = "modem", _("Installation du modem")
        FIRST_CONNECTION = "first_connection", _("Première connexion")
        OTHER = "other", _("Autre aide")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Demandée")
        SCHEDULED = "scheduled", _("Planifiée")
        DONE = "done", _("Réalisée")
        CANCELLED = "cancelled", _("Annulée")

    household = models.ForeignKey(
        Household,
        verbose_name=_("foyer"),
        on_delete=models.PROTECT,
        related_name="home_help_requests",
    )
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        verbose_name=_("quartier"),
        on_delete=models.PROTECT,
        related_name="home_help_requests",
    )
    dwelling = models.ForeignKey(
        Dwelling,
        verbose_name=_("logement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="home_help_requests",
    )
    kind = models.CharField(_("objet"), max_length=20, choices=Kind.choices)
    details = models.TextField(_("précisions"), blank=True)
    status = models.CharField(
        _("statut"), max_length=20, choices=Status.choices, default=Status.REQUESTED
    )
    requested_on = models.DateField(_("demandée le"), default=timezone.localdate)
    scheduled_for = models.DateField(_("prévue le"), null=True, blank=True)
    done_on = models.DateField(_("réalisée le"), null=True, blank=True)
    outcome = models.TextField(_("résultat"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saisie par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()
    objects = NeighbourhoodScoped.as_manager()

    class Meta:
        verbose_name = _("demande d'aide à domicile")
        verbose_name_plural = _("demandes d'aide à domicile")
        ordering = ["-requested_on", "-id"]
        constraints = [
            *Cancellable.Meta.constraints,
            models.CheckConstraint(
                condition=Q(status="cancelled", cancelled_at__isnull=False)
                | (~Q(status="cancelled") & Q(cancelled_at__isnull=True)),
                name="homehelp_cancelled_has_moment",
                violation_error_message=_(
                    "Une demande annulée porte le moment de son annulation, et seulement elle."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status="scheduled") | Q(scheduled_for__isnull=False),
                name="homehelp_scheduled_has_date",
                violation_error_message=_("Une visite planifiée a une date."),
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | (Q(done_on__isnull=False) & ~Q(outcome="")),
                name="homehelp_done_has_outcome",
                violation_error_message=_("Une visite réalisée a une date et un résultat."),
            ),
            models.CheckConstraint(
                condition=Q(done_on__isnull=True) | Q(done_on__gte=models.F("requested_on")),
                name="homehelp_done_not_before_request",
                violation_error_message=_("La visite ne peut précéder la demande."),
            ),
            models.CheckConstraint(
                condition=Q(done_on__isnull=True)
                | Q(scheduled_for__isnull=True)
                | Q(done_on__gte=models.F("scheduled_for")),
                name="homehelp_done_not_before_planned_date",
                violation_error_message=_(
                    "Une visite ne peut être faite avant la date où elle était prévue."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.household}"

    def get_absolute_url(self):
        return reverse("support:home_help_detail", kwargs={"pk": self.pk})
