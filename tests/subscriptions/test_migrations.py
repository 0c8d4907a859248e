"""The data migration that moved each month's export state to its landlords (0005)."""

import datetime

import pytest
from django.utils import timezone

from tests.migrations import create_neighbourhood, migrate, migrate_to_latest

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("subscriptions", "0004_landlord_month")]
AFTER = [("subscriptions", "0005_landlord_month_state")]
MONTH = datetime.date(2013, 2, 1)


def bill(apps, landlord_names, exported_at):
    """One month billed for every landlord given, exported for everybody as before 0005."""
    Organisation = apps.get_model("neighborhoods", "Organisation")
    Dwelling = apps.get_model("neighborhoods", "Dwelling")
    Offer = apps.get_model("subscriptions", "Offer")
    Tariff = apps.get_model("subscriptions", "Tariff")
    ChargeMonth = apps.get_model("subscriptions", "ChargeMonth")
    ChargeRun = apps.get_model("subscriptions", "ChargeRun")
    Charge = apps.get_model("subscriptions", "Charge")
    operator = Organisation.objects.create(name="Numericable", kind="operator")
    tariff = Tariff.objects.create(
        offer=Offer.objects.create(operator=operator, name="NUMERISUN"),
        amount=1,
        starts_on=datetime.date(2010, 1, 1),
    )
    cm = ChargeMonth.objects.create(month=MONTH, status="exported", exported_at=exported_at)
    ChargeMonth.objects.create(month=datetime.date(2013, 3, 1), status="open")
    run = ChargeRun.objects.create(charge_month=cm, tariff=tariff)
    for i, name in enumerate(landlord_names):
        landlord = Organisation.objects.create(name=name, kind="landlord")
        nbh = create_neighbourhood(apps, name=f"Q{i}", slug=f"q{i}", landlord=landlord)
        for j in range(2):
            dwelling = Dwelling.objects.create(
                neighbourhood=nbh, reference=f"R{i}-{j}", address="rue"
            )
            Charge.objects.create(
                dwelling=dwelling,
                neighbourhood=nbh,
                month=MONTH,
                amount=1,
                payer="landlord",
                tariff=tariff,
                run=run,
            )


def test_each_landlord_of_an_exported_month_gets_it_locked_and_back():
    exported_at = timezone.now()
    try:
        apps = migrate(BEFORE)
        bill(apps, ["Bmh", "Armorique Habitat"], exported_at)
        apps = migrate(AFTER)
        LandlordMonth = apps.get_model("subscriptions", "LandlordMonth")
        rows = LandlordMonth.objects.filter(charge_month__month=MONTH).order_by("landlord__name")
        assert [(lm.landlord.name, lm.status) for lm in rows] == [
            ("Armorique Habitat", "exported"),
            ("Bmh", "exported"),
        ]
        assert {lm.exported_at for lm in rows} == {exported_at}
        # A month without lines has no landlord to lock.
        assert not LandlordMonth.objects.filter(charge_month__month=datetime.date(2013, 3, 1))
        history = apps.get_model("subscriptions", "HistoricalLandlordMonth")
        assert history.objects.count() == 2

        # Reversed: the month is exported again as a whole.
        apps = migrate(BEFORE)
        ChargeMonth = apps.get_model("subscriptions", "ChargeMonth")
        cm = ChargeMonth.objects.get(month=MONTH)
        assert (cm.status, cm.exported_at) == ("exported", exported_at)
        assert ChargeMonth.objects.get(month=datetime.date(2013, 3, 1)).status == "open"
        assert not apps.get_model("subscriptions", "LandlordMonth").objects.exists()
    finally:
        migrate_to_latest()


