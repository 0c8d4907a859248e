from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammeConfig(AppConfig):
    """The programme level: dashboard, reviews, audit journal, data protection, security log.

    Its label stays "brest_internet" (the app's name before it had a room of its own), so that
    its tables, migrations and content types stay where they are.
    """

    name = "brest_internet.programme"
    label = "brest_internet"
    verbose_name = _("Pilotage du programme")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from brest_internet.common.sessions import restart_on_login

        from . import signals  # noqa: F401

        user_logged_in.connect(restart_on_login, dispatch_uid="session_restart_on_login")
