"""Contacts, consents and the notices sent to households by e-mail and SMS.

A household's contact (`Contact`) holds its current state per channel: the address or number
and whether it consents; every change of consent is an append-only `ConsentEvent` (given when,
by whom, withdrawn when). A `Notice` is one thing to tell a household (a sign-up confirmed, a
visit planned…); it has one `Delivery` per channel it goes out on, with its state, attempts
and the provider's id. "Each notice goes once per channel" is a unique constraint.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from brest_internet.common.models import AppendOnly
from neighborhoods.models import Household, Organisation


class Channel(models.TextChoices):
    EMAIL = "email", _("Courriel")
    SMS = "sms", _("SMS")


class Language(models.TextChoices):
    FR = "fr", _("Français")
    EN = "en", _("English")


class ContactQuerySet(models.QuerySet):
    def consenting(self, channel):
        """Contacts that may be written to on `channel` now."""
        if channel == Channel.EMAIL:
            return self.filter(email_consent=True).exclude(email="")
        return self.filter(sms_consent=True).exclude(phone="")


class Contact(models.Model):
    """How a household may be told things: its address, number, consents and language.

    Written only by `notices.services` (each change of consent with its `ConsentEvent`).
    """

    household = models.OneToOneField(
        Household, verbose_name=_("foyer"), on_delete=models.PROTECT, related_name="contact"
    )
    language = models.CharField(
        _("langue des avis"), max_length=2, choices=Language.choices, default=Language.FR
    )
    email = models.EmailField(_("courriel"), blank=True)
    email_consent = models.BooleanField(_("accepte les courriels"), default=False)
    phone = models.CharField(_("numéro de portable"), max_length=20, blank=True)
    sms_consent = models.BooleanField(_("accepte les SMS"), default=False)
    updated_at = models.DateTimeField(_("mis à jour le"), default=timezone.now)

    objects = ContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact d'un foyer")
        verbose_name_plural = _("contacts des foyers")
        constraints = [
            models.CheckConstraint(
                condition=Q(email_consent=False) | ~Q(email=""),
                name="contact_email_consent_has_address",
                violation_error_message=_("Un accord pour les courriels demande une adresse."),
            ),
            models.CheckConstraint(
                condition=Q(sms_consent=False) | ~Q(phone=""),
                name="contact_sms_consent_has_number",
                violation_error_message=_("Un accord pour les SMS demande un numéro."),
            ),
        ]

    def __str__(self):
        return str(self.household)

    def address(self, channel):
        return self.email if channel == Channel.EMAIL else self.phone

    def consents(self, channel):
        if channel == Channel.EMAIL:
            return self.email_consent and bool(self.email)
        return self.sms_consent and bool(self.phone)


class ConsentEvent(AppendOnly):
    """One consent given or withdrawn, on one channel, by whom and how: never changed."""

    class Kind(models.TextChoices):
        GIVEN = "given", _("Accord donné")
        WITHDRAWN = "withdrawn", _("Accord retiré")

    class Source(models.TextChoices):
        DESK = "desk", _("à l'accueil")
        HALF_DAY = "half_day", _("à une demi-journée de lancement")
        HOUSEHOLD = "household", _("par le foyer lui-même")

    household = models.ForeignKey(
        Household, verbose_name=_("foyer"), on_delete=models.PROTECT, related_name="consent_events"
    )
    channel = models.CharField(_("canal"), max_length=10, choices=Channel.choices)
    kind = models.CharField(_("évènement"), max_length=10, choices=Kind.choices)
    address = models.CharField(_("adresse ou numéro"), max_length=254, blank=True)
    source = models.CharField(_("recueilli"), max_length=10, choices=Source.choices)
    at = models.DateTimeField(_("le"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("accord d'un foyer")
        verbose_name_plural = _("accords des foyers")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["household", "channel", "at"], name="consent_hh_ch_at")]

    def __str__(self):
        return f"{self.household} – {self.get_channel_display()} – {self.get_kind_display()}"


class OrganisationContact(models.Model):
    """Who to call, as the notices say it: a centre's or an association's phone and address."""

    organisation = models.OneToOneField(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="notice_contact",
    )
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    email = models.EmailField(_("courriel"), blank=True)

    class Meta:
        verbose_name = _("coordonnées d'une organisation")
        verbose_name_plural = _("coordonnées des organisations")

    def __str__(self):
        return str(self.organisation)


class Notice(models.Model):
    """One thing to tell one household, about one record (a sign-up, a visit, an order…)."""

    class Kind(models.TextChoices):
        SIGN_UP_CONFIRMED = "signup_confirmed", _("Inscription à un atelier confirmée")
        WORKSHOP_REMINDER = "workshop_reminder", _("Rappel d'atelier (deux jours avant)")
        PROMOTED = "promoted", _("Place obtenue depuis la liste d'attente")
        SESSION_MOVED = "session_moved", _("Séance déplacée")
        SESSION_CANCELLED = "session_cancelled", _("Séance annulée")
        VISIT_PLANNED = "visit_planned", _("Visite à domicile planifiée")
        VISIT_MOVED = "visit_moved", _("Visite à domicile déplacée")
        VISIT_TOMORROW = "visit_tomorrow", _("Visite à domicile demain")
        ADVICE_ANSWERED = "advice_answered", _("Réponse à une demande de conseil juridique")
        COMPUTER_READY = "computer_ready", _("Ordinateur payé, à retirer")
        VOTE_COMING = "vote_coming", _("Vote à venir")

    kind = models.CharField(_("avis"), max_length=20, choices=Kind.choices)
    household = models.ForeignKey(
        Household, verbose_name=_("foyer"), on_delete=models.PROTECT, related_name="notices"
    )
    about_type = models.ForeignKey(
        ContentType, verbose_name=_("à propos de"), on_delete=models.PROTECT, related_name="+"
    )
    about_id = models.PositiveBigIntegerField(_("identifiant"))
    about = GenericForeignKey("about_type", "about_id")
    # Which occasion of the same record: a session moved twice is told twice (two dates).
    occasion = models.CharField(_("occasion"), max_length=60, blank=True, default="")
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    # A notice arriving at or after this moment is pointless (the session has begun).
    expires_at = models.DateTimeField(_("sans objet après"), null=True, blank=True)

    class Meta:
        verbose_name = _("avis")
        verbose_name_plural = _("avis")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "household", "about_type", "about_id", "occasion"],
                name="notice_once_per_occasion",
                violation_error_message=_("Cet avis a déjà été préparé pour ce foyer."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.household}"


class DeliveryQuerySet(models.QuerySet):
    def due(self, now):
        return self.filter(status=Delivery.Status.QUEUED, next_attempt_at__lte=now)

    def problems(self):
        """What staff should look at: failed for good, or bounced by the provider."""
        return self.filter(status__in=[Delivery.Status.FAILED, Delivery.Status.BOUNCED])


class Delivery(models.Model):
    """A notice on one channel: queued → sent (→ bounced), or failed after its retries, or
    dropped (consent withdrawn, too late). The text is kept as it went out."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("En attente")
        SENT = "sent", _("Envoyé")
        FAILED = "failed", _("Échec")
        BOUNCED = "bounced", _("Rejeté par le destinataire")
        DROPPED = "dropped", _("Abandonné")

    notice = models.ForeignKey(
        Notice, verbose_name=_("avis"), on_delete=models.PROTECT, related_name="deliveries"
    )
    # Denormalised from the notice so that the household page and the anonymisation reach the
    # deliveries in one step.
    household = models.ForeignKey(
        Household, verbose_name=_("foyer"), on_delete=models.PROTECT, related_name="deliveries"
    )
    channel = models.CharField(_("canal"), max_length=10, choices=Channel.choices)
    address = models.CharField(_("adresse ou numéro"), max_length=254)
    subject = models.CharField(_("objet"), max_length=200, blank=True)
    body = models.TextField(_("texte"))
    status = models.CharField(
        _("état"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    next_attempt_at = models.DateTimeField(_("prochaine tentative"), default=timezone.now)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    updated_at = models.DateTimeField(_("mis à jour le"), default=timezone.now)
    provider_id = models.CharField(_("identifiant chez le prestataire"), max_length=200, blank=True)
    error = models.CharField(_("erreur"), max_length=500, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("envoi")
        verbose_name_plural = _("envois")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due"),
            models.Index(fields=["provider_id"], name="delivery_provider_id"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["notice", "channel"],
                name="delivery_once_per_notice_and_channel",
                violation_error_message=_("Cet avis part une seule fois par canal."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["sent", "bounced"]) | Q(sent_at__isnull=False),
                name="delivery_sent_has_date",
                violation_error_message=_("Un envoi parti a sa date d'envoi."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["failed", "bounced", "dropped"]) | ~Q(error=""),
                name="delivery_problem_has_reason",
                violation_error_message=_("Un envoi en échec, rejeté ou abandonné dit pourquoi."),
            ),
        ]

    def __str__(self):
        return f"{self.notice} – {self.get_channel_display()} – {self.get_status_display()}"
