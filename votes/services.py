"""State changes of a vote: edit the draft, freeze the roll, sign in, count, codes, online
ballot, certify, or cancel.

Each function runs in one transaction, locks the vote row (two staff members, or a voter and
the coordinator, may act at the same moment), checks the state and raises `VoteError` with a
French message when it refuses; nothing is written then.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import BigIntegerField, Case, Count, Exists, F, OuterRef, Q, Sum, Value, When
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from brest_internet.common import clock
from brest_internet.common.errors import Refusal
from neighborhoods import pipeline
from neighborhoods.models import Dwelling, Occupancy, User

from .models import (
    Channel,
    Choice,
    CodeReissue,
    CountEntry,
    OnlineTally,
    PaperCount,
    Participation,
    RollEntry,
    Vote,
    VoteCode,
)
from .outcome import compute_result


class VoteError(Refusal):
    """A refused operation on a vote, with a message for the person who asked (translated)."""


def _d(day: datetime.date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def _lock(vote: Vote) -> Vote:
    return Vote.objects.select_for_update().select_related("neighbourhood").get(pk=vote.pk)


def _check_manager(vote: Vote, by: User | None) -> None:
    """Landlord staff of the neighbourhood's landlord, or a coordinator (None: the demo)."""
    if by is None or by.is_coordinator:
        return
    if by.role == User.Role.LANDLORD and by.organisation_id == vote.neighbourhood.landlord_id:
        return
    raise VoteError(_("Seuls le bailleur du quartier et la coordination organisent ce vote."))


def _check_not_certified(vote: Vote) -> None:
    if vote.is_certified:
        raise VoteError(
            _("Ce vote est certifié depuis le %(on)s : il ne peut plus changer.")
            % {"on": _d(vote.certified_on)}
        )


def _check_not_cancelled(vote: Vote) -> None:
    if vote.is_cancelled:
        raise VoteError(
            _(
                "Ce vote a été annulé le %(on)s : il n'accepte plus d'émargement, "
                "de dépouillement, de bulletin ni de certification."
            )
            % {"on": _d(timezone.localdate(vote.cancelled_at))}
        )


def _check_in_progress(vote: Vote) -> None:
    """Neither cancelled nor certified: the checks every change of a vote starts with."""
    _check_not_cancelled(vote)
    _check_not_certified(vote)


# --- The vote itself: edit the draft, cancel ----------------------------------------------------


def _check_editable(vote: Vote) -> None:
    _check_in_progress(vote)
    if not vote.is_draft:
        raise VoteError(
            _(
                "La liste électorale est arrêtée : le vote ne peut plus être modifié. "
                "Annulez-le s'il faut l'organiser autrement."
            )
        )


def _check_cancellable(vote: Vote) -> None:
    if vote.is_cancelled:
        raise VoteError(
            _("Ce vote a déjà été annulé le %(on)s.")
            % {"on": _d(timezone.localdate(vote.cancelled_at))}
        )
    if vote.is_certified:
        raise VoteError(
            _("Ce vote est certifié depuis le %(on)s : un résultat certifié ne s'annule pas.")
            % {"on": _d(vote.certified_on)}
        )


def _refusal(check, vote: Vote) -> str | None:
    try:
        check(vote)
    except VoteError as exc:
        return str(exc)
    return None


def vote_edit_refusal(vote: Vote) -> str | None:
    """Why `vote` may not be edited any more (None: it may, being a draft)."""
    return _refusal(_check_editable, vote)


def vote_cancel_refusal(vote: Vote) -> str | None:
    """Why `vote` may not be cancelled (None: it may, not being certified or cancelled)."""
    return _refusal(_check_cancellable, vote)


def vote_update(*, vote: Vote, by: User | None, changes: dict) -> Vote:
    """Change the dates, method, minimum turnout or question of a vote still in draft.

    Once the roll is frozen these are what the roll and the ballots were made for: refused.
    Only the fields of `Vote.DRAFT_FIELDS` are taken from `changes`; the same values change
    nothing (no history row).
    """
    with transaction.atomic():
        vote = _lock(vote)
        _check_manager(vote, by)
        _check_editable(vote)
        changed = [
            name
            for name in Vote.DRAFT_FIELDS
            if name in changes and getattr(vote, name) != changes[name]
        ]
        if not changed:
            return vote
        for name in changed:
            setattr(vote, name, changes[name])
        try:
            vote.validate_constraints()
        except ValidationError as exc:
            raise VoteError(" ".join(exc.messages)) from exc
        vote._history_user = by
        vote.save(update_fields=changed)
        return vote


