"""The online codes (generated once, reissued for a lost letter) and the online ballot."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from brest_internet.common import clock, formats
from neighborhoods.models import User

from ..models import (
    Channel,
    Choice,
    CodeReissue,
    OnlineTally,
    Participation,
    RollEntry,
    Vote,
    VoteCode,
)
from .base import VoteError, _check_has_online, _check_open, _lock, _lock_in_progress

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


def codes_generate(*, vote: Vote, by: User) -> list[tuple[RollEntry, str]]:
    """One single-use code per roll entry, generated once; returns the plain codes to print.

    Only the hashes are kept: the plain codes exist in the answer of this call and nowhere else.
    """
    with transaction.atomic():
        vote = _lock_in_progress(vote, by)
        if not vote.is_frozen:
            raise VoteError(_("Arrêtez d'abord la liste électorale."))
        _check_has_online(vote)
        if vote.codes_generated_at is not None:
            raise VoteError(
                _(
                    "Les codes ont déjà été générés le %(on)s : ils ne sont montrés qu'une fois "
                    "et ne peuvent être refaits."
                )
                % {"on": formats.day(timezone.localdate(vote.codes_generated_at))}
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
        vote = _lock_in_progress(vote, by)
        _check_has_online(vote)
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
            % {"on": formats.day(timezone.localdate(found.vote.cancelled_at))}
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
