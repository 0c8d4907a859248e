"""The vote itself: its question, dates and method, its state, and its certified figures.

draft → roll frozen → certified, or cancelled before certification (`votes.services`).
"""

import secrets
from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from brest_internet.common import clock, formats
from brest_internet.common.cancellation import Cancellable, CancellableQuerySet
from neighborhoods.models import Neighbourhood, User

from ..outcome import Result, compute_result, share_text

DEFAULT_QUESTION = _(
    "Acceptez-vous la mise en place de l'offre Internet à 1 € par mois et par logement, "
    "ajoutée aux charges locatives de tous les logements du quartier ?"
)


def new_salt():
    return secrets.token_hex(16)


class Choice(models.TextChoices):
    YES = "yes", _("Oui")
    NO = "no", _("Non")
    BLANK = "blank", _("Blanc")


class Channel(models.TextChoices):
    PAPER = "paper", _("Urne")
    POSTAL = "postal", _("Correspondance")
    ONLINE = "online", _("En ligne")


class VoteQuerySet(CancellableQuerySet):
    def visible_to(self, user):
        """Votes of the neighbourhoods `user` may see (results pages)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_coordinator:
            return self
        return self.filter(neighbourhood__in=Neighbourhood.objects.visible_to(user))

    def managed_by(self, user):
        """Votes `user` may organise: all for coordinators, their landlord's for landlord staff."""
        if not user.is_authenticated:
            return self.none()
        if user.is_coordinator:
            return self
        if user.has_role(User.Role.LANDLORD):
            return self.filter(neighbourhood__landlord_id=user.organisation_id)
        return self.none()

    def certified(self):
        return self.filter(status=Vote.Status.CERTIFIED)

    def newest_results_first(self):
        """As the results are listed: the latest certified first, with their neighbourhood."""
        return self.select_related("neighbourhood").order_by("-certified_on", "neighbourhood__name")

    def in_progress(self):
        """Votes neither certified nor cancelled: at most one per neighbourhood."""
        return self.exclude(status__in=Vote.ENDED)

    def online_on(self, day):
        """Votes whose online ballot box is (or, cancelled since, was) open on `day`."""
        return self.filter(
            status__in=[Vote.Status.FROZEN, Vote.Status.CANCELLED],
            method__in=[Vote.Method.ONLINE, Vote.Method.MIXED],
            opens_on__lte=day,
            closes_on__gte=day,
            codes_generated_at__isnull=False,
        )


