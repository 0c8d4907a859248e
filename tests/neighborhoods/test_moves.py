"""The register day to day (neighborhoods.moves): move-ins, move-outs, statuses, corrections.

Every rule is tested on its refused case as well as its happy path, and a refused change
leaves the register exactly as it was.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from neighborhoods import moves
from neighborhoods.models import Dwelling, Household, Occupancy, User
from tests import factories as f

D = datetime.date
Status = Dwelling.Status


@pytest.fixture
def vacant(world):
    return f.DwellingFactory(neighbourhood=world.nbh, status=Status.VACANT)


@pytest.fixture
def lived(world):
    """world.dwelling: the Le Goff household in place since 1 January 2008."""
    return world.dwelling


def snapshot(dwelling):
    dwelling.refresh_from_db()
    return (
        dwelling.status,
        list(dwelling.occupancies.order_by("pk").values_list("household", "moved_in", "moved_out")),
        Household.objects.count(),
        Dwelling.history.filter(id=dwelling.pk).count(),
        Occupancy.history.filter(dwelling_id=dwelling.pk).count(),
    )


FEB_10 = D(2014, 2, 10)


def move_in(dwelling, name="Famille Kerjean", on=FEB_10, **kwargs):
    return moves.household_move_in(
        dwelling=dwelling, name=name, moved_in=on, by=User.objects.system(), **kwargs
    )


# Move-in --------------------------------------------------------------------------------


def test_a_move_in_creates_the_household_and_its_occupancy_and_makes_the_dwelling_occupied(
    vacant, landlord_user
):
    occupancy, done = moves.household_move_in(
        dwelling=vacant,
        name="  Famille   Kerjean ",
        phone="02 98 00 00 01",
        moved_in=D(2014, 2, 10),
        by=landlord_user,
    )
    assert done
    vacant.refresh_from_db()
    assert vacant.status == Status.OCCUPIED
    assert (occupancy.household.name, occupancy.household.phone) == (
        "Famille Kerjean",
        "02 98 00 00 01",
    )
    assert (occupancy.moved_in, occupancy.moved_out) == (D(2014, 2, 10), None)
    # The history says who and why, on the dwelling and on the occupancy.
    status_change = vacant.history.latest()
    assert status_change.history_user == landlord_user
    assert status_change.history_change_reason == "Entrée dans les lieux le 10/02/2014"
    assert occupancy.history.get().history_user == landlord_user


def test_the_same_move_in_sent_twice_is_a_no_op(vacant):
    first, done = move_in(vacant)
    again, done_again = move_in(vacant)
    assert (done, done_again) == (True, False)
    assert again.pk == first.pk
    assert vacant.occupancies.count() == 1


def test_a_move_in_while_a_household_is_in_place_is_refused(lived):
    before = snapshot(lived)
    with pytest.raises(moves.MoveError, match="habite déjà le logement .* enregistrez d'abord"):
        move_in(lived)
    assert snapshot(lived) == before


def test_a_move_in_into_a_dwelling_out_of_service_is_refused(world):
    dwelling = f.DwellingFactory(neighbourhood=world.nbh, status=Status.OUT_OF_SERVICE)
    before = snapshot(dwelling)
    with pytest.raises(moves.MoveError, match="hors service"):
        move_in(dwelling)
    assert snapshot(dwelling) == before


def test_a_move_in_before_the_last_household_left_is_refused(vacant):
    f.OccupancyFactory(dwelling=vacant, moved_in=D(2005, 1, 1), moved_out=D(2014, 1, 31))
    before = snapshot(vacant)
    with pytest.raises(moves.MoveError, match="chevauchent .* du 01/01/2005 au 31/01/2014"):
        move_in(vacant, on=D(2014, 1, 15))
    assert snapshot(vacant) == before


def test_a_household_may_move_in_on_the_day_the_last_one_left(vacant):
    f.OccupancyFactory(dwelling=vacant, moved_in=D(2005, 1, 1), moved_out=D(2014, 1, 31))
    occupancy, done = move_in(vacant, on=D(2014, 1, 31))
    assert done and occupancy.moved_in == D(2014, 1, 31)


def test_a_move_in_in_the_future_is_refused(vacant):
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    with pytest.raises(moves.MoveError, match="dans le futur"):
        move_in(vacant, on=tomorrow)
    assert not vacant.occupancies.exists()


def test_a_move_in_without_a_name_is_refused(vacant):
    with pytest.raises(moves.MoveError, match="Indiquez le nom du foyer"):
        move_in(vacant, name="   ")


def test_a_failure_after_the_first_write_leaves_nothing_behind(vacant, monkeypatch):
    """All in one transaction: the household is not kept when the occupancy cannot be written."""

    def broken(*args, **kwargs):
        raise IntegrityError("simulated")

    before = snapshot(vacant)
    monkeypatch.setattr(moves, "_set_status", broken)
    with pytest.raises(IntegrityError):
        move_in(vacant)
    assert snapshot(vacant) == before


# Move-out -------------------------------------------------------------------------------


def test_a_move_out_ends_the_occupancy_and_makes_the_dwelling_vacant(lived, world, landlord_user):
    occupancy = lived.occupancies.get()
    occupancy, done = moves.household_move_out(
        occupancy=occupancy, moved_out=D(2014, 2, 15), by=landlord_user
    )
    assert done and occupancy.moved_out == D(2014, 2, 15)
    lived.refresh_from_db()
    assert lived.status == Status.VACANT
    assert lived.history.latest().history_change_reason == "Sortie le 15/02/2014"
    assert occupancy.history.latest().history_user == landlord_user


def test_a_move_out_may_leave_the_dwelling_occupied(lived):
    moves.household_move_out(
        occupancy=lived.occupancies.get(),
        moved_out=D(2014, 2, 15),
        by=User.objects.system(),
        vacate=False,
    )
    lived.refresh_from_db()
    assert lived.status == Status.OCCUPIED


def test_a_move_out_from_a_dwelling_the_import_put_out_of_service_keeps_it_so(lived):
    # The register import writes statuses without looking at households.
    Dwelling.objects.filter(pk=lived.pk).update(status=Status.OUT_OF_SERVICE)
    moves.household_move_out(
        occupancy=lived.occupancies.get(), moved_out=D(2014, 2, 15), by=User.objects.system()
    )
    lived.refresh_from_db()
    assert lived.status == Status.OUT_OF_SERVICE


def test_a_move_out_before_the_move_in_is_refused(lived):
    before = snapshot(lived)
    with pytest.raises(moves.MoveError, match="ne peut précéder l'entrée dans les lieux"):
        moves.household_move_out(
            occupancy=lived.occupancies.get(), moved_out=D(2007, 12, 31), by=User.objects.system()
        )
    assert snapshot(lived) == before


def test_the_same_move_out_sent_twice_is_a_no_op_and_another_date_is_refused(lived):
    occupancy = lived.occupancies.get()
    moves.household_move_out(
        occupancy=occupancy, moved_out=D(2014, 2, 15), by=User.objects.system()
    )
    _occupancy, done = moves.household_move_out(
        occupancy=occupancy, moved_out=D(2014, 2, 15), by=User.objects.system()
    )
    assert not done
    with pytest.raises(moves.MoveError, match="déjà sorti le 15/02/2014 : corrigez plutôt"):
        moves.household_move_out(
            occupancy=occupancy, moved_out=D(2014, 2, 20), by=User.objects.system()
        )


def test_a_move_out_in_the_future_is_refused(lived):
    with pytest.raises(moves.MoveError, match="dans le futur"):
        moves.household_move_out(
            occupancy=lived.occupancies.get(),
            moved_out=datetime.date.today() + datetime.timedelta(days=3),
            by=User.objects.system(),
        )


# Status ---------------------------------------------------------------------------------


def test_a_free_dwelling_goes_out_of_service_and_back_with_its_reason(vacant, coordinator):
    assert moves.dwelling_status_change(
        dwelling=vacant, status=Status.OUT_OF_SERVICE, reason="Dégât des eaux", by=coordinator
    )
    vacant.refresh_from_db()
    assert vacant.status == Status.OUT_OF_SERVICE
    record = vacant.history.latest()
    assert record.history_change_reason == "Statut « Hors service » : Dégât des eaux"
    assert record.history_user == coordinator
    assert moves.dwelling_status_change(
        dwelling=vacant, status=Status.VACANT, by=User.objects.system()
    )


def test_the_same_status_again_is_a_no_op(vacant):
    history = vacant.history.count()
    assert not moves.dwelling_status_change(
        dwelling=vacant, status=Status.VACANT, by=User.objects.system()
    )
    assert vacant.history.count() == history


@pytest.mark.parametrize("status", [Status.VACANT, Status.OUT_OF_SERVICE])
def test_a_dwelling_with_its_household_in_place_stays_occupied(lived, status):
    before = snapshot(lived)
    with pytest.raises(moves.MoveError, match="enregistrez d'abord sa sortie"):
        moves.dwelling_status_change(dwelling=lived, status=status, by=User.objects.system())
    assert snapshot(lived) == before


def test_a_status_changed_meanwhile_gets_a_clear_message(vacant):
    Dwelling.objects.filter(pk=vacant.pk).update(status=Status.OUT_OF_SERVICE)
    with pytest.raises(moves.MoveError, match="entre-temps"):
        moves.dwelling_status_change(
            dwelling=vacant,
            status=Status.OCCUPIED,
            expected_status=Status.VACANT,
            by=User.objects.system(),
        )
    vacant.refresh_from_db()
    assert vacant.status == Status.OUT_OF_SERVICE


def test_an_unknown_status_is_refused(vacant):
    with pytest.raises(moves.MoveError, match="Statut inconnu"):
        moves.dwelling_status_change(dwelling=vacant, status="demolished", by=User.objects.system())


# Corrections ----------------------------------------------------------------------------


def test_a_correction_changes_the_dates_and_keeps_the_old_ones_in_the_history(lived, coordinator):
    occupancy = lived.occupancies.get()
    assert moves.occupancy_correct(
        occupancy=occupancy,
        moved_in=D(2008, 3, 1),
        moved_out=None,
        reason="Date du bail",
        by=coordinator,
    )
    occupancy.refresh_from_db()
    assert occupancy.moved_in == D(2008, 3, 1)
    old, new = occupancy.history.order_by("history_id")
    assert (old.moved_in, new.moved_in) == (D(2008, 1, 1), D(2008, 3, 1))
    assert new.history_change_reason == "Correction : Date du bail"
    assert new.history_user == coordinator


def test_a_correction_needs_a_reason(lived):
    with pytest.raises(moves.MoveError, match="motivée"):
        moves.occupancy_correct(
            occupancy=lived.occupancies.get(),
            moved_in=D(2008, 3, 1),
            moved_out=None,
            reason=" ",
            by=User.objects.system(),
        )


def test_a_correction_that_overlaps_another_household_is_refused(vacant):
    earlier = f.OccupancyFactory(dwelling=vacant, moved_in=D(2001, 1, 1), moved_out=D(2005, 6, 1))
    later = f.OccupancyFactory(dwelling=vacant, moved_in=D(2006, 1, 1), moved_out=D(2010, 1, 1))
    before = snapshot(vacant)
    with pytest.raises(moves.MoveError, match="chevauchent .* du 01/01/2006 au 01/01/2010"):
        moves.occupancy_correct(
            occupancy=earlier,
            moved_in=D(2001, 1, 1),
            moved_out=D(2006, 2, 1),
            reason="Sortie mal saisie",
            by=User.objects.system(),
        )
    assert snapshot(vacant) == before
    assert later.moved_in == D(2006, 1, 1)


def test_a_correction_may_not_end_the_household_in_place(lived):
    with pytest.raises(moves.MoveError, match="Enregistrer la sortie"):
        moves.occupancy_correct(
            occupancy=lived.occupancies.get(),
            moved_in=D(2008, 1, 1),
            moved_out=D(2010, 1, 1),
            reason="Erreur",
            by=User.objects.system(),
        )


def test_a_move_out_recorded_by_mistake_is_reopened_and_the_dwelling_occupied_again(lived):
    occupancy = lived.occupancies.get()
    moves.household_move_out(
        occupancy=occupancy, moved_out=D(2014, 2, 15), by=User.objects.system()
    )
    assert moves.occupancy_correct(
        occupancy=occupancy,
        moved_in=D(2008, 1, 1),
        moved_out=None,
        reason="Sortie saisie sur le mauvais logement",
        by=User.objects.system(),
    )
    lived.refresh_from_db()
    assert lived.status == Status.OCCUPIED
    assert lived.occupancies.current().get() == occupancy


def test_a_reopening_is_refused_once_another_household_moved_in(lived):
    occupancy = lived.occupancies.get()
    moves.household_move_out(
        occupancy=occupancy, moved_out=D(2014, 2, 15), by=User.objects.system()
    )
    move_in(lived, name="Famille Suivante", on=D(2014, 2, 20))
    with pytest.raises(moves.MoveError, match="Famille Suivante, en place depuis le 20/02/2014"):
        moves.occupancy_correct(
            occupancy=occupancy,
            moved_in=D(2008, 1, 1),
            moved_out=None,
            reason="x",
            by=User.objects.system(),
        )


def test_a_reopening_into_a_dwelling_out_of_service_is_refused(lived):
    occupancy = lived.occupancies.get()
    moves.household_move_out(
        occupancy=occupancy, moved_out=D(2014, 2, 15), by=User.objects.system()
    )
    moves.dwelling_status_change(
        dwelling=lived, status=Status.OUT_OF_SERVICE, by=User.objects.system()
    )
    with pytest.raises(moves.MoveError, match="hors service"):
        moves.occupancy_correct(
            occupancy=occupancy,
            moved_in=D(2008, 1, 1),
            moved_out=None,
            reason="x",
            by=User.objects.system(),
        )


def test_an_occupancy_entered_by_mistake_is_cancelled_not_deleted(vacant):
    """Same move-in and move-out day: it spans no day, frees the dwelling, and stays listed."""
    wrong, _done = move_in(vacant, name="Famille Erreur", on=D(2014, 2, 1))
    moves.household_move_out(occupancy=wrong, moved_out=D(2014, 2, 3), by=User.objects.system())
    moves.occupancy_correct(
        occupancy=wrong,
        moved_in=D(2014, 2, 1),
        moved_out=D(2014, 2, 1),
        reason="Saisi sur le mauvais logement",
        by=User.objects.system(),
    )
    right, done = move_in(vacant, name="Famille Juste", on=D(2014, 2, 1))
    assert done
    assert set(vacant.occupancies.values_list("household__name", flat=True)) == {
        "Famille Erreur",
        "Famille Juste",
    }


# The rules as the database and the model keep them ----------------------------------------


def test_the_database_refuses_a_second_household_in_place(lived):
    with pytest.raises(IntegrityError), transaction.atomic():
        f.OccupancyFactory(dwelling=lived, moved_in=D(2014, 1, 1))


def test_the_database_refuses_a_move_out_before_the_move_in(lived):
    with pytest.raises(IntegrityError), transaction.atomic():
        Occupancy.objects.filter(dwelling=lived).update(moved_out=D(2000, 1, 1))


def test_the_model_validation_refuses_an_overlap(vacant):
    f.OccupancyFactory(dwelling=vacant, moved_in=D(2005, 1, 1), moved_out=D(2010, 1, 1))
    household = f.HouseholdFactory()
    overlapping = Occupancy(
        household=household, dwelling=vacant, moved_in=D(2009, 1, 1), moved_out=D(2012, 1, 1)
    )
    with pytest.raises(ValidationError, match="chevauchent"):
        overlapping.full_clean()
    after = Occupancy(
        household=household, dwelling=vacant, moved_in=D(2010, 1, 1), moved_out=D(2012, 1, 1)
    )
    after.full_clean()


@pytest.mark.parametrize(
    "period, overlaps",
    [
        ((D(2009, 12, 31), D(2010, 1, 1)), True),  # its last day
        ((D(2010, 1, 1), D(2011, 1, 1)), False),  # from its move-out day
        ((D(2004, 1, 1), D(2005, 1, 1)), False),  # up to its move-in day
        ((D(2004, 1, 1), None), True),  # still in place since before
        ((D(2006, 1, 1), D(2006, 1, 1)), False),  # a cancelled occupancy spans no day
    ],
)
def test_overlapping_reads_periods_as_the_charge_does(vacant, period, overlaps):
    f.OccupancyFactory(dwelling=vacant, moved_in=D(2005, 1, 1), moved_out=D(2010, 1, 1))
    assert vacant.occupancies.overlapping(*period).exists() is overlaps
