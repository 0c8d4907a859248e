"""The housing register: import of the landlord's files (CSV, XLSX) and export.

An import is read and checked in full before anything is written (the dry run); any bad row
rejects the whole file with its row numbers and French reasons. When the file is clean, the
confirmation adds the new dwellings and updates the known ones by reference, in one
transaction, with set-based writes; it never deletes a dwelling.

Files from French offices are semicolon-separated, in UTF-8 with a BOM or in Windows-1252, with
French headers ("Référence", "Quartier", "Adresse", "Bâtiment", "Entrée", "Statut") and French
status values ("occupé", "vacant", "hors service"): all accepted.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass, field

import tablib
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from brest_internet.common.files import neutralise_row

from .models import Dwelling, Neighbourhood, RegisterImport, Sector, User

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
SHOWN_ERRORS = 200


class RegisterFileError(Exception):
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
    by_neighbourhood: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def shown_errors(self) -> list[RowError]:
        return self.errors[:SHOWN_ERRORS]

    @property
    def hidden_errors(self) -> int:
        return max(0, len(self.errors) - SHOWN_ERRORS)


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


def read_rows(name: str, content: bytes) -> list[list]:
    """The file's rows (header first) as lists of cells, parsed by tablib."""
    check_size(len(content))
    kind = file_kind(name, content[:8])
    if kind == "xlsx":
        try:
            data = tablib.Dataset().load(io.BytesIO(content), format="xlsx", headers=False)
        except Exception as exc:  # openpyxl raises many kinds of errors on a broken file
            raise RegisterFileError(_("Le classeur Excel est illisible.")) from exc
    else:
        text = decode(content)
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


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel stores the entrance "2" as 2.0
    return str(value).strip()


def map_headers(header: list) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, label in enumerate(header):
        key = HEADER_ALIASES.get(_fold(label))
        if key is None:
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


def plan_import(name: str, content: bytes, *, user: User) -> Plan:
    """Read and check the whole file; write nothing. The plan says what confirming would do."""
    rows = read_rows(name, content)
    if not rows:
        raise RegisterFileError(_("Le fichier est vide."))
    columns = map_headers(rows[0])
    plan = Plan()

    # The neighbourhoods the user may import into, by folded name and slug.
    allowed = list(Neighbourhood.objects.visible_to(user).filter(_import_scope(user)))
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
                errors.append(_("%(col)s manquant(e)") % {"col": HEADERS[key]})
        for key, limit in MAX_LENGTHS.items():
            if len(cells.get(key, "")) > limit:
                errors.append(
                    _("%(col)s trop long(ue) (%(max)d caractères au plus)")
                    % {"col": HEADERS[key], "max": limit}
                )
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
            plan.errors.extend(RowError(line, e) for e in errors)
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
            plan.errors.append(
                RowError(
                    line,
                    _("la référence %(ref)s appartient déjà à un autre quartier")
                    % {"ref": cells["reference"]},
                )
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


def _import_scope(user):
    """Landlord staff import into their own landlord's neighbourhoods; coordinators anywhere."""
    from django.db.models import Q

    if user.is_coordinator:
        return Q()
    if user.has_role(User.Role.LANDLORD):
        return Q(landlord_id=user.organisation_id)
    return Q(pk__in=[])


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
    """Dry run: check the file; keep it for confirmation when it is clean. Writes no dwelling."""
    plan = plan_import(name, content, user=user)
    if not plan.ok:
        return plan, None
    pending = RegisterImport.objects.create(
        uploaded_by=user, filename=name[:255], content=content, rows=plan.rows
    )
    return plan, pending


def register_import_apply(*, user: User, pending_id: int) -> tuple[Plan, RegisterImport]:
    """Apply a previewed file: add and update dwellings, all or nothing, and mark it applied.

    The file is checked again under the transaction, since the register may have changed
    since the preview; any error rejects it whole and writes nothing.
    """
    with transaction.atomic():
        pending = (
            RegisterImport.objects.select_for_update()
            .filter(pk=pending_id, uploaded_by=user)
            .first()
        )
        if pending is None:
            raise RegisterFileError(_("Cet import n'existe pas ou n'est pas le vôtre."))
        if pending.status == RegisterImport.Status.APPLIED:
            raise RegisterFileError(_("Ce fichier a déjà été importé."))
        plan = plan_import(pending.filename, bytes(pending.content), user=user)
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
        pending.save(update_fields=["status", "applied_at", "created_count", "updated_count"])
        return plan, pending


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
