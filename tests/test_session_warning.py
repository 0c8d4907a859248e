"""The session warning (RGAA 13.1), server side: every page of a logged-in user carries the
dialog and how long the session has left; "Rester connecté" posts to the keep-alive URL, which
restarts the idle timeout and never the absolute limit. (The dialog itself is driven in a
browser by tests/browser/test_shell.py.)"""

import datetime
import json
import time

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from brest_internet.common.sessions import REFRESHED_KEY, STARTED_KEY

KEEPALIVE = reverse("session_keepalive")


def data_attribute(html, name):
    start = html.index(f'{name}="') + len(name) + 2
    return html[start : html.index('"', start)]


def session_row(client):
    return Session.objects.get(session_key=client.session.session_key)


def set_started(client, seconds_ago):
    session = client.session
    session[STARTED_KEY] = time.time() - seconds_ago
    session.save()


def test_every_page_of_a_logged_in_user_carries_the_warning(coordinator, client_for, settings):
    settings.SESSION_MAX_HOURS = 12
    html = client_for(coordinator).get(reverse("sitemap")).content.decode()
    assert 'role="alertdialog"' in html
    assert "Rester connecté" in html
    assert data_attribute(html, "data-idle-seconds") == "1800"
    assert data_attribute(html, "data-warning-seconds") == "120"
    assert 43190 <= int(data_attribute(html, "data-absolute-seconds")) <= 43200
    assert "js/session-timeout.js" in html
    assert f'action="{KEEPALIVE}"' in html
    assert "csrfmiddlewaretoken" in html.split('id="session-warning"')[1]


@pytest.mark.parametrize("hours, shown", [(12.0, "au plus 12 heures"), (7.5, "au plus 7,5 heures")])
def test_the_maximum_duration_reads_as_people_write_it(
    coordinator, client_for, settings, hours, shown
):
    settings.SESSION_MAX_HOURS = hours  # SESSION_MAX_HOURS is read with env.float
    html = client_for(coordinator).get(reverse("sitemap")).content.decode()
    assert shown in html


def test_an_anonymous_page_has_no_warning(client, db):
    html = client.get(reverse("login")).content.decode()
    assert "session-warning" not in html
    assert "session-timeout.js" not in html


def test_the_absolute_limit_left_is_counted_from_the_login(coordinator, client_for):
    client = client_for(coordinator)
    client.get(reverse("sitemap"))
    set_started(client, 11 * 3600)
    html = client.get(reverse("sitemap")).content.decode()
    assert 3590 <= int(data_attribute(html, "data-absolute-seconds")) <= 3600


def test_staying_connected_restarts_the_idle_timeout(coordinator, client_for):
    client = client_for(coordinator)
    client.get(reverse("sitemap"))
    # Two minutes before the idle timeout.
    soon = timezone.now() + datetime.timedelta(minutes=2)
    Session.objects.filter(pk=client.session.session_key).update(expire_date=soon)
    response = client.post(KEEPALIVE)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    limits = json.loads(response.content)
    assert limits["idle_seconds"] == 1800
    assert session_row(client).expire_date > timezone.now() + datetime.timedelta(minutes=29)


