"""Cancellation, once: who cancelled, when and why, on records called off and never deleted.

A vote, a workshop session, a sign-up, an order, a home-help visit or a subscription is not
deleted when it is called off: it stays, marked cancelled, with its history. Each model inherits
`Cancellable` and keeps the kit's check in its own constraints:

    class Meta:
        constraints = [*Cancellable.Meta.constraints, ...]

(a model's own `Meta.constraints` replaces its abstract parent's otherwise). The constraint's name
takes the model's app label and class name, so that every table gets its own.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .errors import Refusal


class CancellableQuerySet(models.QuerySet):
    def live(self):
        """The records not cancelled."""
        return self.filter(cancelled_at__isnull=True)

    def cancelled(self):
        return self.filter(cancelled_at__isnull=False)


class Cancellable(models.Model):
    cancelled_at = models.DateTimeField(_("annulation le"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("annulation par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    cancel_reason = models.TextField(_("motif de l'annulation"), blank=True)

    class Meta:
        abstract = True
        constraints = [
            # Who and why belong to a cancellation: a live record carries neither.
            models.CheckConstraint(
                condition=Q(cancelled_at__isnull=False)
                | Q(cancelled_by__isnull=True, cancel_reason=""),
                name="%(app_label)s_%(class)s_cancel_who_why_only_when_cancelled",
                violation_error_message=_(
                    "Qui a annulé et pourquoi ne s'inscrivent qu'avec la date de l'annulation."
                ),
            ),
        ]

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    def mark_cancelled(self, *, by, reason: str = "", at=None) -> None:
        """Set who, when and why (the caller saves, inside its own transaction).

        Refused when the record is already cancelled: a cancellation is never overwritten.
        """
        if self.is_cancelled:
            raise Refusal(_("Déjà annulé : l'annulation ne se modifie plus."))
        self.cancelled_at = at or timezone.now()
        self.cancelled_by = by if getattr(by, "pk", None) else None
        self.cancel_reason = (reason or "").strip()

    def cancellation_fields(self) -> list[str]:
        """The fields `mark_cancelled` sets, for `save(update_fields=…)`."""
        return ["cancelled_at", "cancelled_by", "cancel_reason"]
