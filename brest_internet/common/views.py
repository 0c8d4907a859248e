"""What every action view does around its service: run it, tell the person, go back.

A view fetches its object within the user's scope and checks its form; then
`report(request, action, success)` runs the service call: a `Refusal` becomes an error message
(its own, already translated), anything else is left to fail loudly, and success shows
`success`. Views that redirect whatever happened use `report_and_redirect`.
"""

from collections.abc import Callable

from django.contrib import messages
from django.shortcuts import redirect

from .errors import Refusal


def report(request, action: Callable[[], object], success) -> bool:
    """Run `action()`; show its refusal, or `success`, as a message. True when it ran."""
    try:
        action()
    except Refusal as refusal:
        messages.error(request, str(refusal))
        return False
    messages.success(request, success)
    return True


def report_and_redirect(request, action: Callable[[], object], success, to):
    """`report`, then back to `to` (an object with get_absolute_url, a URL or a URL name)."""
    report(request, action, success)
    return redirect(to)


def form_errors_as_messages(request, form) -> None:
    """A small action form (a button with a field or two) posted from another page shows its
    errors as messages there, since the form itself is not on the page it returns to."""
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
