"""What the support's views share: the rule a page asks first, and the pages of a list."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator

from neighborhoods.access import refuse

PAGE_SIZE = 50


def allowed(rule):
    """Decorator for function views: `rule(request.user)` (one of `support.rules`) first.

    Anonymous visitors go to the login page; a user the rule refuses gets a 403, logged."""

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


def page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def by_status(request, records, statuses) -> dict:
    """A list page's records of the status asked (`?statut=…`, one of `statuses`, else all),
    paginated, with what its filter shows."""
    status = request.GET.get("statut", "")
    if status in statuses.values:
        records = records.filter(status=status)
    return {"page": page(request, records), "status": status, "statuses": statuses.choices}
