"""The meetings of a neighbourhood's pipeline, and the dates corrected on its history."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from brest_internet.common import formats
from brest_internet.common.models import AppendOnly

from .neighbourhoods import Neighbourhood, StageChange
from .people import Organisation, User


class Meeting(models.Model):
    """A meeting or event of a neighbourhood's pipeline, with who came and what was decided."""

    class Kind(models.TextChoices):
        ELECTED = "elected", _("Rencontre des élus de quartier")
        PARTNERS = "partners", _("Rencontre des partenaires")
        PUBLIC = "public", _("Réunion publique")
        LAUNCH = "launch", _("Demi-journée de lancement")
        REVIEW = "review", _("Bilan")

    class Decision(models.TextChoices):
        NONE = "", _("Sans objet")
        PENDING = "pending", _("En attente")
        VALIDATED = "validated", _("Projet validé")
        DECLINED = "declined", _("Projet refusé")

    neighbourhood = models.ForeignKey(
        Neighbourhood, verbose_name=_("quartier"), on_delete=models.PROTECT, related_name="meetings"
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    held_on = models.DateField(_("date"))
    starts_at = models.TimeField(_("heure de début"), null=True, blank=True)
    ends_at = models.TimeField(_("heure de fin"), null=True, blank=True)
    place = models.CharField(_("lieu"), max_length=200, blank=True)
    organisations = models.ManyToManyField(
        Organisation, verbose_name=_("organisations présentes"), blank=True, related_name="meetings"
    )
    decision = models.CharField(
        _("décision"), max_length=20, choices=Decision.choices, blank=True, default=""
    )
    minutes = models.TextField(_("compte rendu"), blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("réunion")
        verbose_name_plural = _("réunions")
        ordering = ["held_on", "starts_at", "id"]
        indexes = [
            models.Index(fields=["neighbourhood", "kind", "held_on"], name="meeting_nbh_kind")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision="") | Q(kind="partners"),
                name="meeting_only_partners_decide",
                violation_error_message=_(
                    "Seule une rencontre des partenaires porte une décision."
                ),
            ),
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True)
                | Q(ends_at__isnull=True)
                | Q(ends_at__gt=models.F("starts_at")),
                name="meeting_ends_after_start",
                violation_error_message=_("La fin doit suivre le début."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.neighbourhood} ({formats.day(self.held_on)})"

    def clean(self):
        """Refuse a meeting that no longer justifies a stage recorded on its strength (the
        page's form and the admin call this; the date correction checks it under a lock)."""
        super().clean()
        if self.neighbourhood_id is None or self.held_on is None or not self.kind:
            return
        from ..pipeline import meeting_problem

        problem = meeting_problem(self)
        if problem:
            raise ValidationError(problem)


class DateCorrection(AppendOnly):
    """Append-only record of a date corrected on a stage of the pipeline or on a meeting:
    the date before, the date after, who, when and why (the neighbourhood's history shows it).

    Written only by `pipeline.stage_date_correct` and `pipeline.meeting_date_correct`.
    """

    neighbourhood = models.ForeignKey(
        Neighbourhood,
        verbose_name=_("quartier"),
        on_delete=models.PROTECT,
        related_name="date_corrections",
    )
    stage_change = models.ForeignKey(
        StageChange,
        verbose_name=_("étape"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="date_corrections",
    )
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("réunion"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="date_corrections",
    )
    old_date = models.DateField(_("date corrigée"))
    new_date = models.DateField(_("nouvelle date"))
    reason = models.TextField(_("motif"))
    recorded_at = models.DateTimeField(_("enregistré le"), default=timezone.now)
    recorded_by = models.ForeignKey(
        User,
        verbose_name=_("par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("correction de date")
        verbose_name_plural = _("corrections de date")
        ordering = ["neighbourhood", "recorded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(stage_change__isnull=False, meeting__isnull=True)
                | Q(stage_change__isnull=True, meeting__isnull=False),
                name="datecorrection_of_a_stage_or_a_meeting",
                violation_error_message=_(
                    "Une correction porte sur une étape ou sur une réunion, pas les deux."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="datecorrection_has_reason",
                violation_error_message=_("Une correction de date doit être motivée."),
            ),
            models.CheckConstraint(
                condition=~Q(new_date=models.F("old_date")),
                name="datecorrection_changes_the_date",
                violation_error_message=_("La nouvelle date est celle déjà enregistrée."),
            ),
        ]

    def __str__(self):
        return f"{self.neighbourhood}: {formats.day(self.old_date)} → {formats.day(self.new_date)}"
