"""Two runs of the same month started at the same moment give exactly one set of lines.

This needs real concurrent transactions: PostgreSQL. SQLite serialises writers on the whole
database (and the in-memory test database is not shared between threads), so the test is
skipped there; CI runs the suite on PostgreSQL too.
"""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from neighborhoods.models import Neighbourhood, Organisation, User
from subscriptions.models import Charge, ChargeRun, MonthTotal, Offer, Tariff
from subscriptions.services import charges_generate
from tests import factories as f

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrent transactions need PostgreSQL (set DATABASE_URL=postgres://…)",
)


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_runs_give_one_set_of_lines():
    operator = f.OrganisationFactory(name="Numericable", kind=Organisation.Kind.OPERATOR)
    offer = Offer.objects.create(operator=operator, name="NUMERISUN")
    Tariff.objects.create(offer=offer, amount=Decimal("1.00"), starts_on=datetime.date(2010, 1, 1))
    nbh = f.NeighbourhoodFactory(
        stage=Neighbourhood.Stage.RUNNING, launched_on=datetime.date(2012, 4, 1)
    )
    f.DwellingFactory.create_batch(200, neighbourhood=nbh)

    barrier = threading.Barrier(4)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(charges_generate(month="2013-01", by=User.objects.system()).lines_added)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert sorted(results) == [0, 0, 0, 200]
    assert Charge.objects.filter(month=datetime.date(2013, 1, 1)).count() == 200
    assert ChargeRun.objects.count() == 4
    assert MonthTotal.objects.get(month=datetime.date(2013, 1, 1)).lines == 200
