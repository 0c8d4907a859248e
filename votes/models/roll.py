"""Who voted: the frozen electoral roll, the sign-in list ("émargement") and the online codes.

Every row here points at a dwelling; none says what it voted (see `votes.models.ballots`).
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from brest_internet.common.models import AppendOnly
from neighborhoods.models import Dwelling, User

from .vote import Channel, Vote


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


class ParticipationQuerySet(models.QuerySet):
    def signed_per_station(self) -> dict[tuple[str, str], int]:
        """Dwellings signed in per (channel, station), in one query."""
        return {
            (channel, station): n
            for channel, station, n in self.order_by()
            .values_list("channel", "station")
            .annotate(n=models.Count("id"))
        }


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

    objects = ParticipationQuerySet.as_manager()

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
