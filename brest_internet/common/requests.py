"""Requests in: a hostile value is refused with a clear page, never a server error.

`RequestLimitsMiddleware` answers before any view runs:

- 413 when the request announces a body larger than `REQUEST_MAX_BYTES` (the largest register
  file, plus a margin for the form around it). Django's `DATA_UPLOAD_MAX_MEMORY_SIZE` leaves
  file uploads out, so without this a client could make a worker read any size of body.
- 400 when the path, a query-string key or value, or a posted key or value holds a NUL byte.
  PostgreSQL refuses NUL in any text ("A string literal cannot contain NUL"), so a filter, a
  search or a slug carrying one would end in a server error; no person types one.
- A cookie holding a NUL byte (a quoted cookie may carry `\\000`) is dropped: a session cookie
  with one would otherwise be looked up in the database on every page. The visitor is then
  simply not logged in.

A body with more fields than `DATA_UPLOAD_MAX_NUMBER_FIELDS`, or more form data than
`DATA_UPLOAD_MAX_MEMORY_SIZE`, makes Django raise a `SuspiciousOperation`: `bad_request` (the
project's handler400) answers it with the same kind of page.
"""

import json
import logging
from importlib import import_module

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

security_log = logging.getLogger("brest_internet.security")

NUL = "\x00"


def _declared_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0  # as Django reads it: an unreadable length is an empty body


def _holds_nul(data) -> bool:
    return any(NUL in key or any(NUL in value for value in values) for key, values in data.lists())


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.0f}"


def refusal(request, *, status: int, title: str, reason: str):
    """A refusal page in the user's language, with what happened and what to do; for the
    partners' API (settings.API_PATH_PREFIX), the same words as RFC 9457 problem details, the
    only kind of answer its schema documents."""
    if request.path.startswith(getattr(settings, "API_PATH_PREFIX", "/api/")):
        body = {"type": "about:blank", "title": str(title), "status": status, "detail": str(reason)}
        return HttpResponse(
            json.dumps(body, ensure_ascii=False),
            status=status,
            content_type="application/problem+json",
        )
    return render(request, "errors/refused.html", {"title": title, "reason": reason}, status=status)


def too_large(request):
    return refusal(
        request,
        status=413,
        title=_("Envoi trop volumineux"),
        reason=_(
            "Ce que vous avez envoyé dépasse %(max)s Mo : rien n'a été enregistré. Pour un "
            "registre, découpez le fichier par quartier."
        )
        % {"max": _megabytes(settings.REQUEST_MAX_BYTES)},
    )


def bad_request(request, exception=None):
    """The project's handler400: a malformed or oversized form, in words a user reads."""
    if isinstance(exception, RequestDataTooBig | TooManyFieldsSent):
        return refusal(
            request,
            status=400,
            title=_("Formulaire trop volumineux"),
            reason=_(
                "Le formulaire envoyé contient trop de données : rien n'a été enregistré. "
                "Revenez en arrière et envoyez-le en plusieurs fois."
            ),
        )
    return refusal(
        request,
        status=400,
        title=_("Requête refusée"),
        reason=_(
            "Cette adresse ou ce formulaire contient un caractère non autorisé : rien n'a été "
            "enregistré. Revenez en arrière et saisissez le texte à nouveau."
        ),
    )


class RequestLimitsMiddleware:
    """Refuses an oversized body (413) and a NUL byte in the path, the query string or the
    posted form (400), before any view or query sees them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        hostile = [name for name, value in request.COOKIES.items() if NUL in name + value]
        for name in hostile:
            del request.COOKIES[name]
        if settings.SESSION_COOKIE_NAME in hostile:
            # The session is read lazily: replacing it here is before anything has read it.
            request.session = import_module(settings.SESSION_ENGINE).SessionStore()
        length = _declared_length(request)
        if length > settings.REQUEST_MAX_BYTES:
            security_log.info("request refused: body of %d bytes on %s", length, request.path)
            return too_large(request)
        # Reading request.POST may raise RequestDataTooBig or TooManyFieldsSent: Django turns
        # them into a 400 answered by `bad_request`.
        if (
            NUL in request.path
            or _holds_nul(request.GET)
            or (request.method == "POST" and _holds_nul(request.POST))
        ):
            security_log.info("request refused: NUL byte on %s", request.path)
            return bad_request(request)
        return self.get_response(request)
