"""State changes of the support app: the only code that writes their status fields.

Each function runs in one transaction, locks the row that serialises the decision (the session
for seats, the computer model for stock, the request itself otherwise), checks the current state,
writes the new one (django-simple-history keeps the before/after), and raises `SupportError`
with a French message when it refuses. Calling it again on something already done is a no-op.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from simple_history.utils import bulk_update_with_history

from brest_internet.common import clock
from brest_internet.common.errors import Refusal
from neighborhoods.models import Dwelling, Household, Meeting, Occupancy, User
from neighborhoods.moves import MoveError, household_move_in

from .models import (
    AdviceRequest,
    ComputerModel,
    ComputerOrder,
    HalfDayVisit,
    HomeHelpRequest,
    Registration,
    WorkshopSession,
)


class SupportError(Refusal):
    """A refused support action (`field`: the form field it is about, when there is one)."""


def _notify(**kwargs) -> None:
    """Tell the household, by e-mail or SMS where it consents, in the caller's transaction
    (the notices app stands above this one: imported here, not at the top)."""
    from brest_internet.notices.models import Notice
    from brest_internet.notices.services import notice_queue

    kwargs["kind"] = getattr(Notice.Kind, kwargs["kind"])
    notice_queue(**kwargs)


def _notify_registrations(regs: Iterable[Registration], kind: str, occasion: str = "") -> None:
    """The same notice to the households of `regs` that may hear it (one query to know
    which: a session of 200 sign-ups without consent costs no more than one of 2)."""
    from brest_internet.notices.services import households_reachable

    regs = list(regs)
    reachable = households_reachable(household_ids={reg.household_id for reg in regs})
    for reg in regs:
        if reg.household_id not in reachable:
            continue
        _notify(
            kind=kind,
            household=reg.household,
            about=reg,
            occasion=occasion,
            expires_at=reg.session.starts_at,
        )


def current_dwelling(household: Household) -> Dwelling | None:
    occupancy = (
        Occupancy.objects.select_related("dwelling__neighbourhood")
        .filter(household=household, moved_out__isnull=True)
        .first()
    )
    return occupancy.dwelling if occupancy else None


# --- Workshops ---------------------------------------------------------------------------------


def _refuse_cancelled(session: WorkshopSession) -> None:
    if session.is_cancelled:
        raise SupportError(_("La séance « %(s)s » est annulée.") % {"s": session})


# What a session's page may change once it is programmed. Its topic and neighbourhood are not
# among them: the households signed up chose that workshop, in their neighbourhood; another
# workshop is another session (cancel this one, programme the other).
SESSION_EDITABLE = ("starts_at", "ends_at", "place", "facilitator", "capacity")


@dataclass
class SessionChange:
    """What `session_update` did: the fields it changed, the households it gave a seat to."""

    session: WorkshopSession
    changed: list[str] = field(default_factory=list)
    promoted: list[Registration] = field(default_factory=list)


def session_update(
    *,
    session: WorkshopSession,
    changes: Mapping[str, object],
    by: User | None,
    now: datetime.datetime | None = None,
) -> SessionChange:
    """Change the date, place, facilitator or number of places of a session.

    The session row is locked, as for a sign-up, so the seats counted here are those taken.
    Refused: a cancelled session; fewer places than households holding a seat; moving a
    session whose attendance has been taken (it happened on its date), or moving a session
    to come into the past. Places added go to the waiting list, first come first served.
    Nothing changed is a no-op (no history row).
    """
    now = now or clock.now()
    unknown = set(changes) - set(SESSION_EDITABLE)
    if unknown:
        raise SupportError(
            _("Ces champs d'une séance ne se modifient pas : %(f)s.")
            % {"f": ", ".join(sorted(unknown))}
        )
    with transaction.atomic():
        locked = WorkshopSession.objects.select_for_update().get(pk=session.pk)
        _refuse_cancelled(locked)
        changed = [name for name, value in changes.items() if getattr(locked, name) != value]
        if not changed:
            return SessionChange(session=locked)
        new = {name: changes.get(name, getattr(locked, name)) for name in SESSION_EDITABLE}
        if new["ends_at"] <= new["starts_at"]:
            raise SupportError(_("La fin de la séance doit suivre son début."), field="ends_at")
        registrations = Registration.objects.filter(session=locked)
        moved = {"starts_at", "ends_at"} & set(changed)
        if moved and locked.has_started(now):
            if registrations.exclude(attendance=Registration.Attendance.UNKNOWN).exists():
                raise SupportError(
                    _(
                        "La présence est notée pour cette séance : elle a eu lieu à sa date, "
                        "qui ne se change plus."
                    ),
                    field="starts_at" if "starts_at" in moved else "ends_at",
                )
        elif "starts_at" in moved and new["starts_at"] <= now:
            raise SupportError(
                _("Une séance à venir ne se déplace pas dans le passé."), field="starts_at"
            )
        if new["capacity"] < 1:
            raise SupportError(_("Une séance a au moins une place."), field="capacity")
        taken = registrations.filter(status=Registration.Status.REGISTERED).count()
        if new["capacity"] < taken:
            raise SupportError(
                ngettext(
                    "%(n)d foyer est inscrit : la séance ne peut pas avoir moins de %(n)d place.",
                    "%(n)d foyers sont inscrits : la séance ne peut pas avoir moins "
                    "de %(n)d places.",
                    taken,
                )
                % {"n": taken},
                field="capacity",
            )
        for name in changed:
            setattr(locked, name, new[name])
        locked._history_user = by
        locked._history_date = now
        locked.save(update_fields=changed)
        result = SessionChange(session=locked, changed=changed)
        free = locked.capacity - taken
        if "capacity" in changed and free > 0 and not locked.has_started(now):
            result.promoted = _promote_waiting(session=locked, seats=free, by=by, now=now)
            _notify_registrations(result.promoted, "PROMOTED")
        if {"starts_at", "place"} & set(changed) and not locked.has_started(now):
            place = hashlib.sha256(locked.place.encode()).hexdigest()[:8]
            _notify_registrations(
                registrations.exclude(status=Registration.Status.CANCELLED).select_related(
                    "household", "session__topic", "session__centre"
                ),
                "SESSION_MOVED",
                occasion=f"{locked.starts_at.isoformat()}/{place}",
            )
        return result


def _promote_waiting(
    *, session: WorkshopSession, seats: int, by: User | None, now: datetime.datetime
) -> list[Registration]:
    """Give up to `seats` free places to the first households of the waiting list."""
    first = list(
        Registration.objects.select_for_update(of=("self",))
        .select_related("household")  # named in the confirmation message
        .filter(session=session, status=Registration.Status.WAITING)
        .order_by("registered_at", "id")[:seats]
    )
    for reg in first:
        reg.status = Registration.Status.REGISTERED
        reg.promoted_at = now
    if first:
        bulk_update_with_history(
            first,
            Registration,
            ["status", "promoted_at"],
            default_user=by,
            default_date=now,
            batch_size=500,
        )
    return first


def session_cancel(
    *,
    session: WorkshopSession,
    reason: str,
    by: User | None,
    expected: int | None = None,
    now: datetime.datetime | None = None,
) -> int:
    """Cancel a session, with its reason, and every sign-up still open on it (seats and
    waiting list) in the same transaction. The session stays, shown as cancelled.

    `expected` is the number of sign-ups the person confirmed cancelling: when it no longer
    matches (someone signed up meanwhile), nothing is done and the refusal says so.
    A session whose attendance has been taken took place and is not cancelled.
    Returns the number of sign-ups cancelled (0 when the session was already cancelled).
    """
    reason = reason.strip()
    if not reason:
        raise SupportError(_("Indiquez le motif de l'annulation."), field="reason")
    now = now or clock.now()
    with transaction.atomic():
        locked = WorkshopSession.objects.select_for_update().get(pk=session.pk)
        if locked.is_cancelled:
            return 0
        registrations = Registration.objects.filter(session=locked)
        if registrations.exclude(attendance=Registration.Attendance.UNKNOWN).exists():
            raise SupportError(
                _("La présence est notée pour cette séance : elle a eu lieu et ne s'annule plus.")
            )
        open_ = registrations.exclude(status=Registration.Status.CANCELLED)
        ids = list(open_.select_for_update().values_list("pk", flat=True))
        if expected is not None and expected != len(ids):
            raise SupportError(
                ngettext(
                    "Les inscriptions ont changé entre-temps : %(n)d inscription serait "
                    "annulée. Vérifiez, puis confirmez à nouveau.",
                    "Les inscriptions ont changé entre-temps : %(n)d inscriptions seraient "
                    "annulées. Vérifiez, puis confirmez à nouveau.",
                    len(ids),
                )
                % {"n": len(ids)}
            )
        locked.cancelled_at = now
        locked.cancelled_by = by
        locked.cancellation_reason = reason
        locked._history_user = by
        locked._history_date = now
        locked.save(update_fields=["cancelled_at", "cancelled_by", "cancellation_reason"])
        if ids:
            # One UPDATE for all the sign-ups, then their history rows in one bulk insert
            # (a session of a launch half-day can hold dozens of households).
            cancelled = Registration.objects.filter(pk__in=ids)
            cancelled.update(status=Registration.Status.CANCELLED, cancelled_at=now)
            Registration.history.bulk_history_create(
                list(cancelled),
                batch_size=500,
                update=True,
                default_user=by,
                default_change_reason=reason[:100],  # the history column's length
                default_date=now,
            )
            _notify_registrations(
                cancelled.select_related("household", "session__topic", "session__centre"),
                "SESSION_CANCELLED",
            )
        return len(ids)


def registration_create(
    *,
    session: WorkshopSession,
    household: Household,
    by: User | None,
    half_day: Meeting | None = None,
    now: datetime.datetime | None = None,
) -> Registration:
    """Sign `household` up to `session`: a seat while there is one, else the waiting list.

    The session row is locked first, so two staff members signing people up at the same
    moment are served one after the other and the count of seats taken is never stale.
    """
    now = now or clock.now()
    with transaction.atomic():
        locked = WorkshopSession.objects.select_for_update().get(pk=session.pk)
        _refuse_cancelled(locked)
        if locked.has_started(now):
            raise SupportError(_("La séance « %(s)s » a déjà eu lieu.") % {"s": locked})
        active = Registration.objects.filter(session=locked).exclude(
            status=Registration.Status.CANCELLED
        )
        if active.filter(household=household).exists():
            raise SupportError(
                _("Le foyer %(h)s est déjà inscrit à la séance « %(s)s ».")
                % {"h": household, "s": locked}
            )
        taken = active.filter(status=Registration.Status.REGISTERED).count()
        status = (
            Registration.Status.REGISTERED
            if taken < locked.capacity
            else Registration.Status.WAITING
        )
        try:
            with transaction.atomic():
                registration = Registration.objects.create(
                    session=locked,
                    household=household,
                    status=status,
                    registered_at=now,
                    registered_by=by,
                    half_day=half_day,
                )
        except IntegrityError as exc:  # the unique constraint, should the lock be bypassed
            raise SupportError(
                _("Le foyer %(h)s est déjà inscrit à cette séance.") % {"h": household}
            ) from exc
        if status == Registration.Status.REGISTERED:
            _notify_registrations([registration], "SIGN_UP_CONFIRMED")
        return registration


def registration_cancel(
    *, registration: Registration, by: User | None, now: datetime.datetime | None = None
) -> Registration | None:
    """Cancel a sign-up (the row stays, cancelled); a freed seat goes to the first in line.

    Returns the registration promoted from the waiting list, if any.
    """
    now = now or clock.now()
    with transaction.atomic():
        session = WorkshopSession.objects.select_for_update().get(pk=registration.session_id)
        reg = Registration.objects.select_for_update().get(pk=registration.pk)
        if reg.status == Registration.Status.CANCELLED:
            return None
        if reg.attendance:
            raise SupportError(
                _(
                    "La présence de ce foyer est déjà notée : "
                    "l'inscription ne peut plus être annulée."
                )
            )
        freed = reg.status == Registration.Status.REGISTERED
        reg.status = Registration.Status.CANCELLED
        reg.cancelled_at = now
        reg._history_user = by
        reg.save(update_fields=["status", "cancelled_at"])
        if not freed or session.has_started(now):
            return None
        first = (
            Registration.objects.select_for_update()
            .filter(session=session, status=Registration.Status.WAITING)
            .order_by("registered_at", "id")
            .first()
        )
        if first is None:
            return None
        first.status = Registration.Status.REGISTERED
        first.promoted_at = now
        first._history_user = by
        first.save(update_fields=["status", "promoted_at"])
        _notify_registrations([first], "PROMOTED")
        return first


def attendance_record(
    *,
    session: WorkshopSession,
    marks: Mapping[int, str],
    by: User | None,
    now: datetime.datetime | None = None,
) -> int:
    """Mark who attended a session that has taken place: `marks` maps registration id → value.

    Only confirmed sign-ups carry an attendance; ids of other sessions are refused.
    Returns the number of registrations whose attendance changed.
    """
    now = now or clock.now()
    allowed = {Registration.Attendance.ATTENDED, Registration.Attendance.ABSENT, ""}
    with transaction.atomic():
        locked = WorkshopSession.objects.select_for_update().get(pk=session.pk)
        _refuse_cancelled(locked)
        if not locked.has_started(now):
            raise SupportError(
                _("La séance « %(s)s » n'a pas encore eu lieu : la présence se note après.")
                % {"s": locked}
            )
        registrations = {
            r.pk: r
            for r in Registration.objects.filter(
                session=locked, status=Registration.Status.REGISTERED
            )
        }
        unknown = set(marks) - set(registrations)
        if unknown:
            raise SupportError(_("Une des inscriptions n'appartient pas à cette séance."))
        changed = []
        for pk, value in marks.items():
            if value not in allowed:
                raise SupportError(_("Valeur de présence inconnue."))
            reg = registrations[pk]
            if reg.attendance != value:
                reg.attendance = value
                changed.append(reg)
        if changed:
            bulk_update_with_history(
                changed, Registration, ["attendance"], default_user=by, batch_size=500
            )
        return len(changed)


# --- Computers ---------------------------------------------------------------------------------


def computer_order_create(
    *,
    household: Household,
    computer: ComputerModel,
    by: User | None,
    neighbourhood=None,
    ordered_on: datetime.date | None = None,
    half_day: Meeting | None = None,
    extra_reason: str = "",
) -> ComputerOrder:
    """Order a computer for a household, taking it from stock (never below zero).

    The model's row is locked while the stock is read and decremented: two sales of the last
    computer at the same moment cannot both succeed; the CHECK (stock >= 0) is the last guard.
    A computer is subsidised: a household that already holds one (ordered, paid or handed
    over) gets another only with `extra_reason` (the household's row is locked, so two staff
    members selling to it at the same moment are served one after the other).
    """
    extra_reason = " ".join(extra_reason.split())
    with transaction.atomic():
        Household.objects.select_for_update().only("pk").get(pk=household.pk)
        locked = ComputerModel.objects.select_for_update().get(pk=computer.pk)
        if not locked.active:
            raise SupportError(_("Le modèle %(c)s n'est plus proposé.") % {"c": locked})
        if locked.stock < 1:
            raise SupportError(
                _("Plus d'ordinateur « %(c)s » en stock : la commande n'est pas enregistrée.")
                % {"c": locked.name}
            )
        held = (
            ComputerOrder.objects.filter(household=household)
            .exclude(status=ComputerOrder.Status.CANCELLED)
            .select_related("computer")
            .order_by("ordered_on", "pk")
            .first()
        )
        if held is not None and not extra_reason:
            raise SupportError(
                _(
                    "Le foyer %(h)s a déjà un ordinateur du programme : %(c)s, commandé le "
                    "%(on)s (état : %(s)s). Un second ordinateur demande un motif."
                )
                % {
                    "h": household,
                    "c": held.computer.name,
                    "s": held.get_status_display().lower(),
                    "on": f"{held.ordered_on:%d/%m/%Y}",
                },
                field="extra_reason",
            )
        if neighbourhood is None:
            dwelling = current_dwelling(household)
            if dwelling is None:
                raise SupportError(
                    _("Le foyer %(h)s n'a pas de logement connu dans un quartier du programme.")
                    % {"h": household}
                )
            neighbourhood = dwelling.neighbourhood
        locked.stock -= 1  # safe: the row is locked
        locked._history_user = by
        locked.save(update_fields=["stock"])
        return ComputerOrder.objects.create(
            household=household,
            neighbourhood=neighbourhood,
            computer=locked,
            price=locked.price,
            ordered_on=ordered_on or clock.today(),
            half_day=half_day,
            created_by=by,
            extra_reason=extra_reason if held is not None else "",
        )


def _lock_order(order: ComputerOrder) -> ComputerOrder:
    return ComputerOrder.objects.select_for_update().select_related("computer").get(pk=order.pk)


def computer_order_pay(
    *, order: ComputerOrder, by: User | None, on: datetime.date | None = None
) -> ComputerOrder:
    """Record the payment of an ordered computer."""
    with transaction.atomic():
        locked = _lock_order(order)
        if locked.status in (ComputerOrder.Status.PAID, ComputerOrder.Status.HANDED_OVER):
            return locked
        if locked.status != ComputerOrder.Status.ORDERED:
            raise SupportError(_("Cette commande est annulée : elle ne peut plus être payée."))
        locked.status = ComputerOrder.Status.PAID
        locked.paid_on = on or clock.today()
        locked._history_user = by
        locked.save(update_fields=["status", "paid_on"])
        _notify(kind="COMPUTER_READY", household=locked.household, about=locked)
        return locked


def computer_order_hand_over(
    *, order: ComputerOrder, by: User | None, on: datetime.date | None = None
) -> ComputerOrder:
    """Record that the household took its (paid) computer home."""
    with transaction.atomic():
        locked = _lock_order(order)
        if locked.status == ComputerOrder.Status.HANDED_OVER:
            return locked
        if locked.status != ComputerOrder.Status.PAID:
            raise SupportError(_("Un ordinateur n'est remis qu'une fois payé."))
        locked.status = ComputerOrder.Status.HANDED_OVER
        locked.handed_over_on = on or clock.today()
        locked._history_user = by
        locked.save(update_fields=["status", "handed_over_on"])
        return locked


def computer_order_cancel(
    *, order: ComputerOrder, by: User | None, on: datetime.date | None = None
) -> ComputerOrder:
    """Cancel an order not yet handed over; the computer goes back to stock."""
    with transaction.atomic():
        locked = _lock_order(order)
        if locked.status == ComputerOrder.Status.CANCELLED:
            return locked
        if locked.status == ComputerOrder.Status.HANDED_OVER:
            raise SupportError(_("L'ordinateur est déjà remis : la commande ne s'annule plus."))
        computer = ComputerModel.objects.select_for_update().get(pk=locked.computer_id)
        computer.stock += 1
        computer._history_user = by
        computer.save(update_fields=["stock"])
        locked.status = ComputerOrder.Status.CANCELLED
        locked.cancelled_on = on or clock.today()
        locked._history_user = by
        locked.save(update_fields=["status", "cancelled_on"])
        return locked


# --- Home help ---------------------------------------------------------------------------------


def _lock_home_help(request: HomeHelpRequest) -> HomeHelpRequest:
    return HomeHelpRequest.objects.select_for_update().get(pk=request.pk)


def home_help_schedule(
    *, request: HomeHelpRequest, on: datetime.date, by: User | None
) -> HomeHelpRequest:
    """Set (or move) the date of a home visit."""
    with transaction.atomic():
        locked = _lock_home_help(request)
        if locked.status in (HomeHelpRequest.Status.DONE, HomeHelpRequest.Status.CANCELLED):
            raise SupportError(
                _("Cette demande est « %(s)s » : elle ne se planifie plus.")
                % {"s": locked.get_status_display()}
            )
        if locked.status == HomeHelpRequest.Status.SCHEDULED and locked.scheduled_for == on:
            return locked
        if on < locked.requested_on:
            raise SupportError(_("La visite ne peut précéder la demande."))
        moved = locked.status == HomeHelpRequest.Status.SCHEDULED
        locked.status = HomeHelpRequest.Status.SCHEDULED
        locked.scheduled_for = on
        locked._history_user = by
        locked.save(update_fields=["status", "scheduled_for"])
        _notify(
            kind="VISIT_MOVED" if moved else "VISIT_PLANNED",
            household=locked.household,
            about=locked,
            occasion=on.isoformat(),
            expires_at=timezone.make_aware(
                datetime.datetime.combine(on + datetime.timedelta(days=1), datetime.time.min)
            ),
        )
        return locked


def home_help_done(
    *, request: HomeHelpRequest, on: datetime.date, outcome: str, by: User | None
) -> HomeHelpRequest:
    """Record that the visit took place, with its outcome."""
    outcome = outcome.strip()
    with transaction.atomic():
        locked = _lock_home_help(request)
        if locked.status == HomeHelpRequest.Status.DONE:
            return locked
        if locked.status == HomeHelpRequest.Status.CANCELLED:
            raise SupportError(_("Cette demande est annulée."))
        if not outcome:
            raise SupportError(_("Indiquez le résultat de la visite."))
        if on < locked.requested_on:
            raise SupportError(_("La visite ne peut précéder la demande."), field="on")
        if on > clock.today():
            raise SupportError(
                _("Une visite se note faite le jour venu : le %(on)s est dans le futur.")
                % {"on": f"{on:%d/%m/%Y}"},
                field="on",
            )
        if locked.scheduled_for is not None and on < locked.scheduled_for:
            raise SupportError(
                _(
                    "La visite était prévue le %(planned)s : elle ne peut pas avoir été faite "
                    "avant (le %(on)s). Si elle a eu lieu plus tôt, replanifiez-la d'abord à ce "
                    "jour-là."
                )
                % {"planned": f"{locked.scheduled_for:%d/%m/%Y}", "on": f"{on:%d/%m/%Y}"},
                field="on",
            )
        locked.status = HomeHelpRequest.Status.DONE
        locked.done_on = on
        locked.outcome = outcome
        locked._history_user = by
        locked.save(update_fields=["status", "done_on", "outcome"])
        return locked


def home_help_cancel(*, request: HomeHelpRequest, by: User | None) -> HomeHelpRequest:
    """Cancel a request not yet done (the row stays)."""
    with transaction.atomic():
        locked = _lock_home_help(request)
        if locked.status == HomeHelpRequest.Status.CANCELLED:
            return locked
        if locked.status == HomeHelpRequest.Status.DONE:
            raise SupportError(_("La visite a déjà eu lieu : la demande ne s'annule plus."))
        locked.status = HomeHelpRequest.Status.CANCELLED
        locked._history_user = by
        locked.save(update_fields=["status"])
        return locked


# --- Legal advice ------------------------------------------------------------------------------


def advice_answer(
    *,
    request: AdviceRequest,
    answer: str,
    by: User | None,
    now: datetime.datetime | None = None,
) -> AdviceRequest:
    """Record the association's answer (an answered request can be answered again: corrected)."""
    answer = answer.strip()
    if not answer:
        raise SupportError(_("La réponse est vide."))
    with transaction.atomic():
        locked = AdviceRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status == AdviceRequest.Status.CANCELLED:
            raise SupportError(_("Cette demande est annulée."))
        if locked.status == AdviceRequest.Status.ANSWERED and locked.answer == answer:
            return locked
        first_answer = locked.status == AdviceRequest.Status.OPEN
        locked.status = AdviceRequest.Status.ANSWERED
        locked.answer = answer
        locked.answered_at = now or clock.now()
        locked.answered_by = by
        locked._history_user = by
        locked.save(update_fields=["status", "answer", "answered_at", "answered_by"])
        if first_answer:  # a corrected answer is not told again
            _notify(kind="ADVICE_ANSWERED", household=locked.household, about=locked)
        return locked