def vote_cancel(
    *, vote: Vote, by: User | None, reason: str, at: datetime.datetime | None = None
) -> Vote:
    """Cancel a vote not yet certified, with its reason: it stays, read-only, with who and when.

    Its sign-ins, counts and ballots are kept as they are; nothing more is accepted, and the
    neighbourhood may organise a new vote. Cancelling a cancelled vote changes nothing.
    """
    at = at or clock.now()
    reason = (reason or "").strip()
    with transaction.atomic():
        vote = _lock(vote)
        _check_manager(vote, by)
        if vote.is_cancelled:
            return vote
        _check_cancellable(vote)
        if not reason:
            raise VoteError(_("Indiquez le motif de l'annulation."))
        vote.status = Vote.Status.CANCELLED
        vote.cancelled_at = at
        vote.cancelled_by = by
        vote.cancel_reason = reason
        vote._history_user = by
        vote.save(update_fields=["status", "cancelled_at", "cancelled_by", "cancel_reason"])
        return vote


# --- Electoral roll ------------------------------------------------------------------------


def roll_fingerprint(references) -> str:
    """sha256 of the sorted dwelling references, one per line: anyone can recompute it."""
    digest = hashlib.sha256()
    for i, reference in enumerate(sorted(references)):
        digest.update((("\n" if i else "") + reference).encode())
    return digest.hexdigest()


def roll_freeze(*, vote: Vote, by: User | None, at: datetime.datetime | None = None) -> Vote:
    """Write the electoral roll (dwellings occupied at the roll date) once and for all.

    One INSERT … SELECT: the roll is computed by the database from the register as it is now,
    then copied; later moves do not touch it. Already frozen: nothing changes.
    """
    at = at or clock.now()
    with transaction.atomic():
        vote = _lock(vote)
        _check_manager(vote, by)
        _check_not_cancelled(vote)
        if vote.is_frozen:
            return vote
        if vote.roll_date > timezone.localdate(at):
            raise VoteError(
                _("La liste électorale ne peut être arrêtée qu'à partir du %(on)s.")
                % {"on": _d(vote.roll_date)}
            )
        _insert_roll(vote)
        references = vote.roll_entries.values_list("reference", flat=True)
        vote.roll_size = vote.roll_entries.count()
        if not vote.roll_size:
            raise VoteError(
                _("Aucun logement occupé au %(on)s dans le registre : la liste serait vide.")
                % {"on": _d(vote.roll_date)}
            )
        vote.roll_fingerprint = roll_fingerprint(references.iterator(chunk_size=2000))
        vote.roll_frozen_at = at
        vote.roll_frozen_by = by
        vote.status = Vote.Status.FROZEN
        vote.save(
            update_fields=[
                "roll_size",
                "roll_fingerprint",
                "roll_frozen_at",
                "roll_frozen_by",
                "status",
            ]
        )
        return vote


def _insert_roll(vote: Vote) -> None:
    """INSERT … SELECT of the dwellings with an occupancy covering the roll date."""
    occupied = Occupancy.objects.filter(
        dwelling=OuterRef("pk"), moved_in__lte=vote.roll_date
    ).filter(Q(moved_out__isnull=True) | Q(moved_out__gt=vote.roll_date))
    select = (
        Dwelling.objects.filter(neighbourhood_id=vote.neighbourhood_id)
        .filter(Exists(occupied))
        .order_by()
        .values_list(Value(vote.pk, output_field=BigIntegerField()), "pk", "reference", "address")
    )
    select_sql, params = select.query.sql_with_params()
    qn = connection.ops.quote_name
    columns = ", ".join(
        qn(RollEntry._meta.get_field(name).column)
        for name in ("vote", "dwelling", "reference", "address")
    )
    # Only identifiers from the models' metadata and the ORM's own SELECT are formatted in.
    sql = f"INSERT INTO {qn(RollEntry._meta.db_table)} ({columns}) {select_sql}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


# --- Sign-in list ----------------------------------------------------------------------------


class SignInError(VoteError):
    """A sign-in batch refused because of some of its references (`references`): not on the
    roll (`kind` "unknown") or already signed in (`kind` "already"), so the page can point at
    the lines that carry them."""

    def __init__(self, message, *, kind: str, references):
        super().__init__(message)
        self.kind = kind
        self.references = list(references)


