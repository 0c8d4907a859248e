"""What the pages of the subscriptions app share: who may look, the scope, a kept file."""

from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404

from neighborhoods.access import rule_required as allowed  # noqa: F401 (the views' decorator)

from .. import exports, rules

PAGE_SIZE = 50


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
