from django.apps import AppConfig


class BrestInternetConfig(AppConfig):
    """The project package as an app, so that its signal receivers (security log) are loaded."""

    name = "brest_internet"
    verbose_name = "Internet pour tous"

    def ready(self):
        from . import signals  # noqa: F401
