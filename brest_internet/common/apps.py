from django.apps import AppConfig


class CommonConfig(AppConfig):
    """The ground-floor kit, installed for its template tags (`{% load figures %}`,
    `{% load forms_a11y %}`), the settings of every database connection and the version of the
    figures its cache keeps (its one table, `FiguresVersion`)."""

    name = "brest_internet.common"
    label = "common"

    def ready(self):
        from django.core.signals import request_finished, request_started
        from django.db import connections
        from django.db.backends.signals import connection_created

        from . import figures_cache
        from .sql import session_settings

        connection_created.connect(session_settings, dispatch_uid="common_session_settings")
        # Every write of the programme's data makes the kept figures stale (figures_cache).
        connection_created.connect(figures_cache.install, dispatch_uid="figures_cache_watch")
        for connection in connections.all(initialized_only=True):
            figures_cache.install(connection)
        # The version is read once per request (figures_cache.current).
        request_started.connect(figures_cache.request_started, dispatch_uid="figures_request")
        request_finished.connect(figures_cache.request_finished, dispatch_uid="figures_done")
