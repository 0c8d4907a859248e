"""What was voted: the online ballot box (three counters) and the paper counts, double-entered.

Every row here points at the vote only, never at a dwelling (see `votes.models.roll`).
"""

from django.db import models
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from brest_internet.common.models import AppendOnly
from neighborhoods.models import User

from .vote import Channel, Choice, Vote


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


class PaperCountQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(status=PaperCount.Status.CONFIRMED)

    def unconfirmed(self):
        """Counts still waiting for a second entry that agrees."""
        return self.exclude(status=PaperCount.Status.CONFIRMED)

    def figures(self) -> dict[str, int]:
        """Yes, no, blank and spoiled ballots of these counts, added up (0 without any)."""
        sums = self.order_by().aggregate(
            yes=Sum("yes"), no=Sum("no"), blank=Sum("blank"), spoiled=Sum("spoiled")
        )
        return {name: n or 0 for name, n in sums.items()}

    def ballots(self) -> int:
        """How many ballots these counts hold, all choices together."""
        return sum(self.figures().values())

    def ballots_per_station(self) -> dict[tuple[str, str], int]:
        """Ballots per (channel, station), in one query."""
        return {
            (channel, station): n
            for channel, station, n in self.order_by()
            .values_list("channel", "station")
            .annotate(n=Sum("yes") + Sum("no") + Sum("blank") + Sum("spoiled"))
        }


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

    objects = PaperCountQuerySet.as_manager()

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


class CountEntryQuerySet(models.QuerySet):
    def log_of(self, vote):
        """Every figure typed for `vote`'s counts, oldest first, with its count and typist."""
        return (
            self.filter(count__vote=vote)
            .select_related("count", "entered_by")
            .order_by("entered_at", "id")
        )


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

    objects = CountEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("saisie de dépouillement")
        verbose_name_plural = _("saisies de dépouillement")
        ordering = ["count", "entered_at", "id"]

    def __str__(self):
        return f"{self.count} – {self.get_kind_display()}"