# --- Launch half-days --------------------------------------------------------------------------


@dataclass
class HalfDayOutcome:
    """What one submission of the half-day form recorded, for the confirmation message."""

    visit: HalfDayVisit
    created_household: bool = False
    subscription: object | None = None
    registrations: list[Registration] = field(default_factory=list)
    order: ComputerOrder | None = None


def half_day_record(
    *,
    half_day: Meeting,
    by: User | None,
    household: Household | None = None,
    new_household_name: str = "",
    new_household_phone: str = "",
    dwelling: Dwelling | None = None,
    connection: bool = False,
    sessions: Iterable[WorkshopSession] = (),
    computer: ComputerModel | None = None,
    notes: str = "",
) -> HalfDayOutcome:
    """Record, in one transaction, what a household asked for at a launch half-day's table.

    Either `household` is known, or a new one is created in `dwelling` (which must be free).
    Any refusal (a session full of this household already, no computer left, a connection
    request the subscriptions app refuses) undoes the whole submission.
    """
    from subscriptions import services as subscription_services  # the app above us

    nbh = half_day.neighbourhood
    with transaction.atomic():
        created = False
        if household is None:
            if dwelling is None or dwelling.neighbourhood_id != nbh.pk:
                raise SupportError(_("Choisissez un logement du quartier pour le nouveau foyer."))
            if Occupancy.objects.filter(dwelling=dwelling, moved_out__isnull=True).exists():
                raise SupportError(
                    _("Le logement %(d)s a déjà un foyer : cherchez-le plutôt par son nom.")
                    % {"d": dwelling}
                )
            # The register's own move-in: its rules (no overlap with a past occupancy, no
            # household in a dwelling out of service, the dwelling marked occupied) hold here too.
            try:
                occupancy, _written = household_move_in(
                    dwelling=dwelling,
                    name=new_household_name,
                    phone=new_household_phone.strip(),
                    moved_in=half_day.held_on,
                    by=by,
                )
            except MoveError as error:
                raise SupportError(str(error)) from error
            household = occupancy.household
            created = True
        elif dwelling is None:
            dwelling = current_dwelling(household)
        if dwelling is None or dwelling.neighbourhood_id != nbh.pk:
            raise SupportError(
                _("Le foyer %(h)s n'habite pas le quartier %(n)s.") % {"h": household, "n": nbh}
            )
        outcome = HalfDayOutcome(
            visit=HalfDayVisit.objects.create(
                half_day=half_day,
                household=household,
                connection_requested=connection,
                notes=notes.strip(),
                recorded_by=by,
            ),
            created_household=created,
        )
        if connection:
            try:
                outcome.subscription = subscription_services.subscription_request(
                    dwelling=dwelling,
                    household=household,
                    channel="half_day",
                    by=by,
                    requested_on=half_day.held_on,
                    half_day=half_day,
                )
            except subscription_services.SubscriptionError as exc:
                raise SupportError(str(exc)) from exc
        for session in sessions:
            outcome.registrations.append(
                registration_create(session=session, household=household, by=by, half_day=half_day)
            )
        if computer is not None:
            outcome.order = computer_order_create(
                household=household,
                computer=computer,
                by=by,
                neighbourhood=nbh,
                ordered_on=half_day.held_on,
                half_day=half_day,
            )
        return outcome


