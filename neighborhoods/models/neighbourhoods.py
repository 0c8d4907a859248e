"""Neighbourhoods and their sectors, and the history of their pipeline (stage changes)."""

import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from brest_internet.common import clock, dates
from brest_internet.common.models import AppendOnly

from .people import Organisation, User

# Bounds of the figures people type (the columns hold more; SQLite would store anything).
_YEAR_MESSAGE = _("Indiquez une année entre 2000 et 2100.")
PLANNED_YEAR = [MinValueValidator(2000, _YEAR_MESSAGE), MaxValueValidator(2100, _YEAR_MESSAGE)]
# The largest neighbourhoods of the programme have a few thousand dwellings.
MAX_DWELLINGS = 100_000


def normalise_name(name: str) -> str:
    """A name as compared: without accents, case or extra spaces ("Kérourien" = "KEROURIEN")."""
    decomposed = unicodedata.normalize("NFKD", name or "")
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


NAME_TAKEN_MESSAGE = _(
    "Le quartier « %(other)s » existe déjà : un nom qui n'en diffère que par les majuscules "
    "ou les accents désignerait le même quartier."
)


class NeighbourhoodQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The neighbourhoods `user` may see: all for coordinators, its own for the others."""
        if not user.is_authenticated:
            return self.none()
        if user.is_coordinator:
            return self
        org = user.organisation_id
        if user.role == User.Role.LANDLORD:
            return self.filter(landlord_id=org)
        if user.role == User.Role.CENTRE:
            return self.filter(centre_id=org)
        if user.role == User.Role.ASSOCIATION:
            return self.filter(associations__id=org).distinct()
        return self.none()

    def with_dwelling_counts(self):
        """Annotate `dwelling_count` with a subquery (no join that would multiply rows)."""
        from .housing import Dwelling

        counts = (
            Dwelling.objects.filter(neighbourhood=models.OuterRef("pk"))
            .order_by()
            .values("neighbourhood")
            .annotate(n=models.Count("pk"))
            .values("n")
        )
        return self.annotate(
            dwelling_count=Coalesce(models.Subquery(counts, output_field=models.IntegerField()), 0)
        )

    def with_review_due(self, today=None):
        """Annotate `last_review_on` (the last review meeting held) and `review_due`, in SQL.

        The one rule of the programme: a running service is due for its review
        settings.REVIEW_DUE_MONTHS months after its last review meeting, or after its launch
        before any review; `Neighbourhood.review_due_on()` gives that date for one of them.
        """
        from django.conf import settings

        from .meetings import Meeting

        today = today or clock.today()
        latest = dates.latest_start(today, settings.REVIEW_DUE_MONTHS)
        last_review = (
            Meeting.objects.filter(neighbourhood=models.OuterRef("pk"), kind=Meeting.Kind.REVIEW)
            .order_by()
            .values("neighbourhood")
            .annotate(last=models.Max("held_on"))
            .values("last")
        )
        running = Q(stage=Neighbourhood.Stage.RUNNING)
        return self.annotate(
            last_review_on=models.Subquery(last_review, output_field=models.DateField())
        ).annotate(
            review_due=models.Case(
                models.When(
                    running & Q(last_review_on__lte=latest)
                    | running & Q(last_review_on__isnull=True, launched_on__lte=latest),
                    then=models.Value(True),
                ),
                default=models.Value(False),
                output_field=models.BooleanField(),
            )
        )

    def running_on(self, day):
        """Neighbourhoods whose collective service runs on `day` (launched, not yet ended)."""
        return self.filter(launched_on__lte=day).filter(
            Q(service_ended_on__isnull=True) | Q(service_ended_on__gt=day)
        )


class Neighbourhood(models.Model):
    """A social-housing neighbourhood and where it stands in the programme's pipeline.

    The stage is written only by the transition functions of `neighborhoods.pipeline`.
    """

    class Stage(models.TextChoices):
        CANDIDATE = "candidate", _("Candidat")
        PARTNERS = "partners", _("Rencontre des partenaires")
        INFORMATION = "information", _("Information et réunion publique")
        VOTE = "vote", _("Vote des locataires")
        LAUNCH = "launch", _("Lancement")
        RUNNING = "running", _("En service")
        DECLINED = "declined", _("Refusé par les partenaires")
        REJECTED = "rejected", _("Rejeté par le vote")
        ABANDONED = "abandoned", _("Abandonné")
        ENDED = "ended", _("Service arrêté")

    STOPS = (Stage.DECLINED, Stage.REJECTED, Stage.ABANDONED, Stage.ENDED)

    name = models.CharField(_("nom"), max_length=120, unique=True)
    # The name without case or accents, written by save(): its unique constraint refuses
    # "KEROURIEN" or "Kerourièn" beside "Kerourien" (SQLite has no unaccent for an index).
    name_key = models.CharField(_("nom normalisé"), max_length=120, editable=False, default="")
    slug = models.SlugField(_("identifiant"), max_length=120, unique=True)
    city = models.CharField(_("commune"), max_length=120, default="Brest")
    landlord = models.ForeignKey(
        Organisation,
        verbose_name=_("bailleur"),
        on_delete=models.PROTECT,
        related_name="owned_neighbourhoods",
        limit_choices_to={"kind": Organisation.Kind.LANDLORD},
    )
    centre = models.ForeignKey(
        Organisation,
        verbose_name=_("centre qui porte l'accompagnement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="served_neighbourhoods",
        limit_choices_to={"kind": Organisation.Kind.CENTRE},
    )
    partners = models.ManyToManyField(
        Organisation,
        verbose_name=_("partenaires locaux"),
        blank=True,
        related_name="partner_neighbourhoods",
        limit_choices_to={"kind": Organisation.Kind.LOCAL_ASSOCIATION},
    )
    associations = models.ManyToManyField(
        Organisation,
        verbose_name=_("associations de locataires"),
        blank=True,
        related_name="association_neighbourhoods",
        limit_choices_to={"kind": Organisation.Kind.TENANTS_ASSOCIATION},
    )
    stage = models.CharField(
        _("étape"), max_length=20, choices=Stage.choices, default=Stage.CANDIDATE, db_index=True
    )
    planned_year = models.PositiveSmallIntegerField(
        _("année prévue"), null=True, blank=True, db_index=True, validators=PLANNED_YEAR
    )
    planned_vote_on = models.DateField(_("vote prévu le"), null=True, blank=True)
    planned_launch_on = models.DateField(_("lancement prévu le"), null=True, blank=True)
    launched_on = models.DateField(_("service lancé le"), null=True, blank=True)
    service_ended_on = models.DateField(_("service arrêté le"), null=True, blank=True)
    expected_dwellings = models.PositiveIntegerField(
        _("logements annoncés"),
        default=0,
        validators=[MaxValueValidator(MAX_DWELLINGS)],
        help_text=_("Nombre de logements annoncé par le bailleur, avant l'import du registre."),
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    history = HistoricalRecords()
    objects = NeighbourhoodQuerySet.as_manager()

    class Meta:
        verbose_name = _("quartier")
        verbose_name_plural = _("quartiers")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(service_ended_on__isnull=True)
                | Q(launched_on__isnull=False, service_ended_on__gt=models.F("launched_on")),
                name="neighbourhood_service_ends_after_launch",
                violation_error_message=_("Le service ne peut s'arrêter qu'après son lancement."),
            ),
            models.UniqueConstraint(
                fields=["name_key"],
                name="neighbourhood_unique_name_key",
                violation_error_message=_(
                    "Un quartier porte déjà ce nom, aux majuscules ou aux accents près."
                ),
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = normalise_name(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_key"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("neighborhoods:detail", kwargs={"slug": self.slug})

    def review_due_on(self):
        """The day the next review is due (the rule of `with_review_due`), or None before the
        launch. Reads the annotation when the queryset made it, else one query."""
        from django.conf import settings

        from .meetings import Meeting

        if "last_review_on" in self.__dict__:
            last = self.last_review_on
        else:
            last = self.meetings.filter(kind=Meeting.Kind.REVIEW).aggregate(
                last=models.Max("held_on")
            )["last"]
        start = last or self.launched_on
        if start is None:
            return None
        return dates.months_after(start, settings.REVIEW_DUE_MONTHS)

    def clean(self):
        """Refuse a name that differs from another neighbourhood's only by case or accents
        (the forms and the admin call this; the constraint is the last guard)."""
        super().clean()
        if not self.name:
            return
        other = (
            Neighbourhood.objects.filter(name_key=normalise_name(self.name))
            .exclude(pk=self.pk)
            .values_list("name", flat=True)
            .first()
        )
        if other is not None:
            raise ValidationError({"name": NAME_TAKEN_MESSAGE % {"other": other}})

    @property
    def is_stopped(self):
        return self.stage in self.STOPS


class Sector(models.Model):
    """A part of a neighbourhood (Bellevue: Bergot, Quizac, Kerhallet), proposed on its own."""

    neighbourhood = models.ForeignKey(
        Neighbourhood, verbose_name=_("quartier"), on_delete=models.CASCADE, related_name="sectors"
    )
    name = models.CharField(_("nom"), max_length=120)
    expected_dwellings = models.PositiveIntegerField(
        _("logements annoncés"), default=0, validators=[MaxValueValidator(MAX_DWELLINGS)]
    )
    planned_year = models.PositiveSmallIntegerField(
        _("année prévue"), null=True, blank=True, validators=PLANNED_YEAR
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("secteur")
        verbose_name_plural = _("secteurs")
        ordering = ["neighbourhood", "name"]
        constraints = [
            models.UniqueConstraint(fields=["neighbourhood", "name"], name="sector_unique_name")
        ]

    def __str__(self):
        return f"{self.neighbourhood} – {self.name}"


class StageChange(AppendOnly):
    """Append-only history of a neighbourhood's pipeline: who moved it, when, from, to, why."""

    neighbourhood = models.ForeignKey(
        Neighbourhood,
        verbose_name=_("quartier"),
        on_delete=models.PROTECT,
        related_name="stage_changes",
    )
    from_stage = models.CharField(
        _("de l'étape"), max_length=20, choices=Neighbourhood.Stage.choices, blank=True
    )
    to_stage = models.CharField(
        _("vers l'étape"), max_length=20, choices=Neighbourhood.Stage.choices
    )
    happened_on = models.DateField(_("date"))
    recorded_at = models.DateTimeField(_("enregistré le"), default=timezone.now)
    recorded_by = models.ForeignKey(
        User,
        verbose_name=_("par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("changement d'étape")
        verbose_name_plural = _("changements d'étape")
        ordering = ["neighbourhood", "recorded_at", "id"]
        indexes = [models.Index(fields=["neighbourhood", "recorded_at"], name="stagechange_nbh_at")]

    def __str__(self):
        return f"{self.neighbourhood}: {self.from_stage} → {self.to_stage}"
