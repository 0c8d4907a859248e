"""The collective offer the landlord contracts with the operator, and its tariff over time."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from brest_internet.common import formats
from neighborhoods.models import Organisation


class Offer(models.Model):
    """The collective offer the landlord contracts with the operator (NUMERISUN)."""

    operator = models.ForeignKey(
        Organisation,
        verbose_name=_("opérateur"),
        on_delete=models.PROTECT,
        related_name="offers",
        limit_choices_to={"kind": Organisation.Kind.OPERATOR},
    )
    name = models.CharField(_("nom"), max_length=80, unique=True)
    download_mbps = models.PositiveSmallIntegerField(
        _("débit (Mbit/s)"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(10_000)],
    )
    incoming_calls = models.BooleanField(_("appels entrants"), default=True)
    basic_tv = models.BooleanField(_("chaînes de base de la TNT"), default=True)
    modem_lent_free = models.BooleanField(_("modem prêté gratuitement"), default=True)
    description = models.TextField(_("description"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("offre")
        verbose_name_plural = _("offres")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.operator})"


class TariffQuerySet(models.QuerySet):
    def in_force_on(self, day):
        return self.filter(starts_on__lte=day).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))


class Tariff(models.Model):
    """The price per dwelling and month, from `starts_on` to `ends_on` (included; open-ended).

    Charge lines store their own amount: a later tariff never changes what was billed.
    Periods never overlap (checked by `services.tariff_create` under a lock; the database
    refuses two tariffs starting the same day and two open-ended ones).
    """

    offer = models.ForeignKey(
        Offer, verbose_name=_("offre"), on_delete=models.PROTECT, related_name="tariffs"
    )
    amount = models.DecimalField(
        _("montant par logement et par mois (€)"), max_digits=7, decimal_places=2
    )
    starts_on = models.DateField(_("en vigueur à partir du"))
    ends_on = models.DateField(_("jusqu'au (inclus)"), null=True, blank=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)

    history = HistoricalRecords()
    objects = TariffQuerySet.as_manager()

    class Meta:
        verbose_name = _("tarif")
        verbose_name_plural = _("tarifs")
        ordering = ["starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["starts_on"],
                name="tariff_one_per_start_day",
                violation_error_message=_("Un tarif commence déjà ce jour-là."),
            ),
            models.UniqueConstraint(
                fields=["offer"],
                condition=Q(ends_on__isnull=True),
                name="tariff_one_open_ended",
                violation_error_message=_("Un seul tarif peut être sans date de fin."),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="tariff_ends_after_start",
                violation_error_message=_("La fin d'un tarif ne peut précéder son début."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="tariff_amount_not_negative",
                violation_error_message=_("Un tarif ne peut pas être négatif."),
            ),
        ]

    def __str__(self):
        return f"{self.amount} € ({formats.day(self.starts_on)})"
