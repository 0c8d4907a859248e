"""Security log of logins, logouts and failures (who, from where): audit only, no business logic."""

import logging

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

security_log = logging.getLogger("brest_internet.security")


def _address(request):
    return request.META.get("REMOTE_ADDR", "?") if request is not None else "?"


@receiver(user_logged_in)
def log_login(sender, request, user, **kwargs):
    security_log.info("login user=%s addr=%s", user.pk, _address(request))


@receiver(user_logged_out)
def log_logout(sender, request, user, **kwargs):
    security_log.info("logout user=%s addr=%s", getattr(user, "pk", None), _address(request))


@receiver(user_login_failed)
def log_login_failed(sender, credentials, request=None, **kwargs):
    security_log.warning(
        "login failed username=%r addr=%s", credentials.get("username", ""), _address(request)
    )
