"""Two-factor login (TOTP) for coordinators and landlord staff, when the setting asks for it."""

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import PASSWORD


@pytest.fixture
def required(settings):
    settings.TWO_FACTOR_REQUIRED = True
    # django-otp slows down guessing after a wrong code; these tests type the right one next.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def login(user):
    client = Client()
    client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    return client


def code(device):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_off_by_default_in_tests_and_on_a_laptop(settings, coordinator):
    assert settings.TWO_FACTOR_REQUIRED is False
    assert login(coordinator).get(reverse("home")).status_code == 200


def test_a_coordinator_enrols_then_reaches_the_pages(required, coordinator):
    client = login(coordinator)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor"))
    page = client.get(response["Location"]).content.decode()
    assert "<svg" in page and "Clé" in page  # the QR code and the secret to type
    device = TOTPDevice.objects.get(user=coordinator, confirmed=False)

    wrong = client.post(
        reverse("two_factor"), {"code": "000000" if code(device) != "000000" else "111111"}
    )
    assert "pas le bon (ou il a expiré)" in wrong.content.decode()
    assert client.get(reverse("home")).status_code == 302

    done = client.post(reverse("two_factor"), {"code": code(device), "next": reverse("audit_log")})
    assert done["Location"] == reverse("audit_log")
    assert client.get(reverse("home")).status_code == 200
    device.refresh_from_db()
    assert device.confirmed


def test_an_enrolled_landlord_types_a_code_at_each_login(required, landlord_user):
    device = TOTPDevice.objects.create(user=landlord_user, name="TOTP", confirmed=True)
    client = login(landlord_user)
    assert client.get(reverse("home")).status_code == 302
    page = client.get(reverse("two_factor")).content.decode()
    assert "<svg" not in page  # no new secret shown to whoever holds the password
    client.post(reverse("two_factor"), {"code": code(device)})
    assert client.get(reverse("home")).status_code == 200


def test_wrong_codes_in_a_row_are_slowed_down(settings, required, landlord_user):
    settings.OTP_TOTP_THROTTLE_FACTOR = 1
    device = TOTPDevice.objects.create(user=landlord_user, name="TOTP", confirmed=True)
    client = login(landlord_user)
    wrong = "000000" if code(device) != "000000" else "111111"
    client.post(reverse("two_factor"), {"code": wrong})
    page = client.post(reverse("two_factor"), {"code": code(device)}).content.decode()
    assert "Trop d" in page
    assert client.get(reverse("home")).status_code == 302


def test_centre_staff_and_associations_are_not_asked(required, centre_user, association_user):
    assert login(centre_user).get(reverse("home")).status_code == 200
    assert login(association_user).get(reverse("home")).status_code == 200


def test_the_code_page_keeps_the_csp_without_inline_script(required, coordinator):
    response = login(coordinator).get(reverse("two_factor"))
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "<script>" not in response.content.decode()


def test_the_admin_never_shows_someone_elses_totp_secret(client_for, coordinator, landlord_user):
    from django.contrib import admin

    TOTPDevice.objects.create(user=landlord_user, name="TOTP", confirmed=True)
    assert not admin.site.is_registered(TOTPDevice)
    assert client_for(coordinator).get("/admin/otp_totp/totpdevice/").status_code == 404