# --- Launch half-days ----------------------------------------------------------------------------


def half_day_create(
    *,
    neighbourhood,
    held_on: datetime.date,
    by: User,
    starts_at: datetime.time | None = None,
    ends_at: datetime.time | None = None,
    place: str = "",
) -> Meeting:
    """Programme a launch half-day of `neighbourhood`: the coordination anywhere, a centre's
    staff only in the neighbourhoods their centre serves (who is kept in its history)."""
    from .access import neighbourhoods_for

    if not neighbourhoods_for(by).filter(pk=neighbourhood.pk).exists():
        raise SupportError(
            _(
                "Votre centre ne sert pas le quartier %(nbh)s : sa demi-journée de lancement "
                "se programme avec son centre ou la coordination."
            )
            % {"nbh": neighbourhood},
            field="neighbourhood",
        )
    if starts_at and ends_at and ends_at <= starts_at:
        raise SupportError(_("La fin doit suivre le début."), field="ends_at")
    with transaction.atomic():
        meeting = Meeting(
            neighbourhood=neighbourhood,
            kind=Meeting.Kind.LAUNCH,
            held_on=held_on,
            starts_at=starts_at,
            ends_at=ends_at,
            place=place.strip(),
        )
        meeting._history_user = by
        meeting.full_clean()
        meeting.save()
        if by.organisation_id is not None:
            meeting.organisations.add(by.organisation_id)
    return meeting
