"""Session lifetime: besides the idle timeout (SESSION_COOKIE_AGE refreshed at every request),
a session ends SESSION_MAX_HOURS after the login, however active it is.

The middleware also tells the page how long the session has left (`request.session_limits`),
so that it can warn SESSION_WARNING_SECONDS before the end (RGAA 13.1, see
templates/_session_warning.html and static/js/session-timeout.js).
"""

import logging
import math
import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.template.defaultfilters import floatformat

security_log = logging.getLogger("brest_internet.security")
STARTED_KEY = "_session_started_at"


def session_limits(request, now=None):
    """Seconds the logged-in session of `request` has left: `idle` before the idle timeout
    (counted from this request), `absolute` before SESSION_MAX_HOURS after the login; plus the
    warning's lead time and the maximum duration, for the page."""
    now = time.time() if now is None else now
    started = request.session.get(STARTED_KEY, now)
    return {
        "idle": request.session.get_expiry_age(),
        "absolute": max(0, int(started + settings.SESSION_MAX_HOURS * 3600 - now)),
        "warning": settings.SESSION_WARNING_SECONDS,
        # Shown as "12 heures", not "12,0 heures"; the plural is chosen on whole hours.
        "max_hours": floatformat(settings.SESSION_MAX_HOURS, "-1"),
        "max_hours_whole": math.ceil(settings.SESSION_MAX_HOURS),
    }


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
            request.session_limits = session_limits(request, now)
        return self.get_response(request)
