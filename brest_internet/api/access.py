"""Who calls the API: a partner's token, its organisation's kind, its rate.

The API is token-only: a browser's session (a person logged in to the pages) gives no access,
so no page's data leaves through the API without a partner's token.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions, throttling

from neighborhoods.models import Organisation

from . import services

SCHEMES = ("bearer", "token")


class PartnerTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer <jeton>` (or `Token <jeton>`, as DRF's TokenAuthentication).

    The user of the request is the organisation's service account; `request.auth` the token.
    """

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode("latin-1").lower() not in SCHEMES:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("En-tête Authorization mal formé : Authorization: Bearer <jeton>.")
            )
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError:
            raw = ""
        token = services.token_for_secret(raw)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Jeton inconnu ou révoqué."))
        return token.account, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class PartnerTokenScheme(OpenApiAuthenticationExtension):
    target_class = PartnerTokenAuthentication
    name = "jeton"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": _(
                "Jeton de l'organisation partenaire, créé par la coordination : "
                "Authorization: Bearer bi_… (ou Authorization: Token bi_…)."
            ),
        }


class PartnerKind(permissions.BasePermission):
    """A token of one of the view's `partner_kinds` (403 for another partner's token)."""

    message = ""

    def has_permission(self, request, view):
        token = request.auth
        if token is None:
            raise exceptions.NotAuthenticated()
        kinds = getattr(view, "partner_kinds", ())
        return token.organisation.kind in kinds


class TokenRateThrottle(throttling.SimpleRateThrottle):
    """API_RATE calls per token (e.g. "120/min"), counted in the configured cache."""

    scope = "partner_token"

    def get_rate(self):
        return settings.API_RATE

    def get_cache_key(self, request, view):
        if request.auth is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


def organisation_of(request) -> Organisation:
    return request.auth.organisation
