"""The public open-data page and its files (no login: the data is open)."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from . import datasets, services
from .models import Publication

CONTENT_TYPES = {".csv": "text/csv; charset=utf-8", ".json": "application/json"}
# How many earlier publications the page lists (all are kept, and reachable by their address).
EARLIER_SHOWN = 10


@require_GET
def index(request):
    publications = list(Publication.objects.latest_first()[: EARLIER_SHOWN + 1])
    latest = publications[0] if publications else None
    described = {d.path: d for d in datasets.DATASETS}
    resources = [
        {**r, "dataset": described.get(r["path"])} for r in (latest.resources if latest else [])
    ]
    return render(
        request,
        "opendata/index.html",
        {
            "latest": latest,
            "resources": resources,
            "earlier": publications[1:],
            "licence": datasets.LICENCE,
            "threshold": datasets.threshold(),
            "datasets": datasets.DATASETS,
        },
    )


def _serve(publication: Publication, filename: str):
    path = services.publication_file(publication, filename)
    if path is None:
        raise Http404
    suffix = path.suffix
    response = FileResponse(
        open(path, "rb"),  # noqa: SIM115 (FileResponse closes it)
        as_attachment=suffix == ".csv",
        filename=filename,
        content_type=CONTENT_TYPES[suffix],
    )
    response["Access-Control-Allow-Origin"] = "*"  # open data: any site may read it
    return response


@require_GET
def latest_file(request, filename):
    publication = Publication.objects.latest_first().first()
    if publication is None:
        raise Http404
    return _serve(publication, filename)


@require_GET
def publication_file(request, pk, filename):
    return _serve(get_object_or_404(Publication, pk=pk), filename)
