"""Tenant votes: the vote, its frozen electoral roll, the sign-in list, the secret ballot.

Two sides that never meet in the schema (see tests/votes/test_secrecy.py):
- who voted: `RollEntry`, `Participation` (the sign-in list, "émargement") and `VoteCode`
  (the online codes) point at dwellings;
- what was voted: `OnlineTally` and `PaperCount` (with its `CountEntry` log) point at the vote
  only. The online ballot box keeps no ballot at all, only one counter per choice, all three
  written by every ballot: no row, id, time or order on this side follows the order of the
  sign-in list or of the codes (tests/votes/test_ballot_secrecy_attack.py tries them all).
State changes go through `votes.services`.
"""

import secrets
from decimal import Decimal

from django.db import models
from django.db.models import F, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from brest_internet.common import clock
from brest_internet.common.models import AppendOnly
from neighborhoods.models import Dwelling, Neighbourhood, User

from .outcome import Result, compute_result

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


class VoteQuerySet(models.QuerySet):
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
        if user.role == User.Role.LANDLORD:
            return self.filter(neighbourhood__landlord_id=user.organisation_id)
        return self.none()

    def certified(self):
        return self.filter(status=Vote.Status.CERTIFIED)

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


class Vote(models.Model):
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
    cancelled_at = models.DateTimeField(_("annulé le"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        User,
        verbose_name=_("annulé par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    cancel_reason = models.TextField(_("motif de l'annulation"), blank=True)

    history = HistoricalRecords()
    objects = VoteQuerySet.as_manager()

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        ordering = ["-opens_on", "id"]
        constraints = [
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
            "start": date_format(self.opens_on, "SHORT_DATE_FORMAT"),
            "end": date_format(self.closes_on, "SHORT_DATE_FORMAT"),
        }
        if not self.is_certified:
            return period
        result = self.result
        outcome = _("projet adopté") if result.adopted else _("projet rejeté")
        share = "—" if result.yes_share is None else f"{result.yes_share:.1f}".replace(".", ",")
        return _("%(period)s : %(outcome)s (%(share)s %% de oui parmi les suffrages exprimés)") % {
            "period": period,
            "outcome": outcome,
            "share": share.removesuffix(",0"),
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
    def is_cancelled(self):
        return self.status == self.Status.CANCELLED

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
        return compute_result(
            roll=self.roll_size,
            voters=self.voters,
            yes=self.yes_count,
            no=self.no_count,
            blank=self.blank_count,
            spoiled=self.spoiled_count,
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
        counts = self.paper_counts.filter(status=PaperCount.Status.CONFIRMED).aggregate(
            yes=Sum("yes"), no=Sum("no"), blank=Sum("blank"), spoiled=Sum("spoiled")
        )
        online = self.online_counts()
        return {
            "participation": by_channel,
            "voters": sum(by_channel.values()),
            "yes": (counts["yes"] or 0) + online.get(Choice.YES, 0),
            "no": (counts["no"] or 0) + online.get(Choice.NO, 0),
            "blank": (counts["blank"] or 0) + online.get(Choice.BLANK, 0),
            "spoiled": counts["spoiled"] or 0,
            "online": online,
        }

    def online_counts(self) -> dict[str, int]:
        """Online ballots per choice, from the counters (choices with no ballot left out)."""
        return {
            choice: n
            for choice, n in self.online_tallies.order_by().values_list("choice", "ballots")
            if n
        }


class RollEntry(models.Model):
    """One dwelling on a vote's electoral roll, as frozen (its reference is copied)."""

    vote = models.ForeignKey(
        Vote, verbose_name=_("vote"), on_delete=models.PROTECT, related_name="roll_entries"
    )
    dwelling = models.ForeignKey(
        Dwelling, verbose_name=_("logement"), on_delete=models.PROTECT, related_name="+"
    )
    reference = models.CharField(_("référence"), max_length=40)
    address = models.CharField(_("adresse"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("inscription sur la liste électorale")
        verbose_name_plural = _("liste électorale")
        ordering = ["vote", "reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["vote", "dwelling"],
                name="rollentry_one_per_dwelling",
                violation_error_message=_("Ce logement est déjà sur la liste électorale."),
            )
        ]

    def __str__(self):
        return self.reference


class Participation(models.Model):
    """The sign-in list: this dwelling has voted, by this channel (and, at a ballot box or in a
    postal batch, at this station). Says nothing of the choice.

    The station is what lets a station's count be checked against its own sign-in sheet, as at
    any polling station: no more ballots in the box than signatures on the sheet. Sign-ins
    recorded before stations were asked for have none; their channel is then checked as a
    whole (see `votes.services.tallies`).
    """

    vote = models.ForeignKey(
        Vote, verbose_name=_("vote"), on_delete=models.PROTECT, related_name="participations"
    )
    dwelling = models.ForeignKey(
        Dwelling, verbose_name=_("logement"), on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(_("canal"), max_length=10, choices=Channel.choices)
    # db_default: rows written by plain SQL (the benchmark's INSERT … SELECT) get one too.
    station = models.CharField(
        _("bureau ou lot"), max_length=120, blank=True, default="", db_default=""
    )
    recorded_on = models.DateField(_("date"), default=timezone.localdate)
    recorded_by = models.ForeignKey(
        User,
        verbose_name=_("enregistré par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("émargement")
        verbose_name_plural = _("émargements")
        ordering = ["vote", "id"]
        constraints = [
            # A dwelling votes once, whatever the channel: the database says so, not only forms.
            models.UniqueConstraint(
                fields=["vote", "dwelling"],
                name="participation_one_per_dwelling",
                violation_error_message=_("Ce logement a déjà voté."),
            ),
            models.CheckConstraint(
                condition=~Q(channel="online") | Q(station=""),
                name="participation_online_has_no_station",
                violation_error_message=_("Un vote en ligne n'a pas de bureau."),
            ),
        ]
        indexes = [models.Index(fields=["vote", "channel"], name="participation_vote_channel")]

    def __str__(self):
        return f"{self.vote_id} – {self.dwelling_id} ({self.channel})"


class VoteCode(models.Model):
    """A single-use online voting code of one roll entry, kept only as an HMAC."""

    vote = models.ForeignKey(
        Vote, verbose_name=_("vote"), on_delete=models.PROTECT, related_name="codes"
    )
    # A roll entry may have had several codes (a lost letter, reissued), only one of them live.
    roll_entry = models.ForeignKey(
        RollEntry, verbose_name=_("inscription"), on_delete=models.PROTECT, related_name="codes"
    )
    code_hash = models.CharField(max_length=64)
    # Spent or not, and nothing more: a time of use would give the order in which dwellings
    # voted online (the date is on the sign-in, `Participation.recorded_on`).
    spent = models.BooleanField(_("utilisé"), default=False)
    # Replaced by a new code (`votes.services.code_reissue`): it no longer votes.
    voided = models.BooleanField(_("annulé"), default=False)

    class Meta:
        verbose_name = _("code de vote")
        verbose_name_plural = _("codes de vote")
        constraints = [
            models.UniqueConstraint(fields=["vote", "code_hash"], name="votecode_unique_hash"),
            models.UniqueConstraint(
                fields=["roll_entry"],
                condition=Q(voided=False),
                name="votecode_one_live_per_entry",
                violation_error_message=_("Ce logement a déjà un code valable pour ce vote."),
            ),
            models.CheckConstraint(
                condition=~Q(voided=True, spent=True),
                name="votecode_voided_is_not_spent",
                violation_error_message=_("Un code qui a servi ne s'annule plus."),
            ),
        ]
        indexes = [models.Index(fields=["code_hash"], name="votecode_hash")]

    def __str__(self):
        return f"{self.vote_id} – {self.roll_entry_id}"


class CodeReissue(AppendOnly):
    """A new code sent to a dwelling of the roll whose letter was lost: who, when. It says
    nothing of a ballot (a code is reissued only before the dwelling has voted)."""

    vote = models.ForeignKey(
        Vote, verbose_name=_("vote"), on_delete=models.PROTECT, related_name="code_reissues"
    )
    roll_entry = models.ForeignKey(
        RollEntry, verbose_name=_("inscription"), on_delete=models.PROTECT, related_name="+"
    )
    reissued_by = models.ForeignKey(
        User, verbose_name=_("refait par"), on_delete=models.PROTECT, related_name="+"
    )
    reissued_at = models.DateTimeField(_("refait le"), default=timezone.now)

    class Meta:
        verbose_name = _("code refait")
        verbose_name_plural = _("codes refaits")
        ordering = ["vote", "reissued_at", "id"]

    def __str__(self):
        return f"{self.vote_id} – {self.roll_entry_id}"


class OnlineTally(models.Model):
    """The online ballot box of a vote: how many ballots chose each choice, and nothing else.

    There is no row per ballot. The three counters of a vote are created together, in the
    order of `Choice`, before its first ballot, and every ballot adds 1 to its choice and 0
    to the two others in one UPDATE of all three rows: their ids, order on disk and last
    change (PostgreSQL's ctid and xmin) are the same whatever the choice. No history.
    """

    vote = models.ForeignKey(
        Vote, verbose_name=_("vote"), on_delete=models.PROTECT, related_name="online_tallies"
    )
    choice = models.CharField(_("choix"), max_length=5, choices=Choice.choices)
    ballots = models.PositiveIntegerField(_("bulletins"), default=0)

    class Meta:
        verbose_name = _("urne en ligne")
        verbose_name_plural = _("urnes en ligne")
        ordering = ["vote", "choice"]
        constraints = [
            models.UniqueConstraint(
                fields=["vote", "choice"],
                name="onlinetally_one_per_choice",
                violation_error_message=_("Ce vote a déjà un compteur pour ce choix."),
            ),
            models.CheckConstraint(
                condition=Q(choice__in=Choice.values),
                name="onlinetally_choice_is_a_choice",
                violation_error_message=_("Choisissez oui, non ou blanc."),
            ),
        ]

    def __str__(self):
        return f"{self.vote_id} – {self.get_choice_display()} : {self.ballots}"


class PaperCount(models.Model):
    """The count of one polling station or batch (ballot box, postal batch), double-entered."""

    class Status(models.TextChoices):
        PENDING = "pending", _("À confirmer")
        MISMATCH = "mismatch", _("Saisies différentes")
        CONFIRMED = "confirmed", _("Confirmé")

    vote = models.ForeignKey(
        Vote, verbose_name=_("vote"), on_delete=models.PROTECT, related_name="paper_counts"
    )
    station = models.CharField(_("bureau ou lot"), max_length=120)
    channel = models.CharField(
        _("canal"),
        max_length=10,
        choices=[(Channel.PAPER, Channel.PAPER.label), (Channel.POSTAL, Channel.POSTAL.label)],
        default=Channel.PAPER,
    )
    yes = models.PositiveIntegerField(_("oui"))
    no = models.PositiveIntegerField(_("non"))
    blank = models.PositiveIntegerField(_("blancs"))
    spoiled = models.PositiveIntegerField(_("nuls"))
    status = models.CharField(
        _("état"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    # Staff who counted: the count of a whole station links to no dwelling.
    entered_by = models.ForeignKey(
        User, verbose_name=_("saisi par"), on_delete=models.PROTECT, related_name="+"
    )
    confirmed_by = models.ForeignKey(
        User,
        verbose_name=_("confirmé par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("dépouillement")
        verbose_name_plural = _("dépouillements")
        ordering = ["vote", "channel", "station"]
        constraints = [
            models.UniqueConstraint(
                fields=["vote", "station"],
                name="papercount_one_per_station",
                violation_error_message=_("Ce bureau ou lot a déjà un dépouillement."),
            ),
            models.CheckConstraint(
                condition=~Q(confirmed_by=F("entered_by")),
                name="papercount_confirmed_by_someone_else",
                violation_error_message=_(
                    "La seconde saisie est faite par une autre personne que la première."
                ),
            ),
            models.CheckConstraint(
                condition=Q(status="confirmed", confirmed_by__isnull=False)
                | (~Q(status="confirmed") & Q(confirmed_by__isnull=True)),
                name="papercount_confirmed_has_confirmer",
                violation_error_message=_("Un dépouillement confirmé dit par qui."),
            ),
        ]

    def __str__(self):
        return f"{self.station} ({self.get_channel_display()})"

    @property
    def total(self):
        return self.yes + self.no + self.blank + self.spoiled

    def figures(self):
        return (self.yes, self.no, self.blank, self.spoiled)


class CountEntry(AppendOnly):
    """Append-only log of every figure typed for a count: entries, confirmations, corrections."""

    class Kind(models.TextChoices):
        ENTRY = "entry", _("Première saisie")
        CORRECTION = "correction", _("Correction")
        CONFIRMATION = "confirmation", _("Seconde saisie")

    count = models.ForeignKey(
        PaperCount, verbose_name=_("dépouillement"), on_delete=models.PROTECT, related_name="log"
    )
    kind = models.CharField(_("nature"), max_length=12, choices=Kind.choices)
    yes = models.PositiveIntegerField(_("oui"))
    no = models.PositiveIntegerField(_("non"))
    blank = models.PositiveIntegerField(_("blancs"))
    spoiled = models.PositiveIntegerField(_("nuls"))
    matches = models.BooleanField(_("concorde"), null=True, blank=True)
    entered_by = models.ForeignKey(
        User, verbose_name=_("saisi par"), on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(_("saisi le"), default=timezone.now)

    class Meta:
        verbose_name = _("saisie de dépouillement")
        verbose_name_plural = _("saisies de dépouillement")
        ordering = ["count", "entered_at", "id"]

    def __str__(self):
        return f"{self.count} – {self.get_kind_display()}"
