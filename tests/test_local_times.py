"""Times read by people are Brest's (TIME_ZONE, Europe/Paris), never the UTC they are stored in."""

import datetime

import pytest

from neighborhoods.models import RegisterImport
from subscriptions.models import ChargeMonth, ChargeRun

pytestmark = pytest.mark.django_db

EVENING_UTC = datetime.datetime(2026, 12, 1, 20, 14, 13, tzinfo=datetime.UTC)


def test_a_charge_run_is_named_by_its_local_time():
    run = ChargeRun(run_at=EVENING_UTC, charge_month=ChargeMonth(month=datetime.date(2026, 12, 1)))
    assert str(run).endswith("– 01/12/2026 21:14")


def test_a_register_import_is_named_by_its_local_time():
    register_import = RegisterImport(filename="registre.xlsx", uploaded_at=EVENING_UTC)
    assert str(register_import) == "registre.xlsx (01/12/2026 21:14)"
