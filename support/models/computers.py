"""Computers: the low-cost models offered, their stock, and the households' orders."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from brest_internet.common.cancellation import Cancellable
from neighborhoods.models import Household, Meeting, Neighbourhood

from .scopes import NeighbourhoodScoped


class ComputerModelQuerySet(models.QuerySet):
    def offered(self):
        return self.filter(active=True)

    def with_orders_pending(self):
        """Annotate `ordered`: the orders not yet handed over (ordered or paid)."""
        return self.annotate(
            ordered=Count(
                "orders",
                filter=Q(
                    orders__status__in=[ComputerOrder.Status.ORDERED, ComputerOrder.Status.PAID]
                ),
            )
        )


class ComputerOrderQuerySet(NeighbourhoodScoped):
    def held(self):
        """Orders whose computer the household holds or will (ordered, paid or handed over)."""
        return self.exclude(status=ComputerOrder.Status.CANCELLED)


class ComputerModel(models.Model):
    """A low-cost computer offered to households without one (the source: €40 or €70)."""

    name = models.CharField(_("modèle"), max_length=150, unique=True)
    description = models.TextField(_("description"), blank=True)
    price = models.DecimalField(_("prix (€)"), max_digits=7, decimal_places=2)
    stock = models.IntegerField(
        _("en stock"),
        default=0,
        validators=[MinValueValidator(-10_000), MaxValueValidator(10_000)],
    )
    active = models.BooleanField(_("proposé"), default=True)

    history = HistoricalRecords()
    objects = ComputerModelQuerySet.as_manager()

    class Meta:
        verbose_name = _("modèle d'ordinateur")
        verbose_name_plural = _("modèles d'ordinateur")
        ordering = ["price", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(stock__gte=0),
                name="computer_stock_not_negative",
                violation_error_message=_("Le stock ne peut pas être négatif."),
            ),
            models.CheckConstraint(
                condition=Q(price__gte=0),
                name="computer_price_not_negative",
                violation_error_message=_("Le prix ne peut pas être négatif."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.price:.0f} €)"


class ComputerOrder(Cancellable):
    """A household's order of a computer: ordered → paid → handed over, or cancelled."""

    class Status(models.TextChoices):
        ORDERED = "ordered", _("Commandé")
        PAID = "paid", _("Payé")
        HANDED_OVER = "handed_over", _("Remis")
        CANCELLED = "cancelled", _("Annulé")

    household = models.ForeignKey(
        Household, verbose_name=_("foyer"), on_delete=models.PROTECT, related_name="computer_orders"
    )
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        verbose_name=_("quartier"),
        on_delete=models.PROTECT,
        related_name="computer_orders",
    )
    computer = models.ForeignKey(
        ComputerModel, verbose_name=_("modèle"), on_delete=models.PROTECT, related_name="orders"
    )
    price = models.DecimalField(_("prix (€)"), max_digits=7, decimal_places=2)
    status = models.CharField(
        _("statut"), max_length=20, choices=Status.choices, default=Status.ORDERED
    )
    ordered_on = models.DateField(_("commandé le"), default=timezone.localdate)
    paid_on = models.DateField(_("payé le"), null=True, blank=True)
    handed_over_on = models.DateField(_("remis le"), null=True, blank=True)
    # The day the order is cancelled as the staff give it, beside the kit's moment and author.
    cancelled_on = models.DateField(_("annulé le"), null=True, blank=True)
    half_day = models.ForeignKey(
        Meeting,
        verbose_name=_("demi-journée de lancement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="computer_orders",
    )
    # A computer is subsidised: one per household. Another one while the first is still held
    # (ordered, paid or handed over) needs the reason written here (stolen, broken beyond repair…).
    extra_reason = models.CharField(
        _("motif d'un ordinateur de plus"), max_length=300, blank=True, default=""
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saisie par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()
    objects = ComputerOrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("commande d'ordinateur")
        verbose_name_plural = _("commandes d'ordinateur")
        ordering = ["-ordered_on", "-id"]
        constraints = [
            *Cancellable.Meta.constraints,
            models.CheckConstraint(
                condition=Q(status="cancelled", cancelled_at__isnull=False)
                | (~Q(status="cancelled") & Q(cancelled_at__isnull=True)),
                name="computerorder_cancelled_has_moment",
                violation_error_message=_(
                    "Une commande annulée porte le moment de son annulation, et seulement elle."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["paid", "handed_over"]) | Q(paid_on__isnull=False),
                name="computerorder_paid_has_date",
                violation_error_message=_("Une commande payée a une date de paiement."),
            ),
            models.CheckConstraint(
                condition=~Q(status="handed_over") | Q(handed_over_on__isnull=False),
                name="computerorder_handed_over_has_date",
                violation_error_message=_("Un ordinateur remis a une date de remise."),
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | Q(cancelled_on__isnull=False),
                name="computerorder_cancelled_has_date",
                violation_error_message=_("Une commande annulée a une date d'annulation."),
            ),
            models.UniqueConstraint(
                fields=["household"],
                condition=~Q(status="cancelled") & Q(extra_reason=""),
                name="computerorder_one_per_household_without_reason",
                violation_error_message=_(
                    "Ce foyer a déjà un ordinateur du programme : un second demande un motif."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.computer} – {self.household}"

    def get_absolute_url(self):
        return reverse("support:order_detail", kwargs={"pk": self.pk})
