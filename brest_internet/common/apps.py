from django.apps import AppConfig


class CommonConfig(AppConfig):
    """The ground-floor kit, installed for its template tags (`{% load figures %}`,
    `{% load forms_a11y %}`); it has no table."""

    name = "brest_internet.common"
    label = "common"

    def ready(self):
        from django.db.backends.signals import connection_created

        from .sql import session_settings

        connection_created.connect(session_settings, dispatch_uid="common_session_settings")
