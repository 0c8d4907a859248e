"""The housing register: import of the landlord's files (CSV, XLSX) and export.

An import is read and checked in full before anything is written (the dry run); any bad row
rejects the whole file with its row numbers and French reasons. When the file is clean, the
confirmation adds the new dwellings and updates the known ones by reference, in one
transaction, with set-based writes; it never deletes a dwelling.

Files from French offices are semicolon-separated, in UTF-8 with a BOM or in Windows-1252, with
French headers ("Référence", "Quartier", "Adresse", "Bâtiment", "Entrée", "Statut") and French
status values ("occupé", "vacant", "hors service"): all accepted.

A file is bounded before it is parsed (REGISTER_MAX_ROWS rows; an Excel file's unzipped size
and compression ratio), since it is read in the request. Only the register's columns are kept
while the preview waits for its confirmation; any other column (a phone, a birth date) is
dropped and named on the preview, and the kept content is emptied once the import is applied
or abandoned.

One module per step, re-exported here (`from neighborhoods import register`): `parse` (reading
a file), `check` (the dry run's plan), `apply` (what writes), `export`.
"""

from .apply import (
    estimated_rows,
    register_import_apply,
    register_import_cancel,
    register_import_check,
    register_import_preview,
    register_import_receive,
    register_imports_purge,
)
from .check import Plan, RowError, kept_content, kept_rows, plan_import, plan_rows
from .export import export_csv, export_dataset, export_xlsx
from .parse import (
    EXPORT_STATUS,
    HEADER_ALIASES,
    HEADERS,
    KEPT_FORMAT,
    MAX_COMPRESSION_RATIO,
    MAX_ERRORS,
    MAX_LENGTHS,
    MISSING,
    RATIO_CHECKED_ABOVE,
    REQUIRED,
    STATUS_ALIASES,
    TOO_LONG,
    UPDATED_FIELDS,
    RegisterFileError,
    check_size,
    check_workbook,
    decode,
    file_kind,
    map_headers,
    read_rows,
)

__all__ = [
    "EXPORT_STATUS",
    "HEADERS",
    "HEADER_ALIASES",
    "KEPT_FORMAT",
    "MAX_COMPRESSION_RATIO",
    "MAX_ERRORS",
    "MAX_LENGTHS",
    "MISSING",
    "RATIO_CHECKED_ABOVE",
    "REQUIRED",
    "STATUS_ALIASES",
    "TOO_LONG",
    "UPDATED_FIELDS",
    "Plan",
    "RegisterFileError",
    "RowError",
    "check_size",
    "check_workbook",
    "decode",
    "estimated_rows",
    "export_csv",
    "export_dataset",
    "export_xlsx",
    "file_kind",
    "kept_content",
    "kept_rows",
    "map_headers",
    "plan_import",
    "plan_rows",
    "read_rows",
    "register_import_apply",
    "register_import_cancel",
    "register_import_check",
    "register_import_preview",
    "register_import_receive",
    "register_imports_purge",
]
