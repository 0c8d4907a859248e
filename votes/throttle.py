"""How many wrong codes one client typed on the ballot page in the last minute.

Counted in Django's cache under a keyed hash of the client's address (as django-axes sees it,
so that one setting says where addresses come from): the address itself is not stored, and
nothing is written when a code is right. See `BALLOT_CODE_TRIES_PER_MINUTE` in the settings.
"""

import hashlib
import hmac

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.core.cache import cache

WINDOW_SECONDS = 60


def _key(request) -> str:
    address = get_client_ip_address(request) or ""
    digest = hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256)
    return f"votes:ballot-code-tries:{digest.hexdigest()[:32]}"


def is_locked_out(request) -> bool:
    """True when this client typed the allowed number of wrong codes within the minute."""
    return cache.get(_key(request), 0) >= settings.BALLOT_CODE_TRIES_PER_MINUTE


def record_wrong_code(request) -> None:
    """One more wrong code for this client; the count ends a minute after its first one."""
    key = _key(request)
    if cache.add(key, 1, timeout=WINDOW_SECONDS):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired in between: this one starts a new minute
        cache.add(key, 1, timeout=WINDOW_SECONDS)
