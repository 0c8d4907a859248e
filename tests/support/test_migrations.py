"""The data migration that lets rows recorded before the new rules of 0004 through: a second
computer of a household and a visit done before its planned day."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [
    ("support", "0003_session_cancellation"),
    ("neighborhoods", "0006_neighbourhood_name_key_and_date_corrections"),
]
AFTER = [("support", "0004_home_help_dates_and_one_computer_per_household")]
D = datetime.date


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


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
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