def normalise_station(station: str) -> str:
    """A station's name as kept: spaces trimmed and single, so that the name typed on the
    sign-in and the one typed on the count match."""
    return " ".join((station or "").split())


def participations_record(
    *,
    vote: Vote,
    references: list[str],
    channel: str,
    station: str,
    by: User | None,
    on: datetime.date | None = None,
) -> int:
    """Sign in the dwellings of `references` as having voted by `channel` (paper or postal) at
    `station` (the polling station, or the postal batch, whose sheet they signed).

    All or nothing: an unknown reference, a dwelling not on the roll or one that already voted
    (by any channel) refuses the whole batch. Returns how many were signed in.
    """
    on = on or clock.today()
    references = list(dict.fromkeys(r.strip() for r in references if r.strip()))
    station = normalise_station(station)
    if not references:
        raise VoteError(_("Indiquez au moins une référence de logement."))
    if channel not in (Channel.PAPER, Channel.POSTAL):
        raise VoteError(_("Le vote en ligne est émargé par le code, pas à la main."))
    if not station:
        raise VoteError(_("Indiquez le bureau de vote ou le lot où ces logements ont émargé."))
    try:
        with transaction.atomic():
            vote = _lock(vote)
            _check_manager(vote, by)
            _check_open(vote, on, for_channel=channel)
            entries = dict(
                vote.roll_entries.filter(reference__in=references).values_list(
                    "reference", "dwelling_id"
                )
            )
            unknown = [r for r in references if r not in entries]
            if unknown:
                raise SignInError(
                    _("Pas sur la liste électorale : %(refs)s.") % {"refs": ", ".join(unknown)},
                    kind="unknown",
                    references=unknown,
                )
            already = list(
                Participation.objects.filter(vote=vote, dwelling_id__in=entries.values())
                .order_by("dwelling__reference")
                .values_list("dwelling__reference", flat=True)
            )
            if already:
                raise SignInError(
                    _("Ont déjà voté : %(refs)s.") % {"refs": ", ".join(already)},
                    kind="already",
                    references=already,
                )
            Participation.objects.bulk_create(
                Participation(
                    vote=vote,
                    dwelling_id=d,
                    channel=channel,
                    station=station,
                    recorded_on=on,
                    recorded_by=by,
                )
                for d in entries.values()
            )
    except IntegrityError as exc:
        # Someone signed one of them in between: the unique constraint refused the batch.
        raise VoteError(_("Un de ces logements a déjà voté.")) from exc
    return len(entries)


def _check_open(vote: Vote, on: datetime.date, *, for_channel: str) -> None:
    _check_in_progress(vote)
    if not vote.is_frozen:
        raise VoteError(_("Arrêtez d'abord la liste électorale."))
    if for_channel not in vote.channels:
        raise VoteError(
            _("Ce vote ne passe pas par ce canal (%(channel)s).")
            % {"channel": Channel(for_channel).label}
        )
    if on < vote.opens_on:
        raise VoteError(_("Le vote ouvre le %(on)s.") % {"on": _d(vote.opens_on)})


# --- Paper count, double entry ----------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    yes: int
    no: int
    blank: int
    spoiled: int

    @property
    def total(self) -> int:
        return self.yes + self.no + self.blank + self.spoiled

    def as_tuple(self):
        return (self.yes, self.no, self.blank, self.spoiled)


def _check_count_open(vote: Vote, on: datetime.date) -> None:
    _check_in_progress(vote)
    if not vote.is_frozen:
        raise VoteError(_("Arrêtez d'abord la liste électorale."))
    if on < vote.closes_on:
        # Counting before the close would let partial results out while people still vote.
        raise VoteError(
            _("Le dépouillement commence à la clôture du vote, le %(on)s.")
            % {"on": _d(vote.closes_on)}
        )


