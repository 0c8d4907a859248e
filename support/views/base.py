"""What the support's views share: the rule a page asks first, and the pages of a list."""

from django.core.paginator import Paginator

from neighborhoods.access import rule_required as allowed  # noqa: F401 (the views' decorator)

PAGE_SIZE = 50


def page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def by_status(request, records, statuses) -> dict:
    """A list page's records of the status asked (`?statut=…`, one of `statuses`, else all),
    paginated, with what its filter shows."""
    status = request.GET.get("statut", "")
    if status in statuses.values:
        records = records.filter(status=status)
    return {"page": page(request, records), "status": status, "statuses": statuses.choices}
