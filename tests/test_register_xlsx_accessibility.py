"""The Excel export of the housing register as an office document (RGAA 13.3): it is read by
a screen reader in a spreadsheet program only if its first row holds the column headers and
its sheet has a name that says what it holds."""

import io

import openpyxl
import pytest
from django.urls import reverse

from neighborhoods.register import HEADERS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def workbook(world, landlord_user, client_for):
    response = client_for(landlord_user).get(
        reverse("neighborhoods:register_export"), {"format": "xlsx"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    return openpyxl.load_workbook(io.BytesIO(response.content))


def test_the_first_row_holds_the_column_headers(workbook, world):
    [sheet] = workbook.worksheets
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == list(HEADERS.values())
    # Set apart as headers: bold, and kept in view when scrolling.
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    # Then one row per dwelling of the landlord, under those headers.
    references = sorted(d.reference for d in world.dwellings)
    assert [row[0] for row in rows[1:]] == references
    assert {row[1] for row in rows[1:]} == {world.nbh.name}


def test_the_sheet_has_a_name_that_says_what_it_holds(workbook):
    [sheet] = workbook.worksheets
    assert sheet.title not in {"Tablib Dataset", "Sheet", "Sheet1", "Feuil1", "Feuille1"}
    assert "registre" in sheet.title.lower()
