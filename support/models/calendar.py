"""The centres' calendar feeds (see `support.calendar` for the files themselves)."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from neighborhoods.models import Organisation


def new_calendar_token() -> str:
    """A random, unguessable value (256 bits) for a centre's calendar feed URL."""
    return secrets.token_urlsafe(32)


class CentreCalendar(models.Model):
    """A centre's calendar feed: the secret of its URL, and the contact printed in its files.

    A calendar app subscribes without a session cookie, so the URL itself is the key. The value
    is kept as is (not hashed) so that the centre's staff can read the address again on its
    page: the feed holds no personal data of households (titles, places, counts), and a leaked
    address is closed by drawing a new one. Who drew it and when is in the history; the
    token itself is not.
    """

    centre = models.OneToOneField(
        Organisation,
        verbose_name=_("centre"),
        on_delete=models.PROTECT,
        related_name="calendar",
        limit_choices_to={"kind": Organisation.Kind.CENTRE},
    )
    token = models.CharField(_("jeton"), max_length=64, unique=True, default=new_calendar_token)
    token_set_at = models.DateTimeField(_("lien créé le"), default=timezone.now)
    token_set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lien créé par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    contact = models.CharField(
        _("contact pour les foyers"),
        max_length=150,
        blank=True,
        help_text=_(
            "Le téléphone ou l'adresse électronique de l'accueil du centre, imprimé dans les "
            "fichiers d'agenda que reçoivent les foyers (pas celui d'une personne)."
        ),
    )

    history = HistoricalRecords(excluded_fields=["token"])

    class Meta:
        verbose_name = _("agenda d'un centre")
        verbose_name_plural = _("agendas des centres")
        constraints = [
            models.CheckConstraint(
                condition=Q(token__regex=r"^[A-Za-z0-9_-]{32,64}$"),  # noqa: S106 (a pattern)
                name="calendar_token_is_long_and_random",
                violation_error_message=_("Le jeton de l'agenda est trop court."),
            ),
        ]

    def __str__(self):
        return str(self.centre)
