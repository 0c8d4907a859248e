"""Authentication: strong passwords, lock-out per username and address, sessions that end,
a strict Content Security Policy, and a log of logins, failures and refusals."""

import datetime
import time

import pytest
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from brest_internet.common.sessions import STARTED_KEY
from neighborhoods.access import check_role

pytestmark = pytest.mark.django_db


def attempt(client, username, password, address="10.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_passwords_shorter_than_twelve_characters_are_refused():
    with pytest.raises(ValidationError) as excinfo:
        validate_password("Kerourien29")
    assert any("12" in message for message in excinfo.value.messages)
    validate_password("Kerourien-Brest-2014")


def test_repeated_failures_lock_out_that_username_from_that_address(coordinator):
    client = Client()
    for _ in range(4):
        assert attempt(client, coordinator.username, "mauvais").status_code == 200
    assert attempt(client, coordinator.username, "mauvais").status_code == 429  # the 5th
    locked = attempt(client, coordinator.username, "motdepasse-de-test")
    assert locked.status_code == 429
    assert "Trop de tentatives" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_lock_out_spares_colleagues_behind_the_same_office_address(coordinator, landlord_user):
    client = Client()
    for _ in range(5):
        attempt(client, coordinator.username, "mauvais")
    colleague = attempt(Client(), landlord_user.username, "motdepasse-de-test")
    assert colleague.status_code == 302
    from_elsewhere = attempt(Client(), coordinator.username, "motdepasse-de-test", "10.9.9.9")
    assert from_elsewhere.status_code == 302


def test_sessions_end_after_thirty_idle_minutes(settings, client_for, coordinator):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    client = client_for(coordinator)
    client.get(reverse("home"))
    row = Session.objects.get(pk=client.session.session_key)
    assert (
        timezone.now() + datetime.timedelta(minutes=29)
        < row.expire_date
        <= timezone.now() + datetime.timedelta(minutes=30)
    )


def test_a_session_ends_twelve_hours_after_login_however_active(client_for, coordinator):
    client = client_for(coordinator)
    assert client.get(reverse("home")).status_code == 200
    session = client.session
    session[STARTED_KEY] = time.time() - 12 * 3600 - 60
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert client.get(reverse("home")).status_code == 302


def test_pages_carry_a_content_security_policy_without_inline_script(client_for, coordinator):
    response = client_for(coordinator).get(reverse("home"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert "<script>" not in response.content.decode()


def test_logins_failures_and_refusals_are_logged(caplog, coordinator, centre_user):
    with caplog.at_level("INFO", logger="brest_internet.security"):
        attempt(Client(), coordinator.username, "mauvais")
        attempt(Client(), coordinator.username, "motdepasse-de-test", "10.0.0.2")
        request = RequestFactory().get("/quartiers/")
        request.user = centre_user
        with pytest.raises(PermissionDenied):
            check_role(request, ("coordinator",))
    text = caplog.text
    assert "login failed username='coordo'" in text
    assert f"login user={coordinator.pk}" in text
    assert f"access refused user={centre_user.pk} path=/quartiers/" in text
