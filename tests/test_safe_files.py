"""The kit's rule for files out (brest_internet.common.files): what a spreadsheet would run as
a formula is written as text; plain numbers stay numbers."""

import csv
import io
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from brest_internet.common.files import csv_writer, neutralise
from neighborhoods.models import Household

HOSTILE = '=HYPERLINK("http://x","clic")'


@pytest.mark.parametrize(
    "typed",
    [
        HOSTILE,
        "+33 6 12 34 56 78",
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(A1:A9)",
        "\t=1+1",
        "\r=1+1",
        "\n=1+1",
        "  =1+1",
        "\uff1d1+1",  # full-width "="
        "-",
    ],
)
def test_a_cell_that_could_start_a_formula_gets_an_apostrophe(typed):
    assert neutralise(typed) == "'" + typed


@pytest.mark.parametrize(
    "value", ["-1,00", "+5", "-1 234,50", "12,5 %", "30,0", "0", "Famille Le Goff", "", "   "]
)
def test_plain_numbers_and_ordinary_text_are_written_as_they_are(value):
    assert neutralise(value) == value


def test_values_that_are_not_text_are_left_to_the_writer():
    assert neutralise(-1) == -1
    assert neutralise(Decimal("-1.00")) == Decimal("-1.00")
    assert neutralise(None) is None


def test_the_csv_writer_neutralises_every_cell_and_a_credit_still_reads_as_a_number():
    out = io.StringIO()
    csv_writer(out, delimiter=";").writerow([HOSTILE, "-1,00", 3])
    (row,) = csv.reader(io.StringIO(out.getvalue()), delimiter=";")
    assert row == ["'" + HOSTILE, "-1,00", "3"]
    assert Decimal(row[1].replace(",", ".")) == Decimal("-1")


def test_the_gdpr_export_is_json_and_gives_the_name_exactly_as_kept(client_for, coordinator, world):
    """The right of access hands back the data as kept, in JSON, which no spreadsheet runs as a
    formula: nothing there is altered (see the decision in brest_internet.common.files)."""
    Household.objects.filter(pk=world.household.pk).update(name=HOSTILE)
    response = client_for(coordinator).get(
        reverse("gdpr:household_export", kwargs={"pk": world.household.pk})
    )
    assert response["Content-Type"].startswith("application/json")
    assert json.loads(response.content)["foyer"]["nom"] == HOSTILE