def test_month_totals_are_filled_from_the_lines_billed_before():
    before = [("subscriptions", "0008_month_totals")]
    try:
        apps = migrate(before)
        Organisation = apps.get_model("neighborhoods", "Organisation")
        Dwelling = apps.get_model("neighborhoods", "Dwelling")
        Household = apps.get_model("neighborhoods", "Household")
        Offer = apps.get_model("subscriptions", "Offer")
        Tariff = apps.get_model("subscriptions", "Tariff")
        ChargeMonth = apps.get_model("subscriptions", "ChargeMonth")
        ChargeRun = apps.get_model("subscriptions", "ChargeRun")
        Charge = apps.get_model("subscriptions", "Charge")
        landlord = Organisation.objects.create(name="Bmh", kind="landlord")
        nbh = create_neighbourhood(apps, name="Q", slug="q", landlord=landlord)
        tariff = Tariff.objects.create(
            offer=Offer.objects.create(
                operator=Organisation.objects.create(name="Op", kind="operator"), name="N"
            ),
            amount=1,
            starts_on=datetime.date(2010, 1, 1),
        )
        run = ChargeRun.objects.create(
            charge_month=ChargeMonth.objects.create(month=MONTH), tariff=tariff
        )
        household = Household.objects.create(name="Foyer")
        for i, payer in enumerate(["tenant", "landlord", "landlord"]):
            Charge.objects.create(
                dwelling=Dwelling.objects.create(neighbourhood=nbh, reference=f"R{i}", address="r"),
                neighbourhood=nbh,
                month=MONTH,
                amount=1,
                payer=payer,
                household=household if payer == "tenant" else None,
                tariff=tariff,
                run=run,
            )
        apps = migrate([("subscriptions", "0009_fill_month_totals")])
        total = apps.get_model("subscriptions", "MonthTotal").objects.get()
        assert (total.month, total.lines, total.amount, total.tenants, total.landlord) == (
            MONTH,
            3,
            3,
            1,
            2,
        )
        apps = migrate(before)
        assert not apps.get_model("subscriptions", "MonthTotal").objects.exists()
    finally:
        migrate_to_latest()


def test_an_adjustment_out_of_the_new_bounds_stops_the_migration_with_its_id():
    before = [("subscriptions", "0010_charge_dwelling_index")]
    after = [("subscriptions", "0011_keep_exported_files_and_bound_adjustments")]
    try:
        apps = migrate(before)
        Organisation = apps.get_model("neighborhoods", "Organisation")
        Dwelling = apps.get_model("neighborhoods", "Dwelling")
        Adjustment = apps.get_model("subscriptions", "Adjustment")
        ChargeMonth = apps.get_model("subscriptions", "ChargeMonth")
        nbh = create_neighbourhood(
            apps,
            name="Q",
            slug="q",
            landlord=Organisation.objects.create(name="Bmh", kind="landlord"),
        )
        dwelling = Dwelling.objects.create(neighbourhood=nbh, reference="R1", address="r")
        bad = Adjustment.objects.create(
            charge_month=ChargeMonth.objects.create(month=MONTH),
            dwelling=dwelling,
            neighbourhood=nbh,
            kind="debit",
            amount=250,
            payer="landlord",
            reason="Saisi avant les bornes",
        )
        with pytest.raises(RuntimeError, match=rf"Ajustements hors bornes .* : {bad.pk}\."):
            migrate(after)
        # Nothing changed: the adjustment is there as it was, the schema as before.
        apps = migrate(before)
        assert apps.get_model("subscriptions", "Adjustment").objects.get().amount == 250
        apps.get_model("subscriptions", "Adjustment").objects.all().delete()
        migrate(after)
    finally:
        migrate_to_latest()


