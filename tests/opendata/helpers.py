"""Reading a publication back as a re-user would: its CSV rows and its schemas."""

import csv
import io
import json

from brest_internet.opendata import services


def directory(publication):
    return services.root() / publication.directory


def rows(publication, name):
    text = (directory(publication) / f"{name}.csv").read_bytes().decode("utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def schema(publication, name):
    return json.loads((directory(publication) / f"{name}.schema.json").read_text("utf-8"))


def by(rows_, *keys):
    return {tuple(r[k] for k in keys) if len(keys) > 1 else r[keys[0]]: r for r in rows_}