def count_enter(
    *,
    vote: Vote,
    station: str,
    channel: str,
    figures: Figures,
    by: User,
    at: datetime.datetime | None = None,
) -> PaperCount:
    """First entry of a station's count, or its correction (which asks for a new confirmation)."""
    at = at or clock.now()
    station = normalise_station(station)
    if not station:
        raise VoteError(_("Indiquez le bureau de vote ou le lot."))
    if channel not in (Channel.PAPER, Channel.POSTAL):
        raise VoteError(_("Un dépouillement porte sur l'urne ou la correspondance."))
    with transaction.atomic():
        vote = _lock(vote)
        _check_manager(vote, by)
        _check_count_open(vote, timezone.localdate(at))
        if channel not in vote.channels:
            raise VoteError(
                _("Ce vote ne passe pas par ce canal (%(channel)s).")
                % {"channel": Channel(channel).label}
            )
        count = vote.paper_counts.filter(station=station).first()
        others = (
            vote.paper_counts.exclude(pk=count.pk if count else None).aggregate(
                n=Sum("yes") + Sum("no") + Sum("blank") + Sum("spoiled")
            )["n"]
            or 0
        )
        if others + figures.total > vote.roll_size:
            raise VoteError(
                _(
                    "%(n)d bulletins en tout dépasseraient la liste électorale "
                    "(%(roll)d logements inscrits)."
                )
                % {"n": others + figures.total, "roll": vote.roll_size}
            )
        _check_count_within_sign_ins(vote, count, station, channel, figures)
        kind = CountEntry.Kind.ENTRY
        if count is None:
            count = PaperCount(vote=vote, station=station)
        else:
            if count.figures() == figures.as_tuple() and count.channel == channel:
                return count
            kind = CountEntry.Kind.CORRECTION
        count.channel = channel
        count.yes, count.no, count.blank, count.spoiled = figures.as_tuple()
        count.entered_by = by
        count.confirmed_by = None
        count.status = PaperCount.Status.PENDING
        count.save()
        CountEntry.objects.create(
            count=count, kind=kind, entered_by=by, entered_at=at, **_figures_dict(figures)
        )
        return count


def _check_count_within_sign_ins(
    vote: Vote, count: PaperCount | None, station: str, channel: str, figures: Figures
) -> None:
    """No more ballots in a station's box than dwellings signed in on its sheet.

    Sign-ins recorded without a station (before stations were asked for) cannot be told
    apart: their channel is then checked as a whole, all its stations together.
    """
    signed = vote.participations.filter(channel=channel)
    if signed.filter(station="").exists():
        in_channel = vote.paper_counts.filter(channel=channel).exclude(
            pk=count.pk if count else None
        )
        total = in_channel.aggregate(n=Sum("yes") + Sum("no") + Sum("blank") + Sum("spoiled"))
        ballots = figures.total + (total["n"] or 0)
        n_signed = signed.count()
        if ballots > n_signed:
            raise VoteError(
                _(
                    "%(channel)s : %(ballots)d bulletins dépouillés pour %(signed)d logements "
                    "émargés. Il ne peut y avoir plus de bulletins que d'émargements : "
                    "vérifiez le décompte et l'émargement."
                )
                % {"channel": Channel(channel).label, "ballots": ballots, "signed": n_signed}
            )
        return
    n_signed = signed.filter(station=station).count()
    if figures.total > n_signed:
        raise VoteError(
            _(
                "« %(station)s » (%(channel)s) : %(ballots)d bulletins pour %(signed)d "
                "logements émargés à ce bureau. Il ne peut y avoir plus de bulletins que "
                "d'émargements : vérifiez le décompte, ou le nom du bureau indiqué à "
                "l'émargement."
            )
            % {
                "station": station,
                "channel": Channel(channel).label.lower(),
                "ballots": figures.total,
                "signed": n_signed,
            }
        )


def count_confirm(
    *, count: PaperCount, figures: Figures, by: User, at: datetime.datetime | None = None
) -> PaperCount:
    """Second entry by another person: the same figures confirm the count, others do not.

    A mismatch is recorded (the count shows it) and nothing is confirmed.
    """
    at = at or clock.now()
    with transaction.atomic():
        vote = _lock(count.vote)
        _check_manager(vote, by)
        _check_count_open(vote, timezone.localdate(at))
        count = PaperCount.objects.select_for_update().get(pk=count.pk)
        if count.status == PaperCount.Status.CONFIRMED:
            return count
        if count.entered_by_id == by.pk:
            raise VoteError(
                _("La seconde saisie doit être faite par une autre personne que la première.")
            )
        matches = count.figures() == figures.as_tuple()
        CountEntry.objects.create(
            count=count,
            kind=CountEntry.Kind.CONFIRMATION,
            matches=matches,
            entered_by=by,
            entered_at=at,
            **_figures_dict(figures),
        )
        if matches:
            count.status = PaperCount.Status.CONFIRMED
            count.confirmed_by = by
        else:
            count.status = PaperCount.Status.MISMATCH
        count.save(update_fields=["status", "confirmed_by"])
        return count