def test_staying_connected_never_extends_the_absolute_limit(coordinator, client_for, settings):
    settings.SESSION_MAX_HOURS = 12
    client = client_for(coordinator)
    client.get(reverse("sitemap"))
    set_started(client, 12 * 3600 - 60)  # one minute left
    started = client.session[STARTED_KEY]
    limits = json.loads(client.post(KEEPALIVE).content)
    assert limits["absolute_seconds"] <= 60
    assert client.session[STARTED_KEY] == started
    # Past the limit, the keep-alive is answered by the login page, like any other page.
    set_started(client, 12 * 3600 + 1)
    response = client.post(KEEPALIVE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert client.get(reverse("sitemap")).context["user"].is_anonymous


def test_a_session_already_closed_is_not_reopened(coordinator, client_for):
    client = client_for(coordinator)
    client.get(reverse("sitemap"))
    gone = timezone.now() - datetime.timedelta(seconds=1)
    Session.objects.filter(pk=client.session.session_key).update(expire_date=gone)
    response = client.post(KEEPALIVE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_keepalive_needs_the_csrf_token(coordinator):
    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator, backend="django.contrib.auth.backends.ModelBackend")
    html = client.get(reverse("sitemap")).content.decode()
    assert client.post(KEEPALIVE).status_code == 403
    token = data_attribute(html.split('id="session-warning"')[1], "value")
    assert client.post(KEEPALIVE, {"csrfmiddlewaretoken": token}).status_code == 200


@pytest.mark.parametrize("method", ["get", "put"])
def test_the_keepalive_is_post_only(coordinator, client_for, method):
    assert getattr(client_for(coordinator), method)(KEEPALIVE).status_code == 405


def test_the_absolute_limit_leaves_room_for_ten_extensions(settings):
    """WCAG 2.2.1 "Extend", on which the self-assessment rests RGAA 13.1: the idle timeout can
    be extended at least ten times before the absolute limit (12 h = 24 × 30 min)."""
    assert settings.SESSION_MAX_HOURS * 3600 >= 10 * settings.SESSION_COOKIE_AGE
    assert settings.SESSION_WARNING_SECONDS >= 20  # time enough to answer


def set_refreshed(client, seconds_ago):
    session = client.session
    session[REFRESHED_KEY] = time.time() - seconds_ago
    session.save()
    # The row's expiry as that restart left it.
    expiry = timezone.now() + datetime.timedelta(seconds=1800 - seconds_ago)
    Session.objects.filter(pk=session.session_key).update(expire_date=expiry)
    return expiry


def test_pages_within_a_minute_of_the_last_restart_write_no_session(coordinator, client_for):
    client = client_for(coordinator)
    client.get(reverse("sitemap"))
    expiry = set_refreshed(client, 20)
    html = client.get(reverse("sitemap")).content.decode()
    assert session_row(client).expire_date == expiry
    # The page is told the time left since the last restart, not a fresh half hour.
    assert 1775 <= int(data_attribute(html, "data-idle-seconds")) <= 1780


def test_a_page_a_minute_after_the_last_restart_restarts_the_idle_timeout(coordinator, client_for):
    client = client_for(coordinator)
    client.get(reverse("sitemap"))
    set_refreshed(client, 61)
    html = client.get(reverse("sitemap")).content.decode()
    assert session_row(client).expire_date > timezone.now() + datetime.timedelta(minutes=29)
    assert data_attribute(html, "data-idle-seconds") == "1800"


def test_a_session_past_its_idle_timeout_is_over_whatever_its_last_restart(coordinator, client_for):
    client = client_for(coordinator)
    client.get(reverse("sitemap"))
    set_refreshed(client, 20)
    gone = timezone.now() - datetime.timedelta(seconds=1)
    Session.objects.filter(pk=client.session.session_key).update(expire_date=gone)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_first_page_after_a_login_writes_no_session(coordinator, client_for):
    """The login starts both limits (its session is written anyway): the next page has
    nothing to save."""
    client = Client()
    response = client.post(
        reverse("login"), {"username": coordinator.username, "password": "motdepasse-de-test"}
    )
    assert response.status_code == 302
    with CaptureQueriesContext(connection) as ctx:
        html = client.get(reverse("sitemap")).content.decode()
    session_table = Session._meta.db_table
    writes = [
        q["sql"]
        for q in ctx.captured_queries
        if session_table in q["sql"] and "SELECT" not in q["sql"]
    ]
    assert writes == []
    assert 1795 <= int(data_attribute(html, "data-idle-seconds")) <= 1800
    assert client.session[STARTED_KEY] == client.session[REFRESHED_KEY]
