"""Workshops: programming, changing and cancelling a session, signing households up (with the
waiting list), and taking the attendance. Each locks the session row first: two staff members
acting at the same moment are served one after the other."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from simple_history.utils import bulk_update_with_history

from brest_internet.common import clock
from neighborhoods.models import Household, Meeting, Neighbourhood, User

from .. import rules
from ..models import Registration, WorkshopSession, WorkshopTopic
from ..summaries import month_of, workshop_months_kept, workshop_months_refresh
from .base import SupportError, check
from .notify import notify_registrations


def _lock(session: WorkshopSession, by: User) -> WorkshopSession:
    """The session's row, locked, once `by` may act on it."""
    locked = WorkshopSession.objects.select_for_update().get(pk=session.pk)
    check(rules.can_change_session(by, locked))
    return locked


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
    by: User,
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
    with transaction.atomic(), workshop_months_kept(session.pk):
        locked = _lock(session, by)
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
            if locked.attendance_taken():
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
        taken = registrations.seated().count()
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
            notify_registrations(result.promoted, "PROMOTED")
        if {"starts_at", "place"} & set(changed) and not locked.has_started(now):
            place = hashlib.sha256(locked.place.encode()).hexdigest()[:8]
            notify_registrations(
                registrations.holding().select_related(
                    "household", "session__topic", "session__centre"
                ),
                "SESSION_MOVED",
                occasion=f"{locked.starts_at.isoformat()}/{place}",
            )
        return result


def _promote_waiting(
    *, session: WorkshopSession, seats: int, by: User, now: datetime.datetime
) -> list[Registration]:
    """Give up to `seats` free places to the first households of the waiting list (the
    caller holds the session's lock and tells them)."""
    first = list(
        Registration.objects.select_for_update(of=("self",))
        .select_related("household")  # named in the confirmation message
        .filter(session=session)
        .waiting()[:seats]
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
    by: User,
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
    with transaction.atomic(), workshop_months_kept(session.pk):
        locked = _lock(session, by)
        if locked.is_cancelled:
            return 0
        if locked.attendance_taken():
            raise SupportError(
                _("La présence est notée pour cette séance : elle a eu lieu et ne s'annule plus.")
            )
        open_ = Registration.objects.filter(session=locked).holding()
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
        locked.mark_cancelled(by=by, reason=reason, at=now)
        locked._history_user = by
        locked._history_date = now
        locked.save(update_fields=locked.cancellation_fields())
        if ids:
            # One UPDATE for all the sign-ups, then their history rows in one bulk insert
            # (a session of a launch half-day can hold dozens of households).
            cancelled = Registration.objects.filter(pk__in=ids)
            cancelled.update(
                status=Registration.Status.CANCELLED,
                cancelled_at=now,
                cancelled_by=locked.cancelled_by,
                cancel_reason=reason,
            )
            Registration.history.bulk_history_create(
                list(cancelled),
                batch_size=500,
                update=True,
                default_user=by,
                default_change_reason=reason[:100],  # the history column's length
                default_date=now,
            )
            notify_registrations(
                cancelled.select_related("household", "session__topic", "session__centre"),
                "SESSION_CANCELLED",
            )
        return len(ids)


def registration_create(
    *,
    session: WorkshopSession,
    household: Household,
    by: User,
    half_day: Meeting | None = None,
    now: datetime.datetime | None = None,
) -> Registration:
    """Sign `household` up to `session`: a seat while there is one, else the waiting list.

    The session row is locked first, so two staff members signing people up at the same
    moment are served one after the other and the count of seats taken is never stale.
    """
    now = now or clock.now()
    with transaction.atomic(), workshop_months_kept(session.pk):
        locked = _lock(session, by)
        _refuse_cancelled(locked)
        if locked.has_started(now):
            raise SupportError(_("La séance « %(s)s » a déjà eu lieu.") % {"s": locked})
        active = Registration.objects.filter(session=locked).holding()
        if active.filter(household=household).exists():
            raise SupportError(
                _("Le foyer %(h)s est déjà inscrit à la séance « %(s)s ».")
                % {"h": household, "s": locked}
            )
        taken = active.seated().count()
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
            notify_registrations([registration], "SIGN_UP_CONFIRMED")
        return registration


def registration_cancel(
    *, registration: Registration, by: User, now: datetime.datetime | None = None
) -> Registration | None:
    """Cancel a sign-up (the row stays, cancelled); a freed seat goes to the first in line.

    Returns the registration promoted from the waiting list, if any.
    """
    now = now or clock.now()
    with transaction.atomic(), workshop_months_kept(registration.session_id):
        session = _lock(WorkshopSession(pk=registration.session_id), by)
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
        reg.mark_cancelled(by=by, at=now)
        reg._history_user = by
        reg.save(update_fields=["status", *reg.cancellation_fields()])
        if not freed or session.has_started(now):
            return None
        promoted = _promote_waiting(session=session, seats=1, by=by, now=now)
        notify_registrations(promoted, "PROMOTED")
        return promoted[0] if promoted else None


def attendance_record(
    *,
    session: WorkshopSession,
    marks: Mapping[int, str],
    by: User,
    now: datetime.datetime | None = None,
) -> int:
    """Mark who attended a session that has taken place: `marks` maps registration id → value.

    Only confirmed sign-ups carry an attendance; ids of other sessions are refused.
    Returns the number of registrations whose attendance changed.
    """
    now = now or clock.now()
    allowed = {Registration.Attendance.ATTENDED, Registration.Attendance.ABSENT, ""}
    with transaction.atomic(), workshop_months_kept(session.pk):
        locked = _lock(session, by)
        _refuse_cancelled(locked)
        if not locked.has_started(now):
            raise SupportError(
                _("La séance « %(s)s » n'a pas encore eu lieu : la présence se note après.")
                % {"s": locked}
            )
        registrations = {r.pk: r for r in Registration.objects.filter(session=locked).seated()}
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


def session_create(
    *,
    topic: WorkshopTopic,
    neighbourhood: Neighbourhood,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    facilitator: str,
    capacity: int,
    by: User,
    place: str = "",
) -> WorkshopSession:
    """Programme a session of `topic` for `neighbourhood`, at the centre that serves it."""
    check(
        rules.can_run_support_in(by, neighbourhood) and neighbourhood.centre_id is not None,
        _("Votre centre ne sert pas le quartier %(nbh)s.") % {"nbh": neighbourhood},
        field="neighbourhood",
    )
    session = WorkshopSession(
        topic=topic,
        neighbourhood=neighbourhood,
        centre_id=neighbourhood.centre_id,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        facilitator=facilitator,
        capacity=capacity,
    )
    session._history_user = by
    session.full_clean()
    with transaction.atomic():
        session.save()
        workshop_months_refresh({(neighbourhood.pk, month_of(starts_at))})
    return session
