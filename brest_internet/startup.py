"""What a web process does once, after Django is set up and before its first request.

Every view module is imported (the URLconf resolved), then what start-up built (some 300 000
objects: modules, classes, compiled patterns) is moved out of the cyclic garbage collector's
reach (`gc.freeze`): none of it is ever freed, and a full collection otherwise walks it all, a
pause of 20–30 ms that fell on one request in ten (the pages' p95). Requests' own garbage is
collected as before. Called by `wsgi.py` (each gunicorn worker imports it after the fork) and by
the benchmark before it times the pages, so that it measures what the servers run.
"""

import gc

from django.urls import get_resolver


def settle() -> None:
    get_resolver().url_patterns  # noqa: B018 — imports every app's views and admin
    gc.collect()
    gc.freeze()
