"""The data migrations of support: the rows recorded before the new rules of 0004 (a second
computer of a household, a visit done before its planned day), and the cancellations recorded
before the kit's who/when/why (0007)."""

import datetime

import pytest
from django.utils import timezone

from tests.migrations import migrate, migrate_to_latest

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [
    ("support", "0003_session_cancellation"),
    ("neighborhoods", "0006_neighbourhood_name_key_and_date_corrections"),
]
AFTER = [("support", "0004_home_help_dates_and_one_computer_per_household")]
D = datetime.date


def test_earlier_rows_keep_what_they_say_and_pass_the_new_constraints():
    try:
        apps = migrate(BEFORE)
        Organisation = apps.get_model("neighborhoods", "Organisation")
        Neighbourhood = apps.get_model("neighborhoods", "Neighbourhood")
        Household = apps.get_model("neighborhoods", "Household")
        ComputerModel = apps.get_model("support", "ComputerModel")
        ComputerOrder = apps.get_model("support", "ComputerOrder")
        HomeHelpRequest = apps.get_model("support", "HomeHelpRequest")
        landlord = Organisation.objects.create(name="Bmh", kind="landlord")
        nbh = Neighbourhood.objects.create(
            name="Kerourien", slug="kerourien", name_key="kerourien", landlord=landlord
        )
        household = Household.objects.create(name="Famille Le Goff")
        computer = ComputerModel.objects.create(name="Fixe", price=40, stock=3)
        orders = [
            ComputerOrder.objects.create(
                household=household,
                neighbourhood=nbh,
                computer=computer,
                price=40,
                status=status,
                ordered_on=day,
                cancelled_on=day if status == "cancelled" else None,
            )
            for status, day in [
                ("ordered", D(2013, 1, 5)),
                ("cancelled", D(2013, 1, 6)),
                ("ordered", D(2013, 2, 1)),
            ]
        ]
        visit = HomeHelpRequest.objects.create(
            household=household,
            neighbourhood=nbh,
            kind="modem",
            status="done",
            requested_on=D(2013, 3, 1),
            scheduled_for=D(2013, 3, 10),
            done_on=D(2013, 3, 8),
            outcome="Modem branché",
        )

        apps = migrate(AFTER)
        ComputerOrder = apps.get_model("support", "ComputerOrder")
        HomeHelpRequest = apps.get_model("support", "HomeHelpRequest")
        reasons = [ComputerOrder.objects.get(pk=o.pk).extra_reason for o in orders]
        assert reasons == ["", "", "Commande antérieure à la règle d'un ordinateur par foyer."]
        visit = HomeHelpRequest.objects.get(pk=visit.pk)
        assert (visit.scheduled_for, visit.done_on) == (D(2013, 3, 8), D(2013, 3, 8))
    finally:
        migrate_to_latest()


BEFORE_KIT = [("support", "0006_centre_calendar_feed")]
KIT = [("support", "0007_cancellation_kit")]


