"""The billed months: one row per month the run was started for, one per landlord of it."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from neighborhoods.models import Organisation, User


class ChargeMonth(models.Model):
    """A month the charge run was started for; its runs hang off it.

    Whether the month may still be (re)generated is decided per landlord: see `LandlordMonth`.
    """

    month = models.DateField(_("mois"), unique=True, help_text=_("Premier jour du mois."))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mois facturé")
        verbose_name_plural = _("mois facturés")
        ordering = ["-month"]

    def __str__(self):
        return f"{self.month:%m/%Y}"

    @property
    def slug(self):
        return f"{self.month:%Y-%m}"


class LandlordMonth(models.Model):
    """One landlord's billed month: open while it may be (re)generated, locked once exported.

    Each landlord exports its own lines into its own rental charges, at its own pace: its export
    locks its month only, and the run goes on billing the dwellings of the other landlords.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Généré, non exporté")
        EXPORTED = "exported", _("Exporté (verrouillé)")

    charge_month = models.ForeignKey(
        ChargeMonth, verbose_name=_("mois"), on_delete=models.PROTECT, related_name="landlords"
    )
    landlord = models.ForeignKey(
        Organisation,
        verbose_name=_("bailleur"),
        on_delete=models.PROTECT,
        related_name="charge_months",
        limit_choices_to={"kind": Organisation.Kind.LANDLORD},
    )
    status = models.CharField(_("état"), max_length=20, choices=Status.choices, default=Status.OPEN)
    exported_at = models.DateTimeField(_("exporté le"), null=True, blank=True)
    exported_by = models.ForeignKey(
        User,
        verbose_name=_("exporté par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mois facturé d'un bailleur")
        verbose_name_plural = _("mois facturés des bailleurs")
        ordering = ["-charge_month__month", "landlord__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["charge_month", "landlord"],
                name="landlordmonth_one_per_landlord_and_month",
                violation_error_message=_("Ce bailleur a déjà ce mois."),
            ),
            models.CheckConstraint(
                condition=~Q(status="exported") | Q(exported_at__isnull=False),
                name="landlordmonth_exported_has_date",
                violation_error_message=_("Un mois exporté a une date d'export."),
            ),
        ]

    def __str__(self):
        return f"{self.charge_month} – {self.landlord}"

    @property
    def month(self):
        return self.charge_month.month

    @property
    def is_locked(self):
        return self.status == self.Status.EXPORTED
