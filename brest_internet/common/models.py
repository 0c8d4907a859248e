"""Abstract models every app shares (the kit imports none of the apps)."""

from django.db import models


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
