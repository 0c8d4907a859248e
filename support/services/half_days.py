"""Launch half-days: programming one, and recording at its table, in one transaction, all a
household asks for (a connection, workshop sign-ups, a computer)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from neighborhoods.models import Dwelling, Household, Meeting, Occupancy, User
from neighborhoods.moves import MoveError, household_move_in

from .. import rules
from ..households import current_dwelling
from ..models import ComputerModel, ComputerOrder, HalfDayVisit, Registration, WorkshopSession
from .base import SupportError, check
from .computers import computer_order_create
from .workshops import registration_create


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
    by: User,
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
    from subscriptions import services as subscription_services  # imported on use

    nbh = half_day.neighbourhood
    check(rules.can_run_support_in(by, nbh))
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
    check(
        rules.can_run_support_in(by, neighbourhood),
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
