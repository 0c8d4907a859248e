"""Programme-level records: the neighbourhood reviews ("bilans").

A review is written by the coordination for one neighbourhood and one period. Its figures
(vote, subscriptions, support, charges) are the apps' own, composed by
`brest_internet.programme.dashboard.stats`; only the coordinator's own texts are stored here.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Max, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from neighborhoods.models import Neighbourhood


class ReviewQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Reviews of the neighbourhoods `user` may see (partners read the reviews, too)."""
        return self.filter(neighbourhood__in=Neighbourhood.objects.visible_to(user))


def with_last_review_end(neighbourhoods):
    """Annotate `last_review_end`, the end of the period of the last review written for each
    neighbourhood (None before any), in SQL: the next review's period starts the day after.

    Whether a review is due is not decided here: the one rule is the neighbourhoods'
    (`Neighbourhood.objects.with_review_due`, from the last review meeting held).
    """
    last_end = (
        Review.objects.filter(neighbourhood=OuterRef("pk"))
        .order_by()
        .values("neighbourhood")
        .annotate(last=Max("period_end"))
        .values("last")
    )
    return neighbourhoods.annotate(
        last_review_end=Subquery(last_end, output_field=models.DateField())
    )


class Review(models.Model):
    """The review ("bilan") of one neighbourhood over a period, with the coordinator's texts."""

    neighbourhood = models.ForeignKey(
        Neighbourhood, verbose_name=_("quartier"), on_delete=models.PROTECT, related_name="reviews"
    )
    period_start = models.DateField(_("début de la période"))
    period_end = models.DateField(_("fin de la période"))
    findings = models.TextField(
        _("constats"),
        help_text=_("Ce que montrent les chiffres et ce qu'en disent les partenaires."),
    )
    next_steps = models.TextField(
        _("suites à donner"), help_text=_("Les actions décidées pour la période suivante.")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rédigé par"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("rédigé le"), default=timezone.now)

    history = HistoricalRecords()
    objects = ReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("bilan de quartier")
        verbose_name_plural = _("bilans de quartier")
        ordering = ["-period_end", "-id"]
        indexes = [models.Index(fields=["neighbourhood", "period_end"], name="review_nbh_end")]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="review_period_ends_after_start",
                violation_error_message=_("La fin de la période ne peut précéder son début."),
            ),
            models.UniqueConstraint(
                fields=["neighbourhood", "period_start", "period_end"],
                name="review_one_per_period",
                violation_error_message=_(
                    "Ce quartier a déjà un bilan pour cette période : modifiez-le plutôt."
                ),
            ),
        ]

    def __str__(self):
        return _("Bilan %(nbh)s, du %(start)s au %(end)s") % {
            "nbh": self.neighbourhood.name,
            "start": date_format(self.period_start, "SHORT_DATE_FORMAT"),
            "end": date_format(self.period_end, "SHORT_DATE_FORMAT"),
        }

    def get_absolute_url(self):
        return reverse("dashboard:review_detail", kwargs={"pk": self.pk})
