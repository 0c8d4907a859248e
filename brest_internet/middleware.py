"""Session lifetime: besides the idle timeout (SESSION_COOKIE_AGE refreshed at every request),
a session ends SESSION_MAX_HOURS after the login, however active it is."""

import logging
import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login

security_log = logging.getLogger("brest_internet.security")
STARTED_KEY = "_session_started_at"


class AbsoluteSessionLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            started = request.session.setdefault(STARTED_KEY, now)
            if now - started > settings.SESSION_MAX_HOURS * 3600:
                security_log.info("session expired user=%s (absolute limit)", user.pk)
                logout(request)
                return redirect_to_login(request.get_full_path())
        return self.get_response(request)
