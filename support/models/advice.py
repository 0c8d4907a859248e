"""Legal advice: a household's question about an operator contract, answered by a tenants'
association."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from neighborhoods.models import Household, Neighbourhood, Organisation, User


class AdviceRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Coordinators: all; an association: its own; a centre: those of its neighbourhoods."""
        if not user.is_authenticated:
            return self.none()
        if user.is_coordinator:
            return self
        if user.has_role(User.Role.ASSOCIATION):
            return self.filter(association_id=user.organisation_id)
        if user.has_role(User.Role.CENTRE):
            return self.filter(neighbourhood__centre_id=user.organisation_id)
        return self.none()


class AdviceRequest(models.Model):
    """A question about an operator contract, assigned to a tenants' association."""

    class Topic(models.TextChoices):
        CHANGE = "change", _("Modification du contrat")
        CANCELLATION = "cancellation", _("Résiliation")
        UNDERSTANDING = "understanding", _("Compréhension d'une offre")
        OTHER = "other", _("Autre question")

    class Status(models.TextChoices):
        OPEN = "open", _("En attente de réponse")
        ANSWERED = "answered", _("Répondue")
        CANCELLED = "cancelled", _("Annulée")

    household = models.ForeignKey(
        Household, verbose_name=_("foyer"), on_delete=models.PROTECT, related_name="advice_requests"
    )
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        verbose_name=_("quartier"),
        on_delete=models.PROTECT,
        related_name="advice_requests",
    )
    association = models.ForeignKey(
        Organisation,
        verbose_name=_("association de locataires"),
        on_delete=models.PROTECT,
        related_name="advice_requests",
        limit_choices_to={"kind": Organisation.Kind.TENANTS_ASSOCIATION},
    )
    topic = models.CharField(_("objet"), max_length=20, choices=Topic.choices)
    question = models.TextField(_("question"))
    status = models.CharField(_("statut"), max_length=20, choices=Status.choices, default="open")
    requested_on = models.DateField(_("demandée le"), default=timezone.localdate)
    answer = models.TextField(_("réponse"), blank=True)
    answered_at = models.DateTimeField(_("répondue le"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("répondue par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saisie par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()
    objects = AdviceRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("demande de conseil juridique")
        verbose_name_plural = _("demandes de conseil juridique")
        ordering = ["-requested_on", "-id"]
        indexes = [models.Index(fields=["association", "status"], name="advice_assoc_status")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="answered") | (~Q(answer="") & Q(answered_at__isnull=False)),
                name="advice_answered_has_answer",
                violation_error_message=_("Une demande répondue porte sa réponse et sa date."),
            ),
        ]

    def __str__(self):
        return f"{self.get_topic_display()} – {self.household}"

    def get_absolute_url(self):
        return reverse("support:advice_detail", kwargs={"pk": self.pk})
