"""WSGI entry point, served by gunicorn in production."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "brest_internet.settings")

application = get_wsgi_application()

from brest_internet.startup import settle  # noqa: E402 — once Django is set up

settle()
