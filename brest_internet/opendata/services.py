"""Publishing the open data: the one function a command, the demo and the periodic job call."""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import json
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from brest_internet.common.files import csv_writer
from neighborhoods.models import User

from . import datasets
from .models import Publication

PACKAGE = "datapackage.json"


def root() -> Path:
    return Path(str(settings.OPEN_DATA_ROOT))


def cell(value) -> object:
    """A value as the CSV writes it: ISO dates, true/false, empty for None."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def csv_bytes(fields: list[dict], rows: list[dict]) -> bytes:
    """UTF-8, comma-separated, a header of the schema's field names, every cell neutralised."""
    out = io.StringIO(newline="")
    writer = csv_writer(out, delimiter=",", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    names = [f["name"] for f in fields]
    writer.writerow(names)
    for row in rows:
        writer.writerow([cell(row[name]) for name in names])
    return out.getvalue().encode("utf-8")


def json_bytes(data) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n").encode("utf-8")


@dataclass
class Built:
    files: dict[str, bytes]
    resources: list[dict]
    checksum: str


def build(today: datetime.date) -> Built:
    """Every CSV and schema in memory, with their resources' descriptions (French: the data's
    language, whatever the language of whoever publishes)."""
    files: dict[str, bytes] = {}
    resources = []
    digest = hashlib.sha256()
    with translation.override("fr"):
        for dataset in datasets.DATASETS:
            schema = datasets.schema(dataset)
            rows = datasets.rows_of(dataset, today)
            data = csv_bytes(schema["fields"], rows)
            schema_data = json_bytes(schema)
            files[dataset.path] = data
            files[dataset.schema_path] = schema_data
            for name in (dataset.path, dataset.schema_path):
                digest.update(name.encode() + b"\0" + files[name] + b"\0")
            resources.append(
                {
                    "name": dataset.name.replace("_", "-"),
                    "path": dataset.path,
                    "schema": dataset.schema_path,
                    "title": str(dataset.title),
                    "description": str(dataset.description),
                    "bytes": len(data),
                    "rows": len(rows),
                    "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
                }
            )
    return Built(files, resources, digest.hexdigest())


def package(resources: list[dict], published_at: datetime.datetime) -> dict:
    """The datapackage.json of a publication (Frictionless Tabular Data Package)."""
    return {
        "profile": "tabular-data-package",
        "name": "brest-internet-pour-tous",
        "title": "Internet pour tous en habitat social – Brest",
        "description": (
            "Les quartiers du programme, leurs votes, leurs abonnements et l'accompagnement "
            "(ateliers, ordinateurs, aide à domicile, conseil juridique), sans aucune personne "
            f"ni aucun logement identifiable : tout nombre inférieur à "
            f"{datasets.threshold()} est masqué (secret statistique)."
        ),
        "licenses": [datasets.LICENCE],
        "sources": [{"title": datasets.SOURCE}],
        "created": published_at.isoformat(timespec="seconds"),
        "resources": [
            {
                "name": r["name"],
                "path": r["path"],
                "schema": r["schema"],
                "profile": "tabular-data-resource",
                "title": r["title"],
                "description": r["description"],
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "bytes": r["bytes"],
                "hash": r["hash"],
                "dialect": {"delimiter": ",", "header": True},
                "licenses": [datasets.LICENCE],
            }
            for r in resources
        ],
    }


def _write(directory: Path, files: dict[str, bytes]) -> None:
    directory.mkdir(parents=True)
    for name, data in files.items():
        path = directory / name
        with open(path, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())


def opendata_publish(*, by: User, today: datetime.date | None = None) -> Publication:
    """Compute every dataset and publish them, unless the latest publication holds the same
    figures (then it is returned as it is: publishing twice changes nothing).

    The files are written to a hidden directory, which is renamed into place once complete;
    only then is the publication recorded, so the page never shows a half-written one. Every
    publication's directory stays as it was published.
    """
    today = today or timezone.localdate()
    built = build(today)
    latest = Publication.objects.latest_first().first()
    if latest is not None and latest.checksum == built.checksum:
        return latest
    published_at = timezone.now()
    stamp = uuid.uuid4().hex
    name = f"{timezone.localtime(published_at):%Y%m%d-%H%M%S}-{stamp[:8]}"
    files = {**built.files, PACKAGE: json_bytes(package(built.resources, published_at))}
    staging = root() / f".en-cours-{stamp}"
    try:
        _write(staging, files)
        os.replace(staging, root() / name)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    with transaction.atomic():
        return Publication.objects.create(
            published_at=published_at,
            published_by=by,
            directory=name,
            checksum=built.checksum,
            resources=built.resources,
            package_bytes=len(files[PACKAGE]),
        )


def publication_file(publication: Publication, filename: str) -> Path | None:
    """The path of one of `publication`'s files, None for any other name (no path is built
    from what the visitor typed)."""
    if filename != PACKAGE and publication.resource(filename) is None:
        return None
    path = root() / publication.directory / filename
    return path if path.is_file() else None
