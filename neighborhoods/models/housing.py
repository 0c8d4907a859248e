"""The housing register: dwellings, households, occupancies, and the imports of the register."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from brest_internet.common import formats

from .neighbourhoods import Neighbourhood, Sector
from .people import User


class Dwelling(models.Model):
    """A dwelling of the housing register, known by the landlord's own reference."""

    class Status(models.TextChoices):
        OCCUPIED = "occupied", _("Occupé")
        VACANT = "vacant", _("Vacant")
        OUT_OF_SERVICE = "out_of_service", _("Hors service")

    neighbourhood = models.ForeignKey(
        Neighbourhood,
        verbose_name=_("quartier"),
        on_delete=models.PROTECT,
        related_name="dwellings",
    )
    sector = models.ForeignKey(
        Sector,
        verbose_name=_("secteur"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dwellings",
    )
    reference = models.CharField(_("référence bailleur"), max_length=40, unique=True)
    address = models.CharField(_("adresse"), max_length=255)
    building = models.CharField(_("bâtiment"), max_length=40, blank=True)
    entrance = models.CharField(_("entrée"), max_length=20, blank=True)
    status = models.CharField(
        _("statut"), max_length=20, choices=Status.choices, default=Status.OCCUPIED
    )
    updated_at = models.DateTimeField(_("mis à jour le"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("logement")
        verbose_name_plural = _("logements")
        ordering = ["reference"]
        indexes = [models.Index(fields=["neighbourhood", "status"], name="dwelling_nbh_status")]

    def __str__(self):
        return self.reference


class Household(models.Model):
    """A household of tenants. Only what the programme needs: a name and one optional contact."""

    name = models.CharField(_("nom"), max_length=150)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    email = models.EmailField(_("courriel"), blank=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    anonymised_at = models.DateTimeField(_("anonymisé le"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["phone", "email"])

    class Meta:
        verbose_name = _("foyer")
        verbose_name_plural = _("foyers")
        ordering = ["name"]

    def __str__(self):
        return self.name


class OccupancyQuerySet(models.QuerySet):
    def current(self):
        """The occupancies of households still living in their dwelling (no move-out yet)."""
        return self.filter(moved_out__isnull=True)

    def overlapping(self, moved_in, moved_out=None):
        """Occupancies sharing at least one day with the period [moved_in, moved_out).

        A period runs from the move-in day included to the move-out day excluded, as the
        monthly charge reads it (the household that leaves on the 1st does not pay that month):
        one household may move out on the day the next one moves in. An occupancy whose
        move-out is its move-in day (a mistake cancelled by correcting its dates) spans no day
        and overlaps nothing.
        """
        if moved_out is not None and moved_out <= moved_in:
            return self.none()
        qs = self.exclude(moved_out=models.F("moved_in")).filter(
            Q(moved_out__isnull=True) | Q(moved_out__gt=moved_in)
        )
        if moved_out is not None:
            qs = qs.filter(moved_in__lt=moved_out)
        return qs


class Occupancy(models.Model):
    """A household living in a dwelling from move-in (included) to move-out (excluded).

    Written by `neighborhoods.moves` (move-in, move-out, correction), the register's admin and
    the launch half-day desk; never deleted: a wrong one is corrected, and its history kept.
    """

    household = models.ForeignKey(
        Household, verbose_name=_("foyer"), on_delete=models.PROTECT, related_name="occupancies"
    )
    dwelling = models.ForeignKey(
        Dwelling, verbose_name=_("logement"), on_delete=models.PROTECT, related_name="occupancies"
    )
    moved_in = models.DateField(_("entrée dans les lieux"))
    moved_out = models.DateField(_("sortie"), null=True, blank=True)

    history = HistoricalRecords()
    objects = OccupancyQuerySet.as_manager()

    class Meta:
        verbose_name = _("occupation")
        verbose_name_plural = _("occupations")
        ordering = ["-moved_in"]
        constraints = [
            models.UniqueConstraint(
                fields=["dwelling"],
                condition=Q(moved_out__isnull=True),
                name="occupancy_one_current_household_per_dwelling",
                violation_error_message=_("Ce logement a déjà un foyer en place."),
            ),
            models.CheckConstraint(
                condition=Q(moved_out__isnull=True) | Q(moved_out__gte=models.F("moved_in")),
                name="occupancy_moves_out_after_moving_in",
                violation_error_message=_("La sortie ne peut précéder l'entrée dans les lieux."),
            ),
        ]

    def __str__(self):
        return f"{self.household} – {self.dwelling}"

    def clean(self):
        """Refuse a period that overlaps another household's in the same dwelling (the admin's
        forms call this; `neighborhoods.moves` checks the same under the dwelling's lock)."""
        super().clean()
        if self.dwelling_id is None or self.moved_in is None:
            return
        if self.moved_out is not None and self.moved_out < self.moved_in:
            return  # the constraint's own message says it
        other = (
            Occupancy.objects.filter(dwelling_id=self.dwelling_id)
            .exclude(pk=self.pk)
            .overlapping(self.moved_in, self.moved_out)
            .select_related("household")
            .order_by("moved_in")
            .first()
        )
        if other is not None:
            raise ValidationError(overlap_message(other))


def overlap_message(other: Occupancy) -> str:
    """ "The household X lived here from … to …": why a period is refused."""
    if other.moved_out is None:
        return _(
            "Ces dates chevauchent l'occupation du foyer %(household)s, en place depuis le "
            "%(moved_in)s."
        ) % {"household": other.household, "moved_in": formats.day(other.moved_in)}
    return _(
        "Ces dates chevauchent l'occupation du foyer %(household)s, du %(moved_in)s au "
        "%(moved_out)s."
    ) % {
        "household": other.household,
        "moved_in": formats.day(other.moved_in),
        "moved_out": formats.day(other.moved_out),
    }


class RegisterImport(models.Model):
    """A register file checked by a dry run, waiting for confirmation, then applied.

    While it waits, the register's columns of the file (and only those: a column such as a
    birth date is dropped before anything is stored) are kept so that the confirmation imports
    exactly what was previewed. Once applied or abandoned, the content is emptied: the row stays
    as the trace of who changed the register with which file, without the tenants' data.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente de confirmation")
        # A large file received whole, checked by a background job (neighborhoods/tasks.py):
        # then pending with its register columns only, or abandoned and emptied.
        CHECKING = "checking", _("En cours de vérification")
        APPLIED = "applied", _("Importé")
        ABANDONED = "abandoned", _("Abandonné")

    uploaded_by = models.ForeignKey(
        User, verbose_name=_("déposé par"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("déposé le"), default=timezone.now)
    filename = models.CharField(_("fichier"), max_length=255)
    content = models.BinaryField(_("contenu"))
    status = models.CharField(
        _("statut"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    rows = models.PositiveIntegerField(_("lignes"), default=0)
    created_count = models.PositiveIntegerField(_("logements ajoutés"), default=0)
    updated_count = models.PositiveIntegerField(_("logements mis à jour"), default=0)
    applied_at = models.DateTimeField(_("importé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("import du registre")
        verbose_name_plural = _("imports du registre")
        ordering = ["-uploaded_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    status__in=["pending", "checking", "abandoned"], applied_at__isnull=True
                )
                | Q(status="applied", applied_at__isnull=False),
                name="registerimport_applied_has_date",
                violation_error_message=_("Un import appliqué a une date d'import, et lui seul."),
            ),
            # The file's data is kept only while the import waits for its check or its
            # confirmation.
            models.CheckConstraint(
                condition=Q(status__in=["pending", "checking"]) | Q(content=b""),
                name="registerimport_content_only_pending",
                violation_error_message=_(
                    "Le contenu d'un fichier n'est gardé que tant que son import attend."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.filename} ({formats.moment(self.uploaded_at)})"
