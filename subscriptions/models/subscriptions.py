"""The households' subscriptions, and the batches of requests sent to the operator."""

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from brest_internet.common.cancellation import Cancellable, CancellableQuerySet
from brest_internet.common.models import AppendOnly
from neighborhoods.models import Dwelling, Household, Meeting, Neighbourhood, Organisation, User

from .files import SentFile


def active_on_q(day, prefix: str = "") -> Q:
    """ "Active on `day`", the one definition: the connection works that day (activated on or
    before it, and not cancelled on or before it; the service stops on `cancelled_on`).

    `prefix` reaches the subscriptions from another model, for an annotation or an aggregate
    (`Count("subscriptions", filter=active_on_q(day, "subscriptions__"))` over dwellings).
    """
    return Q(**{f"{prefix}activated_on__lte": day}) & (
        Q(**{f"{prefix}cancelled_on__isnull": True}) | Q(**{f"{prefix}cancelled_on__gt": day})
    )


class SubscriptionQuerySet(CancellableQuerySet):
    def open(self):
        return self.exclude(status=Subscription.Status.CANCELLED)

    def active_on(self, day):
        """Subscriptions whose connection works on `day` (`active_on_q`)."""
        return self.filter(active_on_q(day))

    def visible_to(self, user):
        if user.is_authenticated and user.is_coordinator:
            return self.all()  # everything, without a join to the dwellings to filter on
        return self.filter(dwelling__neighbourhood__in=Neighbourhood.objects.visible_to(user))


class Subscription(Cancellable):
    """A household's subscription to the offer, from its request to its cancellation.

    A cancellation records who and when (`Cancellable`) beside the day the service stops for
    the household (`cancelled_on`) and its reason.
    """

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
            # The list filtered by status, latest first; the requests still to send, counted
            # (and the last one found) in the index alone.
            models.Index(
                fields=["status", "requested_on", "id"], name="subscription_status_recent"
            ),
            models.Index(fields=["activated_on", "cancelled_on"], name="subscription_active"),
            # The dashboard reads the current month's cancellations through it (the months
            # before come from `SubscriptionMonth`).
            models.Index(fields=["cancelled_on"], name="subscription_ended"),
            # The list shows the latest requests first: walk this index, no sort of every row.
            models.Index(fields=["-requested_on", "-id"], name="subscription_recent"),
        ]
        constraints = [
            *Cancellable.Meta.constraints,
            models.CheckConstraint(
                condition=Q(status="cancelled", cancelled_at__isnull=False)
                | (~Q(status="cancelled") & Q(cancelled_at__isnull=True)),
                name="subscription_cancelled_exactly_when_recorded",
                violation_error_message=_(
                    "Un abonnement résilié a le moment de sa résiliation, et lui seul."
                ),
            ),
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