def test_cancelled_subscriptions_get_who_and_when_from_their_history_or_their_day():
    before = [("subscriptions", "0012_bound_offer_speed")]
    after = [("subscriptions", "0015_subscription_cancellation_checks")]
    recorded_at = timezone.now() - datetime.timedelta(days=3)
    try:
        apps = migrate(before)
        Organisation = apps.get_model("neighborhoods", "Organisation")
        Dwelling = apps.get_model("neighborhoods", "Dwelling")
        Household = apps.get_model("neighborhoods", "Household")
        User = apps.get_model("neighborhoods", "User")
        Subscription = apps.get_model("subscriptions", "Subscription")
        History = apps.get_model("subscriptions", "HistoricalSubscription")
        nbh = create_neighbourhood(
            apps,
            name="Q",
            slug="q",
            landlord=Organisation.objects.create(name="Bmh", kind="landlord"),
        )
        clerk = User.objects.create(username="guichet")

        def subscription(i, **fields):
            return Subscription.objects.create(
                dwelling=Dwelling.objects.create(neighbourhood=nbh, reference=f"R{i}", address="r"),
                household=Household.objects.create(name=f"Foyer {i}"),
                channel="centre",
                requested_on=datetime.date(2013, 1, 10),
                **fields,
            )

        cancelled = {"status": "cancelled", "cancel_reason": "Déménagement"}
        with_history = subscription(1, cancelled_on=datetime.date(2013, 2, 1), **cancelled)
        for at, status, user in [
            (recorded_at - datetime.timedelta(days=20), "requested", None),
            (recorded_at, "cancelled", clerk),
            (recorded_at + datetime.timedelta(days=1), "cancelled", None),  # a later edit
        ]:
            History.objects.create(
                id=with_history.pk,
                dwelling_id=with_history.dwelling_id,
                household_id=with_history.household_id,
                channel="centre",
                requested_on=with_history.requested_on,
                created_at=with_history.created_at,
                status=status,
                cancelled_on=with_history.cancelled_on if status == "cancelled" else None,
                cancel_reason="Déménagement" if status == "cancelled" else "",
                history_date=at,
                history_type="~",
                history_user=user,
            )
        without_history = subscription(2, cancelled_on=datetime.date(2013, 3, 4), **cancelled)
        open_one = subscription(3)

        apps = migrate(after)
        Subscription = apps.get_model("subscriptions", "Subscription")
        History = apps.get_model("subscriptions", "HistoricalSubscription")
        row = Subscription.objects.get(pk=with_history.pk)
        assert (row.cancelled_at, row.cancelled_by_id, row.cancel_reason) == (
            recorded_at,
            clerk.pk,
            "Déménagement",
        )
        assert [(h.status, h.cancelled_at) for h in History.objects.order_by("history_date")] == [
            ("requested", None),
            ("cancelled", recorded_at),
            ("cancelled", recorded_at),
        ]
        row = Subscription.objects.get(pk=without_history.pk)
        assert timezone.localtime(row.cancelled_at) == timezone.make_aware(
            datetime.datetime(2013, 3, 4)
        )
        assert row.cancelled_by_id is None
        row = Subscription.objects.get(pk=open_one.pk)
        assert (row.cancelled_at, row.cancelled_by_id) == (None, None)
        # Back: the columns go, the subscriptions stay as they were.
        apps = migrate(before)
        assert apps.get_model("subscriptions", "Subscription").objects.count() == 3
    finally:
        migrate_to_latest()


def test_an_open_subscription_with_a_reason_stops_the_migration_with_its_id():
    before = [("subscriptions", "0012_bound_offer_speed")]
    try:
        apps = migrate(before)
        Organisation = apps.get_model("neighborhoods", "Organisation")
        nbh = create_neighbourhood(
            apps,
            name="Q",
            slug="q",
            landlord=Organisation.objects.create(name="B", kind="landlord"),
        )
        odd = apps.get_model("subscriptions", "Subscription").objects.create(
            dwelling=apps.get_model("neighborhoods", "Dwelling").objects.create(
                neighbourhood=nbh, reference="R1", address="r"
            ),
            household=apps.get_model("neighborhoods", "Household").objects.create(name="F"),
            channel="centre",
            requested_on=datetime.date(2013, 1, 10),
            cancel_reason="Saisi sans résiliation",
        )
        with pytest.raises(RuntimeError, match=rf"motif de résiliation : {odd.pk}\."):
            migrate([("subscriptions", "0013_subscription_cancellation_who_and_when")])
        assert apps.get_model("subscriptions", "Subscription").objects.get().cancel_reason
    finally:
        apps = migrate(before)
        apps.get_model("subscriptions", "Subscription").objects.all().delete()
        migrate_to_latest()