def _figures_dict(figures: Figures) -> dict:
    return {
        "yes": figures.yes,
        "no": figures.no,
        "blank": figures.blank,
        "spoiled": figures.spoiled,
    }


# --- Online codes and ballots -----------------------------------------------------------------

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read from a letter
CODE_LENGTH = 12


def normalise_code(code: str) -> str:
    return "".join(c for c in (code or "").upper() if c.isalnum())


def format_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def code_hash(vote: Vote, code: str) -> str:
    """HMAC of the code with the site's secret and the vote's salt: the database alone (and
    another vote's codes) cannot be used to find or test a code."""
    key = f"{settings.SECRET_KEY}:{vote.code_salt}".encode()
    return hmac.new(key, normalise_code(code).encode(), hashlib.sha256).hexdigest()


def codes_generate(*, vote: Vote, by: User | None) -> list[tuple[RollEntry, str]]:
    """One single-use code per roll entry, generated once; returns the plain codes to print.

    Only the hashes are kept: the plain codes exist in the answer of this call and nowhere else.
    """
    with transaction.atomic():
        vote = _lock(vote)
        _check_manager(vote, by)
        _check_in_progress(vote)
        if not vote.is_frozen:
            raise VoteError(_("Arrêtez d'abord la liste électorale."))
        if not vote.has_online:
            raise VoteError(_("Ce vote n'a pas de canal en ligne."))
        if vote.codes_generated_at is not None:
            raise VoteError(
                _(
                    "Les codes ont déjà été générés le %(on)s : ils ne sont montrés qu'une fois "
                    "et ne peuvent être refaits."
                )
                % {"on": _d(timezone.localdate(vote.codes_generated_at))}
            )
        if clock.today() > vote.closes_on:
            raise VoteError(_("Le vote est clos."))
        entries = list(vote.roll_entries.order_by("reference"))
        plain = [_new_code() for _ in entries]
        VoteCode.objects.bulk_create(
            VoteCode(vote=vote, roll_entry=entry, code_hash=code_hash(vote, code))
            for entry, code in zip(entries, plain, strict=True)
        )
        _open_online_box(vote)
        vote.codes_generated_at = timezone.now()
        vote.save(update_fields=["codes_generated_at"])
        return [(entry, format_code(code)) for entry, code in zip(entries, plain, strict=True)]


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def code_reissue(*, vote: Vote, reference: str, by: User) -> tuple[RollEntry, str]:
    """A new code for the dwelling `reference` of the roll, whose letter was lost: the old code
    is voided (it no longer votes) and the reissue kept with who and when. Returns the plain new
    code, to print on its letter; only its hash is kept.

    Refused once the dwelling has voted (by any channel), and outside an online vote in
    progress. Under the vote's lock, as `ballot_cast`: a ballot and a reissue of the same code
    never cross.
    """
    reference = (reference or "").strip()
    with transaction.atomic():
        vote = _lock(vote)
        _check_manager(vote, by)
        _check_in_progress(vote)
        if not vote.has_online:
            raise VoteError(_("Ce vote n'a pas de canal en ligne."))
        if vote.codes_generated_at is None:
            raise VoteError(_("Les codes de ce vote ne sont pas encore générés."))
        if timezone.localdate() > vote.closes_on:
            raise VoteError(_("Le vote est clos : plus de nouveau code."))
        entry = vote.roll_entries.filter(reference__iexact=reference).first()
        if entry is None:
            raise VoteError(
                _("Aucun logement %(ref)s sur la liste électorale de ce vote.") % {"ref": reference}
            )
        if Participation.objects.filter(vote=vote, dwelling_id=entry.dwelling_id).exists():
            raise VoteError(
                _("Le logement %(ref)s a déjà voté : son code ne se refait plus.")
                % {"ref": entry.reference}
            )
        # A spent code always comes with its sign-in; checked too, as the database would refuse
        # to void it.
        if VoteCode.objects.filter(roll_entry=entry, spent=True).exists():
            raise VoteError(
                _("Le logement %(ref)s a déjà voté : son code ne se refait plus.")
                % {"ref": entry.reference}
            )
        VoteCode.objects.filter(roll_entry=entry, voided=False).update(voided=True)
        code = _new_code()
        VoteCode.objects.create(vote=vote, roll_entry=entry, code_hash=code_hash(vote, code))
        CodeReissue.objects.create(vote=vote, roll_entry=entry, reissued_by=by)
        return entry, format_code(code)


