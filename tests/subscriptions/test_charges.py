"""The monthly charge run: who is billed, at which tariff, once, and never after export."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from neighborhoods.models import Dwelling, Neighbourhood, User
from subscriptions.models import (
    Adjustment,
    Charge,
    ChargeMonth,
    ChargeRun,
    LandlordMonth,
    Payer,
    Tariff,
)
from subscriptions.services import (
    ChargeError,
    adjustment_create,
    charge_month_export,
    charges_generate,
    tariff_close,
    tariff_create,
)
from tests import factories as f

D = datetime.date


def launch(nbh, on, ended=None):
    Neighbourhood.objects.filter(pk=nbh.pk).update(
        stage=Neighbourhood.Stage.RUNNING, launched_on=on, service_ended_on=ended
    )


@pytest.fixture
def billed(running, tariff):
    """world.nbh running since 2012-04-01 with 3 dwellings; other_nbh not running."""
    return running


def test_every_dwelling_of_a_running_neighbourhood_gets_one_line(billed, landlord_user):
    run = charges_generate(month="2012-04", by=landlord_user)
    assert run.lines_added == 3
    assert run.amount_added == Decimal("3.00")
    assert run.run_by == landlord_user
    lines = Charge.objects.filter(month=D(2012, 4, 1))
    assert set(lines.values_list("dwelling", flat=True)) == {d.pk for d in billed.dwellings}
    assert all(line.amount == Decimal("1.00") for line in lines)
    state = LandlordMonth.objects.get(charge_month__month=D(2012, 4, 1))
    assert (state.landlord, state.status) == (billed.nbh.landlord, LandlordMonth.Status.OPEN)


def test_the_run_is_one_insert_statement(billed):
    with CaptureQueriesContext(connection) as ctx:
        charges_generate(month="2012-05", by=User.objects.system())
    into = f'INSERT INTO "{Charge._meta.db_table}" '
    charge_inserts = [q["sql"] for q in ctx.captured_queries if into in q["sql"]]
    assert len(charge_inserts) == 1
    assert "SELECT" in charge_inserts[0]


def test_a_line_has_its_runs_month_and_tariff(billed, tariff):
    """A tariff's lines are found through their runs, by the runs' month (the charge table has
    no index on the tariff): this must stay true of every line."""
    charges_generate(month="2012-05", by=User.objects.system())
    tariff_close(tariff=tariff, ends_on=D(2012, 5, 31), by=User.objects.system())
    tariff_create(
        offer=tariff.offer,
        amount=Decimal("2.00"),
        starts_on=D(2012, 6, 1),
        by=User.objects.system(),
    )
    charges_generate(month="2012-06", by=User.objects.system())
    f.DwellingFactory(neighbourhood=billed.nbh)
    charges_generate(month="2012-06", by=User.objects.system())
    lines = Charge.objects.select_related("run__charge_month")
    assert lines.count() == 7
    for line in lines:
        assert (line.month, line.tariff_id) == (line.run.charge_month.month, line.run.tariff_id)


def totals(month):
    from django.db.models import Count, Q, Sum

    from subscriptions.models import MonthTotal

    kept = {
        t.neighbourhood_id: (t.lines, t.amount, t.tenants, t.landlord)
        for t in MonthTotal.objects.filter(month=month)
    }
    summed = {
        row["neighbourhood"]: (row["n"], row["a"], row["t"], row["l"])
        for row in Charge.objects.filter(month=month)
        .values("neighbourhood")
        .annotate(
            n=Count("id"),
            a=Sum("amount"),
            t=Sum("amount", filter=Q(payer="tenant"), default=Decimal(0)),
            l=Sum("amount", filter=Q(payer="landlord"), default=Decimal(0)),
        )
    }
    return kept, summed


def test_the_run_keeps_the_months_totals_per_neighbourhood(billed):
    launch(billed.other_nbh, D(2012, 4, 1))
    Dwelling.objects.filter(pk=billed.dwellings[2].pk).update(status=Dwelling.Status.VACANT)
    charges_generate(month="2012-07", by=User.objects.system())
    kept, summed = totals(D(2012, 7, 1))
    assert kept == summed
    assert kept[billed.nbh.pk] == (3, Decimal("3.00"), Decimal("1.00"), Decimal("2.00"))
    # A re-run adding one line adds it to its neighbourhood's total; one adding none, nothing.
    f.DwellingFactory(neighbourhood=billed.nbh)
    charges_generate(month="2012-07", by=User.objects.system())
    charges_generate(month="2012-07", by=User.objects.system())
    kept, summed = totals(D(2012, 7, 1))
    assert kept == summed
    assert kept[billed.nbh.pk][0] == 4


def test_launch_on_the_first_bills_that_month(billed):
    launch(billed.other_nbh, D(2013, 6, 1))
    charges_generate(month="2013-06", by=User.objects.system())
    assert Charge.objects.filter(neighbourhood=billed.other_nbh, month=D(2013, 6, 1)).count() == 1


def test_launch_on_the_second_bills_from_the_next_month(billed):
    launch(billed.other_nbh, D(2013, 6, 2))
    charges_generate(month="2013-06", by=User.objects.system())
    assert not Charge.objects.filter(neighbourhood=billed.other_nbh).exists()
    charges_generate(month="2013-07", by=User.objects.system())
    assert Charge.objects.filter(neighbourhood=billed.other_nbh, month=D(2013, 7, 1)).count() == 1


def test_ended_service_is_no_longer_billed(billed):
    launch(billed.nbh, D(2012, 4, 1), ended=D(2013, 3, 1))
    assert charges_generate(month="2013-02", by=User.objects.system()).lines_added == 3
    # Ended on the 1st: not running that day.
    assert charges_generate(month="2013-03", by=User.objects.system()).lines_added == 0


def test_vacant_and_out_of_service_dwellings_are_borne_by_the_landlord(billed):
    occupied, vacant, out = billed.dwellings
    Dwelling.objects.filter(pk=vacant.pk).update(status=Dwelling.Status.VACANT)
    Dwelling.objects.filter(pk=out.pk).update(status=Dwelling.Status.OUT_OF_SERVICE)
    charges_generate(month="2012-06", by=User.objects.system())
    lines = {c.dwelling_id: c for c in Charge.objects.filter(month=D(2012, 6, 1))}
    assert lines[occupied.pk].payer == Payer.TENANT
    assert lines[occupied.pk].household == billed.household
    assert lines[vacant.pk].payer == Payer.LANDLORD
    assert lines[out.pk].payer == Payer.LANDLORD
    assert lines[vacant.pk].household is None


def test_occupied_dwelling_without_household_on_the_first_is_borne_by_the_landlord(billed):
    # dwellings[1] is "occupied" in the register but no household has moved in.
    charges_generate(month="2012-06", by=User.objects.system())
    assert Charge.objects.get(dwelling=billed.dwellings[1], month=D(2012, 6, 1)).payer == (
        Payer.LANDLORD
    )


def test_a_tariff_change_applies_from_its_first_day_and_keeps_past_lines(billed, tariff):
    charges_generate(month="2013-05", by=User.objects.system())
    tariff_close(tariff=tariff, ends_on=D(2013, 5, 31), by=User.objects.system())
    tariff_create(
        offer=tariff.offer,
        amount=Decimal("1.50"),
        starts_on=D(2013, 6, 1),
        by=User.objects.system(),
    )
    run = charges_generate(month="2013-06", by=User.objects.system())
    assert run.amount_added == Decimal("4.50")
    assert set(Charge.objects.filter(month=D(2013, 5, 1)).values_list("amount", flat=True)) == {
        Decimal("1.00")
    }
    assert set(Charge.objects.filter(month=D(2013, 6, 1)).values_list("amount", flat=True)) == {
        Decimal("1.50")
    }


def test_overlapping_tariff_is_refused(tariff):
    with pytest.raises(ChargeError, match="chevauche"):
        tariff_create(
            offer=tariff.offer,
            amount=Decimal("2"),
            starts_on=D(2014, 1, 1),
            by=User.objects.system(),
        )
    assert Tariff.objects.count() == 1


def test_closing_a_tariff_before_billed_months_is_refused(billed, tariff):
    charges_generate(month="2013-05", by=User.objects.system())
    with pytest.raises(ChargeError, match="déjà été facturés"):
        tariff_close(tariff=tariff, ends_on=D(2013, 4, 30), by=User.objects.system())


def test_database_refuses_two_open_ended_tariffs(tariff):
    with pytest.raises(IntegrityError):
        Tariff.objects.create(offer=tariff.offer, amount=1, starts_on=D(2015, 1, 1))


def test_no_tariff_in_force_is_refused(billed, tariff):
    Tariff.objects.filter(pk=tariff.pk).update(starts_on=D(2013, 1, 1))
    with pytest.raises(ChargeError, match="Aucun tarif"):
        charges_generate(month="2012-06", by=User.objects.system())
    assert not ChargeMonth.objects.exists()


def test_a_second_run_adds_nothing(billed, coordinator):
    charges_generate(month="2012-07", by=coordinator)
    again = charges_generate(month="2012-07", by=coordinator)
    assert again.lines_added == 0
    assert again.amount_added == 0
    assert Charge.objects.count() == 3
    assert ChargeRun.objects.count() == 2


def test_a_new_dwelling_is_billed_by_a_rerun_before_export(billed):
    charges_generate(month="2012-07", by=User.objects.system())
    f.DwellingFactory(neighbourhood=billed.nbh)
    assert charges_generate(month="2012-07", by=User.objects.system()).lines_added == 1


def test_database_refuses_a_second_line_for_a_dwelling_and_month(billed):
    charges_generate(month="2012-07", by=User.objects.system())
    line = Charge.objects.first()
    with pytest.raises(IntegrityError):
        Charge.objects.create(
            dwelling=line.dwelling,
            neighbourhood=line.neighbourhood,
            month=line.month,
            amount=1,
            payer=Payer.LANDLORD,
            tariff=line.tariff,
            run=line.run,
        )


def test_charge_lines_are_append_only(billed):
    charges_generate(month="2012-07", by=User.objects.system())
    line = Charge.objects.first()
    line.amount = 0
    with pytest.raises(ValueError):
        line.save()
    with pytest.raises(ValueError):
        line.delete()


def test_an_exported_month_is_locked(billed, landlord_user):
    charges_generate(month="2012-08", by=User.objects.system())
    charge_month_export(month="2012-08", landlord=billed.nbh.landlord, by=landlord_user)
    f.DwellingFactory(neighbourhood=billed.nbh)
    with pytest.raises(ChargeError, match="verrouillé"):
        charges_generate(month="2012-08", by=User.objects.system())
    assert Charge.objects.filter(month=D(2012, 8, 1)).count() == 3
    lm = LandlordMonth.objects.get(charge_month__month=D(2012, 8, 1))
    assert lm.exported_by == landlord_user
    # Exporting again changes nothing.
    again = charge_month_export(
        month="2012-08", landlord=billed.nbh.landlord, by=User.objects.system()
    )
    assert (again.landlord_month.exported_by, again.created_by) == (landlord_user, landlord_user)
    assert again.number == 1 and lm.exports.count() == 1


def test_one_landlords_export_leaves_the_month_open_for_the_others(billed, landlord_user):
    launch(billed.other_nbh, D(2012, 4, 1))
    charges_generate(month="2012-08", by=User.objects.system())
    charge_month_export(month="2012-08", landlord=billed.nbh.landlord, by=landlord_user)
    new_locked = f.DwellingFactory(neighbourhood=billed.nbh)
    new_open = f.DwellingFactory(neighbourhood=billed.other_nbh)
    run = charges_generate(month="2012-08", by=User.objects.system())
    assert run.lines_added == 1
    assert [lm.landlord for lm in run.locked] == [billed.nbh.landlord]
    billed_now = set(Charge.objects.filter(month=D(2012, 8, 1)).values_list("dwelling", flat=True))
    assert new_open.pk in billed_now
    assert new_locked.pk not in billed_now
    states = dict(
        LandlordMonth.objects.filter(charge_month__month=D(2012, 8, 1)).values_list(
            "landlord", "status"
        )
    )
    assert states == {
        billed.nbh.landlord_id: LandlordMonth.Status.EXPORTED,
        billed.other_nbh.landlord_id: LandlordMonth.Status.OPEN,
    }


def test_a_landlords_run_bills_only_its_own_dwellings(billed):
    launch(billed.other_nbh, D(2012, 4, 1))
    run = charges_generate(month="2012-08", by=User.objects.system(), landlord=billed.nbh.landlord)
    assert run.lines_added == 3
    assert set(Charge.objects.values_list("neighbourhood", flat=True)) == {billed.nbh.pk}
    assert charges_generate(month="2012-08", by=User.objects.system()).lines_added == 1


def test_database_refuses_two_states_for_a_landlord_and_month(billed):
    charges_generate(month="2012-08", by=User.objects.system())
    lm = LandlordMonth.objects.get()
    with pytest.raises(IntegrityError):
        LandlordMonth.objects.create(charge_month=lm.charge_month, landlord=lm.landlord)


def test_database_refuses_an_exported_month_without_date(billed):
    charges_generate(month="2012-08", by=User.objects.system())
    with pytest.raises(IntegrityError):
        LandlordMonth.objects.update(status=LandlordMonth.Status.EXPORTED)


def test_exporting_a_month_never_generated_is_refused(billed):
    with pytest.raises(ChargeError, match="pas encore été généré"):
        charge_month_export(month="2012-08", landlord=billed.nbh.landlord, by=User.objects.system())


@pytest.mark.parametrize(
    "month, message",
    [
        ("2012-13", "Mois invalide"),
        ("avril", "Mois invalide"),
        ("", "Mois invalide"),
        ("2012-4", "Mois invalide"),
        ("2012-03", "Aucun quartier"),
        ("2099-01", "n'a pas commencé"),
    ],
)
def test_bad_months_are_refused_and_change_nothing(billed, month, message):
    with pytest.raises(ChargeError, match=message):
        charges_generate(month=month, by=User.objects.system())
    assert not Charge.objects.exists()
    assert not ChargeMonth.objects.exists()
    assert not LandlordMonth.objects.exists()


def test_the_current_month_can_be_billed(billed):
    today = datetime.date.today()
    assert (
        charges_generate(month=today.strftime("%Y-%m"), by=User.objects.system()).lines_added == 3
    )


def test_adjustments_correct_a_locked_month(billed, landlord_user):
    charges_generate(month="2012-08", by=User.objects.system())
    charge_month_export(month="2012-08", landlord=billed.nbh.landlord, by=User.objects.system())
    credit = adjustment_create(
        month="2012-08",
        dwelling=billed.dwelling,
        kind=Adjustment.Kind.CREDIT,
        amount="1,00",
        reason="Logement démoli en juillet",
        by=landlord_user,
    )
    assert credit.signed_amount == Decimal("-1.00")
    assert credit.payer == Payer.TENANT
    assert credit.created_by == landlord_user
    assert Charge.objects.filter(month=D(2012, 8, 1)).count() == 3  # nothing deleted
    with pytest.raises(ValueError):
        credit.delete()


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"reason": " "}, "motivé"),
        ({"amount": "0"}, "positif"),
        ({"amount": "abc"}, "invalide"),
        ({"kind": "gift"}, "inconnue"),
        ({"month": "2012-09"}, "pas été facturé"),
    ],
)
def test_bad_adjustments_are_refused(billed, kwargs, message):
    charges_generate(month="2012-08", by=User.objects.system())
    params = {
        "month": "2012-08",
        "dwelling": billed.dwelling,
        "kind": "debit",
        "amount": "1",
        "reason": "Oubli",
        "by": User.objects.system(),
    }
    params.update(kwargs)
    with pytest.raises(ChargeError, match=message):
        adjustment_create(**params)
    assert not Adjustment.objects.exists()


def test_a_rerun_of_a_fully_billed_month_writes_no_line(billed):
    charges_generate(month="2012-07", by=User.objects.system())
    with CaptureQueriesContext(connection) as ctx:
        assert charges_generate(month="2012-07", by=User.objects.system()).lines_added == 0
    into = f'INSERT INTO "{Charge._meta.db_table}" '
    assert not [q for q in ctx.captured_queries if q["sql"].startswith(into)]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the planner's statistics are PostgreSQL's"
)
def test_a_run_that_adds_lines_refreshes_the_planners_statistics(billed):
    # Otherwise the planner believes the new month empty, and a re-run's probe could rescan the
    # whole month for every dwelling (seen at 1 000 000 dwellings).
    charges_generate(month="2012-07", by=User.objects.system())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [Charge._meta.db_table]
        )
        assert cursor.fetchone()[0] == Charge.objects.count() > 0


def test_a_dwelling_moved_away_does_not_hide_a_new_one_from_the_rerun(billed):
    # Same number of dwellings as lines, yet one dwelling lacks its line: counts would miss it.
    charges_generate(month="2012-07", by=User.objects.system())
    Dwelling.objects.filter(pk=billed.dwellings[2].pk).update(neighbourhood=billed.other_nbh)
    new = f.DwellingFactory(neighbourhood=billed.nbh)
    assert charges_generate(month="2012-07", by=User.objects.system()).lines_added == 1
    assert Charge.objects.filter(dwelling=new, month=D(2012, 7, 1)).exists()


def test_overlapping_occupancies_bill_the_latest_household_once(billed):
    # A register mistake: two households on the 1st. One line, for the one who moved in last.
    from neighborhoods.models import Occupancy

    Occupancy.objects.filter(dwelling=billed.dwelling).update(moved_out=D(2012, 12, 31))
    later = f.HouseholdFactory(name="Famille Arrivée")
    f.OccupancyFactory(household=later, dwelling=billed.dwelling, moved_in=D(2012, 5, 1))
    charges_generate(month="2012-07", by=User.objects.system())
    line = Charge.objects.get(dwelling=billed.dwelling, month=D(2012, 7, 1))
    assert (line.payer, line.household) == (Payer.TENANT, later)


def test_a_household_that_moved_out_before_the_first_leaves_the_line_to_the_landlord(billed):
    from neighborhoods.models import Occupancy

    Occupancy.objects.filter(dwelling=billed.dwelling).update(moved_out=D(2012, 7, 1))
    charges_generate(month="2012-07", by=User.objects.system())
    line = Charge.objects.get(dwelling=billed.dwelling, month=D(2012, 7, 1))
    assert (line.payer, line.household) == (Payer.LANDLORD, None)


def test_an_adjustment_needs_its_landlords_month(billed):
    launch(billed.other_nbh, D(2012, 9, 1))
    charges_generate(
        month="2012-08", by=User.objects.system()
    )  # other_nbh not running yet: not billed
    with pytest.raises(ChargeError, match="pas été facturé pour ce logement"):
        adjustment_create(
            month="2012-08",
            dwelling=billed.other_dwelling,
            kind="debit",
            amount="1",
            reason="Oubli",
            by=User.objects.system(),
        )


def test_export_command_exports_one_landlords_month(billed, tmp_path):
    import io

    from django.core.management import CommandError, call_command

    launch(billed.other_nbh, D(2012, 4, 1))
    charges_generate(month="2012-08", by=User.objects.system())
    target = tmp_path / "charges.csv"
    args = ["export_charges", "--month", "2012-08", "--output", str(target)]
    with pytest.raises(CommandError, match="Indiquez --landlord"):
        call_command(*args, stdout=io.StringIO())
    with pytest.raises(CommandError, match="Aucun bailleur"):
        call_command(*args, "--landlord", "Inconnu", stdout=io.StringIO())
    assert not LandlordMonth.objects.filter(status=LandlordMonth.Status.EXPORTED).exists()
    call_command(*args, "--landlord", billed.other_nbh.landlord.name, stdout=io.StringIO())
    rows = target.read_text(encoding="utf-8").strip().split("\n")[1:]
    assert len(rows) == 1
    assert billed.other_nbh.name in rows[0]
    exported = LandlordMonth.objects.get(status=LandlordMonth.Status.EXPORTED)
    assert exported.landlord == billed.other_nbh.landlord
