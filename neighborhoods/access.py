"""Access checks shared by every view: the role first, then the scope of the object.

Anonymous visitors are sent to the login page; a logged-in user without the role gets a 403,
and the refusal is logged (who, which page), as the security review asks.

The roles are `User.Role`'s: `COORDINATOR`, `LANDLORD`, `CENTRE`, `ASSOCIATION` and `ALL_ROLES`
below are only aliases of its members, kept for the views that name them in `role_required`.
"""

import logging
from functools import wraps

from django.contrib.auth.mixins import AccessMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from .models import User

security_log = logging.getLogger("brest_internet.security")

# Aliases of `User.Role`'s members (the one source of the roles), for `role_required(...)`.
COORDINATOR = User.Role.COORDINATOR
LANDLORD = User.Role.LANDLORD
CENTRE = User.Role.CENTRE
ASSOCIATION = User.Role.ASSOCIATION
ALL_ROLES = tuple(User.Role)


def refuse(request, reason="role"):
    security_log.warning(
        "access refused user=%s path=%s reason=%s", request.user.pk, request.path, reason
    )
    raise PermissionDenied


def check_role(request, roles):
    """Return None when `request.user` holds one of `roles`; else a redirect or a 403."""
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not user.has_role(*roles):
        refuse(request)
    return None


def role_required(*roles):
    """Decorator for function views: the user must hold one of `roles`."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            refused = check_role(request, roles)
            if refused is not None:
                return refused
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


class RoleRequiredMixin(AccessMixin):
    """For class views: set `roles` to the roles allowed in."""

    roles: tuple[str, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        refused = check_role(request, self.roles)
        if refused is not None:
            return refused
        return super().dispatch(request, *args, **kwargs)


def rule_required(rule):
    """Decorator for function views: `rule(request.user)` (one of an app's `rules.can_*`) lets
    the user in. Anonymous visitors go to the login page; a user the rule refuses gets a 403,
    logged, as with `role_required`."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not rule(request.user):
                refuse(request)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
