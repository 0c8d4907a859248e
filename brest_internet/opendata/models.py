"""A publication of the open data, and what the national schema of the "lieux de médiation
numérique" needs to know of a neighbourhood centre that the rest of the app does not keep."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from brest_internet.common.models import AppendOnly
from neighborhoods.models import Organisation


class PublicationQuerySet(models.QuerySet):
    def latest_first(self):
        return self.order_by("-published_at", "-pk")


class Publication(AppendOnly):
    """One complete publication: its files stay in `directory` as they were published.

    Written once by `opendata_publish`, after every file is on disk; the public page shows the
    latest row, so a publication that failed half-way is never seen.
    """

    published_at = models.DateTimeField(_("publiée le"), default=timezone.now, db_index=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    directory = models.CharField(_("dossier"), max_length=100, unique=True)
    # SHA-256 of the data files and their schemas (not of datapackage.json, which carries the
    # date): the same figures give the same checksum, so publishing again changes nothing.
    checksum = models.CharField(_("empreinte SHA-256"), max_length=64)
    # [{"name", "path", "schema", "title", "description", "bytes", "rows"}] of each dataset.
    resources = models.JSONField(_("fichiers"), default=list)
    package_bytes = models.PositiveIntegerField(_("taille de datapackage.json"), default=0)

    objects = PublicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("publication de données ouvertes")
        verbose_name_plural = _("publications de données ouvertes")
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Exact(Length("checksum"), 64), name="opendata_checksum_is_sha256"
            ),
            models.CheckConstraint(
                condition=~Q(directory=""), name="opendata_publication_has_directory"
            ),
        ]

    def __str__(self):
        return str(timezone.localtime(self.published_at).strftime("%Y-%m-%d %H:%M"))

    def resource(self, filename: str) -> dict | None:
        """The resource whose CSV or schema is `filename`, else None."""
        for resource in self.resources:
            if filename in (resource["path"], resource["schema"]):
                return resource
        return None


class CentrePlace(models.Model):
    """Where a neighbourhood centre receives the public: the address and contacts that the
    national schema of the "lieux de médiation numérique" requires. A centre without one is
    left out of that dataset (its address is mandatory there)."""

    centre = models.OneToOneField(
        Organisation,
        verbose_name=_("centre"),
        on_delete=models.PROTECT,
        related_name="place",
        limit_choices_to={"kind": Organisation.Kind.CENTRE},
    )
    pivot = models.CharField(
        _("SIRET"),
        max_length=14,
        default="00000000000000",
        help_text=_("14 chiffres ; 00000000000000 si le SIRET n'est pas connu."),
    )
    address = models.CharField(_("adresse"), max_length=200)
    address_extra = models.CharField(_("complément d'adresse"), max_length=200, blank=True)
    postcode = models.CharField(_("code postal"), max_length=5)
    city = models.CharField(_("commune"), max_length=120, default="Brest")
    insee_code = models.CharField(_("code INSEE"), max_length=5, blank=True, default="29019")
    latitude = models.DecimalField(
        _("latitude"), max_digits=8, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    phone = models.CharField(_("téléphone"), max_length=20, blank=True)
    email = models.EmailField(_("courriel"), blank=True)
    website = models.URLField(_("site web"), blank=True)
    opening_hours = models.CharField(
        _("horaires"),
        max_length=300,
        blank=True,
        help_text=_("Au format OpenStreetMap, par exemple : Mo-Fr 09:00-12:00,14:00-18:00"),
    )
    updated_on = models.DateField(_("mis à jour le"), default=timezone.localdate)

    class Meta:
        verbose_name = _("lieu d'accueil d'un centre")
        verbose_name_plural = _("lieux d'accueil des centres")
        ordering = ["centre__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(postcode__regex=r"^[0-9]{5}$"), name="opendata_place_postcode_5_digits"
            ),
            models.CheckConstraint(
                condition=Q(pivot__regex=r"^[0-9]{14}$"), name="opendata_place_pivot_14_digits"
            ),
        ]

    def __str__(self):
        return str(self.centre)
