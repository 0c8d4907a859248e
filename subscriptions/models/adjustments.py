"""Corrections of a billed month, and the files of a landlord's month as they were exported."""

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.db.models.functions import Length, Trim
from django.db.models.lookups import GreaterThan
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from brest_internet.common.models import AppendOnly
from neighborhoods.models import Dwelling, Neighbourhood, User

from .charges import Payer
from .files import SentFile
from .months import ChargeMonth, LandlordMonth

# The largest adjustment of one dwelling's month. The charge is €1 a dwelling and a month: a
# correction of one line is a few euros at most (a month credited back, a forgotten month billed
# at a higher tariff), so anything near 100 € is a typing slip (250 for 2,50) that would reach a
# tenant's rental charges. A real larger correction is several adjustments, each with its reason.
ADJUSTMENT_MAX = Decimal("100.00")


class Adjustment(AppendOnly):
    """A correction of a billed month (credit or debit), with its reason: nothing is deleted.

    It belongs to the month of its neighbourhood's landlord (`LandlordMonth`), which
    `services.adjustment_create` requires and locks: one landlord's corrections never wait for,
    nor touch, another's month.
    """

    class Kind(models.TextChoices):
        CREDIT = "credit", _("Avoir (crédit)")
        DEBIT = "debit", _("Complément (débit)")

    charge_month = models.ForeignKey(
        ChargeMonth,
        verbose_name=_("mois corrigé"),
        on_delete=models.PROTECT,
        related_name="adjustments",
    )
    dwelling = models.ForeignKey(
        Dwelling, verbose_name=_("logement"), on_delete=models.PROTECT, related_name="adjustments"
    )
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        verbose_name=_("quartier"),
        on_delete=models.PROTECT,
        related_name="adjustments",
    )
    kind = models.CharField(_("nature"), max_length=10, choices=Kind.choices)
    amount = models.DecimalField(_("montant (€)"), max_digits=7, decimal_places=2)
    payer = models.CharField(_("à la charge de"), max_length=20, choices=Payer.choices)
    reason = models.TextField(_("motif"))
    created_at = models.DateTimeField(_("saisi le"), default=timezone.now)
    created_by = models.ForeignKey(
        User,
        verbose_name=_("saisi par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("ajustement")
        verbose_name_plural = _("ajustements")
        ordering = ["charge_month", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="adjustment_amount_positive",
                violation_error_message=_("Le montant d'un ajustement est positif."),
            ),
            models.CheckConstraint(
                condition=Q(amount__lte=ADJUSTMENT_MAX),
                name="adjustment_amount_at_most_max",
                violation_error_message=_("Un ajustement ne dépasse pas 100 €."),
            ),
            # Spaces alone are no reason either.
            models.CheckConstraint(
                condition=GreaterThan(Length(Trim("reason")), 0),
                name="adjustment_has_reason",
                violation_error_message=_("Un ajustement est motivé."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount} € – {self.dwelling}"

    @property
    def signed_amount(self):
        return -self.amount if self.kind == self.Kind.CREDIT else self.amount


class ChargeExport(SentFile):
    """One file of a landlord's month: the month itself (lot 1, which locks it), then each
    batch of the adjustments entered after it (lots 2, 3…), so that the landlord's system
    imports every line once."""

    class Kind(models.TextChoices):
        MONTH = "month", _("Mois")
        ADJUSTMENTS = "adjustments", _("Ajustements après l'export")

    landlord_month = models.ForeignKey(
        LandlordMonth, verbose_name=_("mois"), on_delete=models.PROTECT, related_name="exports"
    )
    number = models.PositiveSmallIntegerField(_("lot"))
    kind = models.CharField(_("contenu"), max_length=20, choices=Kind.choices)
    amount = models.DecimalField(_("montant (€)"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("export des charges")
        verbose_name_plural = _("exports des charges")
        ordering = ["landlord_month", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["landlord_month", "number"],
                name="chargeexport_one_per_number",
                violation_error_message=_("Ce lot de ce mois existe déjà."),
            ),
            models.CheckConstraint(
                condition=Q(kind="month", number=1) | Q(kind="adjustments", number__gt=1),
                name="chargeexport_month_is_lot_one",
                violation_error_message=_(
                    "Le lot 1 est l'export du mois, les suivants ses ajustements."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.landlord_month} – {self.filename}"

    @property
    def filename(self):
        lm = self.landlord_month
        base = f"charges-{lm.charge_month.slug}-{slugify(lm.landlord.name)}"
        if self.kind == self.Kind.MONTH:
            return f"{base}.csv"
        day = timezone.localtime(self.created_at).date()
        return f"{base}-ajustements-lot-{self.number}-exportes-le-{day:%Y-%m-%d}.csv"


class ExportedAdjustment(AppendOnly):
    """Which file carried an adjustment: one, and only one (the database says so)."""

    export = models.ForeignKey(
        ChargeExport,
        verbose_name=_("export"),
        on_delete=models.PROTECT,
        related_name="adjustment_rows",
    )
    adjustment = models.OneToOneField(
        Adjustment,
        verbose_name=_("ajustement"),
        on_delete=models.PROTECT,
        related_name="exported_in",
    )

    class Meta:
        verbose_name = _("ajustement exporté")
        verbose_name_plural = _("ajustements exportés")

    def __str__(self):
        return f"{self.adjustment} – {self.export}"
