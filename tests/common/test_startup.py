"""A web process settles once started: its start-up objects are out of the collector's reach."""

import gc
import importlib


def test_the_wsgi_module_freezes_what_startup_built():
    import brest_internet.wsgi as wsgi

    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    try:
        importlib.reload(wsgi)
        # Django, the apps, their views and admin: far more than a bare interpreter holds.
        assert gc.get_freeze_count() > 100_000
        assert callable(wsgi.application)
    finally:
        gc.unfreeze()