UNKNOWN_CODE = _(
    "Ce code n'est pas valable pour un vote ouvert aujourd'hui. Vérifiez-le sur votre courrier."
)


def code_find(code: str, *, today: datetime.date | None = None) -> VoteCode:
    """The code of a vote open online today, or VoteError; one query whatever the open votes.

    A code of a vote that is not open (another, closed, future) reads as unknown: the page says
    nothing about other votes. The holder of a code of a vote cancelled during its opening is
    told so: the letter in their hands is void.
    """
    today = today or clock.today()
    code = normalise_code(code)
    if len(code) != CODE_LENGTH:
        raise VoteError(
            _("Un code compte %(n)d caractères (lettres et chiffres).") % {"n": CODE_LENGTH}
        )
    votes = list(Vote.objects.online_on(today).only("pk", "code_salt"))
    hashes = {code_hash(v, code): v.pk for v in votes}
    found = (
        VoteCode.objects.filter(code_hash__in=hashes, vote_id__in=hashes.values())
        .select_related("vote__neighbourhood")
        .first()
    )
    if found is None or hashes.get(found.code_hash) != found.vote_id:
        raise VoteError(str(UNKNOWN_CODE))
    if found.vote.is_cancelled:
        raise VoteError(
            _(
                "Ce vote a été annulé le %(on)s par le bailleur : votre code ne sert plus. "
                "Un nouveau vote pourra être organisé, avec un nouveau courrier."
            )
            % {"on": _d(timezone.localdate(found.vote.cancelled_at))}
        )
    if found.voided:
        raise VoteError(
            _(
                "Ce code a été remplacé par un nouveau, envoyé par le bailleur : utilisez le "
                "code du dernier courrier reçu."
            )
        )
    if found.spent:
        raise VoteError(_("Ce code a déjà servi : un seul vote par logement."))
    return found


def _open_online_box(vote: Vote) -> None:
    """The three counters of the vote's online box, created together in the order of `Choice`
    (never one at a time on a first ballot: which counter came first would tell that ballot's
    choice). Those that exist are left as they are."""
    OnlineTally.objects.bulk_create(
        [OnlineTally(vote=vote, choice=choice) for choice in Choice.values],
        ignore_conflicts=True,
    )


def _add_to_online_box(vote: Vote, choice: str) -> None:
    """+1 on `choice`'s counter and +0 on the others, in one UPDATE of all three rows.

    Writing every counter is what keeps the choice out of what the database shows of a write:
    each row's last change (PostgreSQL's xmin, which the sign-in and the code also carry), its
    place on disk (ctid) and its order are the same whatever was chosen.
    """
    _open_online_box(vote)
    written = OnlineTally.objects.filter(vote=vote).update(
        ballots=F("ballots") + Case(When(choice=choice, then=Value(1)), default=Value(0))
    )
    if written != len(Choice.values):
        raise VoteError(_("L'urne en ligne de ce vote est incomplète : rien n'est enregistré."))


def ballot_cast(*, code: str, choice: str, today: datetime.date | None = None) -> Vote:
    """Spend the code, sign the dwelling in (online) and count the choice, together.

    The conditional UPDATE (… WHERE NOT spent) is the race guard: of two submissions of one
    code at the same moment, exactly one updates a row; the other writes nothing. No ballot row
    is written, only the counters (see `_add_to_online_box`); no history row either: the vote
    is locked, not saved, and neither codes, sign-ins nor counters have a history.
    """
    if choice not in Choice.values:
        raise VoteError(_("Choisissez oui, non ou blanc."))
    today = today or clock.today()
    found = code_find(code, today=today)
    try:
        with transaction.atomic():
            vote = _lock(found.vote)
            _check_open(vote, today, for_channel=Channel.ONLINE)
            if today > vote.closes_on:
                raise VoteError(_("Le vote est clos."))
            spent = VoteCode.objects.filter(pk=found.pk, spent=False, voided=False).update(
                spent=True
            )
            if spent != 1:
                raise VoteError(_("Ce code a déjà servi : un seul vote par logement."))
            Participation.objects.create(
                vote=vote,
                dwelling_id=found.roll_entry.dwelling_id,
                channel=Channel.ONLINE,
                recorded_on=today,
            )
            _add_to_online_box(vote, choice)
    except IntegrityError as exc:
        raise VoteError(
            _(
                "Ce logement a déjà voté (à l'urne ou par correspondance) : "
                "un seul vote par logement."
            )
        ) from exc
    return vote


