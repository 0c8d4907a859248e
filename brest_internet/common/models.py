"""Abstract models every app shares, and the kit's one table (the kit imports none of the apps)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class AppendOnly(models.Model):
    """Rows that record money or facts: written once, never updated nor deleted.

    Corrections travel as new rows (an adjustment, a date correction, a recount), so that what
    was recorded, exported or certified stays as it was.
    """

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError(f"{type(self).__name__} rows are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError(f"{type(self).__name__} rows are append-only.")


class FiguresVersion(models.Model):
    """One row: a number that grows after every transaction that wrote the programme's data.

    Pages that sum the programme keep their figures for a version and compute them again for
    the next one (`brest_internet.common.figures_cache`); written only by that module, after
    the commit.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    number = models.BigIntegerField(_("version"), default=0)

    class Meta:
        verbose_name = _("version des chiffres")
        verbose_name_plural = _("versions des chiffres")
        constraints = [models.CheckConstraint(condition=Q(id=1), name="figuresversion_one_row")]

    def __str__(self):
        return str(self.number)
