"""Organisations, users and roles; neighbourhoods, their housing register and their pipeline.

Every other app stands on this one: votes, subscriptions and support all point at a
neighbourhood, a dwelling or a household defined here.
"""

import unicodedata

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce, Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from brest_internet.common import clock, dates, formats
from brest_internet.common.models import AppendOnly

# Bounds of the figures people type (the columns hold more; SQLite would store anything).
_YEAR_MESSAGE = _("Indiquez une année entre 2000 et 2100.")
PLANNED_YEAR = [MinValueValidator(2000, _YEAR_MESSAGE), MaxValueValidator(2100, _YEAR_MESSAGE)]
# The largest neighbourhoods of the programme have a few thousand dwellings.
MAX_DWELLINGS = 100_000


class Organisation(models.Model):
    """An actor of the programme: the city, the landlord, a centre, an association…"""

    class Kind(models.TextChoices):
        CITY = "city", _("Ville")
        METROPOLIS = "metropolis", _("Métropole")
        LANDLORD = "landlord", _("Bailleur social")
        OPERATOR = "operator", _("Opérateur")
        CENTRE = "centre", _("Centre social / maison pour tous")
        TENANTS_ASSOCIATION = "tenants_association", _("Association de locataires")
        LOCAL_ASSOCIATION = "local_association", _("Association ou structure du quartier")

    name = models.CharField(_("nom"), max_length=200, unique=True)
    short_name = models.CharField(_("sigle"), max_length=40, blank=True)
    kind = models.CharField(_("type"), max_length=30, choices=Kind.choices, db_index=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self):
        return self.short_name or self.name


SYSTEM_USERNAME = "systeme"


class PeopleManager(UserManager):
    def system(self) -> "User":
        """The system actor: who acts for the demo, the commands and the periodic jobs.

        Services always receive the acting user; when no person acts, this one does, so that
        the history says "Système" rather than nobody. It has no role, no password and cannot
        log in (inactive); rules let it do what the programme's own runs do.
        """
        user, created = self.get_or_create(
            username=SYSTEM_USERNAME,
            defaults={"first_name": "Système", "last_name": "", "is_active": False},
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        return user


class User(AbstractUser):
    """A person who logs in: belongs to one organisation and has one role.

    The role decides what the person may do; the organisation decides on what (its scope):
    a centre's staff see the neighbourhoods their centre serves, an association its own requests.
    """

    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("Coordination du programme")
        LANDLORD = "landlord", _("Bailleur")
        CENTRE = "centre", _("Centre social")
        ASSOCIATION = "association", _("Association de locataires")

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices, blank=True)

    objects = PeopleManager()

    class Meta(AbstractUser.Meta):
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")
        constraints = [
            models.CheckConstraint(
                condition=Q(role="") | Q(organisation__isnull=False),
                name="user_with_role_has_organisation",
                violation_error_message=_(
                    "Une personne qui a un rôle appartient à une organisation."
                ),
            ),
            # The admin shows every row of every organisation: only the programme's
            # coordinators (and a superuser without a role, as `createsuperuser` makes one)
            # may hold the flags that open it.
            models.CheckConstraint(
                condition=Q(role__in=["", "coordinator"]) | Q(is_staff=False, is_superuser=False),
                name="user_admin_flags_only_for_coordinators",
                violation_error_message=_(
                    "Seules les personnes de la coordination du programme accèdent à "
                    "l'administration."
                ),
            ),
            # Invitations and password resets go to the address: two accounts sharing one
            # (whatever its case) would receive each other's links.
            models.UniqueConstraint(
                Lower("email"),
                condition=~Q(email=""),
                name="user_email_unique_ci",
                violation_error_message=_("Un compte utilise déjà cette adresse électronique."),
            ),
        ]

    @classmethod
    def from_db(cls, db, field_names, values):
        user = super().from_db(db, field_names, values)
        user._loaded_role = user.__dict__.get("role")  # None when the field was deferred
        return user

    def save(self, *args, **kwargs):
        """Changing the role resets the admin flags: staff exactly when coordinator.

        A landlord's, a centre's or an association's staff never hold them, whatever was
        ticked; a new coordinator gets the staff flag, a former one loses it.
        """
        flags = {
            name: value
            for name, value in self._admin_flags_for_role().items()
            if getattr(self, name) != value
        }
        if flags:
            for name, value in flags.items():
                setattr(self, name, value)
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, *flags}
        super().save(*args, **kwargs)
        self._loaded_role = self.__dict__.get("role")

    def _admin_flags_for_role(self):
        if "role" not in self.__dict__:
            return {}  # a deferred role was not changed
        loaded = getattr(self, "_loaded_role", None)
        changed = loaded is not None and self.role != loaded
        if self.role and self.role != self.Role.COORDINATOR:
            return {"is_staff": False, "is_superuser": False}
        if changed:
            return {"is_staff": self.role == self.Role.COORDINATOR}
        return {}

    @property
    def can_use_admin(self):
        """Only the coordination reaches the admin, whatever `is_staff` says."""
        if not (self.is_active and self.is_staff):
            return False
        return self.role == self.Role.COORDINATOR or (self.is_superuser and not self.role)

    @property
    def is_coordinator(self):
        return self.is_superuser or self.role == self.Role.COORDINATOR

    def sync_role_group(self):
        """Put the user in the group of its role, and in no other role group."""
        from django.contrib.auth.models import Group

        from .roles import GROUP_NAMES

        role_groups = Group.objects.filter(name__in=GROUP_NAMES.values())
        own = GROUP_NAMES.get(self.role)
        self.groups.remove(*role_groups.exclude(name=own))
        if own:
            self.groups.add(*role_groups.filter(name=own))

    @property
    def is_system(self) -> bool:
        """The system actor (`User.objects.system()`): the demo, a command, a periodic job."""
        return self.username == SYSTEM_USERNAME and not self.is_active

    def has_role(self, *roles):
        """True when the user holds one of `roles` (a superuser counts as a coordinator)."""
        if self.is_superuser:
            return self.Role.COORDINATOR in roles
        return self.role in roles


def normalise_name(name: str) -> str:
    """A name as compared: without accents, case or extra spaces ("Kérourien" = "KEROURIEN")."""
    decomposed = unicodedata.normalize("NFKD", name or "")
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


NAME_TAKEN_MESSAGE = _(
    "Le quartier « %(other)s » existe déjà : un nom qui n'en diffère que par les majuscules "
    "ou les accents désignerait le même quartier."
)


class AccountEvent(AppendOnly):
    """One line of an account's history: created (invited), invitation sent again, deactivated,
    reactivated, second factor reset.

    Written once by `neighborhoods.accounts.account_*`, never changed nor deleted.
    """

    class Kind(models.TextChoices):
        CREATED = "created", _("Compte créé, invitation envoyée")
        DEACTIVATED = "deactivated", _("Compte désactivé")
        REACTIVATED = "reactivated", _("Compte réactivé")
        INVITATION_RESENT = "invitation_resent", _("Invitation envoyée à nouveau")
        SECOND_FACTOR_RESET = "second_factor_reset", _("Double authentification réinitialisée")

    user = models.ForeignKey(
        User, verbose_name=_("compte"), on_delete=models.PROTECT, related_name="account_events"
    )
    kind = models.CharField(_("évènement"), max_length=20, choices=Kind.choices)
    at = models.DateTimeField(_("le"), default=timezone.now)
    by = models.ForeignKey(
        User,
        verbose_name=_("par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("évènement de compte")
        verbose_name_plural = _("évènements de comptes")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.user}"


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
        from .pipeline import meeting_problem

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
