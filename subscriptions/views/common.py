"""What the pages of the subscriptions app share: who may look, the scope, a kept file."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404

from neighborhoods import access

from .. import exports, rules

PAGE_SIZE = 50


def allowed(rule):
    """A view for the users `rule(user)` lets in (a rule of `subscriptions.rules`): a visitor
    goes to the login page, anyone else gets a 403, logged, as with `access.role_required`."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not rule(request.user):
                access.refuse(request)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def get_subscription_for_user(user, pk):
    return get_object_or_404(
        rules.subscriptions_for(user).select_related(
            "dwelling__neighbourhood", "household", "half_day", "requested_by"
        ),
        pk=pk,
    )


def _sent_file(stored, name):
    """The kept bytes of a file as sent, streamed, with their SHA-256 for the receiver."""
    response = StreamingHttpResponse(
        exports.thaw(stored.content), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Content-Length"] = str(stored.size)
    response["X-Content-SHA256"] = stored.sha256
    return response
