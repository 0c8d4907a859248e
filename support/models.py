"""Support ("accompagnement"): workshops, launch half-days, home help, legal advice, computers.

The staff of the neighbourhood centres run it; the tenants' associations answer the legal-advice
requests. Every state field here is written only by the functions of `support.services`, which
lock the row they change (two staff members may act at the same moment at a launch half-day).
"""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from brest_internet.common import clock, formats
from neighborhoods.models import Dwelling, Household, Meeting, Neighbourhood, Organisation, User

# A workshop room of a social centre holds a few dozen people; the column holds 32 767, and a
# larger figure would move the whole waiting list into the session.
MAX_SESSION_PLACES = 200


class WorkshopTopic(models.Model):
    """A workshop of the catalogue: first steps on the internet, e-mail, online procedures…"""

    name = models.CharField(_("intitulé"), max_length=150, unique=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(
        _("ordre"), default=0, validators=[MaxValueValidator(1000)]
    )
    active = models.BooleanField(_("proposé"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("thème d'atelier")
        verbose_name_plural = _("thèmes d'atelier")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class WorkshopSessionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Coordinators see every session; a centre's staff the sessions of their centre."""
        if not user.is_authenticated:
            return self.none()
        if user.is_coordinator:
            return self
        if user.role == User.Role.CENTRE:
            return self.filter(centre_id=user.organisation_id)
        return self.none()

    def not_cancelled(self):
        """Sessions that still take place (a cancelled session keeps its row, for the record)."""
        return self.filter(cancelled_at__isnull=True)

    def with_sequence(self):
        """Annotate `sequence`: how many times the session was changed (moved, re-placed,
        cancelled…), from its history, in the same query. A calendar file's SEQUENCE: a calendar
        app replaces its copy of the event only when the number grows."""
        changes = (
            WorkshopSession.history.model.objects.filter(id=OuterRef("pk"), history_type="~")
            .order_by()
            .values("id")
            .annotate(n=models.Count("*"))
            .values("n")
        )
        return self.annotate(
            sequence=Coalesce(Subquery(changes, output_field=models.IntegerField()), 0)
        )

    def with_counts(self):
        """Annotate `registered_count`, `waiting_count` and `attended_count` in one query."""
        status = Registration.Status
        return self.annotate(
            registered_count=models.Count(
                "registrations", filter=Q(registrations__status=status.REGISTERED)
            ),
            waiting_count=models.Count(
                "registrations", filter=Q(registrations__status=status.WAITING)
            ),
            attended_count=models.Count(
                "registrations",
                filter=Q(registrations__attendance=Registration.Attendance.ATTENDED),
            ),
        )


class WorkshopSession(models.Model):
    """One session of a workshop topic, at a centre, for the households of a neighbourhood."""

    topic = models.ForeignKey(
        WorkshopTopic, verbose_name=_("thème"), on_delete=models.PROTECT, related_name="sessions"
    )
    centre = models.ForeignKey(
        Organisation,
        verbose_name=_("centre"),
        on_delete=models.PROTECT,
        related_name="workshop_sessions",
        limit_choices_to={"kind": Organisation.Kind.CENTRE},
    )
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        verbose_name=_("quartier"),
        on_delete=models.PROTECT,
        related_name="workshop_sessions",
    )
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    place = models.CharField(_("lieu"), max_length=200, blank=True)
    facilitator = models.CharField(_("animateur ou animatrice"), max_length=150)
    capacity = models.PositiveSmallIntegerField(
        _("places"),
        validators=[
            MinValueValidator(1, _("Une séance a au moins une place.")),
            MaxValueValidator(
                MAX_SESSION_PLACES,
                _("Une séance a au plus %(limit_value)s places."),
            ),
        ],
    )
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    # A cancelled session is never deleted: it stays listed as cancelled, with who, when, why.
    cancelled_at = models.DateTimeField(_("annulée le"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("annulée par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    cancellation_reason = models.TextField(_("motif de l'annulation"), blank=True)

    history = HistoricalRecords()
    objects = WorkshopSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("séance d'atelier")
        verbose_name_plural = _("séances d'atelier")
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["centre", "starts_at"], name="session_centre_start")]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__gte=1),
                name="session_capacity_positive",
                violation_error_message=_("Une séance a au moins une place."),
            ),
            models.CheckConstraint(
                condition=Q(capacity__lte=MAX_SESSION_PLACES),
                name="session_capacity_at_most_200",
                violation_error_message=_("Une séance a au plus 200 places."),
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="session_ends_after_start",
                violation_error_message=_("La fin de la séance doit suivre son début."),
            ),
            models.CheckConstraint(
                condition=Q(cancelled_at__isnull=True, cancellation_reason="")
                | (Q(cancelled_at__isnull=False) & ~Q(cancellation_reason="")),
                name="session_cancelled_has_reason",
                violation_error_message=_(
                    "Une séance annulée porte sa date d'annulation et son motif, et seulement elle."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.topic} – {formats.moment(self.starts_at)}"

    def get_absolute_url(self):
        return reverse("support:session_detail", kwargs={"pk": self.pk})

    def has_started(self, now=None):
        return self.starts_at <= (now or clock.now())

    @property
    def is_cancelled(self):
        return self.cancelled_at is not None


class Registration(models.Model):
    """A household signed up to a session, or waiting for a seat; cancelled rows are kept."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Inscrit")
        WAITING = "waiting", _("Liste d'attente")
        CANCELLED = "cancelled", _("Annulé")

    class Attendance(models.TextChoices):
        UNKNOWN = "", _("Non renseignée")
        ATTENDED = "attended", _("Présent")
        ABSENT = "absent", _("Absent")

    session = models.ForeignKey(
        WorkshopSession,
        verbose_name=_("séance"),
        on_delete=models.PROTECT,
        related_name="registrations",
    )
    household = models.ForeignKey(
        Household,
        verbose_name=_("foyer"),
        on_delete=models.PROTECT,
        related_name="workshop_registrations",
    )
    status = models.CharField(_("statut"), max_length=20, choices=Status.choices)
    attendance = models.CharField(
        _("présence"), max_length=10, choices=Attendance.choices, blank=True, default=""
    )
    registered_at = models.DateTimeField(_("inscrit le"), default=timezone.now)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inscrit par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    promoted_at = models.DateTimeField(_("sorti de la liste d'attente le"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("annulé le"), null=True, blank=True)
    half_day = models.ForeignKey(
        Meeting,
        verbose_name=_("demi-journée de lancement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="workshop_registrations",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("inscription à un atelier")
        verbose_name_plural = _("inscriptions aux ateliers")
        ordering = ["registered_at", "id"]
        indexes = [
            models.Index(fields=["session", "status", "registered_at"], name="registration_queue")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "household"],
                condition=~Q(status="cancelled"),
                name="registration_one_active_per_household",
                violation_error_message=_("Ce foyer est déjà inscrit à cette séance."),
            ),
            models.CheckConstraint(
                condition=Q(attendance="") | Q(status="registered"),
                name="registration_attendance_only_when_registered",
                violation_error_message=_(
                    "La présence ne se note que pour un foyer inscrit (ni annulé, ni en attente)."
                ),
            ),
            models.CheckConstraint(
                condition=Q(cancelled_at__isnull=True) | Q(status="cancelled"),
                name="registration_cancelled_at_only_when_cancelled",
                violation_error_message=_("Seule une inscription annulée a une date d'annulation."),
            ),
        ]

    def __str__(self):
        return f"{self.household} – {self.session}"


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

    class Meta:
        verbose_name = _("passage à une demi-journée")
        verbose_name_plural = _("passages aux demi-journées")
        ordering = ["half_day", "recorded_at", "id"]

    def __str__(self):
        return f"{self.household} – {self.half_day}"


class HomeHelpRequest(models.Model):
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

    class Meta:
        verbose_name = _("demande d'aide à domicile")
        verbose_name_plural = _("demandes d'aide à domicile")
        ordering = ["-requested_on", "-id"]
        constraints = [
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


class AdviceRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Coordinators: all; an association: its own; a centre: those of its neighbourhoods."""
        if not user.is_authenticated:
            return self.none()
        if user.is_coordinator:
            return self
        if user.role == User.Role.ASSOCIATION:
            return self.filter(association_id=user.organisation_id)
        if user.role == User.Role.CENTRE:
            return self.filter(neighbourhood__centre_id=user.organisation_id)
        return self.none()


class AdviceRequest(models.Model):
    """A question about an operator contract, assigned to a tenants' association."""

    class Topic(models.TextChoices):
        CHANGE = "change", _("Modification du contrat")
        CANCELLATION = "cancellation", _("Résiliation")
        UNDERSTANDING = "understanding", _("Compréhension d'une offre")
        OTHER = "other", _("Autre question")

    class Status(models.TextChoices):
        OPEN = "open", _("En attente de réponse")
        ANSWERED = "answered", _("Répondue")
        CANCELLED = "cancelled", _("Annulée")

    household = models.ForeignKey(
        Household, verbose_name=_("foyer"), on_delete=models.PROTECT, related_name="advice_requests"
    )
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        verbose_name=_("quartier"),
        on_delete=models.PROTECT,
        related_name="advice_requests",
    )
    association = models.ForeignKey(
        Organisation,
        verbose_name=_("association de locataires"),
        on_delete=models.PROTECT,
        related_name="advice_requests",
        limit_choices_to={"kind": Organisation.Kind.TENANTS_ASSOCIATION},
    )
    topic = models.CharField(_("objet"), max_length=20, choices=Topic.choices)
    question = models.TextField(_("question"))
    status = models.CharField(_("statut"), max_length=20, choices=Status.choices, default="open")
    requested_on = models.DateField(_("demandée le"), default=timezone.localdate)
    answer = models.TextField(_("réponse"), blank=True)
    answered_at = models.DateTimeField(_("répondue le"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("répondue par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
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
    objects = AdviceRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("demande de conseil juridique")
        verbose_name_plural = _("demandes de conseil juridique")
        ordering = ["-requested_on", "-id"]
        indexes = [models.Index(fields=["association", "status"], name="advice_assoc_status")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="answered") | (~Q(answer="") & Q(answered_at__isnull=False)),
                name="advice_answered_has_answer",
                violation_error_message=_("Une demande répondue porte sa réponse et sa date."),
            ),
        ]

    def __str__(self):
        return f"{self.get_topic_display()} – {self.household}"

    def get_absolute_url(self):
        return reverse("support:advice_detail", kwargs={"pk": self.pk})


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


class ComputerOrder(models.Model):
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

    class Meta:
        verbose_name = _("commande d'ordinateur")
        verbose_name_plural = _("commandes d'ordinateur")
        ordering = ["-ordered_on", "-id"]
        constraints = [
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


def new_calendar_token() -> str:
    """A random, unguessable value (256 bits) for a centre's calendar feed URL."""
    return secrets.token_urlsafe(32)


class CentreCalendar(models.Model):
    """A centre's calendar feed: the secret of its URL, and the contact printed in its files.

    A calendar app subscribes without a session cookie, so the URL itself is the key. The value
    is kept as is (not hashed) so that the centre's staff can read the address again on its
    page: the feed holds no personal data of households (titles, places, counts), and a leaked
    address is closed by drawing a new one. Who drew it and when is in the history; the
    token itself is not.
    """

    centre = models.OneToOneField(
        Organisation,
        verbose_name=_("centre"),
        on_delete=models.PROTECT,
        related_name="calendar",
        limit_choices_to={"kind": Organisation.Kind.CENTRE},
    )
    token = models.CharField(_("jeton"), max_length=64, unique=True, default=new_calendar_token)
    token_set_at = models.DateTimeField(_("lien créé le"), default=timezone.now)
    token_set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lien créé par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    contact = models.CharField(
        _("contact pour les foyers"),
        max_length=150,
        blank=True,
        help_text=_(
            "Le téléphone ou l'adresse électronique de l'accueil du centre, imprimé dans les "
            "fichiers d'agenda que reçoivent les foyers (pas celui d'une personne)."
        ),
    )

    history = HistoricalRecords(excluded_fields=["token"])

    class Meta:
        verbose_name = _("agenda d'un centre")
        verbose_name_plural = _("agendas des centres")
        constraints = [
            models.CheckConstraint(
                condition=Q(token__regex=r"^[A-Za-z0-9_-]{32,64}$"),  # noqa: S106 (a pattern)
                name="calendar_token_is_long_and_random",
                violation_error_message=_("Le jeton de l'agenda est trop court."),
            ),
        ]

    def __str__(self):
        return str(self.centre)
