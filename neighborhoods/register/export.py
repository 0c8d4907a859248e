"""The register as a file again (CSV for a French spreadsheet, XLSX), with the import's headers."""

from __future__ import annotations

import tablib
from django.utils.translation import gettext as _

from brest_internet.common.files import neutralise_row

from .parse import (
    EXPORT_STATUS,
    HEADERS,
)

# Export -------------------------------------------------------------------------------------


def export_dataset(dwellings) -> tablib.Dataset:
    """The register as a tablib Dataset, with the same headers the import reads."""
    data = tablib.Dataset(headers=list(HEADERS.values()))
    for row in dwellings.order_by("reference").values_list(
        "reference",
        "neighbourhood__name",
        "sector__name",
        "address",
        "building",
        "entrance",
        "status",
    ):
        *cells, status = row
        cells[2] = cells[2] or ""
        # A name or an address typed as `=…` must come out as text, in the CSV as in the
        # XLSX (where openpyxl would store a string starting with "=" as a formula).
        data.append(neutralise_row([*cells, EXPORT_STATUS.get(status, status)]))
    return data


def export_csv(dwellings) -> bytes:
    """Semicolon-separated UTF-8 with a BOM: opens as columns in a French spreadsheet."""
    text = export_dataset(dwellings).export("csv", delimiter=";")
    return "\ufeff".encode() + text.encode("utf-8")


def export_xlsx(dwellings) -> bytes:
    data = export_dataset(dwellings)
    # The sheet's name says what it holds (RGAA 13.3); tablib would call it "Tablib Dataset".
    data.title = str(_("Registre des logements"))
    return data.export("xlsx")
