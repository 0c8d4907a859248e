"""The charge run: each run, the €1 lines it writes and the totals it keeps per month."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from brest_internet.common import formats
from brest_internet.common.models import AppendOnly
from neighborhoods.models import Dwelling, Household, Neighbourhood, Organisation, User

from .months import ChargeMonth
from .offer import Tariff


class ChargeRunQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Every run for coordinators; a landlord's staff see the runs for their landlord only.

        A run for every landlord (launched by the coordination) counts the lines of all of
        them, so it is not shown to one landlord.
        """
        if not user.is_authenticated:
            return self.none()
        if user.is_coordinator:
            return self.all()
        if user.role == User.Role.LANDLORD and user.organisation_id:
            return self.filter(landlord_id=user.organisation_id)
        return self.none()


class ChargeRun(models.Model):
    """One run of the monthly charge generation: who, when, how many lines it added."""

    charge_month = models.ForeignKey(
        ChargeMonth, verbose_name=_("mois"), on_delete=models.PROTECT, related_name="runs"
    )
    run_at = models.DateTimeField(_("lancé le"), default=timezone.now)
    run_by = models.ForeignKey(
        User,
        verbose_name=_("lancé par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    landlord = models.ForeignKey(
        Organisation,
        verbose_name=_("pour le bailleur"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Vide : tous les bailleurs dont le mois n'est pas verrouillé."),
    )
    tariff = models.ForeignKey(
        Tariff, verbose_name=_("tarif"), on_delete=models.PROTECT, related_name="runs"
    )
    lines_added = models.PositiveIntegerField(_("lignes ajoutées"), default=0)
    amount_added = models.DecimalField(
        _("montant ajouté (€)"), max_digits=12, decimal_places=2, default=0
    )
    duration_ms = models.PositiveIntegerField(_("durée (ms)"), default=0)

    objects = ChargeRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("génération des charges")
        verbose_name_plural = _("générations des charges")
        ordering = ["-run_at", "-id"]

    def __str__(self):
        return f"{self.charge_month} – {formats.moment(self.run_at)}"


class Payer(models.TextChoices):
    TENANT = "tenant", _("Locataire")
    LANDLORD = "landlord", _("Bailleur")


class Charge(AppendOnly):
    """The €1 line of one dwelling for one month, written by `services.charges_generate`."""

    # Every index is paid for by each run, on every line it adds; the table has five, each
    # with a reader. The unique (month, dwelling) index serves a month's lines and the
    # re-run's probe of each dwelling's line; the (neighbourhood, month) index the month's
    # pages and exports (a month within the user's neighbourhoods) and the lookups by
    # neighbourhood; `run`'s index the SQLite run's totals; `dwelling`'s and `household`'s
    # the lookups by dwelling and household (deleting one makes the database, and PROTECT,
    # look for its lines: a scan of every line without them).
    dwelling = models.ForeignKey(
        Dwelling, verbose_name=_("logement"), on_delete=models.PROTECT, related_name="charges"
    )
    # Kept on the line so that a month's summary and export do not depend on later moves.
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        verbose_name=_("quartier"),
        on_delete=models.PROTECT,
        related_name="charges",
        db_index=False,
    )
    month = models.DateField(_("mois"))
    amount = models.DecimalField(_("montant (€)"), max_digits=7, decimal_places=2)
    payer = models.CharField(_("à la charge de"), max_length=20, choices=Payer.choices)
    household = models.ForeignKey(
        Household,
        verbose_name=_("foyer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="charges",
    )
    # Always its run's tariff: the lines of a tariff are found through its runs (`run`'s
    # index), so this column has no index of its own.
    tariff = models.ForeignKey(
        Tariff,
        verbose_name=_("tarif"),
        on_delete=models.PROTECT,
        related_name="charges",
        db_index=False,
    )
    run = models.ForeignKey(
        ChargeRun, verbose_name=_("génération"), on_delete=models.PROTECT, related_name="charges"
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)

    class Meta:
        verbose_name = _("ligne de charge")
        verbose_name_plural = _("lignes de charge")
        ordering = ["month", "dwelling"]
        indexes = [models.Index(fields=["neighbourhood", "month"], name="charge_nbh_month")]
        constraints = [
            # Month first: a new month's entries are appended at the end of the index instead
            # of being inserted next to each dwelling's earlier months. Dwelling first would
            # also serve as the dwelling's index, one index fewer, but a wider one taking the
            # new lines all over the file: the run was slower (bench, SQLite, 100 000 dwellings).
            models.UniqueConstraint(
                fields=["month", "dwelling"],
                name="charge_one_per_dwelling_and_month",
                violation_error_message=_("Ce logement a déjà sa charge pour ce mois."),
            ),
            models.CheckConstraint(
                condition=~Q(payer="tenant") | Q(household__isnull=False),
                name="charge_tenant_line_has_household",
                violation_error_message=_("Une charge locataire désigne son foyer."),
            ),
        ]

    def __str__(self):
        return f"{self.dwelling} {self.month:%m/%Y} {self.amount} €"


class MonthTotal(models.Model):
    """What the runs billed per month and neighbourhood, kept in the same transaction as the lines.

    A month's page reads these few rows instead of aggregating every line (a hundred thousand at
    national size). Written only by `billing_sql.insert_charges`, which adds each run's own lines.
    """

    month = models.DateField(_("mois"))
    neighbourhood = models.ForeignKey(
        Neighbourhood, verbose_name=_("quartier"), on_delete=models.PROTECT, related_name="+"
    )
    lines = models.PositiveIntegerField(_("logements facturés"), default=0)
    amount = models.DecimalField(_("montant (€)"), max_digits=12, decimal_places=2, default=0)
    tenants = models.DecimalField(
        _("à la charge des locataires (€)"), max_digits=12, decimal_places=2, default=0
    )
    landlord = models.DecimalField(
        _("à la charge du bailleur (€)"), max_digits=12, decimal_places=2, default=0
    )

    class Meta:
        verbose_name = _("total d'un mois par quartier")
        verbose_name_plural = _("totaux des mois par quartier")
        ordering = ["-month", "neighbourhood"]
        constraints = [
            models.UniqueConstraint(
                fields=["month", "neighbourhood"],
                name="monthtotal_one_per_month_and_neighbourhood",
                violation_error_message=_("Ce quartier a déjà son total pour ce mois."),
            ),
        ]

    def __str__(self):
        return f"{self.neighbourhood} {self.month:%m/%Y}"