def test_past_cancellations_get_their_moment_author_and_reason():
    try:
        apps = migrate(BEFORE_KIT)
        User = apps.get_model("neighborhoods", "User")
        Organisation = apps.get_model("neighborhoods", "Organisation")
        Neighbourhood = apps.get_model("neighborhoods", "Neighbourhood")
        Household = apps.get_model("neighborhoods", "Household")
        Topic = apps.get_model("support", "WorkshopTopic")
        Session = apps.get_model("support", "WorkshopSession")
        Registration = apps.get_model("support", "Registration")
        HistoricalRegistration = apps.get_model("support", "HistoricalRegistration")
        ComputerModel = apps.get_model("support", "ComputerModel")
        ComputerOrder = apps.get_model("support", "ComputerOrder")
        HistoricalOrder = apps.get_model("support", "HistoricalComputerOrder")
        HomeHelpRequest = apps.get_model("support", "HomeHelpRequest")
        staff = User.objects.create(username="animatrice")
        landlord = Organisation.objects.create(name="Bmh", kind="landlord")
        centre = Organisation.objects.create(name="Centre social", kind="centre")
        nbh = Neighbourhood.objects.create(
            name="Kerourien", slug="kerourien", name_key="kerourien", landlord=landlord
        )
        household = Household.objects.create(name="Famille Le Goff")
        starts = timezone.make_aware(datetime.datetime(2013, 3, 4, 14))
        reason = "Animateur malade, séance reportée au mois prochain. " * 3  # over 100 chars
        session = Session.objects.create(
            topic=Topic.objects.create(name="Premiers pas"),
            centre=centre,
            neighbourhood=nbh,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=2),
            facilitator="Malo",
            capacity=8,
            cancelled_at=starts - datetime.timedelta(days=1),
            cancelled_by=staff,
            cancellation_reason=reason,
        )
        cancelled_at = starts - datetime.timedelta(days=1)
        reg = Registration.objects.create(
            session=session,
            household=household,
            status="cancelled",
            registered_at=starts - datetime.timedelta(days=9),
            cancelled_at=cancelled_at,
        )
        HistoricalRegistration.objects.create(
            id=reg.pk,
            session_id=session.pk,
            household_id=household.pk,
            status="cancelled",
            attendance="",
            registered_at=reg.registered_at,
            cancelled_at=cancelled_at,
            history_date=cancelled_at,
            history_type="~",
            history_user=staff,
            history_change_reason=reason[:100],
        )
        computer = ComputerModel.objects.create(name="Fixe", price=40, stock=3)
        told = ComputerOrder.objects.create(
            household=household,
            neighbourhood=nbh,
            computer=computer,
            price=40,
            status="cancelled",
            ordered_on=D(2013, 1, 5),
            cancelled_on=D(2013, 1, 9),
        )
        moment = timezone.make_aware(datetime.datetime(2013, 1, 9, 16, 30))
        HistoricalOrder.objects.create(
            id=told.pk,
            household_id=household.pk,
            neighbourhood_id=nbh.pk,
            computer_id=computer.pk,
            price=40,
            status="cancelled",
            ordered_on=told.ordered_on,
            cancelled_on=told.cancelled_on,
            history_date=moment,
            history_type="~",
            history_user=staff,
        )
        untold = ComputerOrder.objects.create(
            household=household,
            neighbourhood=nbh,
            computer=computer,
            price=40,
            status="cancelled",
            ordered_on=D(2013, 2, 1),
            cancelled_on=D(2013, 2, 3),
            extra_reason="Volé",
        )
        visit = HomeHelpRequest.objects.create(
            household=household,
            neighbourhood=nbh,
            kind="modem",
            status="cancelled",
            requested_on=D(2013, 4, 2),
        )
        live = HomeHelpRequest.objects.create(
            household=household, neighbourhood=nbh, kind="modem", requested_on=D(2013, 4, 3)
        )

        apps = migrate(KIT)
        Session = apps.get_model("support", "WorkshopSession")
        Registration = apps.get_model("support", "Registration")
        ComputerOrder = apps.get_model("support", "ComputerOrder")
        HomeHelpRequest = apps.get_model("support", "HomeHelpRequest")
        assert Session.objects.get(pk=session.pk).cancel_reason == reason
        reg = Registration.objects.get(pk=reg.pk)
        assert (reg.cancelled_at, reg.cancelled_by_id, reg.cancel_reason) == (
            cancelled_at,
            staff.pk,
            reason,  # whole, not the history column's first 100 characters
        )
        told = ComputerOrder.objects.get(pk=told.pk)
        assert (told.cancelled_at, told.cancelled_by_id, told.cancelled_on) == (
            moment,
            staff.pk,
            D(2013, 1, 9),
        )
        untold = ComputerOrder.objects.get(pk=untold.pk)
        noon = timezone.make_aware(datetime.datetime(2013, 2, 3, 12))
        assert (untold.cancelled_at, untold.cancelled_by_id) == (noon, None)
        visit = HomeHelpRequest.objects.get(pk=visit.pk)
        assert visit.cancelled_at == timezone.make_aware(datetime.datetime(2013, 4, 2, 12))
        assert HomeHelpRequest.objects.get(pk=live.pk).cancelled_at is None
    finally:
        migrate_to_latest()
