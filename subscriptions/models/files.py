"""Files as they left the app, kept byte for byte."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from brest_internet.common.models import AppendOnly
from neighborhoods.models import User


class SentFile(AppendOnly):
    """A file as it left the app, kept byte for byte (gzip-compressed) with its SHA-256.

    Downloading it again gives the same bytes, whatever changed since in the data it was
    written from: what was sent stays as sent.
    """

    content = models.BinaryField(_("fichier (compressé)"))
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("taille (octets)"))
    rows = models.PositiveIntegerField(_("lignes"))
    created_at = models.DateTimeField(_("exporté le"), default=timezone.now)
    created_by = models.ForeignKey(
        User,
        verbose_name=_("exporté par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        abstract = True
