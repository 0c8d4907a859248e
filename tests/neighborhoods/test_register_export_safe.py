"""The register export, CSV and XLSX, carries no live formula (OWASP CSV injection)."""

import csv
import io

import openpyxl
from django.urls import reverse

from neighborhoods.models import Dwelling, Neighbourhood

HOSTILE = '=HYPERLINK("http://x","clic")'


def make_hostile(world):
    Neighbourhood.objects.filter(pk=world.nbh.pk).update(name=HOSTILE)
    Dwelling.objects.filter(pk=world.dwelling.pk).update(
        address="@" + HOSTILE, building="+1+1", entrance="-1", reference="\t=1+1"
    )


def test_register_xlsx_stores_no_formula(world, coordinator, client_for):
    make_hostile(world)
    response = client_for(coordinator).get(
        reverse("neighborhoods:register_export"), {"format": "xlsx", "quartier": world.nbh.slug}
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    assert cells
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    values = {c.value for c in cells}
    assert "'" + HOSTILE in values  # the neighbourhood, on every line
    assert "'@" + HOSTILE in values  # the address
    assert "'\t=1+1" in values  # the reference
    assert "'+1+1" in values  # the building
    # A plain number typed as an entrance stays a plain number: it cannot run anything.
    assert "-1" in values


def test_register_csv_shows_formulas_as_text(world, landlord_user, client_for):
    make_hostile(world)
    response = client_for(landlord_user).get(reverse("neighborhoods:register_export"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    hostile_row = next(row for row in rows if row[3].endswith(HOSTILE))
    assert hostile_row[:5] == ["'\t=1+1", "'" + HOSTILE, "", "'@" + HOSTILE, "'+1+1"]
    for row in rows:
        assert not [cell for cell in row if cell[:1] in ("=", "+", "@", "\t", "\r")], row
