"""The open data: public pages and files, the same for every persona; GET only.

The publication is made when one of these rows needs it (not in `populate`, which every row of
the matrix runs): publishing computes every dataset.
"""

from . import NOT_ALLOWED, OK, Row, everyone


def published(world):
    """One publication of the world's figures, made once per world."""
    from brest_internet.opendata.services import opendata_publish

    if getattr(world, "publication", None) is None:
        world.publication = opendata_publish(by=None)
    return world.publication


ROWS = [
    Row(
        "opendata:index",
        get=everyone(OK),
        post=everyone(NOT_ALLOWED),
        kwargs=lambda w: published(w) and {},
    ),
    Row(
        "opendata:latest_file",
        get=everyone(OK),
        post=everyone(NOT_ALLOWED),
        kwargs=lambda w: published(w) and {"filename": "quartiers.csv"},
    ),
    Row(
        "opendata:file",
        get=everyone(OK),
        post=everyone(NOT_ALLOWED),
        kwargs=lambda w: {"pk": published(w).pk, "filename": "datapackage.json"},
    ),
]
