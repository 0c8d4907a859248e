"""Organisations and the people who log in: users, their roles, their accounts' history."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from brest_internet.common.models import AppendOnly


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

        from ..roles import GROUP_NAMES

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
