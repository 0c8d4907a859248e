"""Two staff members at the same moment: seats and stock are never oversold.

Each thread has its own database connection and transaction. The services lock the session
(or computer model) row first, so the threads are served one after the other: on PostgreSQL
through SELECT … FOR UPDATE, on SQLite because every transaction starts IMMEDIATE (a write lock).

The test database of SQLite lives in memory with a shared cache, where a writer that finds the
database locked is told so at once ("database table is locked") instead of waiting for the busy
timeout as it does with a database file: there the threads retry, as the timeout would.
"""

import threading
import time

import pytest
from django.db import OperationalError, close_old_connections, connection

from support import services
from support.models import ComputerModel, Registration, WorkshopMonth
from support.services import SupportError

pytestmark = pytest.mark.django_db(transaction=True)

WORKERS = 6


def run_together(target, args_list):
    """Start one thread per argument tuple behind a barrier; return what each one raised."""
    barrier = threading.Barrier(len(args_list))
    errors = []

    def work(*args):
        try:
            barrier.wait(timeout=10)
            for _attempt in range(500):
                try:
                    target(*args)
                except OperationalError as exc:
                    if connection.vendor != "sqlite" or "locked" not in str(exc):
                        raise
                    time.sleep(0.01)
                else:
                    break
        except SupportError as exc:
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=work, args=args) for args in args_list]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def test_concurrent_sign_ups_never_exceed_capacity(make_session, households, centre_user):
    session = make_session(capacity=2)
    people = households(WORKERS)

    def sign_up(household):
        services.registration_create(session=session, household=household, by=centre_user)

    errors = run_together(sign_up, [(h,) for h in people])
    assert errors == []
    statuses = list(session.registrations.values_list("status", flat=True))
    assert statuses.count(Registration.Status.REGISTERED) == 2
    assert statuses.count(Registration.Status.WAITING) == WORKERS - 2


def test_the_same_household_signed_up_twice_at_once_gets_one_row(make_session, world, centre_user):
    session = make_session(capacity=5)

    def sign_up():
        services.registration_create(session=session, household=world.household, by=centre_user)

    errors = run_together(sign_up, [() for _ in range(3)])
    assert len(errors) == 2
    assert session.registrations.count() == 1


def test_concurrent_orders_never_exceed_stock(households, centre_user):
    computer = ComputerModel.objects.create(name="Portable", price=70, stock=2)
    people = households(WORKERS)

    def order(household):
        services.computer_order_create(household=household, computer=computer, by=centre_user)

    errors = run_together(order, [(h,) for h in people])
    assert len(errors) == WORKERS - 2
    assert all("stock" in str(e) for e in errors)
    computer.refresh_from_db()
    assert computer.stock == 0
    assert computer.orders.count() == 2


def test_sign_ups_racing_a_cancellation_leave_no_open_sign_up(
    make_session, households, centre_user
):
    """Each sign-up is either before the cancellation (then cancelled with it) or refused."""
    session = make_session(capacity=3)
    people = households(WORKERS - 1)

    def act(household):
        if household is None:
            services.session_cancel(session=session, reason="Fermeture.", by=centre_user)
        else:
            services.registration_create(session=session, household=household, by=centre_user)

    errors = run_together(act, [(None,)] + [(h,) for h in people])
    session.refresh_from_db()
    assert session.is_cancelled
    assert not session.registrations.exclude(status=Registration.Status.CANCELLED).exists()
    assert all("annulée" in str(e) for e in errors)
    assert session.registrations.count() + len(errors) == WORKERS - 1


def test_places_reduced_while_households_sign_up_are_never_oversold(
    make_session, households, centre_user
):
    session = make_session(capacity=4)
    people = households(WORKERS - 1)

    def act(household):
        if household is None:
            services.session_update(session=session, changes={"capacity": 2}, by=centre_user)
        else:
            services.registration_create(session=session, household=household, by=centre_user)

    errors = run_together(act, [(None,)] + [(h,) for h in people])
    session.refresh_from_db()
    registered = session.registrations.filter(status=Registration.Status.REGISTERED).count()
    # Either the reduction came first (2 places, the rest waiting) or it was refused with the
    # French message, the seats taken by then staying taken.
    if errors:
        assert session.capacity == 4 and "foyers sont inscrits" in str(errors[0])
    else:
        assert session.capacity == 2
    assert registered <= session.capacity


def test_two_staff_selling_to_one_household_at_once_sell_it_one_computer(world, centre_user):
    """The household's row is locked before its computers are counted: of two sales at the same
    moment without a reason, one goes through and the other is told to give one."""
    cheap = ComputerModel.objects.create(name="Fixe", price=40, stock=5)
    laptop = ComputerModel.objects.create(name="Portable", price=70, stock=5)

    def order(computer):
        services.computer_order_create(household=world.household, computer=computer, by=centre_user)

    errors = run_together(order, [(cheap,), (laptop,)])
    assert len(errors) == 1
    assert "Un second ordinateur demande un motif" in str(errors[0])
    assert world.household.computer_orders.count() == 1


def test_sign_ups_to_sessions_of_one_month_at_once_are_all_counted(
    make_session, households, centre_user
):
    """Each sign-up holds its own session's lock; the dashboard's summary of the neighbourhood's
    month is recounted by each in turn, and counts them all (no recount misses another's
    sign-up, none collides with another's row)."""
    from support.summaries import workshop_months_differ

    sessions = [make_session(capacity=3) for _ in range(WORKERS)]
    people = households(WORKERS)

    def sign_up(session, household):
        services.registration_create(session=session, household=household, by=centre_user)

    errors = run_together(sign_up, list(zip(sessions, people, strict=True)))
    assert errors == []
    assert workshop_months_differ() == {}
    (row,) = WorkshopMonth.objects.filter(neighbourhood=sessions[0].neighbourhood)
    assert (row.sessions, row.registered) == (WORKERS, WORKERS)
