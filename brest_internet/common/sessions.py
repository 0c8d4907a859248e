"""Session lifetime: besides the idle timeout (SESSION_COOKIE_AGE after the last request), a
session ends SESSION_MAX_HOURS after the login, however active it is.

The idle timeout is restarted by writing the session (its row's expiry moves on), but not at
every request: only when the last restart is older than `refresh_seconds()` (a minute with the
thirty-minute timeout). A user clicking through pages no longer costs an UPDATE and a COMMIT
per page, and the session ends between 29 and 30 minutes after the last request; the time left
that the page is told is counted from the last restart, so its warning stays exact.

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
REFRESHED_KEY = "_session_refreshed_at"


def refresh_seconds() -> int:
    """How old the last restart of the idle timeout may be before a request restarts it:
    a thirtieth of the timeout, at most a minute (every request when the timeout is short)."""
    return min(60, settings.SESSION_COOKIE_AGE // 30)


def restart_idle_timeout(request, now=None) -> None:
    """Restart the idle timeout of the request's session: it is saved with the response."""
    request.session[REFRESHED_KEY] = time.time() if now is None else now


def restart_on_login(sender, request, user, **kwargs):
    """A login starts both limits (its session is saved by the login anyway): the absolute
    one counts from it, and the first page after it has nothing to write."""
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[STARTED_KEY] = now
        restart_idle_timeout(request, now)


def session_limits(request, now=None):
    """Seconds the logged-in session of `request` has left: `idle` before the idle timeout
    (counted from its last restart), `absolute` before SESSION_MAX_HOURS after the login; plus the
    warning's lead time and the maximum duration, for the page."""
    now = time.time() if now is None else now
    started = request.session.get(STARTED_KEY, now)
    return {
        "idle": max(
            0,
            round(request.session.get(REFRESHED_KEY, now) + settings.SESSION_COOKIE_AGE - now),
        ),
        "absolute": max(0, int(started + settings.SESSION_MAX_HOURS * 3600 - now)),
        "warning": settings.SESSION_WARNING_SECONDS,
        # Shown as "12 heures", not "12,0 heures"; the plural is chosen on whole hours.
        "max_hours": floatformat(settings.SESSION_MAX_HOURS, "-1"),
        "max_hours_whole": math.ceil(settings.SESSION_MAX_HOURS),
    }


class AbsoluteSessionLimitMiddleware:
    """The absolute limit, and the idle timeout's restart when the last one is old enough
    (for any session that holds something: a visitor's too, as SESSION_SAVE_EVERY_REQUEST
    did)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        now = time.time()
        session = getattr(request, "session", None)
        if session is not None and session.keys():
            refreshed = session.get(REFRESHED_KEY)
            if refreshed is None or now - refreshed >= refresh_seconds():
                restart_idle_timeout(request, now)
        if user is not None and user.is_authenticated:
            started = request.session.setdefault(STARTED_KEY, now)
            if now - started > settings.SESSION_MAX_HOURS * 3600:
                security_log.info("session expired user=%s (absolute limit)", user.pk)
                logout(request)
                return redirect_to_login(request.get_full_path())
            request.session_limits = session_limits(request, now)
        return self.get_response(request)
