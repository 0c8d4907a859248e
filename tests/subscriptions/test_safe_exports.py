"""The landlord's and the operator's files carry no live formula (OWASP CSV injection)."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from neighborhoods.models import Dwelling, Household, Neighbourhood, User
from subscriptions.models import Subscription
from subscriptions.services import charges_generate

HOSTILE = '=HYPERLINK("http://x","clic")'


def cells(response):
    body = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    return list(csv.reader(io.StringIO(body), delimiter=";"))


def assert_no_formula(rows):
    for row in rows:
        for cell in row:
            assert cell[:1] not in ("=", "+", "-", "@", "\t", "\r"), f"live cell {cell!r} in {row}"


@pytest.fixture
def hostile(running):
    """`running`, with a formula typed as the neighbourhood's name, an address, a reference
    and the household's name."""
    Neighbourhood.objects.filter(pk=running.nbh.pk).update(name=HOSTILE)
    Dwelling.objects.filter(pk=running.dwelling.pk).update(
        address="+" + HOSTILE, reference="-2+3+cmd|' /C calc'!A0"
    )
    Household.objects.filter(pk=running.household.pk).update(name="@" + HOSTILE)
    running.dwelling.refresh_from_db()
    return running


def test_operator_file_shows_a_formula_typed_in_a_name_as_text(hostile, landlord_user, client_for):
    Subscription.objects.create(
        dwelling=hostile.dwelling,
        household=hostile.household,
        channel="centre",
        requested_on=datetime.date(2013, 1, 10),
    )
    rows = cells(client_for(landlord_user).get(reverse("subscriptions:requests_csv")))
    assert_no_formula(rows)
    (line,) = rows[1:]
    assert line[2] == "'" + HOSTILE  # the neighbourhood
    assert line[3] == "'-2+3+cmd|' /C calc'!A0"  # the reference
    assert line[4] == "'+" + HOSTILE  # the address
    assert line[7] == "'@" + HOSTILE  # the household


def test_charges_export_neutralises_names_and_keeps_a_credit_a_number(
    hostile, tariff, landlord_user, client_for
):
    charges_generate(month="2013-02", by=User.objects.system())
    client = client_for(landlord_user)
    response = client.post(
        reverse("subscriptions:adjustment_create", args=["2013-02"]),
        {
            "dwelling": hostile.dwelling.reference,
            "kind": "credit",
            "amount": "1,00",
            "reason": HOSTILE,
        },
    )
    assert response.status_code == 302
    response = client.post(
        reverse("subscriptions:charges_export", args=["2013-02"]), {"confirm": "yes"}
    )
    rows = cells(response)
    assert_no_formula(row[:4] + row[5:] for row in rows)
    assert {row[2] for row in rows[1:]} == {"'" + HOSTILE}
    assert "'-2+3+cmd|' /C calc'!A0" in {row[1] for row in rows[1:]}
    (credit,) = [row for row in rows if row[5].startswith("ajustement")]
    assert HOSTILE in credit[5]
    # The credit's amount is still a plain number a spreadsheet adds up: -1,00.
    assert credit[4] == "-1,00"
    assert Decimal(credit[4].replace(",", ".")) == Decimal("-1.00")
