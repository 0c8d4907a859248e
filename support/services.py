"""State changes of the support app: the only code that writes their status fields.

Each function runs in one transaction, locks the row that serialises the decision (the session
for seats, the computer model for stock, the request itself otherwise), checks the current state,
writes the new one (django-simple-history keeps the before/after), and raises `SupportError`
with a French message when it refuses. Calling it again on something already done is a no-op.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from neighborhoods.models import Dwelling, Household, Meeting, Occupancy, User

from .models import (
    AdviceRequest,
    ComputerModel,
    ComputerOrder,
    HalfDayVisit,
    HomeHelpRequest,
    Registration,
    WorkshopSession,
)


class SupportError(Exception):
    """A refused support action, with a message for the person who asked (translated)."""


def current_dwelling(household: Household) -> Dwelling | None:
    occupancy = (
        Occupancy.objects.select_related("dwelling__neighbourhood")
        .filter(household=household, moved_out__isnull=True)
        .first()
    )
    return occupancy.dwelling if occupancy else None


# --- Workshops ---------------------------------------------------------------------------------


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
    now = now or timezone.now()
    with transaction.atomic():
        locked = WorkshopSession.objects.select_for_update().get(pk=session.pk)
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
                return Registration.objects.create(
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


def registration_cancel(
    *, registration: Registration, by: User | None, now: datetime.datetime | None = None
) -> Registration | None:
    """Cancel a sign-up (the row stays, cancelled); a freed seat goes to the first in line.

    Returns the registration promoted from the waiting list, if any.
    """
    now = now or timezone.now()
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
    now = now or timezone.now()
    allowed = {Registration.Attendance.ATTENDED, Registration.Attendance.ABSENT, ""}
    with transaction.atomic():
        locked = WorkshopSession.objects.select_for_update().get(pk=session.pk)
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
) -> ComputerOrder:
    """Order a computer for a household, taking it from stock (never below zero).

    The model's row is locked while the stock is read and decremented: two sales of the last
    computer at the same moment cannot both succeed; the CHECK (stock >= 0) is the last guard.
    """
    with transaction.atomic():
        locked = ComputerModel.objects.select_for_update().get(pk=computer.pk)
        if not locked.active:
            raise SupportError(_("Le modèle %(c)s n'est plus proposé.") % {"c": locked})
        if locked.stock < 1:
            raise SupportError(
                _("Plus d'ordinateur « %(c)s » en stock : la commande n'est pas enregistrée.")
                % {"c": locked.name}
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
            ordered_on=ordered_on or timezone.localdate(),
            half_day=half_day,
            created_by=by,
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
        locked.paid_on = on or timezone.localdate()
        locked._history_user = by
        locked.save(update_fields=["status", "paid_on"])
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
        locked.handed_over_on = on or timezone.localdate()
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
        locked.cancelled_on = on or timezone.localdate()
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
        locked.status = HomeHelpRequest.Status.SCHEDULED
        locked.scheduled_for = on
        locked._history_user = by
        locked.save(update_fields=["status", "scheduled_for"])
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
            raise SupportError(_("La visite ne peut précéder la demande."))
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
        locked.status = AdviceRequest.Status.ANSWERED
        locked.answer = answer
        locked.answered_at = now or timezone.now()
        locked.answered_by = by
        locked._history_user = by
        locked.save(update_fields=["status", "answer", "answered_at", "answered_by"])
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
            household = Household.objects.create(
                name=new_household_name.strip(), phone=new_household_phone.strip()
            )
            Occupancy.objects.create(
                household=household, dwelling=dwelling, moved_in=half_day.held_on
            )
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
