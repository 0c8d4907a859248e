"""Tokens of the partners' API: made, revoked, checked; the call log kept and purged.

A token is `bi_<prefix>_<secret>`: the prefix (8 hex characters) is kept to recognise it in
the admin, the secret (32 random bytes) only as the SHA-256 of the whole token. The token is
returned once, by `token_create`; nobody can read it again.
"""

from __future__ import annotations

import datetime
import hashlib
import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from neighborhoods.models import Organisation, User

from .models import PARTNER_KINDS, ApiCall, ApiToken

TOKEN_RE = re.compile(r"^bi_([0-9a-f]{8})_[A-Za-z0-9_-]{43}$")
# The last use is written at most this often: one UPDATE per call would serialise a busy
# partner's calls on its token's row.
LAST_USE_PRECISION = datetime.timedelta(minutes=1)


class TokenError(Exception):
    """A token operation refused; str() is a French message."""


@dataclass
class NewToken:
    token: ApiToken
    secret: str  # the whole token, shown once


def digest_of(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def service_account_for(organisation: Organisation) -> User:
    """The account that stands for `organisation`'s system in the history of what it changes.

    An activation recorded through the API is then shown on the subscription's page as done by
    "Numericable-API": the operator, not a person of the coordination. The account has no role
    (so no page and no scope), is inactive and has no usable password: nobody logs in with it.
    It belongs to the organisation (the constraint on users allows that without a role).
    """
    base = re.sub(r"[^\w.@+-]+", "-", organisation.short_name or organisation.name).strip("-")
    username = f"{base[:130]}-API"
    account = User.objects.filter(organisation=organisation, role="", username=username).first()
    if account is not None:
        return account
    if User.objects.filter(username=username).exists():
        username = f"{base[:120]}-{organisation.pk}-API"
    account = User(username=username, organisation=organisation, role="", is_active=False)
    account.last_name = str(organisation)
    account.set_unusable_password()
    account.save()
    return account


def token_create(*, organisation: Organisation, by: User) -> NewToken:
    """Make the organisation's token; refused when it is no partner or already has one."""
    if organisation.kind not in PARTNER_KINDS:
        raise TokenError(
            _(
                "%(org)s n'est pas un partenaire de l'API : seuls le bailleur, l'opérateur et "
                "la ville en ont un."
            )
            % {"org": organisation}
        )
    with transaction.atomic():
        # Serialise the token changes of one organisation: the check below sees the other's.
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        if ApiToken.objects.active().filter(organisation=organisation).exists():
            raise TokenError(
                _("%(org)s a déjà un jeton en vigueur : révoquez-le avant d'en créer un autre.")
                % {"org": organisation}
            )
        prefix = secrets.token_hex(4)
        raw = f"bi_{prefix}_{secrets.token_urlsafe(32)}"
        try:
            with transaction.atomic():
                token = ApiToken.objects.create(
                    organisation=organisation,
                    account=service_account_for(organisation),
                    prefix=prefix,
                    digest=digest_of(raw),
                    created_by=by,
                )
        except IntegrityError as exc:  # the partial unique index, or a prefix drawn twice
            raise TokenError(_("Le jeton n'a pas pu être créé : réessayez.")) from exc
    return NewToken(token=token, secret=raw)


def token_revoke(*, token: ApiToken, by: User) -> ApiToken:
    """Revoke a token (no-op when already revoked): every later call with it gets 401."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is not None:
            return token
        token.revoked_at = timezone.now()
        token.revoked_by = by
        token.save(update_fields=["revoked_at", "revoked_by"])
        return token


def token_for_secret(raw: str) -> ApiToken | None:
    """The token in force whose secret is `raw`, with its organisation; None otherwise."""
    if not TOKEN_RE.match(raw or ""):
        return None
    token = (
        ApiToken.objects.active()
        .select_related("organisation", "account")
        .filter(digest=digest_of(raw))
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USE_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def api_call_record(
    *, token: ApiToken | None, method: str, route: str, status: int, duration_ms: int
) -> ApiCall:
    return ApiCall.objects.create(
        token=token,
        organisation_id=token.organisation_id if token else None,
        method=method[:10],
        route=route[:200],
        status=status,
        duration_ms=max(duration_ms, 0),
    )


def api_calls_purge(*, months: int | None = None, now: datetime.datetime | None = None) -> int:
    """Delete the calls older than the retention period; returns how many."""
    months = settings.API_CALL_RETENTION_MONTHS if months is None else months
    limit = (now or timezone.now()) - datetime.timedelta(days=round(months * 30.44))
    # A set-based delete: a row's own delete() refuses (nobody removes one by hand).
    deleted, _by_model = ApiCall.objects.filter(at__lt=limit).delete()
    return deleted