# --- Sign-ins against ballots ----------------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    """Dwellings signed in and ballots counted at one station (or for a whole channel)."""

    channel: str
    station: str  # "": the whole channel (online, or sign-ins recorded without a station)
    signed: int
    counted: int | None  # None: no count entered for it

    @property
    def agrees(self) -> bool:
        return self.signed == (self.counted or 0)

    @property
    def place(self) -> str:
        label = Channel(self.channel).label
        if self.channel == Channel.ONLINE or (not self.station and self.counted is None):
            return label
        if not self.station:
            return _("%(channel)s, tous bureaux ou lots") % {"channel": label}
        return _("%(station)s (%(channel)s)") % {
            "station": self.station,
            "channel": label.lower(),
        }


def tallies(vote: Vote) -> list[Tally]:
    """Sign-ins against ballots, per station of the ballot box and of the postal vote, and for
    the online box; three queries whatever the number of stations.

    A channel with sign-ins recorded without a station is compared as a whole.
    """
    signed = {
        (channel, station): n
        for channel, station, n in vote.participations.order_by()
        .values_list("channel", "station")
        .annotate(n=Count("id"))
    }
    counted = {
        (channel, station): n
        for channel, station, n in vote.paper_counts.order_by()
        .values_list("channel", "station")
        .annotate(n=Sum("yes") + Sum("no") + Sum("blank") + Sum("spoiled"))
    }
    rows = []
    for channel in Channel:
        if channel not in vote.channels:
            continue
        if channel == Channel.ONLINE:
            n_online = sum(vote.online_counts().values())
            rows.append(Tally(channel, "", signed.get((channel, ""), 0), n_online))
            continue
        stations = sorted({st for ch, st in [*signed, *counted] if ch == channel})
        if not stations:
            rows.append(Tally(channel, "", 0, None))  # nothing yet: the channel, said once
            continue
        if "" in stations:
            in_channel = [n for (ch, _st), n in counted.items() if ch == channel]
            rows.append(
                Tally(
                    channel,
                    "",
                    sum(n for (ch, _st), n in signed.items() if ch == channel),
                    sum(in_channel) if in_channel else None,
                )
            )
            continue
        rows.extend(
            Tally(channel, st, signed.get((channel, st), 0), counted.get((channel, st)))
            for st in stations
        )
    return rows


# --- Certification ----------------------------------------------------------------------------


def certification_problems(vote: Vote, on: datetime.date | None = None) -> list[str]:
    """What stops the certification of `vote` (empty: it may be certified)."""
    on = on or clock.today()
    problems = []
    if vote.is_cancelled:
        problems.append(_("le vote est annulé"))
        return problems
    if not vote.is_frozen:
        problems.append(_("la liste électorale n'est pas arrêtée"))
        return problems
    if not vote.is_closed(on):
        problems.append(
            _("le vote n'est pas clos (clôture le %(on)s au soir)") % {"on": _d(vote.closes_on)}
        )
    pending = vote.paper_counts.exclude(status=PaperCount.Status.CONFIRMED).count()
    if pending:
        problems.append(
            ngettext(
                "%(n)d dépouillement sans seconde saisie concordante",
                "%(n)d dépouillements sans seconde saisie concordante",
                pending,
            )
            % {"n": pending}
        )
    for tally in tallies(vote):
        if tally.agrees:
            continue
        if tally.counted is None:
            problems.append(
                _("%(place)s : %(signed)d émargements, aucun dépouillement saisi")
                % {"place": tally.place, "signed": tally.signed}
            )
        else:
            problems.append(
                _("%(place)s : %(ballots)d bulletins pour %(signed)d émargements")
                % {"place": tally.place, "ballots": tally.counted, "signed": tally.signed}
            )
    return problems


