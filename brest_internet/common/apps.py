from django.apps import AppConfig


class CommonConfig(AppConfig):
    """The ground-floor kit, installed for its template tags (`{% load figures %}`,
    `{% load forms_a11y %}`); it has no table."""

    name = "brest_internet.common"
    label = "common"
