"""The partners' tokens and the log of every call made with the API.

A token belongs to one partner organisation (landlord, operator, city). Only its SHA-256 is
kept, with a short prefix to recognise it; the secret is shown once, when it is made. A token is
revoked, never deleted: the log of the calls made with it keeps pointing at it.

Authorship: what a partner's system changes through the API is recorded by the same services as
the pages, with a `User` as the acting person. Each partner organisation has one service account
for that (`services.service_account_for`): it belongs to the organisation, has no role (the
constraint on users allows a role-less account with an organisation; without a role it has no
page and no scope), is inactive and has no usable password. The subscription's history then
names "Numericable-API" as the author of an activation, not a coordinator nor nobody.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from brest_internet.common.models import AppendOnly
from neighborhoods.models import Organisation, User

# The organisations whose systems talk to the API, and what each may do (see views.py).
PARTNER_KINDS = (
    Organisation.Kind.LANDLORD,
    Organisation.Kind.OPERATOR,
    Organisation.Kind.CITY,
)


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """One partner organisation's key to the API (at most one in force at a time)."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="api_tokens",
        limit_choices_to={"kind__in": PARTNER_KINDS},
    )
    # The service account that stands for the organisation in the history of what its system
    # changes through the API (see services.service_account_for).
    account = models.ForeignKey(
        User,
        verbose_name=_("compte de service"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    prefix = models.CharField(_("début du jeton"), max_length=16, unique=True)
    digest = models.CharField(_("empreinte SHA-256"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    created_by = models.ForeignKey(
        User,
        verbose_name=_("créé par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    last_used_at = models.DateTimeField(_("dernière utilisation"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        User,
        verbose_name=_("révoqué par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("jeton d'API")
        verbose_name_plural = _("jetons d'API")
        ordering = ["organisation__name", "-created_at"]
        constraints = [
            # One token per partner: a new one is made after the old one is revoked.
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(revoked_at__isnull=True),
                name="apitoken_one_active_per_organisation",
                violation_error_message=_(
                    "Cette organisation a déjà un jeton en vigueur : révoquez-le d'abord."
                ),
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(revoked_at__gte=models.F("created_at")),
                name="apitoken_revoked_after_creation",
                violation_error_message=_("Un jeton ne peut être révoqué avant sa création."),
            ),
        ]

    def __str__(self):
        return f"{self.organisation} – {self.prefix}…"

    @property
    def is_active(self):
        return self.revoked_at is None


class ApiCall(AppendOnly):
    """One call to the API: which token (so which organisation), what, when, with what outcome.

    Never the query string, the body nor the path's values: the route's name says what was
    asked, not about whom. Kept API_CALL_RETENTION_MONTHS (see `purge_api_calls`).
    """

    token = models.ForeignKey(
        ApiToken,
        verbose_name=_("jeton"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="calls",
        help_text=_("Vide : appel sans jeton valide."),
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    method = models.CharField(_("méthode"), max_length=10)
    route = models.CharField(_("route"), max_length=200)
    status = models.PositiveSmallIntegerField(_("statut HTTP"))
    at = models.DateTimeField(_("le"), default=timezone.now, db_index=True)
    duration_ms = models.PositiveIntegerField(_("durée (ms)"), default=0)

    class Meta:
        verbose_name = _("appel à l'API")
        verbose_name_plural = _("appels à l'API")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.method} {self.route} {self.status}"
