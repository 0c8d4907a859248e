"""Reading a register file: its type, size and encoding, its bounds (rows, an Excel file's
unzipped size), its header and cells; `RegisterFileError` when it cannot be read at all."""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile

import openpyxl
import tablib
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from brest_internet.common.errors import Refusal

from ..models import Dwelling

Status = Dwelling.Status

# Column key -> the header written on export (also accepted on import).
HEADERS = {
    "reference": "Référence",
    "neighbourhood": "Quartier",
    "sector": "Secteur",
    "address": "Adresse",
    "building": "Bâtiment",
    "entrance": "Entrée",
    "status": "Statut",
}
REQUIRED = ("reference", "neighbourhood", "address", "status")
UPDATED_FIELDS = ("sector", "address", "building", "entrance", "status")


def _fold(text) -> str:
    """Lower case, without accents, spaces or punctuation: "Bâtiment " -> "batiment"."""
    text = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode()
    return "".join(c for c in text.lower() if c.isalnum())


HEADER_ALIASES = {
    **{_fold(label): key for key, label in HEADERS.items()},
    "ref": "reference",
    "referencebailleur": "reference",
    "referencelogement": "reference",
    "reflogement": "reference",
    "codelogement": "reference",
    "nomduquartier": "neighbourhood",
    "batiment": "building",
    "bat": "building",
    "escalier": "entrance",
    "etat": "status",
    "statutdulogement": "status",
    "adresselogement": "address",
}

STATUS_ALIASES = {
    "occupe": Status.OCCUPIED,
    "occupee": Status.OCCUPIED,
    "occupied": Status.OCCUPIED,
    "loue": Status.OCCUPIED,
    "vacant": Status.VACANT,
    "vacante": Status.VACANT,
    "libre": Status.VACANT,
    "horsservice": Status.OUT_OF_SERVICE,
    "outofservice": Status.OUT_OF_SERVICE,
    "hs": Status.OUT_OF_SERVICE,
}

EXPORT_STATUS = {
    Status.OCCUPIED: "occupé",
    Status.VACANT: "vacant",
    Status.OUT_OF_SERVICE: "hors service",
}

MAX_LENGTHS = {
    key: Dwelling._meta.get_field(key).max_length
    for key in ("reference", "address", "building", "entrance")
}
# Errors are collected up to this many; the rest are only counted ("… and 1 234 more").
MAX_ERRORS = 200
# A sheet's XML compresses about tenfold; a far higher ratio on a large member is a zip bomb.
MAX_COMPRESSION_RATIO = 100
RATIO_CHECKED_ABOVE = 1024 * 1024
# Marks the content a preview keeps (the register's columns only), as opposed to a raw file.
KEPT_FORMAT = "register-rows-1"
# Each column's own French, agreed with its gender (no "manquant(e)").
MISSING = {
    "reference": gettext_lazy("Référence manquante"),
    "neighbourhood": gettext_lazy("Quartier manquant"),
    "address": gettext_lazy("Adresse manquante"),
    "status": gettext_lazy("Statut manquant"),
}
TOO_LONG = {
    "reference": gettext_lazy("Référence trop longue (%(max)d caractères au plus)"),
    "address": gettext_lazy("Adresse trop longue (%(max)d caractères au plus)"),
    "building": gettext_lazy("Bâtiment trop long (%(max)d caractères au plus)"),
    "entrance": gettext_lazy("Entrée trop longue (%(max)d caractères au plus)"),
}


class RegisterFileError(Refusal):
    """The file cannot be read at all (type, size, encoding, headers)."""


# Reading ------------------------------------------------------------------------------------


def file_kind(name: str, head: bytes) -> str:
    """ "csv" or "xlsx" from the name, checked against the first bytes; else RegisterFileError."""
    lower = (name or "").lower()
    if lower.endswith(".xlsx"):
        if not head.startswith(b"PK\x03\x04"):
            raise RegisterFileError(_("Ce fichier n'est pas un vrai classeur Excel (.xlsx)."))
        return "xlsx"
    if lower.endswith((".csv", ".txt")):
        if b"\x00" in head or head.startswith(b"PK\x03\x04"):
            raise RegisterFileError(_("Ce fichier n'est pas un fichier texte CSV."))
        return "csv"
    raise RegisterFileError(
        _("Type de fichier non accepté : envoyez un fichier CSV (.csv) ou Excel (.xlsx).")
    )


def check_size(size: int) -> None:
    limit = settings.REGISTER_UPLOAD_MAX_BYTES
    if size > limit:
        raise RegisterFileError(
            _("Le fichier dépasse la taille maximale de %(max)s Mo.")
            % {"max": f"{limit / 1024 / 1024:.0f}"}
        )
    if size == 0:
        raise RegisterFileError(_("Le fichier est vide."))


