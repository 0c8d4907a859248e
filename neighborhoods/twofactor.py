"""Two-factor login (TOTP, django-otp) for the roles that reach personal data and money.

When `TWO_FACTOR_REQUIRED` is on, a coordinator or a landlord's staff member who logged in with
a password reaches no page but this one until they typed a code from their authenticator app:
the first time, they scan a QR code (an SVG drawn on the server: no script) and confirm it.
"""

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from .access import COORDINATOR, LANDLORD, role_required

ROLES = (COORDINATOR, LANDLORD)
# Pages a user who still owes a code may open: this one, logging out, static files.
OPEN_URL_NAMES = ("two_factor", "logout", "set_language", "health", "accessibility")


def required_for(user) -> bool:
    return (
        getattr(settings, "TWO_FACTOR_REQUIRED", False)
        and user.is_authenticated
        and user.has_role(*ROLES)
    )


class TwoFactorMiddleware:
    """After django_otp's OTPMiddleware: send an unverified user of ROLES to the code page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if required_for(user) and not user.is_verified():
            open_paths = {reverse(name) for name in OPEN_URL_NAMES}
            if request.path not in open_paths and not request.path.startswith(
                settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/static/"
            ):
                return redirect(f"{reverse('two_factor')}?next={request.get_full_path()}")
        return self.get_response(request)


class CodeForm(forms.Form):
    code = forms.RegexField(
        label=gettext_lazy("Code à 6 chiffres de votre application"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": gettext_lazy("Le code a 6 chiffres.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def qr_svg(device) -> str:
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    svg = image.to_string(encoding="unicode")
    # An inline SVG is an image for a screen reader: name it, and let the secret be read.
    return svg.replace("<svg ", '<svg role="img" aria-label="QR code" ', 1)


@role_required(*ROLES)
@require_http_methods(["GET", "POST"])
def two_factor(request):
    user = request.user
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        nxt = ""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    enrolling = device is None
    if enrolling:
        device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="TOTP", confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"].strip()):
            if enrolling:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            return redirect(nxt or "home")
        allowed, _details = device.verify_is_allowed()
        form.add_error(
            "code",
            _("Ce code n'est pas le bon (ou il a expiré) : réessayez.")
            if allowed
            else _("Trop d'essais manqués : attendez quelques secondes avant de réessayer."),
        )
    context = {"form": form, "enrolling": enrolling, "next": nxt}
    if enrolling:
        from base64 import b32encode

        context["qr"] = mark_safe(qr_svg(device))  # noqa: S308 (our own SVG, no user input)
        context["secret"] = b32encode(device.bin_key).decode()
    return render(request, "registration/two_factor.html", context)
