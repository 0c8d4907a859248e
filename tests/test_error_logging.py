"""With DEBUG off, every server error is written with its traceback to stderr, and it goes to
Sentry only when SENTRY_DSN is set (without anything personal)."""

import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import path

import brest_internet.urls as root

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parent.parent


def explode(request):
    raise RuntimeError("le compteur de Kerourien a sauté")


# This module is the URLconf of the test below: the project's pages plus one that fails.
urlpatterns = [*root.urlpatterns, path("boum/", explode)]
handler500 = root.handler500


def test_a_server_error_is_logged_with_its_traceback_on_stderr(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = __name__
    handlers = [
        h
        for h in logging.getLogger("django.request").handlers
        if isinstance(h, logging.StreamHandler) and h.stream is sys.stderr
    ]
    assert handlers, "no handler writes django.request's errors to stderr"
    captured = io.StringIO()
    previous = handlers[0].setStream(captured)
    try:
        response = Client(raise_request_exception=False).get("/boum/")
    finally:
        handlers[0].setStream(previous)
    assert response.status_code == 500
    assert "L'équipe a été prévenue" in response.content.decode()
    log = captured.getvalue()
    assert "ERROR django.request Internal Server Error: /boum/" in log
    assert "Traceback (most recent call last)" in log
    assert "RuntimeError: le compteur de Kerourien a sauté" in log


def test_a_page_not_found_is_not_logged_as_an_error(settings):
    handler = logging.getLogger("django.request").handlers[0]
    captured = io.StringIO()
    previous = handler.setStream(captured)
    try:
        assert Client().get("/nulle-part/").status_code == 404
    finally:
        handler.setStream(previous)
    assert captured.getvalue() == ""


PROBE = """
import json, django
django.setup()
import sentry_sdk
client = sentry_sdk.get_client()
options = client.options if client.is_active() else {}
print(json.dumps({
    "active": client.is_active(),
    "dsn": options.get("dsn"),
    "send_default_pii": options.get("send_default_pii"),
    "max_request_body_size": options.get("max_request_body_size"),
    "include_local_variables": options.get("include_local_variables"),
    "django": "django" in getattr(client, "integrations", {}),
}))
"""


def _settings_in_a_new_process(**environ):
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("SENTRY_") and k != "DATABASE_URL"
    }
    env.update(
        DJANGO_SETTINGS_MODULE="brest_internet.settings", READ_DOT_ENV="0", TESTING="1", **environ
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", PROBE],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_sentry_is_off_without_a_dsn():
    assert _settings_in_a_new_process()["active"] is False


def test_sentry_reports_errors_without_personal_data_when_a_dsn_is_set():
    # An address nobody listens on: initialising sends nothing.
    dsn = "http://cle-publique@127.0.0.1:9/1"
    probe = _settings_in_a_new_process(SENTRY_DSN=dsn)
    assert probe == {
        "active": True,
        "dsn": dsn,
        "send_default_pii": False,
        "max_request_body_size": "never",
        "include_local_variables": False,
        "django": True,
    }
