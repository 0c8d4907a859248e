"""Checking a register file row by row, writing nothing: the `Plan` of what confirming would
do, or every error with its row number; what a waiting preview keeps of the file."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from .. import rules
from ..models import Dwelling, RegisterImport, Sector, User
from .parse import (
    HEADERS,
    KEPT_FORMAT,
    MAX_ERRORS,
    MAX_LENGTHS,
    MISSING,
    REQUIRED,
    STATUS_ALIASES,
    TOO_LONG,
    RegisterFileError,
    _cell,
    _fold,
    map_headers,
    read_rows,
)


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
