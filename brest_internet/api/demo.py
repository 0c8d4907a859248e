"""Demo of the partners' API: one token for the landlord (Bmh), the operator and the city.

A token's secret is kept nowhere, so the demo derives each one from the demo password: every
load finds the same tokens and `load_brest_demo` can print them beside the demo logins.
"""

import base64
import hashlib
import hmac

from django.utils.translation import gettext as _

from neighborhoods.models import User

from . import services
from .models import ApiToken

PARTNERS = ("landlord", "operator", "city")


def demo_secret(password: str, key: str) -> tuple[str, str]:
    """(prefix, token) of the demo token of partner `key`, the same at every load."""
    digest = hmac.new(password.encode(), f"api-demo-{key}".encode(), hashlib.sha256).digest()
    prefix = digest[:4].hex()
    body = hashlib.sha256(digest).digest()
    secret = base64.urlsafe_b64encode(body).decode().rstrip("=")
    return prefix, f"bi_{prefix}_{secret}"


def load(ctx):
    orgs = ctx.objects.get("organisations", {})
    tokens = []
    for key in PARTNERS:
        org = orgs.get(key)
        if org is None:
            continue
        prefix, raw = demo_secret(ctx.password, key)
        token = ApiToken.objects.active().filter(organisation=org).first()
        if token is None or token.digest != services.digest_of(raw):
            if token is not None:  # made with another demo password: replaced
                services.token_revoke(token=token, by=User.objects.system())
            ApiToken.objects.create(
                organisation=org,
                account=services.service_account_for(org),
                prefix=prefix,
                digest=services.digest_of(raw),
            )
        tokens.append((str(org), raw))
    ctx.objects["demo_api_tokens"] = tokens
    ctx.progress(_("%(n)d jetons d'API de partenaires") % {"n": len(tokens)})