def _check_certifiable(vote: Vote) -> None:
    _check_not_cancelled(vote)
    if vote.is_certified:
        raise VoteError(
            _("Ce vote a déjà été certifié le %(on)s : rien n'a changé.")
            % {"on": _d(vote.certified_on)}
        )


def vote_certify_refusal(vote: Vote) -> str | None:
    """Why `vote` can never be certified (cancelled, or certified already); None otherwise."""
    return _refusal(_check_certifiable, vote)


def certifiers() -> list[User]:
    """Who may certify a vote: the active members of the programme's coordination."""
    return list(
        User.objects.filter(is_active=True, role=User.Role.COORDINATOR).order_by(
            "last_name", "first_name", "username"
        )
    )


def _names(users) -> str:
    return ", ".join(u.get_full_name() or u.username for u in users)


def certify_refusal_for_landlord(vote: Vote) -> str:
    """Why landlord staff cannot certify `vote`, and who can: the landlord organises the vote,
    the programme's coordination checks and certifies its result."""
    if vote.is_certified:
        who = vote.certified_by.get_full_name() or vote.certified_by.username
        return _(
            "Ce vote a été certifié le %(on)s par %(who)s, de la coordination du programme."
        ) % {"on": _d(vote.certified_on), "who": who}
    reason = _(
        "Le bailleur organise le vote ; son résultat est vérifié et certifié par la "
        "coordination du programme, qui n'est pas partie au vote. Vous voyez le résultat "
        "provisoire sur la page du vote."
    )
    people = certifiers()
    if people:
        who = ngettext(
            "Peut certifier : %(names)s.", "Peuvent certifier : %(names)s.", len(people)
        ) % {"names": _names(people)}
        return f"{reason} {who}"
    return reason


def certified_figures(figures: dict) -> tuple[int, int, int, int, int]:
    """Voters, yes, no, blank, spoiled: what a certification writes, from `live_figures()`."""
    return tuple(figures[k] for k in ("voters", "yes", "no", "blank", "spoiled"))


def vote_certify(
    *,
    vote: Vote,
    by: User | None,
    on: datetime.date | None = None,
    expected: tuple[int, int, int, int, int] | None = None,
) -> Vote:
    """Certify the result (coordinators), close the vote and move the neighbourhood's pipeline.

    With `expected` (the figures the person confirming was shown), a count corrected or a
    ballot cast since then refuses the certification: what is certified is what was read.
    Certifying twice is refused with a clear message; nothing changes.
    """
    on = on or clock.today()
    if by is not None and not by.is_coordinator:
        raise VoteError(_("Seule la coordination certifie un vote."))
    with transaction.atomic():
        vote = _lock(vote)
        _check_certifiable(vote)
        problems = certification_problems(vote, on)
        if problems:
            raise VoteError(
                _("Certification impossible : %(problems)s.") % {"problems": " ; ".join(problems)}
            )
        figures = vote.live_figures()
        if expected is not None and tuple(expected) != certified_figures(figures):
            raise VoteError(
                _(
                    "Les chiffres ont changé depuis l'affichage de la confirmation : rien n'est "
                    "certifié. Vérifiez le résultat à jour avant de confirmer."
                )
            )
        vote.voters = figures["voters"]
        vote.yes_count = figures["yes"]
        vote.no_count = figures["no"]
        vote.blank_count = figures["blank"]
        vote.spoiled_count = figures["spoiled"]
        vote.status = Vote.Status.CERTIFIED
        vote.certified_name = vote.neighbourhood.name
        vote.certified_on = on
        vote.certified_at = timezone.now()
        vote.certified_by = by
        vote.save(
            update_fields=[
                "voters",
                "yes_count",
                "no_count",
                "blank_count",
                "spoiled_count",
                "status",
                "certified_name",
                "certified_on",
                "certified_at",
                "certified_by",
            ]
        )
        try:
            pipeline.record_vote_outcome(vote.neighbourhood, vote=vote, by=by, on=on)
        except pipeline.TransitionError as exc:
            raise VoteError(str(exc)) from exc
        return vote


__all__ = [
    "Figures",
    "Tally",
    "VoteError",
    "ballot_cast",
    "certification_problems",
    "code_find",
    "codes_generate",
    "compute_result",
    "count_confirm",
    "count_enter",
    "participations_record",
    "roll_freeze",
    "tallies",
    "vote_cancel",
    "vote_certify",
    "vote_certify_refusal",
    "vote_update",
]