class Vote(Cancellable):
    """A tenant vote of one neighbourhood, organised by its landlord.

    draft → roll frozen (the vote may open at its dates) → certified (closed, results public).
    Until certified, a vote may be cancelled, with its reason: it stays, read-only, and its
    neighbourhood may organise another. A neighbourhood may vote again after a rejection too:
    one vote in progress (neither certified nor cancelled) at a time.
    """

    class Method(models.TextChoices):
        PAPER = "paper", _("Urne")
        POSTAL = "postal", _("Correspondance")
        ONLINE = "online", _("En ligne")
        MIXED = "mixed", _("Mixte (urne, correspondance et en ligne)")

    class Status(models.TextChoices):
        DRAFT = "draft", _("En préparation")
        FROZEN = "frozen", _("Liste électorale arrêtée")
        CERTIFIED = "certified", _("Certifié")
        CANCELLED = "cancelled", _("Annulé")

    # The states a vote never leaves.
    ENDED = (Status.CERTIFIED, Status.CANCELLED)
    # What may change while the vote is a draft (before its roll is frozen).
    DRAFT_FIELDS = ("method", "roll_date", "opens_on", "closes_on", "minimum_turnout", "question")

    CHANNELS_OF = {
        Method.PAPER: {Channel.PAPER},
        Method.POSTAL: {Channel.POSTAL},
        Method.ONLINE: {Channel.ONLINE},
        Method.MIXED: {Channel.PAPER, Channel.POSTAL, Channel.ONLINE},
    }

    neighbourhood = models.ForeignKey(
        Neighbourhood, verbose_name=_("quartier"), on_delete=models.PROTECT, related_name="votes"
    )
    question = models.TextField(_("question posée"), default=DEFAULT_QUESTION)
    method = models.CharField(
        _("modalité"), max_length=10, choices=Method.choices, default=Method.PAPER
    )
    roll_date = models.DateField(
        _("date de la liste électorale"),
        help_text=_("Les logements occupés à cette date forment la liste électorale."),
    )
    opens_on = models.DateField(_("ouverture du vote"))
    closes_on = models.DateField(_("clôture du vote"))
    minimum_turnout = models.PositiveSmallIntegerField(
        _("participation minimale (%)"),
        null=True,
        blank=True,
        help_text=_("Facultatif : en dessous de ce taux de participation, le projet est rejeté."),
    )
    status = models.CharField(
        _("état"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    created_by = models.ForeignKey(
        User, verbose_name=_("créé par"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)

    roll_size = models.PositiveIntegerField(_("inscrits"), default=0)
    roll_fingerprint = models.CharField(_("empreinte de la liste"), max_length=64, blank=True)
    roll_frozen_at = models.DateTimeField(_("liste arrêtée le"), null=True, blank=True)
    roll_frozen_by = models.ForeignKey(
        User,
        verbose_name=_("liste arrêtée par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Mixed into the HMAC of the online codes: a code of one vote never matches another vote.
    code_salt = models.CharField(max_length=32, default=new_salt, editable=False)
    codes_generated_at = models.DateTimeField(_("codes générés le"), null=True, blank=True)

    # The figures, as certified (copied from the counts and ballots at certification).
    voters = models.PositiveIntegerField(_("votants"), default=0)
    yes_count = models.PositiveIntegerField(_("oui"), default=0)
    no_count = models.PositiveIntegerField(_("non"), default=0)
    blank_count = models.PositiveIntegerField(_("blancs"), default=0)
    spoiled_count = models.PositiveIntegerField(_("nuls"), default=0)
    # The neighbourhood's name as published: a later rename does not change a certified result.
    certified_name = models.CharField(
        _("quartier, tel que certifié"), max_length=120, blank=True, editable=False
    )
    certified_on = models.DateField(_("certifié le"), null=True, blank=True)
    certified_at = models.DateTimeField(_("certification enregistrée le"), null=True, blank=True)
    certified_by = models.ForeignKey(
        User,
        verbose_name=_("certifié par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # cancelled_at, cancelled_by, cancel_reason: from `Cancellable`.

    history = HistoricalRecords()
    objects = VoteQuerySet.as_manager()

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        ordering = ["-opens_on", "id"]
        constraints = [
            *Cancellable.Meta.constraints,
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opens_on")),
                name="vote_closes_after_opening",
                violation_error_message=_("La clôture ne peut précéder l'ouverture du vote."),
            ),
            models.CheckConstraint(
                condition=Q(roll_date__lte=F("opens_on")),
                name="vote_roll_before_opening",
                violation_error_message=_(
                    "La liste électorale est arrêtée au plus tard le jour de l'ouverture."
                ),
            ),
            models.CheckConstraint(
                condition=Q(minimum_turnout__isnull=True)
                | Q(minimum_turnout__gte=1, minimum_turnout__lte=100),
                name="vote_minimum_turnout_is_a_percentage",
                violation_error_message=_(
                    "La participation minimale est un pourcentage (1 à 100)."
                ),
            ),
            models.UniqueConstraint(
                fields=["neighbourhood"],
                condition=~Q(status__in=["certified", "cancelled"]),
                name="vote_one_open_per_neighbourhood",
                violation_error_message=_(
                    "Ce quartier a déjà un vote en cours : "
                    "certifiez-le ou annulez-le avant d'en organiser un autre."
                ),
            ),
            models.CheckConstraint(
                # A draft cancelled before its roll was frozen has no fingerprint either.
                condition=Q(status__in=["draft", "cancelled"]) | ~Q(roll_fingerprint=""),
                name="vote_frozen_has_fingerprint",
                violation_error_message=_("Une liste arrêtée a une empreinte."),
            ),
            models.CheckConstraint(
                condition=~Q(status="certified")
                | Q(
                    certified_on__isnull=False,
                    voters=F("yes_count") + F("no_count") + F("blank_count") + F("spoiled_count"),
                    voters__lte=F("roll_size"),
                ),
                name="vote_certified_figures_add_up",
                violation_error_message=_(
                    "Un vote certifié a une date, et ses bulletins égalent ses votants."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled")
                | (Q(cancelled_at__isnull=False, certified_on__isnull=True) & ~Q(cancel_reason="")),
                name="vote_cancelled_says_when_and_why",
                violation_error_message=_(
                    "Un vote annulé dit quand et pourquoi, et n'est pas certifié."
                ),
            ),
        ]

    def __str__(self):
        period = _("Vote des locataires de %(nbh)s du %(start)s au %(end)s") % {
            "nbh": self.neighbourhood.name,
            "start": formats.day(self.opens_on),
            "end": formats.day(self.closes_on),
        }
        if not self.is_certified:
            return period
        result = self.result
        outcome = _("projet adopté") if result.adopted else _("projet rejeté")
        return _("%(period)s : %(outcome)s (%(share)s %% de oui parmi les suffrages exprimés)") % {
            "period": period,
            "outcome": outcome,
            "share": share_text(result.yes_share),
        }

    def get_absolute_url(self):
        return reverse("votes:detail", kwargs={"pk": self.pk})

    @property
    def published_name(self):
        """The neighbourhood's name in the certified result (as it was at certification)."""
        return self.certified_name or self.neighbourhood.name

    @property
    def is_certified(self):
        return self.status == self.Status.CERTIFIED

    @property
    def is_draft(self):
        return self.status == self.Status.DRAFT

    @property
    def is_ended(self):
        """Certified or cancelled: nothing about it changes any more."""
        return self.status in self.ENDED

    @property
    def is_frozen(self):
        """Its roll is frozen (a vote cancelled while still a draft never had one)."""
        return self.status != self.Status.DRAFT and bool(self.roll_fingerprint)

    @property
    def channels(self):
        return self.CHANNELS_OF[self.method]

    @property
    def has_online(self):
        return Channel.ONLINE in self.channels

    def is_closed(self, today=None):
        """Closed once certified or past its last day; only then may results be seen.

        A vote without an online channel closes with its ballot boxes on its last day (the
        count is that evening); an online ballot box stays open until that day's midnight.
        """
        today = today or clock.today()
        if self.is_certified or today > self.closes_on:
            return True
        return today == self.closes_on and not self.has_online

    @property
    def result(self) -> Result:
        """The certified result (figures frozen at certification)."""
        return self.result_of(
            {
                "voters": self.voters,
                "yes": self.yes_count,
                "no": self.no_count,
                "blank": self.blank_count,
                "spoiled": self.spoiled_count,
            }
        )

    def result_of(self, figures: dict) -> Result:
        """The result `figures` (voters, yes, no, blank, spoiled: `live_figures()`) give on
        this vote's roll and minimum turnout."""
        return compute_result(
            roll=self.roll_size,
            voters=figures["voters"],
            yes=figures["yes"],
            no=figures["no"],
            blank=figures["blank"],
            spoiled=figures["spoiled"],
            minimum_turnout=self.minimum_turnout,
        )

    @property
    def turnout(self) -> Decimal | None:
        """Voters / roll, as the result rounds it (one decimal, half up)."""
        return self.result.turnout

    @property
    def yes_share(self) -> Decimal | None:
        """Yes / votes cast, as the result rounds it."""
        return self.result.yes_share

    @property
    def adopted(self):
        """True when the certified result adopts the project (None before certification)."""
        if not self.is_certified:
            return None
        return self.result.adopted

    def live_figures(self):
        """Current participation and ballots, from the sign-in list, counts and online box."""
        by_channel = dict(self.participations.values_list("channel").annotate(n=models.Count("id")))
        counts = self.paper_counts.confirmed().figures()
        online = self.online_counts()
        return {
            "participation": by_channel,
            "voters": sum(by_channel.values()),
            "yes": counts["yes"] + online.get(Choice.YES, 0),
            "no": counts["no"] + online.get(Choice.NO, 0),
            "blank": counts["blank"] + online.get(Choice.BLANK, 0),
            "spoiled": counts["spoiled"],
            "online": online,
        }

    def online_counts(self) -> dict[str, int]:
        """Online ballots per choice, from the counters (choices with no ballot left out)."""
        return {
            choice: n
            for choice, n in self.online_tallies.order_by().values_list("choice", "ballots")
            if n
        }
