"""Workshops: the catalogue of topics, the sessions of the centres, the households signed up
to them (with their waiting list and attendance)."""

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
from brest_internet.common.cancellation import Cancellable, CancellableQuerySet
from neighborhoods.models import Household, Meeting, Neighbourhood, Organisation

from .scopes import of_centre

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


class WorkshopSessionQuerySet(CancellableQuerySet):
    def visible_to(self, user):
        """Coordinators see every session; a centre's staff the sessions of their centre."""
        return of_centre(self, user, "centre_id")

    def not_cancelled(self):
        """Sessions that still take place (a cancelled session keeps its row, for the record):
        the kit's `live()`, under the name the dashboard and the open data call."""
        return self.live()

    def upcoming(self, *, neighbourhood, now, within):
        """The sessions of `neighbourhood` still to come in the next `within` (a timedelta),
        with their counts: what a resident can sign up for at a launch half-day's table."""
        return (
            self.live()
            .filter(neighbourhood=neighbourhood, starts_at__gt=now, starts_at__lte=now + within)
            .with_counts()
            .select_related("topic")
            .order_by("starts_at", "id")
        )

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


class WorkshopSession(Cancellable):
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
    # A cancelled session is never deleted: it stays listed as cancelled, with who, when, why
    # (the kit's `Cancellable`; a session's cancellation always says why).

    history = HistoricalRecords()
    objects = WorkshopSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("séance d'atelier")
        verbose_name_plural = _("séances d'atelier")
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["centre", "starts_at"], name="session_centre_start"),
            # The figures of a period: a neighbourhood's sessions, and the programme's (the
            # dashboard's partial month) by the moment they start (`Period.q_local`).
            models.Index(fields=["neighbourhood", "starts_at"], name="session_nbh_start"),
            models.Index(fields=["starts_at"], name="session_start"),
        ]
        constraints = [
            *Cancellable.Meta.constraints,
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
                condition=Q(cancelled_at__isnull=True, cancel_reason="")
                | (Q(cancelled_at__isnull=False) & ~Q(cancel_reason="")),
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

    def attendance_taken(self) -> bool:
        """The attendance of someone is noted: the session took place, on its date (it is
        neither moved nor cancelled any more)."""
        return self.registrations.attendance_taken().exists()

    def dates_locked(self, now=None) -> bool:
        """A session held whose attendance is taken keeps its date (it took place on it)."""
        return self.has_started(now) and self.attendance_taken()


class RegistrationQuerySet(CancellableQuerySet):
    def holding(self):
        """Sign-ups still open: a seat or a place on the waiting list."""
        return self.exclude(status=Registration.Status.CANCELLED)

    def seated(self):
        return self.filter(status=Registration.Status.REGISTERED)

    def waiting(self):
        """The waiting list, in the order seats are given: first come, first served."""
        return self.filter(status=Registration.Status.WAITING).order_by("registered_at", "id")

    def attendance_taken(self):
        return self.exclude(attendance=Registration.Attendance.UNKNOWN)


class Registration(Cancellable):
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
    half_day = models.ForeignKey(
        Meeting,
        verbose_name=_("demi-journée de lancement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="workshop_registrations",
    )

    history = HistoricalRecords()
    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("inscription à un atelier")
        verbose_name_plural = _("inscriptions aux ateliers")
        ordering = ["registered_at", "id"]
        indexes = [
            models.Index(fields=["session", "status", "registered_at"], name="registration_queue")
        ]
        constraints = [
            *Cancellable.Meta.constraints,
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
