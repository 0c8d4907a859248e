"""Errors of the API as RFC 9457 problem details (application/problem+json), in French.

Every refusal, including the ones Django or DRF raise before a view runs, leaves as a problem:
`type`, `title`, `status`, `detail`, and `errors` for the fields of a refused body.
"""

from __future__ import annotations

import json
import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.negotiation import BaseContentNegotiation

logger = logging.getLogger(__name__)

PROBLEM_TYPE = "about:blank"
MEDIA_TYPE = "application/problem+json"


def titles():
    return {
        400: _("Requête invalide"),
        401: _("Authentification requise"),
        403: _("Accès refusé"),
        404: _("Introuvable"),
        405: _("Méthode non autorisée"),
        409: _("Conflit"),
        415: _("Type de contenu non pris en charge"),
        429: _("Trop de requêtes"),
        500: _("Erreur interne"),
    }


def problem_response(code: int, detail: str, *, errors=None, headers=None) -> HttpResponse:
    body = {
        "type": PROBLEM_TYPE,
        "title": titles().get(code, _("Erreur")),
        "status": code,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), status=code, content_type=MEDIA_TYPE
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _field_errors(data) -> dict[str, list[str]]:
    if isinstance(data, dict):
        return {
            str(key): [str(v) for v in (value if isinstance(value, list) else [value])]
            for key, value in data.items()
        }
    return {"non_field_errors": [str(v) for v in (data if isinstance(data, list) else [data])]}


def exception_handler(exc, context):
    """DRF's exception handler: every exception becomes a problem, none a server error."""
    if isinstance(exc, exceptions.NotFound):
        return problem_response(404, _("Cette ressource (ou cette page) n'existe pas."))
    if isinstance(exc, Http404):
        return problem_response(404, str(exc) or _("Cette ressource n'existe pas."))
    if isinstance(exc, PermissionDenied):
        return problem_response(403, _("Votre organisation n'a pas accès à cette ressource."))
    if isinstance(exc, exceptions.Throttled):
        wait = exc.wait or 1
        return problem_response(
            429,
            _("Trop de requêtes avec ce jeton : réessayez dans %(s)d s.") % {"s": round(wait)},
            headers={"Retry-After": str(max(round(wait), 1))},
        )
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        detail = exc.detail if isinstance(exc, exceptions.AuthenticationFailed) else None
        return problem_response(
            401,
            str(detail) if detail else _("Indiquez votre jeton : Authorization: Bearer <jeton>."),
            headers={"WWW-Authenticate": 'Bearer realm="api"'},
        )
    if isinstance(exc, exceptions.ValidationError):
        return problem_response(
            400, _("Certaines valeurs sont invalides."), errors=_field_errors(exc.detail)
        )
    if isinstance(exc, exceptions.ParseError):
        return problem_response(400, _("Le corps de la requête n'est pas un JSON valide."))
    if isinstance(exc, exceptions.MethodNotAllowed):
        return problem_response(
            405, _("La méthode %(m)s n'est pas acceptée ici.") % {"m": exc.args[0]}
        )
    if isinstance(exc, exceptions.APIException):
        code = exc.status_code
        if code == status.HTTP_403_FORBIDDEN:
            return problem_response(403, _("Votre organisation n'a pas accès à cette ressource."))
        if code == status.HTTP_409_CONFLICT:
            return problem_response(409, str(exc.detail))  # the service's French refusal
        if code == status.HTTP_415_UNSUPPORTED_MEDIA_TYPE:
            return problem_response(415, _("Envoyez le corps de la requête en JSON."))
        if code < 500:
            return problem_response(code if code in titles() else 400, _("Requête refusée."))
    # Anything else is a bug: logged with its trace, answered as a problem all the same.
    logger.exception("Unexpected error in the API", exc_info=exc)
    return problem_response(500, _("Une erreur inattendue s'est produite ; elle est signalée."))


class FirstRenderer(BaseContentNegotiation):
    """Answer in the view's format whatever the Accept header says (never a 406)."""

    def select_parser(self, request, parsers):
        for parser in parsers:
            if request.content_type.split(";")[0].strip() == parser.media_type:
                return parser
        return None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type
