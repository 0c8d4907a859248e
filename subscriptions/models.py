"""The collective offer, its tariff, the households' subscriptions and the monthly €1 charge.

Subscriptions and charges are independent on purpose: every dwelling of a running neighbourhood
pays the charge, subscriber or not (that is why the tenants vote first). State fields are written
only by the functions of `subscriptions.services`.
"""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length, Trim
from django.db.models.lookups import GreaterThan
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from brest_internet.common import formats
from brest_internet.common.models import AppendOnly
from neighborhoods.models import Dwelling, Household, Meeting, Neighbourhood, Organisation, User


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


class SubscriptionQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status=Subscription.Status.CANCELLED)

    def active_on(self, day):
        """Subscriptions whose connection works on `day` (activated, not yet cancelled)."""
        return self.filter(activated_on__lte=day).filter(
            Q(cancelled_on__isnull=True) | Q(cancelled_on__gt=day)
        )

    def visible_to(self, user):
        if user.is_authenticated and user.is_coordinator:
            return self.all()  # everything, without a join to the dwellings to filter on
        return self.filter(dwelling__neighbourhood__in=Neighbourhood.objects.visible_to(user))


class Subscription(models.Model):
    """A household's subscription to the offer, from its request to its cancellation."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Demandé")
        SENT = "sent", _("Transmis à l'opérateur")
        ACTIVE = "active", _("Actif")
        CANCELLED = "cancelled", _("Résilié")

    class Channel(models.TextChoices):
        HALF_DAY = "half_day", _("Demi-journée de lancement")
        CENTRE = "centre", _("Au centre social")
        PHONE = "phone", _("Par téléphone")

    dwelling = models.ForeignKey(
        Dwelling, verbose_name=_("logement"), on_delete=models.PROTECT, related_name="subscriptions"
    )
    household = models.ForeignKey(
        Household, verbose_name=_("foyer"), on_delete=models.PROTECT, related_name="subscriptions"
    )
    status = models.CharField(
        _("statut"), max_length=20, choices=Status.choices, default=Status.REQUESTED
    )
    channel = models.CharField(_("demande faite"), max_length=20, choices=Channel.choices)
    half_day = models.ForeignKey(
        Meeting,
        verbose_name=_("demi-journée de lancement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="subscriptions",
        limit_choices_to={"kind": Meeting.Kind.LAUNCH},
    )
    requested_on = models.DateField(_("demandé le"))
    requested_by = models.ForeignKey(
        User,
        verbose_name=_("saisi par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    sent_on = models.DateField(_("transmis le"), null=True, blank=True)
    activated_on = models.DateField(_("activé le"), null=True, blank=True)
    modem_serial = models.CharField(_("numéro de série du modem"), max_length=60, blank=True)
    cancelled_on = models.DateField(_("résilié le"), null=True, blank=True)
    cancel_reason = models.TextField(_("motif de résiliation"), blank=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)

    history = HistoricalRecords()
    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("abonnement")
        verbose_name_plural = _("abonnements")
        ordering = ["-requested_on", "-id"]
        indexes = [
            models.Index(fields=["status", "requested_on"], name="subscription_status"),
            models.Index(fields=["activated_on", "cancelled_on"], name="subscription_active"),
            # The list shows the latest requests first: walk this index, no sort of every row.
            models.Index(fields=["-requested_on", "-id"], name="subscription_recent"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["dwelling"],
                condition=~Q(status="cancelled"),
                name="subscription_one_open_per_dwelling",
                violation_error_message=_("Ce logement a déjà un abonnement en cours."),
            ),
            models.CheckConstraint(
                condition=Q(half_day__isnull=True) | Q(channel="half_day"),
                name="subscription_half_day_only_for_that_channel",
                violation_error_message=_(
                    "Seule une demande faite en demi-journée de lancement en indique une."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_on__isnull=False),
                name="subscription_sent_has_date",
                violation_error_message=_("Une demande transmise a une date de transmission."),
            ),
            models.CheckConstraint(
                condition=~Q(status="active")
                | (Q(activated_on__isnull=False) & ~Q(modem_serial="")),
                name="subscription_active_has_date_and_modem",
                violation_error_message=_(
                    "Un abonnement actif a une date d'activation et un numéro de modem."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled")
                | (Q(cancelled_on__isnull=False) & ~Q(cancel_reason="")),
                name="subscription_cancelled_has_date_and_reason",
                violation_error_message=_("Une résiliation a une date et un motif."),
            ),
            models.CheckConstraint(
                condition=Q(activated_on__isnull=True) | Q(activated_on__gte=F("requested_on")),
                name="subscription_activated_after_request",
                violation_error_message=_("L'activation ne peut précéder la demande."),
            ),
            models.CheckConstraint(
                condition=Q(cancelled_on__isnull=True)
                | Q(activated_on__isnull=True, cancelled_on__gte=F("requested_on"))
                | Q(cancelled_on__gte=F("activated_on")),
                name="subscription_cancelled_after_activation",
                violation_error_message=_("La résiliation ne peut précéder l'activation."),
            ),
        ]

    def __str__(self):
        return f"{self.dwelling} – {self.household} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("subscriptions:detail", kwargs={"pk": self.pk})

    @property
    def is_open(self):
        return self.status != self.Status.CANCELLED


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

    # Its own index stays: deleting any dwelling makes the database (and PROTECT) look for its
    # lines by dwelling, a scan of every line without it.
    dwelling = models.ForeignKey(
        Dwelling, verbose_name=_("logement"), on_delete=models.PROTECT, related_name="charges"
    )
    # Kept on the line so that a month's summary and export do not depend on later moves.
    neighbourhood = models.ForeignKey(
        Neighbourhood, verbose_name=_("quartier"), on_delete=models.PROTECT, related_name="charges"
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
    tariff = models.ForeignKey(
        Tariff, verbose_name=_("tarif"), on_delete=models.PROTECT, related_name="charges"
    )
    run = models.ForeignKey(
        ChargeRun, verbose_name=_("génération"), on_delete=models.PROTECT, related_name="charges"
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)

    class Meta:
        verbose_name = _("ligne de charge")
        verbose_name_plural = _("lignes de charge")
        ordering = ["month", "dwelling"]
        indexes = [models.Index(fields=["month", "neighbourhood"], name="charge_month_nbh")]
        constraints = [
            # Month first: a new month's entries are appended at the end of the index instead
            # of being inserted next to each dwelling's earlier months.
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


class SentFile(AppendOnly):
    """A file as it left the app, kept byte for byte (gzip-compressed) with its SHA-256.

    Downloading it again gives the same bytes, whatever changed since in the data it was
    written from: what was sent stays as sent.
    """

    content = models.BinaryField(_("fichier (compressé)"))
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("taille (octets)"))
    rows = models.PositiveIntegerField(_("lignes"))
    created_at = models.DateTimeField(_("exporté le"), default=timezone.now)
    created_by = models.ForeignKey(
        User,
        verbose_name=_("exporté par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        abstract = True


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


class RequestBatchQuerySet(models.QuerySet):
    def visible_to(self, user):
        if user.is_authenticated and user.is_coordinator:
            return self.all()
        return self.filter(organisation_id=user.organisation_id, organisation__isnull=False)


class RequestBatch(SentFile):
    """A batch of connection requests marked as sent to the operator, with its file."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("transmis par l'organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Vide : par la coordination."),
    )

    objects = RequestBatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("lot de demandes transmis")
        verbose_name_plural = _("lots de demandes transmis")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{_('Lot')} {self.pk} ({self.rows})"

    @property
    def filename(self):
        day = timezone.localtime(self.created_at).date()
        return f"demandes-connexion-lot-{self.pk}-{day:%Y-%m-%d}.csv"


class SentRequest(AppendOnly):
    """Which batch carried a request to the operator: one per request."""

    batch = models.ForeignKey(
        RequestBatch, verbose_name=_("lot"), on_delete=models.PROTECT, related_name="lines"
    )
    subscription = models.OneToOneField(
        Subscription,
        verbose_name=_("demande"),
        on_delete=models.PROTECT,
        related_name="sent_in",
    )

    class Meta:
        verbose_name = _("demande transmise")
        verbose_name_plural = _("demandes transmises")

    def __str__(self):
        return f"{self.subscription} – {self.batch}"
