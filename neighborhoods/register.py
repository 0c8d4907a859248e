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
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import unicodedata
import zipfile
from dataclasses import dataclass, field

import openpyxl
import tablib
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from brest_internet.common.errors import Refusal
from brest_internet.common.files import neutralise_row

from . import rules
from .models import Dwelling, RegisterImport, Sector, User

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


@dataclass
class RowError:
    line: int  # the row number as the spreadsheet shows it (the header is row 1)
    message: str


@dataclass
class Plan:
    """What an import would do: the dwellings to add and to update, or the errors."""

    rows: int = 0
    to_create: list[Dwelling] = field(default_factory=list)
    to_update: list[Dwelling] = field(default_factory=list)
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    more_errors: int = 0  # errors beyond MAX_ERRORS, counted but not kept
    by_neighbourhood: dict[str, int] = field(default_factory=dict)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def add_error(self, line: int, message: str) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(RowError(line, message))
        else:
            self.more_errors += 1

    @property
    def error_count(self) -> int:
        return len(self.errors) + self.more_errors

    @property
    def shown_errors(self) -> list[RowError]:
        return self.errors

    @property
    def hidden_errors(self) -> int:
        return self.more_errors


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


# Checking -----------------------------------------------------------------------------------


def kept_content(rows: list[list]) -> bytes:
    """The register's columns of `rows` (header first), as stored while a preview waits: every
    other column is left out, each row keeps its place so that line numbers stay true."""
    columns = map_headers(rows[0])
    keys = list(columns)
    kept = [[_cell(raw[columns[k]]) if columns[k] < len(raw) else "" for k in keys] for raw in rows]
    kept[0] = [HEADERS[k] for k in keys]
    return json.dumps({"format": KEPT_FORMAT, "rows": kept}, ensure_ascii=False).encode()


def kept_rows(pending: RegisterImport) -> list[list]:
    """The rows a preview kept; a file stored whole before the format existed is read again."""
    content = bytes(pending.content)
    if content.startswith(b"{"):
        try:
            data = json.loads(content)
        except ValueError:
            data = None
        if isinstance(data, dict) and data.get("format") == KEPT_FORMAT:
            return data["rows"]
    return read_rows(pending.filename, content)


def plan_import(name: str, content: bytes, *, user: User) -> Plan:
    """Read and check the whole file; write nothing. The plan says what confirming would do."""
    return plan_rows(read_rows(name, content), user=user)


def plan_rows(rows: list[list], *, user: User) -> Plan:
    """Check rows read from a file (header first); write nothing."""
    if not rows:
        raise RegisterFileError(_("Le fichier est vide."))
    plan = Plan()
    columns = map_headers(rows[0], plan.ignored_columns)

    # The neighbourhoods the user may import into, by folded name and slug.
    allowed = list(rules.register_neighbourhoods(user))
    by_name = {}
    for nbh in allowed:
        by_name[_fold(nbh.name)] = nbh
        by_name[_fold(nbh.slug)] = nbh
    sectors = {
        (s.neighbourhood_id, _fold(s.name)): s
        for s in Sector.objects.filter(neighbourhood__in=allowed)
    }

    parsed = []
    seen: dict[str, int] = {}
    for line, raw in enumerate(rows[1:], start=2):
        cells = {key: _cell(raw[i]) if i < len(raw) else "" for key, i in columns.items()}
        if not any(cells.values()):
            continue  # blank lines at the end of a spreadsheet
        plan.rows += 1
        errors = []
        for key in REQUIRED:
            if not cells[key]:
                errors.append(str(MISSING[key]))
        for key, limit in MAX_LENGTHS.items():
            if len(cells.get(key, "")) > limit:
                errors.append(str(TOO_LONG[key]) % {"max": limit})
        ref = cells["reference"]
        if ref:
            if ref in seen:
                errors.append(
                    _("référence %(ref)s en double dans le fichier (déjà ligne %(line)d)")
                    % {"ref": ref, "line": seen[ref]}
                )
            else:
                seen[ref] = line
        nbh = None
        if cells["neighbourhood"]:
            nbh = by_name.get(_fold(cells["neighbourhood"]))
            if nbh is None:
                errors.append(
                    _("quartier inconnu ou hors de votre périmètre : « %(name)s »")
                    % {"name": cells["neighbourhood"]}
                )
        status = None
        if cells["status"]:
            status = STATUS_ALIASES.get(_fold(cells["status"]))
            if status is None:
                errors.append(
                    _("statut « %(value)s » non reconnu (attendu : occupé, vacant ou hors service)")
                    % {"value": cells["status"]}
                )
        sector = None
        if cells.get("sector") and nbh is not None:
            sector = sectors.get((nbh.pk, _fold(cells["sector"])))
            if sector is None:
                errors.append(
                    _("secteur « %(sector)s » inconnu dans le quartier %(nbh)s")
                    % {"sector": cells["sector"], "nbh": nbh.name}
                )
        if errors:
            for message in errors:
                plan.add_error(line, message)
            continue
        parsed.append((line, nbh, sector, status, cells))

    existing = _existing(seen.keys())
    now = timezone.now()
    for line, nbh, sector, status, cells in parsed:
        values = {
            "neighbourhood": nbh,
            "sector": sector,
            "address": cells["address"],
            "building": cells.get("building", ""),
            "entrance": cells.get("entrance", ""),
            "status": status,
        }
        current = existing.get(cells["reference"])
        if current is None:
            plan.to_create.append(Dwelling(reference=cells["reference"], **values))
        elif current.neighbourhood_id != nbh.pk:
            plan.add_error(
                line,
                _("la référence %(ref)s appartient déjà à un autre quartier")
                % {"ref": cells["reference"]},
            )
            continue
        else:
            if "sector" not in columns:
                values["sector"] = current.sector  # a file without the column keeps it
            changed = False
            for key, value in values.items():
                attr = "sector_id" if key == "sector" else key
                new = value.pk if key == "sector" and value is not None else value
                if key == "neighbourhood":
                    continue
                if getattr(current, attr) != new:
                    setattr(current, key, value)
                    changed = True
            if changed:
                current.updated_at = now
                plan.to_update.append(current)
            else:
                plan.unchanged += 1
        plan.by_neighbourhood[nbh.name] = plan.by_neighbourhood.get(nbh.name, 0) + 1
    plan.errors.sort(key=lambda e: e.line)
    if plan.rows == 0 and not plan.errors:
        raise RegisterFileError(_("Le fichier ne contient aucune ligne de logement."))
    return plan