def decode(content: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252: what French office software writes."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return content.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise RegisterFileError(
                _("Encodage du fichier non reconnu : enregistrez-le en UTF-8 ou en Windows-1252.")
            ) from exc


def _too_many_rows(limit: int) -> RegisterFileError:
    return RegisterFileError(
        _(
            "Le fichier compte plus de %(max)s lignes de logements, le maximum pour un import : "
            "découpez-le en plusieurs fichiers (par quartier, par exemple)."
        )
        % {"max": f"{limit:,}".replace(",", "\u202f")}
    )


def check_workbook(content: bytes) -> None:
    """Refuse a workbook that would expand beyond the bounds, from its zip directory alone."""
    limit = settings.REGISTER_MAX_UNCOMPRESSED_BYTES
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise RegisterFileError(_("Le classeur Excel est illisible.")) from exc
    expanded = sum(member.file_size for member in members)
    bomb = any(
        member.file_size > RATIO_CHECKED_ABOVE
        and member.file_size > MAX_COMPRESSION_RATIO * max(member.compress_size, 1)
        for member in members
    )
    if expanded > limit or bomb:
        raise RegisterFileError(
            _(
                "Le classeur Excel est trop volumineux une fois décompressé (%(size)s Mo, "
                "%(max)s Mo au plus) ou anormalement compressé : enregistrez-le en CSV ou "
                "découpez-le."
            )
            % {"size": f"{expanded / 1024 / 1024:.0f}", "max": f"{limit / 1024 / 1024:.0f}"}
        )


def _xlsx_rows(content: bytes, max_rows: int) -> list[list]:
    """The active sheet's rows, streamed; refused as soon as there are more than `max_rows`
    rows below the header (read-only mode never holds the whole sheet in memory)."""
    check_workbook(content)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of errors on a broken file
        raise RegisterFileError(_("Le classeur Excel est illisible.")) from exc
    try:
        sheet = workbook.active
        try:
            declared = sheet.max_row  # from the sheet's <dimension>, when it declares one
        except Exception:  # a malformed dimension: count the rows instead
            declared = None
        if declared and declared > max_rows + 1:
            raise _too_many_rows(max_rows)
        # Then read past the declared size: a sheet that declares fewer rows than it holds
        # would otherwise be cut short without a word. Every row counts, empty ones too.
        sheet.reset_dimensions()
        rows = []
        try:
            for row in sheet.iter_rows(values_only=True):
                rows.append(list(row))
                if len(rows) > max_rows + 1:
                    raise _too_many_rows(max_rows)
        except RegisterFileError:
            raise
        except Exception as exc:
            raise RegisterFileError(_("Le classeur Excel est illisible.")) from exc
    finally:
        workbook.close()
    return rows


def _csv_rows(content: bytes, max_rows: int) -> list[list]:
    text = decode(content)
    # Lines counted before parsing: blank ones do not count (a spreadsheet leaves some).
    lines = sum(1 for line in text.splitlines() if line.strip(" ;,\t"))
    if lines > max_rows + 1:
        raise _too_many_rows(max_rows)
    first_line = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    try:
        data = tablib.Dataset().load(text, format="csv", delimiter=delimiter, headers=False)
    except (csv.Error, tablib.InvalidDimensions) as exc:
        raise RegisterFileError(
            _(
                "Le fichier CSV est mal formé : toutes les lignes doivent avoir autant de "
                "colonnes que l'en-tête."
            )
        ) from exc
    return [list(row) for row in data]


def read_rows(name: str, content: bytes) -> list[list]:
    """The file's rows (header first) as lists of cells, refused beyond the bounds."""
    check_size(len(content))
    kind = file_kind(name, content[:8])
    max_rows = settings.REGISTER_MAX_ROWS
    if kind == "xlsx":
        return _xlsx_rows(content, max_rows)
    return _csv_rows(content, max_rows)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel stores the entrance "2" as 2.0
    return str(value).strip()


def map_headers(header: list, ignored: list[str] | None = None) -> dict[str, int]:
    """Column key -> index in the file; the labels of the other non-empty headers go to
    `ignored` (their data is never read nor kept)."""
    columns: dict[str, int] = {}
    for index, label in enumerate(header):
        key = HEADER_ALIASES.get(_fold(label))
        if key is None:
            if ignored is not None and _cell(label):
                ignored.append(_cell(label)[:100])
            continue
        if key in columns:
            raise RegisterFileError(
                _("La colonne « %(col)s » apparaît deux fois dans l'en-tête.")
                % {"col": HEADERS[key]}
            )
        columns[key] = index
    missing = [HEADERS[key] for key in REQUIRED if key not in columns]
    if missing:
        raise RegisterFileError(
            _("Colonnes obligatoires absentes de l'en-tête : %(cols)s.")
            % {"cols": ", ".join(f"« {m} »" for m in missing)}
        )
    return columns