def _existing(references) -> dict[str, Dwelling]:
    """The dwellings already known under `references`, in chunks (SQLite caps parameters)."""
    references = list(references)
    found = {}
    for start in range(0, len(references), 2000):
        chunk = references[start : start + 2000]
        for dwelling in Dwelling.objects.filter(reference__in=chunk):
            found[dwelling.reference] = dwelling
    return found


# Writing ------------------------------------------------------------------------------------


def register_import_preview(
    *, user: User, name: str, content: bytes
) -> tuple[Plan, RegisterImport | None]:
    """Dry run: check the file; when it is clean, keep its register columns for confirmation.

    Writes no dwelling. The user's earlier previews left unconfirmed are abandoned (emptied).
    """
    rows = read_rows(name, content)
    plan = plan_rows(rows, user=user)
    if not plan.ok:
        return plan, None
    with transaction.atomic():
        _abandon(RegisterImport.objects.filter(uploaded_by=user))
        pending = RegisterImport.objects.create(
            uploaded_by=user, filename=name[:255], content=kept_content(rows), rows=plan.rows
        )
    return plan, pending


def estimated_rows(name: str, content: bytes) -> int:
    """About how many rows the file holds, without parsing it (to choose between the request
    and a background job): its lines for a CSV; for a workbook, its sheets' unzipped size
    over what a row of the register takes in a sheet's XML (about 150 bytes)."""
    if (name or "").lower().endswith(".xlsx"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                sheets = [m for m in archive.infolist() if m.filename.startswith("xl/worksheets/")]
        except (zipfile.BadZipFile, ValueError, OSError):
            return 0  # unreadable: the request refuses it at once
        return sum(m.file_size for m in sheets) // 150
    return content.count(b"\n")


def register_import_receive(*, user: User, name: str, content: bytes) -> RegisterImport:
    """Keep a large file whole until a background job checks it (`register_import_check`).

    Bounded like any file (size, type) before it is kept; the user's earlier previews are
    abandoned. The whole file is kept only until the check, which keeps the register's
    columns or empties it; the daily purge erases one whose check never ran.
    """
    check_size(len(content))
    file_kind(name, content[:8])
    with transaction.atomic():
        _abandon(RegisterImport.objects.filter(uploaded_by=user))
        return RegisterImport.objects.create(
            uploaded_by=user,
            filename=name[:255],
            content=content,
            status=RegisterImport.Status.CHECKING,
        )


def _locked_import(*, user: User, pending_id: int) -> RegisterImport:
    """The user's own import `pending_id`, locked for the transaction; refused otherwise."""
    pending = (
        RegisterImport.objects.select_for_update().filter(pk=pending_id, uploaded_by=user).first()
    )
    if pending is None:
        raise RegisterFileError(_("Cet import n'existe pas ou n'est pas le vôtre."))
    return pending


def register_import_check(*, user: User, pending_id: int) -> tuple[Plan, RegisterImport]:
    """The dry run of a received file (in a background job): when clean it becomes a pending
    import with its register columns only, ready to confirm; otherwise it is abandoned and
    emptied, and the plan says why. Writes no dwelling; one transaction (a retry after a crash
    finds the file as received). RegisterFileError when the file cannot be read (emptied too).
    """
    with transaction.atomic():
        pending = _locked_import(user=user, pending_id=pending_id)
        if pending.status != RegisterImport.Status.CHECKING:
            # Checked already (a retry), confirmed or abandoned since: nothing to do again.
            return Plan(), pending
        try:
            rows = read_rows(pending.filename, bytes(pending.content))
        except RegisterFileError as error:
            unreadable = error
        else:
            unreadable = None
        if unreadable is not None:
            _abandon(RegisterImport.objects.filter(pk=pending.pk))
    if unreadable is not None:
        raise unreadable  # after the commit: the file is emptied all the same
    with transaction.atomic():
        pending = RegisterImport.objects.select_for_update().get(pk=pending.pk)
        if pending.status != RegisterImport.Status.CHECKING:
            return Plan(), pending
        plan = plan_rows(rows, user=user)
        if plan.ok:
            pending.status = RegisterImport.Status.PENDING
            pending.content = kept_content(rows)
            pending.rows = plan.rows
            pending.save(update_fields=["status", "content", "rows"])
        else:
            _abandon(RegisterImport.objects.filter(pk=pending.pk))
            pending.refresh_from_db()
        return plan, pending


def register_import_apply(*, user: User, pending_id: int) -> tuple[Plan, RegisterImport]:
    """Apply a previewed file: add and update dwellings, all or nothing, and mark it applied.

    The file is checked again under the transaction, since the register may have changed
    since the preview; any error rejects it whole and writes nothing. Once applied, the kept
    content is emptied: the row only says who imported which file, with what result.
    """
    with transaction.atomic():
        pending = _locked_import(user=user, pending_id=pending_id)
        if pending.status == RegisterImport.Status.APPLIED:
            raise RegisterFileError(_("Ce fichier a déjà été importé."))
        if pending.status == RegisterImport.Status.ABANDONED:
            raise RegisterFileError(
                _("Cet aperçu a été abandonné et son contenu effacé : redéposez le fichier.")
            )
        if pending.status == RegisterImport.Status.CHECKING:
            raise RegisterFileError(
                _("Ce fichier est encore en cours de vérification : attendez la fin de l'aperçu.")
            )
        plan = plan_rows(kept_rows(pending), user=user)
        if not plan.ok:
            return plan, pending
        reason = _("Import du registre : %(file)s") % {"file": pending.filename}
        if plan.to_create:
            bulk_create_with_history(
                plan.to_create,
                Dwelling,
                batch_size=1000,
                default_user=user,
                default_change_reason=reason,
            )
        if plan.to_update:
            bulk_update_with_history(
                plan.to_update,
                Dwelling,
                ["updated_at", *UPDATED_FIELDS],
                batch_size=1000,
                default_user=user,
                default_change_reason=reason,
            )
        pending.status = RegisterImport.Status.APPLIED
        pending.applied_at = timezone.now()
        pending.created_count = len(plan.to_create)
        pending.updated_count = len(plan.to_update)
        pending.content = b""
        pending.save(
            update_fields=["status", "applied_at", "created_count", "updated_count", "content"]
        )
        return plan, pending


def _abandon(imports) -> int:
    """Empty and mark abandoned the pending (or still checked) imports among `imports`;
    returns how many."""
    waiting = [RegisterImport.Status.PENDING, RegisterImport.Status.CHECKING]
    return imports.filter(status__in=waiting).update(
        status=RegisterImport.Status.ABANDONED, content=b""
    )


def register_import_cancel(*, user: User, pending_id: int) -> RegisterImport:
    """Abandon a preview: its kept content is emptied at once. A no-op when already abandoned."""
    with transaction.atomic():
        pending = _locked_import(user=user, pending_id=pending_id)
        if pending.status == RegisterImport.Status.APPLIED:
            raise RegisterFileError(_("Ce fichier a déjà été importé."))
        _abandon(RegisterImport.objects.filter(pk=pending.pk))
        pending.refresh_from_db()
        return pending


def register_imports_purge(*, now: datetime.datetime | None = None) -> int:
    """Abandon the previews older than REGISTER_PREVIEW_HOURS that nobody confirmed (the daily
    job): the tenants' data they hold goes; returns how many."""
    now = now or timezone.now()
    limit = now - datetime.timedelta(hours=settings.REGISTER_PREVIEW_HOURS)
    with transaction.atomic():
        return _abandon(RegisterImport.objects.filter(uploaded_at__lt=limit))


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
